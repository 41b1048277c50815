//! Everyday automation: custom fields changed one at a time, notes on
//! tickets, attachments from and to files, field definitions cached. Each
//! test checks the request on the wire and what came back.

use crate::common;
use common::scripted::{Reply, Scripted};
use common::{bearer, client, token_mock};
use halo_api_ext::custom_fields::set_by_definition;
use halo_api_ext::{CustomFields, CustomFieldsExt, HaloError, RetryPolicy};
use httpmock::prelude::*;
use serde_json::json;

fn custom_fields() -> serde_json::Value {
    json!([
        {"id": 11, "name": "CFDepartment", "label": "Department", "type": 0, "value": "Sales", "display": "Sales"},
        {"id": 12, "name": "CFSeats", "label": "Seats", "type": 1, "value": 25, "display": "25"},
        {"id": 13, "name": "CFVip", "label": "VIP", "value": true},
        {"id": 14, "name": "CFNotes", "label": "Notes", "value": null}
    ])
}

#[tokio::test]
async fn changing_one_custom_field_posts_every_other_one_unchanged() {
    let server = MockServer::start_async().await;
    token_mock(&server).await;
    let halo = client(&server);
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/Tickets/7");
            then.status(200)
                .json_body(json!({"id": 7, "summary": "Printer", "status_id": 2, "customfields": custom_fields()}));
        })
        .await;
    let mut expected = custom_fields();
    expected[1]["value"] = json!(30);
    // Typed records send an empty value as no value (`None` is not sent).
    expected[3].as_object_mut().unwrap().remove("value");
    let post = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/Tickets")
                .header("authorization", bearer())
                .json_body(json!([{"id": 7, "customfields": expected}]));
            then.status(200).json_body(json!({"id": 7, "customfields": expected}));
        })
        .await;

    let mut ticket = halo.get_ticket(7).await.unwrap();
    assert_eq!(ticket.custom_value::<String>("Department").unwrap().as_deref(), Some("Sales"));
    assert_eq!(ticket.custom_value::<i64>("CFSeats").unwrap(), Some(25));
    ticket.set_custom_field("CFSeats", 30i64).unwrap();
    let saved = halo.upsert_tickets(ticket.only_custom_fields()).await.unwrap();
    post.assert_async().await; // the body: id, and all four fields with only CFSeats changed
    assert_eq!(saved[0].custom_value::<i64>(12).unwrap(), Some(30));

    // A wrong kind or an unknown name changes nothing and names the field.
    let e = ticket.set_custom_field("CFVip", "yes").unwrap_err().to_string();
    assert!(e.contains("custom field `CFVip` holds a bool (true); text (\"yes\") would change its kind"), "{e}");
    let e = ticket.custom_value::<String>("CFColour").unwrap_err().to_string();
    assert!(e.contains("CFDepartment (Department), CFSeats (Seats), CFVip (VIP), CFNotes (Notes)"), "{e}");
}

#[tokio::test]
async fn as_json_every_other_custom_field_goes_back_byte_for_byte() {
    let server = MockServer::start_async().await;
    token_mock(&server).await;
    let halo = client(&server);
    let mut fields = custom_fields();
    fields[0]["added_by_a_later_halo"] = json!({"x": 1});
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/Tickets/7");
            then.status(200).json_body(json!({"id": 7, "summary": "Printer", "customfields": fields}));
        })
        .await;
    let mut expected = fields.clone();
    expected[3]["value"] = json!("Called twice");
    let post = server
        .mock_async(|when, then| {
            when.method(POST).path("/api/Tickets").json_body(json!([{"id": 7, "customfields": expected}]));
            then.status(200).json_body(json!([{"id": 7}]));
        })
        .await;
    let mut ticket = halo.get_ticket(7).as_json().await.unwrap();
    ticket.set_custom_field("Notes", "Called twice").unwrap();
    let tickets = halo_api_ext::Resource::named("tickets").unwrap();
    tickets.upsert(&halo, &[ticket.only_custom_fields()]).await.unwrap();
    post.assert_async().await; // nulls and unknown keys of the other entries kept
}

#[tokio::test]
async fn field_definitions_are_read_once_and_add_a_field_the_record_lacks() {
    let server = MockServer::start_async().await;
    token_mock(&server).await;
    let halo = client(&server);
    let info = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/FieldInfo").header("authorization", bearer());
            then.status(200).json_body(json!([
                {"id": 11, "name": "CFDepartment", "label": "Department", "type": 0, "usage": 1},
                {"id": 20, "name": "CFContractRef", "label": "Contract ref", "type": 0, "usage": 2}
            ]));
        })
        .await;
    let def = halo.custom_field_definition("contract ref").await.unwrap();
    assert_eq!(def.id, 20);
    let same = halo.clone().custom_field_definition(20i64).await.unwrap();
    assert_eq!(same, def);
    let e = halo.custom_field_definition("CFNope").await.unwrap_err().to_string();
    assert!(e.contains("no custom field `CFNope` in /FieldInfo; Halo has: CFDepartment, CFContractRef"), "{e}");
    info.assert_calls_async(1).await; // cached per client, clones included

    let mut client_record = halo_api_ext::Client { id: Some(3), ..Default::default() };
    set_by_definition(&mut client_record, &def, "C-1001").unwrap();
    let posted = server
        .mock_async(|when, then| {
            when.method(POST).path("/api/Client").json_body(
                json!([{"id": 3, "customfields": [{"id": 20, "name": "CFContractRef", "value": "C-1001"}]}]),
            );
            then.status(200).json_body(json!([{"id": 3}]));
        })
        .await;
    halo.upsert_clients(client_record.only_custom_fields()).await.unwrap();
    posted.assert_async().await;
}

