//! The named actions ride on the generated operations: every typed filter
//! of every named list, and every typed option of every named get, reaches
//! the wire as the query parameter Halo's document names, with its value.
//! And the resource table halo-api-ext exposes is the one in the patched
//! document (from spec/resources.toml): one source.

use crate::common;
use common::scripted::{Scripted, ok};
use halo_api_ext::{HaloClient, HaloConfig, HaloError, RESOURCES, RetryPolicy};
use serde_json::Value;
use std::collections::BTreeMap;

fn patched() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../halo-api/halo.patched.json");
    serde_json::from_slice(&std::fs::read(path).expect("run `cargo xtask codegen` first")).unwrap()
}

fn sent(path_and_query: &str, skip: &[&str]) -> BTreeMap<String, String> {
    let url = url::Url::parse(&format!("http://h{path_and_query}")).unwrap();
    url.query_pairs()
        .filter(|(k, _)| !skip.contains(&k.as_ref()))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

const PAGING: &[&str] = &["pageinate", "page_size", "page_no"];

/// A named list with every typed filter, a named get with every typed
/// option (spelled from the document by tests/build.rs).
#[allow(missing_debug_implementations)]
pub struct Typed {
    name: &'static str,
    path: &'static str,
    list_query: &'static [(&'static str, &'static str)],
    get_query: &'static [(&'static str, &'static str)],
    list: Call<usize>,
    get: Call<Option<i64>>,
}
type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;
/// A call on the client answering `T` (rows listed, the id got).
type Call<T> = for<'a> fn(&'a HaloClient) -> BoxFuture<'a, Result<T, HaloError>>;
include!(concat!(env!("OUT_DIR"), "/typed_calls.rs"));

#[tokio::test]
async fn every_typed_filter_and_option_of_every_named_action_reaches_the_wire() {
    let calls = typed_calls();
    assert_eq!(calls.len(), 23);
    for t in calls {
        let s = Scripted::start(vec![ok("[]"), ok(r#"{"id": 7}"#)]).await;
        let mut c = HaloConfig::cloud(&s.base_url, "acme", "id", "secret");
        c.rate_limit = None;
        c.retry = RetryPolicy::none();
        let halo = HaloClient::new(c).unwrap();
        assert_eq!((t.list)(&halo).await.unwrap(), 0, "{}", t.name);
        assert_eq!((t.get)(&halo).await.unwrap(), Some(7), "{}", t.name);

        let seen = s.seen();
        let owned =
            |q: &[(&str, &str)]| q.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<BTreeMap<_, _>>();
        assert_eq!(seen[0].path.split('?').next(), Some(format!("/api{}", t.path).as_str()));
        assert_eq!(sent(&seen[0].path, PAGING), owned(t.list_query), "GET {}: typed filters on the wire", t.path);
        let paging = sent(&seen[0].path, &[]);
        assert_eq!(
            (paging["pageinate"].as_str(), paging["page_size"].as_str(), paging["page_no"].as_str()),
            ("true", "10", "1")
        );
        assert_eq!(seen[1].path.split('?').next(), Some(format!("/api{}/7", t.path).as_str()));
        assert_eq!(sent(&seen[1].path, &[]), owned(t.get_query), "GET {}/{{id}}: typed options on the wire", t.path);
    }
}

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
