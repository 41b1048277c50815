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
        "HALO_PROFILE",
        "HALO_CONFIG",
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
                .query_param("lastupdatefromdate", "2025-03-31T10:00:00")
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
    let mut second = answer(
        json!([{"id": 2, "last_update": "2025-04-01T10:01:00Z"}, {"id": 1, "last_update": "2025-04-01T10:00:05Z"}]),
    );
    let line = lines.recv_timeout(Duration::from_secs(5)).expect("the new ticket within an interval or so");
    assert_eq!(serde_json::from_str::<serde_json::Value>(&line).unwrap()["id"], 2);
    // Ticket 1 is updated: printed again, with its new time.
    second.delete();
    answer(json!([{"id": 1, "last_update": "2025-04-01T10:02:00Z"}, {"id": 2, "last_update": "2025-04-01T10:01:00Z"}]));
    let line = lines.recv_timeout(Duration::from_secs(5)).expect("the update within an interval or so");
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!((v["id"].as_i64(), v["last_update"].as_str()), (Some(1), Some("2025-04-01T10:02:00Z")));
    std::thread::sleep(Duration::from_millis(600)); // a few more polls: nothing new
    let saved: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&cursor).unwrap()).unwrap();
    assert_eq!(saved["seen"].as_array().map(Vec::len), Some(3), "the cursor file holds all three changes: {saved}");

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

/// A config dir with `halo/config.toml` holding `text`, at `mode`.
fn config_home(text: &str, mode: u32) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt as _;
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let home = std::env::temp_dir().join(format!("halo-cli-config-{}-{n}", std::process::id()));
    std::fs::create_dir_all(home.join("halo")).unwrap();
    let file = home.join("halo/config.toml");
    std::fs::write(&file, text).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode)).unwrap();
    home
}

/// `halo` with no HALO_* settings at all: what a profile must supply.
fn bare() -> Command {
    let server = MockServer::start();
    let mut c = halo(&server);
    for k in ["HALO_HOST", "HALO_CLIENT_ID", "HALO_TENANT", "HALO_CLIENT_SECRET"] {
        c.env_remove(k);
    }
    c
}