#[tokio::test]
async fn a_note_sends_only_what_is_set() {
    let server = MockServer::start_async().await;
    token_mock(&server).await;
    let halo = client(&server);
    let plain = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/Actions")
                .header("authorization", bearer())
                .json_body(json!([{"ticket_id": 42, "outcome": "Note", "note": "Called the user"}]));
            then.status(200).json_body(json!({"id": 900, "ticket_id": 42, "note": "Called the user"}));
        })
        .await;
    let saved = halo.add_note(42, "Called the user").await.unwrap();
    assert_eq!((saved.id, saved.ticket_id), (Some(900), Some(42)));
    plain.assert_async().await;

    let full = server
        .mock_async(|when, then| {
            when.method(POST).path("/api/Actions").json_body(json!([{
                "ticket_id": 42, "outcome": "Private Note", "note_html": "<p>Fixed</p>", "hiddenfromuser": true,
                "timetaken": 0.25, "new_status": 9, "sendemail": true, "emailto": "user@example.com"
            }]));
            then.status(200).json_body(json!([{"id": 901, "ticket_id": 42}]));
        })
        .await;
    let saved = halo
        .add_note(42, "<p>Fixed</p>")
        .html()
        .outcome("Private Note")
        .hidden_from_user(true)
        .time_taken(0.25)
        .new_status(9)
        .send_email("user@example.com")
        .await
        .unwrap();
    assert_eq!(saved.id, Some(901));
    full.assert_async().await;

    let e = halo.add_note(1 << 40, "x").await.unwrap_err().to_string();
    assert!(e.contains("ticket id 1099511627776 is out of Halo's range"), "{e}");
}

#[tokio::test]
async fn a_file_over_the_limit_is_refused_before_anything_is_sent() {
    let server = MockServer::start_async().await;
    let halo = client(&server);
    let dir = std::env::temp_dir().join(format!("halo-attach-limit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let big = dir.join("big.bin");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(halo_api_ext::attachments::ATTACH_LIMIT_BYTES + 1).unwrap();
    let e = halo.attach_file(1, &big).await.unwrap_err().to_string();
    assert!(e.contains("over the 20971520 bytes halo-rs sends (ATTACH_LIMIT_BYTES)"), "{e}");
    let e = halo.attach_file(1, dir.join("absent.txt")).await.unwrap_err().to_string();
    assert!(e.contains("absent.txt"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_cut_off_download_leaves_no_file_under_the_final_name() {
    // The answer declares 1000 bytes of the file and sends 20, then closes.
    let head = "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: 1000\r\n\r\n";
    let mut cut = head.as_bytes().to_vec();
    cut.extend_from_slice(&[7u8; 20]);
    let s = Scripted::start(vec![Reply::Raw(cut.clone()), Reply::Raw(cut)]).await;
    let halo =
        s.client(RetryPolicy::default().with_base_delay(std::time::Duration::from_millis(5)).with_max_attempts(2));
    let dir = std::env::temp_dir().join(format!("halo-cut-download-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let target = dir.join("file.bin");
    let e = halo.download_attachment(5, Some(&target), false).await.unwrap_err();
    assert!(matches!(e, HaloError::Transport { .. }), "{e:?}");
    assert!(!target.exists(), "no file under the final name");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "no temporary file left either");
    assert_eq!(s.seen().len(), 2, "a GET is retried like any other");

    // An earlier complete download is not touched by a failed one.
    std::fs::write(&target, b"old").unwrap();
    let s2 = Scripted::start(vec![Reply::Drop]).await;
    let e = s2.client(RetryPolicy::none()).download_attachment(5, Some(&target), false).await;
    assert!(e.is_err());
    assert_eq!(std::fs::read(&target).unwrap(), b"old");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_download_of_the_files_bytes_is_written_as_sent() {
    let server = MockServer::start_async().await;
    token_mock(&server).await;
    let halo = client(&server);
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/Attachment/6").header("authorization", bearer());
            then.status(200)
                .header("content-type", "image/png")
                .header("content-disposition", "attachment; filename=\"shot.png\"")
                .body([0x89u8, b'P', b'N', b'G']);
        })
        .await;
    let dir = std::env::temp_dir().join(format!("halo-bytes-download-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = halo.download_attachment(6, Some(&dir), false).await.unwrap();
    assert_eq!(path, dir.join("shot.png"));
    assert_eq!(std::fs::read(&path).unwrap(), [0x89u8, b'P', b'N', b'G']);
    let _ = std::fs::remove_dir_all(&dir);
}
