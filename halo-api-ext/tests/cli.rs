//! The `halo` binary: data on stdout, exit codes 0 / 1 / 2.

use httpmock::prelude::*;
use serde_json::json;
use std::process::Command;

fn halo(server: &MockServer) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_halo"));
    for k in [
        "HALO_HOST",
        "HALO_CLIENT_ID",
        "HALO_TENANT",
        "HALO_AUTH_HOST",
        "HALO_CLIENT_SECRET",
        "HALO_ON_PREM",
        "HALO_SCOPE",
        "HALO_RATE_LIMIT",
    ] {
        c.env_remove(k);
    }
    c.env("HALO_HOST", server.base_url())
        .env("HALO_CLIENT_ID", "cli")
        .env("HALO_TENANT", "acme")
        .env("HALO_CLIENT_SECRET", "cli-secret");
    c
}

fn token(server: &MockServer) {
    server.mock(|when, then| {
        when.method(POST).path("/auth/token").query_param("tenant", "acme").form_urlencoded_tuple("client_id", "cli");
        then.status(200).json_body(json!({"access_token": "t", "expires_in": 3600}));
    });
}

#[test]
fn list_prints_one_record_per_line() {
    let server = MockServer::start();
    token(&server);
    let m = server.mock(|when, then| {
        when.method(GET)
            .path("/api/KBArticle")
            .query_param("search", "vpn")
            .query_param("page_size", "2")
            .header("authorization", "Bearer t");
        then.status(200)
            .json_body(json!({"record_count": 3, "articles": [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}]}));
    });
    let out = halo(&server)
        .args(["list", "kb-articles", "--query", "search=vpn", "--page-size", "2", "--max", "2"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        out.stderr.is_empty(),
        "no progress when stderr is not a terminal: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines, [json!({"id": 1, "name": "a"}), json!({"id": 2, "name": "b"})]);
    m.assert_calls(1);
}

#[test]
fn request_get_and_exit_codes() {
    let server = MockServer::start();
    token(&server);
    server.mock(|when, then| {
        when.method(GET).path("/api/Tickets/11");
        then.status(200).json_body(json!({"id": 11}));
    });
    server.mock(|when, then| {
        when.method(GET).path("/api/Tickets/12");
        then.status(500).body("boom");
    });
    let out = halo(&server).args(["request", "GET", "/Tickets/11"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap(), json!({"id": 11}));

    let out = halo(&server).args(["get", "tickets", "12"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "an API error");
    assert!(String::from_utf8_lossy(&out.stderr).contains("500"));
    assert!(out.stdout.is_empty(), "nothing but data on stdout");

    let out = halo(&server).args(["list", "widgets"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "bad usage");
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown resource `widgets`"));

    let out = halo(&server).env_remove("HALO_TENANT").args(["get", "tickets", "11"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "bad config");
    assert!(String::from_utf8_lossy(&out.stderr).contains("tenant"));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("cli-secret"));
}

#[test]
fn a_malformed_rate_limit_is_bad_config_naming_the_setting() {
    let server = MockServer::start();
    for (how, expect) in [("--rate-limit", "--rate-limit"), ("HALO_RATE_LIMIT", "HALO_RATE_LIMIT")] {
        let mut c = halo(&server);
        if how == "HALO_RATE_LIMIT" {
            c.env("HALO_RATE_LIMIT", "fast").args(["get", "tickets", "1"]);
        } else {
            c.args(["--rate-limit", "fast", "get", "tickets", "1"]);
        }
        let out = c.output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{how}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expect) && err.contains("REQUESTS/SECONDS"), "{err}");
    }
}

#[test]
fn rate_limit_off_and_a_window_are_accepted() {
    let server = MockServer::start();
    token(&server);
    let m = server.mock(|when, then| {
        when.method(GET).path("/api/Tickets/11");
        then.status(200).json_body(json!({"id": 11}));
    });
    for limit in ["off", "40/8"] {
        let out = halo(&server).args(["--rate-limit", limit, "get", "tickets", "11"]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{limit}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(out.stderr.is_empty(), "no progress output when stderr is not a terminal");
    }
    m.assert_calls(2);
}

#[test]
fn watch_prints_each_change_once_and_exits_0_on_ctrl_c() {
    use std::io::BufRead;
    use std::sync::mpsc;
    use std::time::Duration;
    let server = MockServer::start();
    token(&server);
    let answer = |rows: serde_json::Value| {
        let n = rows.as_array().map_or(0, Vec::len);
        server.mock(move |when, then| {
            when.method(GET)
                .path("/api/Tickets")
                .query_param("datesearch", "last_update")
                .query_param("startdate", "2025-03-31T10:00:00")
                .query_param("order", "last_update")
                .query_param("orderdesc", "true")
                .header("authorization", "Bearer t");
            then.status(200).json_body(json!({"record_count": n, "tickets": rows}));
        })
    };
    let mut first = answer(
        json!([{"id": 1, "last_update": "2025-04-01T10:00:05Z"}, {"id": 9, "last_update": "2025-03-01T00:00:00Z"}]),
    );
    let dir = std::env::temp_dir().join(format!("halo-watch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cursor = dir.join("cursor.json");
    let _ = std::fs::remove_file(&cursor);
    let mut child = halo(&server)
        .args(["watch", "tickets", "--since", "2025-04-01T10:00:00", "--interval", "0.2", "--cursor"])
        .arg(&cursor)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, lines) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let _ = tx.send(line.unwrap());
        }
    });
    let line = lines.recv_timeout(Duration::from_secs(20)).expect("the first change within the first poll");
    assert_eq!(serde_json::from_str::<serde_json::Value>(&line).unwrap()["id"], 1);
    // Ticket 2 is created; ticket 1 is still there, unchanged.
    first.delete();
    answer(json!([{"id": 2, "last_update": "2025-04-01T10:01:00Z"}, {"id": 1, "last_update": "2025-04-01T10:00:05Z"}]));
    let line = lines.recv_timeout(Duration::from_secs(5)).expect("the new ticket within an interval or so");
    assert_eq!(serde_json::from_str::<serde_json::Value>(&line).unwrap()["id"], 2);
    std::thread::sleep(Duration::from_millis(600)); // a few more polls: nothing new
    let saved: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&cursor).unwrap()).unwrap();
    assert_eq!(saved["seen"].as_array().map(Vec::len), Some(2), "the cursor file holds both: {saved}");

    let killed = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "Ctrl-C ends a watch with exit 0");
    let rest: Vec<String> = lines.try_iter().collect();
    assert!(rest.is_empty(), "each change once: {rest:?}");

    // Restarted from the cursor file: nothing repeated.
    let out = halo(&server)
        .args(["watch", "tickets", "--interval", "0.2", "--cursor"])
        .arg(&cursor)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(800));
    Command::new("kill").args(["-INT", &out.id().to_string()]).status().unwrap();
    let out = out.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty(), "{}", String::from_utf8_lossy(&out.stdout));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn watch_refuses_a_bad_since_and_a_resource_without_a_feed() {
    let server = MockServer::start();
    let out = halo(&server).args(["watch", "tickets", "--since", "yesterday"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--since `yesterday` is not a date-time"));
    token(&server);
    let out = halo(&server).args(["watch", "teams"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("teams has no change feed"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
