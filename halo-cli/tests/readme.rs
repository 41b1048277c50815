//! The README's CLI examples are real runs: each `console` block after a
//! `<!-- halo-cli/tests/readme.rs -->` line is run here, command by command,
//! against a stand-in for Halo, and its text must be what `halo` printed
//! (stdout, then stderr).
//!
//! What the test changes, and only this: stdout is not a terminal here, so
//! `HALO_OUTPUT=table` stands for one (a terminal's default for lists);
//! the stand-in's address is written as `https://acme.halopsa.com`; and the
//! clock's skew (seconds, machine-dependent) as 0.

use httpmock::prelude::*;
use serde_json::json;
use std::process::Command;

fn stand_in() -> MockServer {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(POST).path("/auth/token").query_param("tenant", "acme");
        then.status(200).json_body(json!({"access_token": "t", "expires_in": 3600}));
    });
    server.mock(|when, then| {
        when.method(GET).path("/api/Tickets").query_param("client_id", "3").query_param("page_no", "1");
        then.status(200).json_body(json!({"record_count": 3, "tickets": [
            {"id": 1041, "summary": "Printer on fire", "client_name": "Acme", "status_id": 2, "agent_id": 4,
             "last_update": "2025-04-01T09:12:00"},
            {"id": 1042, "summary": "VPN drops every hour, \"again\"", "client_name": "Acme", "status_id": 1,
             "agent_id": null, "last_update": "2025-04-02T10:30:00"},
            {"id": 1043, "summary": "New starter: laptop", "client_name": "Acme", "status_id": 1, "agent_id": 7,
             "last_update": "2025-04-02T11:05:00"}
        ]}));
    });
    server.mock(|when, then| {
        when.method(DELETE).path_matches(r"^/api/Tickets/104[12]$");
        then.status(200);
    });
    server.mock(|when, then| {
        when.method(GET).path("/api/Agent/me");
        then.status(200).json_body(json!({"id": 12, "name": "API Agent", "email": "api@acme.example"}));
    });
    for (path, key, n) in [("/api/Client", "clients", 48), ("/api/Team", "teams", 6), ("/api/Agent", "agents", 14)] {
        server.mock(|when, then| {
            when.method(GET).path(path).query_param("page_size", "1");
            then.status(200).json_body(json!({"record_count": n, key: [{"id": 1}]}));
        });
    }
    server.mock(|when, then| {
        when.method(GET).path("/api/Tickets").query_param("page_size", "1");
        then.status(403).json_body(json!({"message": "You do not have permission to view tickets"}));
    });
    server
}

fn run(server: &MockServer, args: &[&str]) -> String {
    let mut c = Command::new(env!("CARGO_BIN_EXE_halo"));
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("HALO_") || k == "RUST_LOG") {
        c.env_remove(k);
    }
    c.env("HALO_HOST", server.base_url())
        .env("HALO_TENANT", "acme")
        .env("HALO_CLIENT_ID", "cli")
        .env("HALO_CLIENT_SECRET", "cli-secret")
        .env("HALO_OUTPUT", "table")
        .args(args);
    let out = c.output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap();
    let text = text.replace(&server.base_url(), "https://acme.halopsa.com");
    text.lines()
        .map(|l| match l.split_once("clock: this machine's clock is ") {
            Some((head, rest)) => {
                let tail = rest.split_once("s ").map(|(_, t)| t).unwrap_or(rest);
                format!("{head}clock: this machine's clock is 0s {tail}")
            }
            None => l.to_string(),
        })
        .map(|l| l + "\n")
        .collect()
}

#[test]
fn the_readmes_cli_examples_are_what_halo_prints() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let marker = "<!-- halo-cli/tests/readme.rs -->\n```console\n";
    let server = stand_in();
    let mut checked = 0;
    for block in readme.split(marker).skip(1) {
        let block = &block[..block.find("```\n").expect("a closed block")];
        let mut commands: Vec<(&str, String)> = Vec::new();
        for line in block.lines() {
            match line.strip_prefix("$ ") {
                Some(cmd) => commands.push((cmd, String::new())),
                None => commands.last_mut().expect("a block starts with a command").1.push_str(&format!("{line}\n")),
            }
        }
        for (cmd, shown) in commands {
            let args: Vec<&str> = cmd.split_whitespace().collect();
            assert_eq!(args[0], "halo", "{cmd}");
            assert_eq!(run(&server, &args[1..]), shown, "README: `{cmd}`");
            checked += 1;
        }
    }
    assert!(checked >= 5, "the README's CLI section shows its examples ({checked} found)");
}
