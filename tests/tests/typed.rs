//! The named actions ride on the generated operations: every typed filter
//! of every named list, and every typed option of every named get, reaches
//! the wire as the query parameter Halo's document names, with its value.
//! And the resource table halo-api-ext exposes is the one in the patched
//! document (from spec/resources.toml): one source.

mod common;
use common::scripted::{Scripted, ok};
use halo_api_ext::{HaloClient, HaloConfig, RESOURCES, RetryPolicy};
use serde_json::Value;
use std::collections::BTreeMap;

/// A value of each parameter type the document uses, and how it reads on the wire.
trait Sample {
    fn sample() -> Self;
}
impl Sample for i32 {
    fn sample() -> Self {
        7
    }
}
impl Sample for bool {
    fn sample() -> Self {
        true
    }
}
impl Sample for f64 {
    fn sample() -> Self {
        1.5
    }
}
impl Sample for String {
    fn sample() -> Self {
        "x".into()
    }
}

fn wire_value(schema: &Value) -> &'static str {
    match schema["type"].as_str() {
        Some("integer") => "7",
        Some("boolean") => "true",
        Some("number") => "1.5",
        _ => "x",
    }
}

fn patched() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../halo-api/halo.patched.json");
    serde_json::from_slice(&std::fs::read(path).expect("run `cargo xtask codegen` first")).unwrap()
}

/// The query Halo's document declares for `method path`, as the sample
/// values read on the wire, less what the named action sets itself.
fn declared(doc: &Value, path: &str, method: &str, skip: &[&str]) -> BTreeMap<String, String> {
    doc["paths"][path][method]["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["in"] == "query" && !skip.contains(&p["name"].as_str().unwrap()))
        .map(|p| (p["name"].as_str().unwrap().to_string(), wire_value(&p["schema"]).to_string()))
        .collect()
}

fn sent(path_and_query: &str, skip: &[&str]) -> BTreeMap<String, String> {
    let url = url::Url::parse(&format!("http://h{path_and_query}")).unwrap();
    url.query_pairs()
        .filter(|(k, _)| !skip.contains(&k.as_ref()))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

const PAGING: &[&str] = &["pageinate", "page_size", "page_no"];

macro_rules! typed {
    ($(
        $name:ident {
            names: $list:ident $get:ident $upsert:ident $delete:ident,
            path: $path:literal,
            fields: [$($field:literal),*],
            list: $list_op:ident $ListB:ident { $($lp:ident : $lt:ty),* },
            get: $get_op:ident $GetB:ident { $($gp:ident : $gt:ty),* },
            $($rest:tt)*
        }
    )*) => {$(
        #[tokio::test]
        async fn $name() {
            let doc = patched();
            let s = Scripted::start(vec![ok("[]"), ok(r#"{"id": 7}"#)]).await;
            let mut c = HaloConfig::cloud(&s.base_url, "acme", "id", "secret");
            c.rate_limit = None;
            c.retry = RetryPolicy::none();
            let halo = HaloClient::new(c).unwrap();

            // Every typed filter of the list at once.
            let list = halo.$list() $( .$lp(<$lt as Sample>::sample()) )*;
            let page = list.page_size(10).page(1).await.unwrap();
            assert!(page.records.is_empty());
            // Every typed option of the get.
            let got = halo.$get(7) $( .$gp(<$gt as Sample>::sample()) )* .await.unwrap();
            assert_eq!(got.id, Some(7));

            let seen = s.seen();
            assert_eq!(seen[0].path.split('?').next(), Some(concat!("/api", $path)));
            assert_eq!(sent(&seen[0].path, PAGING), declared(&doc, $path, "get", PAGING), "GET {}: typed filters on the wire", $path);
            let paging = sent(&seen[0].path, &[]);
            assert_eq!((paging["pageinate"].as_str(), paging["page_size"].as_str(), paging["page_no"].as_str()), ("true", "10", "1"));
            let by_id = concat!($path, "/{id}");
            assert_eq!(seen[1].path.split('?').next(), Some(concat!("/api", $path, "/7")));
            assert_eq!(sent(&seen[1].path, &[]), declared(&doc, by_id, "get", &["id"]), "GET {by_id}: typed options on the wire");
        }
    )*};
}

halo_api::__for_each_resource!(typed);

#[test]
fn the_table_is_the_patched_documents_which_is_spec_resources_toml() {
    let doc = patched();
    let table: Vec<(String, String, Vec<String>)> = doc["info"]["x-halo-rs"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let fields = r["fields"].as_array().unwrap().iter().map(|f| f.as_str().unwrap().to_string()).collect();
            (r["feature"].as_str().unwrap().to_string(), r["path"].as_str().unwrap().to_string(), fields)
        })
        .collect();
    let exposed: Vec<(String, String, Vec<String>)> = RESOURCES
        .iter()
        .map(|r| (r.name.to_string(), r.path.to_string(), r.fields.iter().map(|f| f.to_string()).collect()))
        .collect();
    assert_eq!(exposed, table);
    assert_eq!(exposed.len(), 23);
}