#[test]
fn two_profiles_reach_two_servers_and_a_readable_secret_is_refused() {
    let (a, b) = (MockServer::start(), MockServer::start());
    for (server, tenant, id, secret) in [(&a, "ta", "ca", "secret-a"), (&b, "tb", "cb", "secret-b")] {
        server.mock(|when, then| {
            when.method(POST)
                .path("/auth/token")
                .query_param("tenant", tenant)
                .form_urlencoded_tuple("client_id", id)
                .form_urlencoded_tuple("client_secret", secret);
            then.status(200).json_body(json!({"access_token": format!("tok-{tenant}"), "expires_in": 3600}));
        });
        server.mock(|when, then| {
            when.method(GET).path("/api/Tickets").header("authorization", format!("Bearer tok-{tenant}"));
            then.status(200)
                .json_body(json!({"record_count": 1, "tickets": [{"id": 1, "summary": format!("from {tenant}")}]}));
        });
    }
    let text = format!(
        "[profiles.a]\nhost = \"{}\"\ntenant = \"ta\"\nclient_id = \"ca\"\nclient_secret = \"secret-a\"\n\n\
         [profiles.b]\nhost = \"{}\"\ntenant = \"tb\"\nclient_id = \"cb\"\nclient_secret_env = \"B_SECRET\"\n",
        a.base_url(),
        b.base_url()
    );
    let home = config_home(&text, 0o600);
    let list = |profile: &str| {
        let out = bare()
            .env("XDG_CONFIG_HOME", &home)
            .env("B_SECRET", "secret-b")
            .args(["--profile", profile, "list", "tickets"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(list("a").contains("from ta"));
    assert!(list("b").contains("from tb"));
    // HALO_PROFILE picks one too; a variable beats the profile's key.
    let out = bare().env("XDG_CONFIG_HOME", &home).env("HALO_PROFILE", "a").args(["list", "tickets"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("from ta"));
    let out = bare()
        .env("XDG_CONFIG_HOME", &home)
        .env("HALO_PROFILE", "a")
        .env("HALO_TENANT", "tb")
        .args(["list", "tickets"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "tenant tb against server a: no token");

    let out = bare().env("XDG_CONFIG_HOME", &home).args(["profiles"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
    let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(first, json!({"profile": "a", "host": a.base_url()}));
    assert!(!text.contains("secret"), "{text}");

    let out = bare().env("XDG_CONFIG_HOME", &home).args(["--profile", "c", "list", "tickets"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`c` is not in"), "{}", String::from_utf8_lossy(&out.stderr));

    let readable = config_home(&text_with_secret(&a.base_url()), 0o644);
    let out = bare().env("XDG_CONFIG_HOME", &readable).args(["--profile", "a", "list", "tickets"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("can be read by others") && err.contains("chmod 600"), "{err}");
    assert!(!err.contains("secret-a"), "{err}");
    let _ = std::fs::remove_dir_all(home);
    let _ = std::fs::remove_dir_all(readable);
}

fn text_with_secret(host: &str) -> String {
    format!("[profiles.a]\nhost = \"{host}\"\ntenant = \"ta\"\nclient_id = \"ca\"\nclient_secret = \"secret-a\"\n")
}

#[test]
fn attach_uploads_a_file_and_download_writes_one() {
    use base64::Engine as _;
    let server = MockServer::start();
    token(&server);
    let dir = std::env::temp_dir().join(format!("halo-cli-attach-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("report.pdf");
    std::fs::write(&file, b"%PDF-1.4 tiny").unwrap();
    let encoded = base64::engine::general_purpose::STANDARD.encode(b"%PDF-1.4 tiny");
    let upload = server.mock(|when, then| {
        when.method(POST).path("/api/Attachment").json_body(json!([{
            "ticket_id": 42, "filename": "report.pdf", "content_type": "application/pdf", "data_base64": encoded
        }]));
        then.status(200).json_body(json!([{"id": 9, "ticket_id": 42, "filename": "report.pdf"}]));
    });
    let out = halo(&server).args(["attach", "tickets", "42"]).arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(printed, json!({"attachment": 9, "filename": "report.pdf", "ticket": 42}));
    upload.assert();

    server.mock(|when, then| {
        when.method(GET).path("/api/Attachment/9");
        then.status(200).json_body(json!({"id": 9, "filename": "../../report.pdf", "data_base64": encoded}));
    });
    let out = halo(&server).current_dir(&dir).args(["download", "attachment", "9", "copy.pdf"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read(dir.join("copy.pdf")).unwrap(), b"%PDF-1.4 tiny");
    let sub = dir.join("into");
    std::fs::create_dir_all(&sub).unwrap();
    let out = halo(&server).args(["download", "attachment", "9"]).arg(&sub).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(std::fs::read(sub.join("report.pdf")).unwrap(), b"%PDF-1.4 tiny", "Halo's name, its last part only");

    let out = halo(&server).args(["attach", "tickets", "42"]).arg(dir.join("missing.pdf")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.pdf"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// `halo watch TICKETS` as the tests run it, with `args` after.
fn watch(server: &MockServer, args: &[&str]) -> std::process::Child {
    halo(server)
        .args(["watch", "tickets", "--interval", "0.2"])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

fn interrupt(child: std::process::Child) -> std::process::Output {
    let killed = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    child.wait_with_output().unwrap()
}

#[test]
fn watch_keeps_its_cursor_from_the_start_so_a_restart_misses_nothing() {
    use std::time::Duration;
    let server = MockServer::start();
    token(&server);
    let dir = std::env::temp_dir().join(format!("halo-watch-start-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cursor = dir.join("cursor.json");
    let _ = std::fs::remove_file(&cursor);
    // No change at all while the first watch runs.
    let mut empty = server.mock(|when, then| {
        when.method(GET).path("/api/Tickets");
        then.status(200).json_body(json!({"record_count": 0, "tickets": []}));
    });
    let child = watch(&server, &["--since", "2025-04-01T10:00:00", "--cursor", cursor.to_str().unwrap()]);
    std::thread::sleep(Duration::from_millis(1500));
    let out = interrupt(child);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let saved: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&cursor).unwrap()).unwrap();
    assert_eq!(saved["from"], "2025-04-01T10:00:00Z", "written though no change came: {saved}");
    empty.delete();
    // While it was down, ticket 4 changed. The restart (no --since: from the
    // file, not from now) finds it.
    server.mock(|when, then| {
        when.method(GET).path("/api/Tickets").query_param_exists("lastupdatefromdate");
        then.status(200)
            .json_body(json!({"record_count": 1, "tickets": [{"id": 4, "last_update": "2025-04-01T10:30:00Z"}]}));
    });
    let child = watch(&server, &["--cursor", cursor.to_str().unwrap()]);
    std::thread::sleep(Duration::from_millis(1500));
    let out = interrupt(child);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<serde_json::Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines, [json!({"id": 4, "last_update": "2025-04-01T10:30:00Z"})], "the change made while it was down");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The client's own retries come first (5 attempts, 3.75 to 7.5 s of
/// backoff); what outlasts them reaches the watch, which says so, waits and
/// goes on. Each failure here lasts long enough to reach it: 9 s of token
/// 503s, then 14 s of 502s.
#[test]
fn watch_waits_out_a_failing_poll_and_a_token_hiccup_and_goes_on() {
    use std::io::BufRead;
    use std::time::Duration;
    let server = MockServer::start();
    let mut bad_token = server.mock(|when, then| {
        when.method(POST).path("/auth/token");
        then.status(503).body("maintenance");
    });
    let mut failing = server.mock(|when, then| {
        when.method(GET).path("/api/Tickets");
        then.status(502).body("bad gateway");
    });
    let mut child = watch(&server, &["--since", "2025-04-01T10:00:00"]);
    std::thread::sleep(Duration::from_secs(9));
    assert!(child.try_wait().unwrap().is_none(), "still watching through the token failures");
    bad_token.delete();
    token(&server);
    // Long enough for a token request still in its backoff (up to 4 s) and
    // then all five attempts at the list (up to 7.5 s of backoff).
    std::thread::sleep(Duration::from_secs(14));
    assert!(child.try_wait().unwrap().is_none(), "still watching through the 502s");
    failing.delete();
    server.mock(|when, then| {
        when.method(GET).path("/api/Tickets");
        then.status(200)
            .json_body(json!({"record_count": 1, "tickets": [{"id": 5, "last_update": "2025-04-01T10:30:00Z"}]}));
    });
    let (tx, lines) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let _ = tx.send(line.unwrap());
        }
    });
    let line = lines.recv_timeout(Duration::from_secs(30)).expect("the change, once Halo is back");
    assert_eq!(serde_json::from_str::<serde_json::Value>(&line).unwrap()["id"], 5);
    let out = interrupt(child);
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("(503): maintenance") && err.contains("trying again in"), "{err}");
    assert!(err.contains("502"), "{err}");
    assert!(!err.contains("cli-secret"), "{err}");
}

#[test]
fn watch_ends_on_bad_credentials_and_refuses_bad_numbers() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(POST).path("/auth/token");
        then.status(401).json_body(json!({"error": "invalid_client"}));
    });
    let out = watch(&server, &[]).wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "a permanent error ends the watch");
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid_client"));
    for (flag, value) in
        [("--interval", "0"), ("--interval", "1e300"), ("--interval", "NaN"), ("--overlap", "-1"), ("--overlap", "inf")]
    {
        let out = halo(&server).args(["watch", "tickets", &format!("{flag}={value}")]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{flag} {value}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(flag) && err.contains("number of seconds"), "{err}");
    }
}

#[test]
fn a_closed_stdout_ends_quietly_and_other_write_errors_exit_1() {
    use std::io::BufRead;
    let server = MockServer::start();
    token(&server);
    let rows: Vec<serde_json::Value> =
        (1..=5000).map(|i| json!({"id": i, "summary": "a summary long enough to fill a pipe quickly"})).collect();
    server.mock(|when, then| {
        when.method(GET).path("/api/Tickets");
        then.status(200).json_body(json!({"record_count": 5000, "tickets": rows}));
    });
    // `halo list tickets | head -1`
    let mut child = halo(&server)
        .args(["list", "tickets", "--page-size", "5000"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    assert!(first.contains("\"id\":1"), "{first}");
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "the reader went away: done");
    assert!(out.stderr.is_empty(), "nothing on stderr: {}", String::from_utf8_lossy(&out.stderr));

    let full = std::fs::File::create("/dev/full").unwrap();
    let out = halo(&server).args(["list", "tickets", "--page-size", "5000"]).stdout(full).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "a disk that is full is not bad usage");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("writing stdout"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn warnings_reach_stderr_by_default_and_verbose_shows_more() {
    let server = MockServer::start();
    token(&server);
    // A Retry-After of 6 s: long enough to be said.
    let mut limited = server.mock(|when, then| {
        when.method(GET).path("/api/Tickets/3");
        then.status(429).header("retry-after", "6").body("slow down");
    });
    let child = halo(&server)
        .args(["get", "tickets", "3"])
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Once the 429 has been answered, Halo is fine again.
    let asked = std::time::Instant::now();
    while limited.calls() == 0 && asked.elapsed() < std::time::Duration::from_secs(20) {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    limited.delete();
    server.mock(|when, then| {
        when.method(GET).path("/api/Tickets/3");
        then.status(200).json_body(json!({"id": 3}));
    });
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("WARN") && err.contains("Halo answered 429: waiting 6 s"), "{err}");

    server.mock(|when, then| {
        when.method(GET).path("/api/Tickets/4");
        then.status(200).json_body(json!({"id": 4}));
    });
    let out = halo(&server).args(["-vv", "get", "tickets", "4"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("DEBUG") && err.contains("answer"), "-vv shows DEBUG: {err}");
    assert!(!err.contains("cli-secret") && !err.contains("Bearer t"), "{err}");
    let out = halo(&server).args(["get", "tickets", "4"]).output().unwrap();
    assert!(out.stderr.is_empty(), "quiet by default when nothing is wrong");
}

#[test]
fn a_profiles_secret_never_goes_to_another_host() {
    let (a, elsewhere) = (MockServer::start(), MockServer::start());
    // Watch for profile a's secret arriving elsewhere, and for any request
    // at all to a.
    let leak = elsewhere.mock(|when, then| {
        when.method(POST).path("/auth/token").form_urlencoded_tuple("client_secret", "secret-a");
        then.status(200).json_body(json!({"access_token": "stolen", "expires_in": 3600}));
    });
    let own = elsewhere.mock(|when, then| {
        when.method(POST).path("/auth/token").form_urlencoded_tuple("client_secret", "elsewhere-secret");
        then.status(401).json_body(json!({"error": "invalid_client"}));
    });
    let to_a = a.mock(|when, then| {
        when.any_request();
        then.status(500);
    });
    let home = config_home(&text_with_secret(&a.base_url()), 0o600);
    let by_flag = bare()
        .env("XDG_CONFIG_HOME", &home)
        .args(["--profile", "a", "--host", &elsewhere.base_url(), "list", "tickets"])
        .output()
        .unwrap();
    let by_variable = bare()
        .env("XDG_CONFIG_HOME", &home)
        .env("HALO_HOST", elsewhere.base_url())
        .args(["--profile", "a", "list", "tickets"])
        .output()
        .unwrap();
    for out in [by_flag, by_variable] {
        assert_eq!(out.status.code(), Some(2), "bad usage");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(&elsewhere.base_url()) && err.contains(&a.base_url()), "names both: {err}");
        assert!(err.contains("profile `a`'s") && !err.contains("secret-a"), "{err}");
    }
    // With the secret for that host given too, it is the user's call.
    let out = bare()
        .env("XDG_CONFIG_HOME", &home)
        .env("HALO_CLIENT_SECRET", "elsewhere-secret")
        .args(["--profile", "a", "--host", &elsewhere.base_url(), "list", "tickets"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    own.assert_calls(1);
    leak.assert_calls(0);
    to_a.assert_calls(0);
    let _ = std::fs::remove_dir_all(home);
}
