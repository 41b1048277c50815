//! Decoding one list page of 100 tickets in which every ticket field is
//! populated: into halo-api's typed records, and into serde_json::Value as
//! the baseline. Run: `cargo bench -p halo-contract-tests --bench decode`.

mod support;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::{Value, json};

fn page() -> Vec<u8> {
    let ticket = support::full_ticket();
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
