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
        "HALO_OUTPUT",
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
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("invalid value 'widgets'") && err.contains("sales-order"), "{err}");

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
        String::from_utf8_lossy(&out.stderr).contains("invalid value 'teams'"),
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

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn tickets_page(server: &MockServer) -> httpmock::Mock<'_> {
    server.mock(|when, then| {
        when.method(GET).path("/api/Tickets").query_param("client_id", "3").query_param("page_no", "1");
        then.status(200).json_body(json!({"record_count": 2, "tickets": [
            {"id": 1, "summary": "Printer, \"on fire\"", "client_name": "Acme", "status_id": 2, "agent_id": 4,
             "last_update": "2025-04-01T09:00:00", "details": "not a column"},
            {"id": 2, "summary": "VPN down", "client_name": "Acme", "status_id": 1, "agent_id": null,
             "last_update": "2025-04-02T10:30:00", "tags": [1, 2]}
        ]}));
    })
}

#[test]
fn a_list_as_a_table_as_csv_and_with_fields() {
    let server = MockServer::start();
    token(&server);
    let m = tickets_page(&server);
    let out = halo(&server).args(["list", "tickets", "--query", "client_id=3", "--output", "table"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "┌────┬────────────────────┬─────────────┬───────────┬──────────┬─────────────────────┐\n\
         │ id ┆ summary            ┆ client_name ┆ status_id ┆ agent_id ┆ last_update         │\n\
         ╞════╪════════════════════╪═════════════╪═══════════╪══════════╪═════════════════════╡\n\
         │ 1  ┆ Printer, \"on fire\" ┆ Acme        ┆ 2         ┆ 4        ┆ 2025-04-01T09:00:00 │\n\
         │ 2  ┆ VPN down           ┆ Acme        ┆ 1         ┆          ┆ 2025-04-02T10:30:00 │\n\
         └────┴────────────────────┴─────────────┴───────────┴──────────┴─────────────────────┘\n"
    );
    let out = halo(&server).args(["list", "tickets", "--query", "client_id=3", "-o", "csv"]).output().unwrap();
    assert_eq!(
        text(&out.stdout),
        "id,summary,client_name,status_id,agent_id,last_update\n\
         1,\"Printer, \"\"on fire\"\"\",Acme,2,4,2025-04-01T09:00:00\n\
         2,VPN down,Acme,1,,2025-04-02T10:30:00\n"
    );
    let out = halo(&server)
        .args(["list", "tickets", "--query", "client_id=3", "-o", "csv", "--fields", "id,tags,details"])
        .output()
        .unwrap();
    assert_eq!(text(&out.stdout), "id,tags,details\n1,,not a column\n2,\"[1,2]\",\n");
    // Not a terminal, no --output: NDJSON, every field.
    let out =
        halo(&server).args(["list", "tickets", "--query", "client_id=3", "--fields", "id,summary"]).output().unwrap();
    let lines: Vec<serde_json::Value> = text(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines, [json!({"id": 1, "summary": "Printer, \"on fire\""}), json!({"id": 2, "summary": "VPN down"})]);
    m.assert_calls(4);
}

#[test]
fn a_misspelt_filter_is_refused_naming_the_closest_and_raw_query_sends_anything() {
    let server = MockServer::start();
    let tok = server.mock(|when, then| {
        when.method(POST).path("/auth/token");
        then.status(200).json_body(json!({"access_token": "t", "expires_in": 3600}));
    });
    let mut any = server.mock(|when, then| {
        when.method(GET).path("/api/Tickets");
        then.status(200).json_body(json!({"record_count": 0, "tickets": []}));
    });
    let out = halo(&server).args(["list", "tickets", "--query", "clinet_id=3"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("--query clinet_id: not a parameter of get_tickets") && err.contains("did you mean client_id"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
    let out = halo(&server).args(["list", "tickets", "--query", "page_no=2"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "paging is the list's own");
    let out = halo(&server).args(["get", "tickets", "1", "--query", "includedetail=true"]).output().unwrap();
    assert!(text(&out.stderr).contains("did you mean includedetails"), "{}", text(&out.stderr));
    assert_eq!((tok.calls(), any.calls()), (0, 0), "nothing sent for a refused filter");
    any.delete();

    let raw = server.mock(|when, then| {
        when.method(GET).path("/api/Tickets").query_param("clinet_id", "3");
        then.status(200).json_body(json!({"record_count": 0, "tickets": []}));
    });
    let out = halo(&server).args(["list", "tickets", "--raw-query", "clinet_id=3"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    raw.assert_calls(1);
}

#[test]
fn any_paged_list_by_its_path_name() {
    let server = MockServer::start();
    token(&server);
    let pages = [json!([{"id": 1}, {"id": 2}]), json!([{"id": 3}])];
    let mocks: Vec<_> = pages
        .iter()
        .enumerate()
        .map(|(i, body)| {
            server.mock(|when, then| {
                when.method(GET)
                    .path("/api/SalesOrder")
                    .query_param("client_id", "3")
                    .query_param("pageinate", "true")
                    .query_param("page_size", "2")
                    .query_param("page_no", (i + 1).to_string());
                then.status(200).json_body(json!({"record_count": 3, "salesorders": body}));
            })
        })
        .collect();
    let out = halo(&server)
        .args(["list", "sales-order", "--query", "client_id=3", "--page-size", "2", "-o", "csv", "--fields", "id"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "id\n1\n2\n3\n");
    mocks.iter().for_each(|m| m.assert_calls(1));
}

#[test]
fn resources_lists_every_list_and_one_lists_its_parameters() {
    let server = MockServer::start();
    let out = halo(&server).args(["resources", "-o", "csv"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let t = text(&out.stdout);
    assert_eq!(t.lines().next(), Some("name,path,commands,feed"));
    assert!(t.contains("\ntickets,/Tickets,list get upsert delete,true\n"), "{t}");
    assert!(t.contains("\nsales-order,/SalesOrder,list,false\n"), "{t}");
    assert!(t.lines().count() > 60, "every paged list and every resource: {}", t.lines().count());
    let out = halo(&server).args(["resources", "tickets", "-o", "csv"]).output().unwrap();
    let t = text(&out.stdout);
    assert!(t.contains("list,client_id\n") && t.contains("get,includedetails\n"), "{t}");
    let out = halo(&server).args(["list", "--help"]).output().unwrap();
    assert!(text(&out.stdout).contains("kb-articles"), "--help lists the names");
}

#[test]
fn delete_without_a_terminal_needs_yes_and_reports_each_id() {
    let server = MockServer::start();
    let tok = server.mock(|when, then| {
        when.method(POST).path("/auth/token");
        then.status(200).json_body(json!({"access_token": "t", "expires_in": 3600}));
    });
    let ok = server.mock(|when, then| {
        when.method(DELETE).path_matches(r"^/api/Tickets/(1|3)$");
        then.status(200);
    });
    let missing = server.mock(|when, then| {
        when.method(DELETE).path("/api/Tickets/2");
        then.status(404).json_body(json!({"message": "no such ticket"}));
    });
    let out = halo(&server).args(["delete", "tickets", "1", "2", "3"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("add --yes to delete tickets 1, 2, 3"), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    assert_eq!((tok.calls(), ok.calls(), missing.calls()), (0, 0, 0), "nothing sent without --yes");

    let out = halo(&server).args(["delete", "tickets", "1", "2", "3", "--yes", "-o", "csv"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "one of three failed");
    let t = text(&out.stdout);
    let lines: Vec<&str> = t.lines().collect();
    assert_eq!(lines[0], "id,deleted,error");
    assert_eq!(lines[1], "1,true,");
    assert!(lines[2].starts_with("2,false,") && lines[2].contains("not found"), "{t}");
    assert_eq!(lines[3], "3,true,");
    assert_eq!((ok.calls(), missing.calls()), (2, 1), "each id once");
}

#[test]
fn upsert_dry_run_prints_what_upsert_sends_and_sends_nothing() {
    let server = MockServer::start();
    let tok = server.mock(|when, then| {
        when.method(POST).path("/auth/token");
        then.status(200).json_body(json!({"access_token": "t", "expires_in": 3600}));
    });
    let record = json!({"summary": "Printer on fire", "client_id": 12, "undocumented": true});
    let post = server.mock(|when, then| {
        when.method(POST).path("/api/Tickets").json_body(json!([record]));
        then.status(201).json_body(json!([{"id": 77, "summary": "Printer on fire"}]));
    });
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ticket.json");
    std::fs::write(&file, record.to_string()).unwrap();
    let out = halo(&server).args(["upsert", "tickets"]).arg(&file).arg("--dry-run").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan, json!({"method": "POST", "url": format!("{}/api/Tickets", server.base_url()), "body": [record]}));
    assert_eq!((tok.calls(), post.calls()), (0, 0), "a dry run sends nothing");

    let out = halo(&server).args(["upsert", "tickets"]).arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap(),
        json!([{"id": 77, "summary": "Printer on fire"}])
    );
    post.assert_calls(1);
}

#[test]
fn note_posts_the_note_and_its_options() {
    let server = MockServer::start();
    token(&server);
    let post = server.mock(|when, then| {
        when.method(POST).path("/api/Actions").json_body(json!([{
            "ticket_id": 42, "outcome": "Phone call", "note": "Called the user", "hiddenfromuser": true,
            "timetaken": 0.5, "new_status": 2, "who_agent_id": 5
        }]));
        then.status(201)
            .json_body(json!([{"id": 900, "ticket_id": 42, "outcome": "Phone call", "note": "Called the user"}]));
    });
    let out = halo(&server)
        .args(["note", "42", "Called the user", "--outcome", "Phone call", "--hidden", "--time-taken", "0.5"])
        .args(["--status", "2", "--agent", "5", "-o", "csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "id,ticket_id,outcome,note\n900,42,Phone call,Called the user\n");
    post.assert_calls(1);
    let out = halo(&server).args(["note", "42", "x", "--time-taken", "-1"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    post.assert_calls(1);
}

#[test]
fn field_get_reads_one_and_set_changes_one_keeping_the_others() {
    let server = MockServer::start();
    token(&server);
    let fields = json!([{"id": 1, "name": "CFDepartment", "label": "Department", "value": "IT"},
                        {"id": 2, "name": "CFSeats", "value": 3}]);
    server.mock(|when, then| {
        when.method(GET).path("/api/Tickets/42");
        then.status(200).json_body(json!({"id": 42, "summary": "s", "customfields": fields}));
    });
    let out = halo(&server).args(["field", "get", "tickets", "42", "department", "-o", "csv"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "id,name,label,value\n1,CFDepartment,Department,IT\n");

    let post = server.mock(|when, then| {
        when.method(POST).path("/api/Tickets").json_body(json!([{"id": 42, "customfields": [
            {"id": 1, "name": "CFDepartment", "label": "Department", "value": "IT"},
            {"id": 2, "name": "CFSeats", "value": 4}
        ]}]));
        then.status(200).json_body(json!([{"id": 42, "customfields": [{"id": 2, "name": "CFSeats", "value": 4}]}]));
    });
    let out = halo(&server).args(["field", "set", "tickets", "42", "CFSeats=4", "-o", "csv"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "id,field,value\n42,CFSeats,4\n");
    post.assert_calls(1);
    let out = halo(&server).args(["field", "set", "tickets", "42", "CFSeats=many"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "a number field given text: {}", text(&out.stderr));
    let out = halo(&server).args(["field", "get", "tickets", "42", "CFNope"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("CFDepartment"), "names the record's fields");
    post.assert_calls(1);
}

fn doctor_server(tickets_status: u16) -> MockServer {
    let server = MockServer::start();
    token(&server);
    server.mock(|when, then| {
        when.method(GET).path("/api/Agent/me");
        then.status(200).json_body(json!({"id": 12, "name": "API Agent", "email": "api@acme.example"}));
    });
    for (path, key) in [("/api/Client", "clients"), ("/api/Team", "teams"), ("/api/Agent", "agents")] {
        server.mock(|when, then| {
            when.method(GET).path(path).query_param("page_size", "1");
            then.status(200).json_body(json!({"record_count": 7, key: [{"id": 1}]}));
        });
    }
    server.mock(|when, then| {
        when.method(GET).path("/api/Tickets").query_param("page_size", "1");
        if tickets_status == 200 {
            then.status(200).json_body(json!({"record_count": 31, "tickets": [{"id": 1}]}));
        } else {
            then.status(tickets_status).json_body(json!({"message": "Access denied"}));
        }
    });
    server
}

#[test]
fn doctor_checks_each_step_and_names_the_permission_to_grant() {
    let server = doctor_server(200);
    let out = halo(&server).args(["doctor"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    let t = text(&out.stdout);
    let marks: Vec<&str> = t.lines().map(|l| &l[..4]).collect();
    assert_eq!(marks, ["ok  "; 8], "{t}");
    assert!(t.contains("ok   API user: agent 12, API Agent <api@acme.example>\n"), "{t}");
    assert!(t.contains("ok   tickets: GET /Tickets reads them (31 visible)\n"), "{t}");
    assert!(t.lines().nth(2).unwrap().starts_with("ok   clock: this machine's clock is"), "{t}");

    let server = doctor_server(403);
    let out = halo(&server).args(["doctor"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let t = text(&out.stdout);
    let failed: Vec<&str> = t.lines().filter(|l| l.starts_with("FAIL")).collect();
    assert_eq!(failed.len(), 1, "{t}");
    assert!(
        failed[0].starts_with("FAIL tickets: GET /Tickets was refused") && failed[0].contains("View Support Tickets"),
        "{t}"
    );

    let bad = MockServer::start();
    bad.mock(|when, then| {
        when.method(POST).path("/auth/token");
        then.status(401).json_body(json!({"error": "invalid_client"}));
    });
    let out2 = halo(&bad).args(["doctor"]).output().unwrap();
    assert_eq!(out2.status.code(), Some(1));
    let t = text(&out2.stdout);
    assert!(t.starts_with("ok   config: ") && t.contains("FAIL token: ") && t.contains("client id and secret"), "{t}");
    assert!(!t.contains("cli-secret"), "no secret printed");
    let out = halo(&server).env_remove("HALO_TENANT").args(["doctor"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).starts_with("FAIL config: "), "{}", text(&out.stdout));
}

/// Halo refusing the API user: a list answered 401 after the token's
/// renewal is a refusal line with its status; /Agent/me answered 403 names
/// the setting to change.
#[test]
fn doctor_names_a_refusal_and_its_status() {
    let server = doctor_server(401);
    let out = halo(&server).args(["doctor"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let t = text(&out.stdout);
    let failed: Vec<&str> = t.lines().filter(|l| l.starts_with("FAIL")).collect();
    assert_eq!(failed.len(), 1, "{t}");
    assert!(
        failed[0].starts_with(r#"FAIL tickets: GET /Tickets was refused (401: {"message":"Access denied"}): "#),
        "{t}"
    );

    let me = MockServer::start();
    token(&me);
    me.mock(|when, then| {
        when.method(GET).path("/api/Agent/me");
        then.status(403).json_body(json!({"message": "No agent"}));
    });
    let out = halo(&me).args(["doctor"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let t = text(&out.stdout);
    let line = t.lines().find(|l| l.starts_with("FAIL API user: ")).unwrap_or_else(|| panic!("{t}"));
    assert!(line.contains("GET /Agent/me: Halo refused") && line.contains(r#"(403): {"message":"No agent"}"#), "{t}");
    assert!(line.ends_with("the API application needs an agent to act as (Halo: Configuration > Integrations > Halo API > Agent to log in as)"), "{t}");
}

#[test]
fn configure_checks_the_settings_then_writes_a_private_profile() {
    use std::io::Write as _;
    let server = MockServer::start();
    token(&server);
    let listed = server.mock(|when, then| {
        when.method(GET).path("/api/Tickets");
        then.status(200).json_body(json!({"record_count": 0, "tickets": []}));
    });
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("halo").join("config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(
        &config,
        "# mine\n[profiles.other]\nhost = \"other.example\"\nclient_id = \"o\"\nclient_secret_env = \"O\"\n",
    )
    .unwrap();
    let run = |answers: &str| {
        let mut child = bare()
            .env("HALO_CONFIG", &config)
            .args(["configure", "--profile", "acme"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(answers.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let host = server.base_url();
    let out = run(&format!("{host}\nno\nwrong-tenant\n\ncli\ncli-secret\n"));
    assert_eq!(out.status.code(), Some(1), "no token for that tenant: {}", text(&out.stderr));
    assert!(!std::fs::read_to_string(&config).unwrap().contains("acme"), "nothing written");

    let out = run(&format!("{host}\nno\nacme\n\ncli\ncli-secret\n"));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let written = std::fs::read_to_string(&config).unwrap();
    assert!(written.starts_with("# mine\n[profiles.other]"), "the other profile and comments kept: {written}");
    assert!(written.contains("[profiles.acme]") && written.contains("client_secret = \"cli-secret\""), "{written}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(std::fs::metadata(&config).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let out = bare().env("HALO_CONFIG", &config).args(["--profile", "acme", "list", "tickets"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    listed.assert_calls(1);

    // A secret by reference: none in the file.
    let out = run(&format!("{host}\nno\nacme\n\ncli\nenv:ACME_SECRET\n"));
    assert_eq!(out.status.code(), Some(2), "the variable is not set");
    let with_env = {
        let mut c = bare();
        c.env("HALO_CONFIG", &config).env("ACME_SECRET", "cli-secret").args(["configure", "--profile", "acme"]);
        c.stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
        let mut child = c.spawn().unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{host}\nno\nacme\n\ncli\nenv:ACME_SECRET\n").as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    assert_eq!(with_env.status.code(), Some(0), "{}", text(&with_env.stderr));
    let written = std::fs::read_to_string(&config).unwrap();
    assert!(written.contains("client_secret_env = \"ACME_SECRET\"") && !written.contains("cli-secret"), "{written}");
}

#[test]
fn completions_complete_the_resource_names() {
    let server = MockServer::start();
    // clap_complete's fish and PowerShell scripts complete commands and
    // flags, not the values of positional arguments.
    for (shell, names) in [("bash", true), ("zsh", true), ("fish", false), ("powershell", false)] {
        let out = halo(&server).args(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let t = text(&out.stdout);
        assert!(t.contains("doctor") && t.contains("raw-query"), "{shell}");
        assert_eq!(t.contains("kb-articles") && t.contains("sales-order"), names, "{shell}");
    }
}

/// `halo ARGS` on a terminal (a pseudo-terminal from util-linux's `script`),
/// `input` typed into it.
#[cfg(target_os = "linux")]
fn on_a_terminal(server: &MockServer, args: &str, input: &str) -> std::process::Output {
    use std::io::Write as _;
    let script = ["/usr/bin/script", "/bin/script"].into_iter().find(|p| std::path::Path::new(p).exists());
    let script = script.expect("util-linux's `script` (to give halo a terminal) is missing: install util-linux");
    // halo's environment (the stand-in's settings), on `script`'s command.
    let base = halo(server);
    let mut s = Command::new(script);
    for (k, v) in base.get_envs() {
        match v {
            Some(v) => s.env(k, v),
            None => s.env_remove(k),
        };
    }
    let command = format!("{} {args}", env!("CARGO_BIN_EXE_halo"));
    s.env("TERM", "dumb").args(["-q", "-e", "-c", &command, "/dev/null"]);
    s.stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
    let mut c = s.spawn().unwrap();
    let mut stdin = c.stdin.take().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(700));
    stdin.write_all(input.as_bytes()).unwrap();
    let out = c.wait_with_output().unwrap();
    drop(stdin);
    out
}

#[cfg(target_os = "linux")]
#[test]
fn on_a_terminal_delete_asks_first_and_a_list_is_a_table() {
    let server = MockServer::start();
    token(&server);
    let del = server.mock(|when, then| {
        when.method(DELETE).path("/api/Tickets/7");
        then.status(200);
    });
    let out = on_a_terminal(&server, "delete tickets 7", "n\n");
    assert_eq!(out.status.code(), Some(2), "declined: {}", text(&out.stdout));
    assert!(text(&out.stdout).contains("Delete ticket 7 on 127.0.0.1?"), "{}", text(&out.stdout));
    assert_eq!(del.calls(), 0, "nothing sent when declined");
    let out = on_a_terminal(&server, "delete tickets 7", "y\n");
    assert_eq!(out.status.code(), Some(0), "confirmed: {}", text(&out.stdout));
    assert_eq!(del.calls(), 1);

    tickets_page(&server);
    let out = on_a_terminal(&server, "list tickets --query client_id=3", "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("│ id ┆ summary"), "a table by default: {}", text(&out.stdout));
}

#[test]
fn report_rows_come_out_in_the_sqls_column_order_and_a_load_error_is_exit_1() {
    let server = MockServer::start();
    token(&server);
    let ok = server.mock(|when, then| {
        when.method(POST).path("/api/Report").json_body(json!([{
            "id": 0, "name": "", "sql": "SELECT symptom, faultid FROM faults", "_loadreportonly": true, "_testonly": false
        }]));
        then.status(200).body(
            r#"{"id": 0, "report": {"loaded": true, "rows": [{"symptom": "Printer, on fire", "faultid": 1}, {"symptom": "VPN", "faultid": 2}]}}"#,
        );
    });
    let bad = server.mock(|when, then| {
        when.method(POST).path("/api/Report").body_includes("SELEKT");
        then.status(200)
            .json_body(json!({"id": 0, "report": {"loaded": false, "load_error": "Incorrect syntax near 'SELEKT'."}}));
    });
    let out =
        halo(&server).args(["report", "--sql", "SELECT symptom, faultid FROM faults", "-o", "csv"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "symptom,faultid\n\"Printer, on fire\",1\nVPN,2\n");
    let out = halo(&server).args(["report", "--sql", "SELEKT 1"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("Incorrect syntax"), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    ok.assert_calls(1);
    bad.assert_calls(1);
}
