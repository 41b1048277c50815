//! Decoding one list page of 100 tickets in which every ticket field is
//! populated: into halo-api's typed records, and into serde_json::Value as
//! the baseline. Run: `cargo bench -p halo-contract-tests --bench decode`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::{Map, Value, json};

/// A value for every property of `schema`, by its declared type; nested
/// records one level deep, arrays with one element.
fn populate(doc: &Value, schema: &Value, depth: usize) -> Value {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap();
        return if depth > 1 { Value::Null } else { populate(doc, &doc["components"]["schemas"][name], depth + 1) };
    }
    match (schema["type"].as_str(), schema["format"].as_str()) {
        (Some("object"), _) | (None, _) if schema.get("properties").is_some() => {
            let mut m = Map::new();
            for (k, v) in schema["properties"].as_object().unwrap() {
                m.insert(k.clone(), populate(doc, v, depth));
            }
            Value::Object(m)
        }
        (Some("integer"), _) => json!(12345),
        (Some("number"), _) => json!(12.5),
        (Some("boolean"), _) => json!(true),
        (Some("string"), Some("date-time")) => json!("2024-05-01T09:30:00Z"),
        (Some("string"), Some("uuid")) => json!("6f1c2b7e-3a4d-4c8e-9b1a-2d3e4f5a6b7c"),
        (Some("string"), _) => json!("Printer on fire in the third-floor copy room"),
        (Some("array"), _) => {
            let item = populate(doc, &schema["items"], depth + 1);
            if item.is_null() { json!([]) } else { json!([item]) }
        }
        _ => Value::Null,
    }
}

fn page() -> Vec<u8> {
    let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../halo-api/halo.patched.json");
    let doc: Value = serde_json::from_slice(&std::fs::read(spec).expect("run `cargo xtask codegen` first")).unwrap();
    let ticket = populate(&doc, &doc["components"]["schemas"]["Faults"], 0);
    let fields = ticket.as_object().unwrap().len();
    assert!(fields >= 850, "every ticket field: {fields}");
    let tickets: Vec<Value> = (0..100)
        .map(|i| {
            let mut t = ticket.clone();
            t["id"] = json!(i);
            t
        })
        .collect();
    serde_json::to_vec(&json!({"record_count": 100, "page_no": 1, "page_size": 100, "tickets": tickets})).unwrap()
}

#[derive(serde::Deserialize)]
struct TicketPage {
    #[allow(dead_code)]
    record_count: Option<i64>,
    tickets: Vec<halo_api::types::Faults>,
}

fn decode(c: &mut Criterion) {
    let body = page();
    let typed: TicketPage = serde_json::from_slice(&body).unwrap();
    assert_eq!(typed.tickets.len(), 100);
    let mut g = c.benchmark_group("decode 100 tickets, all fields");
    g.throughput(Throughput::Bytes(body.len() as u64));
    g.bench_function("typed (halo_api::types::Faults)", |b| {
        b.iter(|| serde_json::from_slice::<TicketPage>(std::hint::black_box(&body)).unwrap())
    });
    g.bench_function("serde_json::Value", |b| {
        b.iter(|| serde_json::from_slice::<Value>(std::hint::black_box(&body)).unwrap())
    });
    g.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
