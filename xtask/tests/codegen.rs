//! `cargo xtask codegen` on a scratch copy of spec/: offline from the
//! committed document, refusing a document the lock does not pin, `--check`
//! catching a stale lock, and `--update` from a newer document served on
//! loopback (the changelog names what it added, the lock and the document
//! are replaced, and the new operation is generated).

mod common;

use common::SpecCopy;
use serde_json::{Value, json};
use std::io::{Read as _, Write as _};
use xtask::codegen::{Options, run};

fn options(spec: &SpecCopy) -> Options {
    Options { spec: Some(spec.dir.clone()), out: Some(spec.dir.join("halo.patched.json")), ..Default::default() }
}

#[test]
fn plain_codegen_reads_the_committed_document_and_check_catches_a_stale_lock() {
    let spec = SpecCopy::new("codegen-check");
    // No --from, no variable, no network: the committed document.
    run(options(&spec)).unwrap();
    let patched: Value = serde_json::from_slice(&std::fs::read(spec.dir.join("halo.patched.json")).unwrap()).unwrap();
    let lock = std::fs::read_to_string(spec.spec().lock()).unwrap();
    let sha = xtask::fetch::sha256_hex(&common::current());
    assert_eq!(patched["info"]["x-halo-rs"]["source-sha256"], sha.as_str());
    assert!(lock.contains(&format!("sha256 = \"{sha}\"")), "the lock pins the committed document");
    run(Options { check: true, ..options(&spec) }).unwrap();

    let stale = lock.replace("properties = 19784", "properties = 19000");
    assert_ne!(stale, lock, "the lock records 19784 properties");
    std::fs::write(spec.spec().lock(), stale).unwrap();
    let e = run(Options { check: true, ..options(&spec) }).unwrap_err().to_string();
    assert!(e.contains("spec/halo.lock is not what codegen would write"), "{e}");
    assert!(!lock.contains("source ="), "no machine-local path in the lock");
}

#[test]
fn a_document_changed_by_hand_is_refused_naming_both_ways_out() {
    let spec = SpecCopy::new("codegen-tampered");
    let mut bytes = common::current();
    bytes.extend_from_slice(b"\n");
    std::fs::write(spec.spec().document(), &bytes).unwrap();
    let e = format!("{:#}", run(options(&spec)).unwrap_err());
    assert!(e.contains("halo-swagger.json has sha256"), "{e}");
    assert!(e.contains("git checkout spec/") && e.contains("--update --from"), "{e}");
    assert!(!spec.dir.join("halo.patched.json").exists(), "nothing written");

    let e = run(Options { from: Some("x.json".into()), ..options(&spec) }).unwrap_err().to_string();
    assert!(e.contains("--from goes with --update"), "{e}");
}

/// Serves `body` to each GET on a loopback port, for `n` requests.
fn serve(body: Vec<u8>, n: usize) -> (String, std::thread::JoinHandle<Vec<String>>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/api/swagger/v2/swagger.json", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let mut seen = Vec::new();
        for stream in listener.incoming().take(n) {
            let mut stream = stream.unwrap();
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap() == 1 {
                head.push(byte[0]);
            }
            seen.push(String::from_utf8_lossy(&head).lines().next().unwrap_or("").to_string());
            let mut answer = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            )
            .into_bytes();
            answer.extend_from_slice(&body);
            stream.write_all(&answer).unwrap();
        }
        seen
    });
    (url, handle)
}

#[test]
fn update_from_a_newer_document_writes_document_lock_changelog_and_generates_the_new_operation() {
    let spec = SpecCopy::new("codegen-update");
    let before_log = std::fs::read_to_string(spec.spec().changelog()).unwrap_or_default();
    // A newer Halo: one operation and one property more, re-serialised as
    // Halo does (pretty, two spaces).
    let mut doc: Value = serde_json::from_slice(&common::current()).unwrap();
    doc["paths"]["/RoboticWidget"] = json!({"get": {
        "tags": ["RoboticWidget"],
        "parameters": [{"name": "widget_colour", "in": "query", "schema": {"type": "string"}}],
        "responses": {"200": {"description": "OK"}}
    }});
    doc["components"]["schemas"]["Faults"]["properties"]["robotic_widget_id"] =
        json!({"type": "integer", "format": "int32"});
    let newer = serde_json::to_vec_pretty(&doc).unwrap();
    let (url, server) = serve(newer.clone(), 1);

    run(Options { update: true, from: Some(url), ..options(&spec) }).unwrap();
    assert_eq!(server.join().unwrap(), ["GET /api/swagger/v2/swagger.json HTTP/1.1"]);

    let sha = xtask::fetch::sha256_hex(&newer);
    assert_eq!(std::fs::read(spec.spec().document()).unwrap(), newer, "the document as fetched, byte for byte");
    let lock = xtask::lock::Lock::read(&spec.spec().lock()).unwrap().unwrap();
    assert_eq!(lock.document.sha256, sha);
    assert_eq!((lock.counts.paths, lock.counts.operations), (887, 1332));
    assert_eq!(lock.generated.operations, 1325);

    let log = std::fs::read_to_string(spec.spec().changelog()).unwrap();
    assert!(log.starts_with(&before_log), "appended, never rewritten");
    let entry = &log[before_log.len()..];
    assert!(
        entry.contains(&format!(
            "## Halo API: halo-swagger.json ({})",
            &xtask::fetch::sha256_hex(&common::current())[..12]
        )),
        "{entry}"
    );
    assert!(entry.contains("`GET /RoboticWidget`"), "{entry}");
    assert!(entry.contains("`Faults`: added robotic_widget_id: integer"), "{entry}");
    assert!(!entry.contains("BREAKING"), "additions break nothing: {entry}");

    // A plain codegen now reads the new document, offline, and it is generated.
    std::fs::remove_file(spec.dir.join("halo.patched.json")).unwrap();
    run(options(&spec)).unwrap();
    let patched = std::fs::read(spec.dir.join("halo.patched.json")).unwrap();
    let source = halo_codegen::generate(&patched, &|f| f == "full").unwrap().source;
    assert!(source.contains("pub fn get_robotic_widget(&self)"), "the new operation is generated");
    assert!(source.contains("pub fn widget_colour<"), "with its parameter");
    assert!(source.contains("pub robotic_widget_id: ::std::option::Option<i32>"), "the new property is a field");

    // Updating again to the same document changes nothing.
    let (url, server) = serve(newer, 1);
    run(Options { update: true, from: Some(url), ..options(&spec) }).unwrap();
    server.join().unwrap();
    assert_eq!(std::fs::read_to_string(spec.spec().changelog()).unwrap(), log, "no second entry");
}
