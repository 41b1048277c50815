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
