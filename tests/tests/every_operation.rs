//! Every generated operation, called once against a recording server on
//! loopback: the method and path that reach the server, the bearer token,
//! `accept`/`content-type` where progenitor sets them, and progenitor's
//! `api-version` header, on each. Proves the whole surface goes through the
//! same auth and policy, not only the named actions.

use crate::common;
use common::scripted::{Scripted, ok};
use halo_api_ext::{HaloClient, HaloConfig, RetryPolicy};
use std::future::Future;
use std::pin::Pin;

type Call<'a> = Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;

#[allow(missing_debug_implementations)]
pub struct Op {
    method: &'static str,
    path: &'static str,
    call: for<'a> fn(&'a halo_api::Client) -> Call<'a>,
}

include!(concat!(env!("OUT_DIR"), "/all_operations.rs"));

#[tokio::test]
async fn every_operation_reaches_the_server_with_its_method_and_path() {
    let ops = all_operations();
    assert!(ops.len() >= 1300, "the whole API: {} operations", ops.len());
    let server = Scripted::start((0..ops.len()).map(|_| ok("{}")).collect()).await;
    let mut c = HaloConfig::cloud(&server.base_url, "acme", "id", "secret");
    c.rate_limit = None;
    c.retry = RetryPolicy::none();
    let halo = HaloClient::new(c).unwrap();
    let mut failures = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        // The answer may not decode ({} is not every response type): only
        // what reached the server matters here.
        let _ = (op.call)(halo.raw()).await;
        match server.seen().get(i) {
            Some(seen) => {
                let path = seen.path.split('?').next().unwrap();
                if seen.method != op.method || path != op.path {
                    failures.push(format!("{} {}: server saw {} {}", op.method, op.path, seen.method, seen.path));
                }
                let header = |name: &str| seen.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
                if header("authorization") != Some("Bearer tok") {
                    failures.push(format!("{} {}: authorization {:?}", op.method, op.path, header("authorization")));
                }
                if header("api-version") != Some("v2") {
                    failures.push(format!("{} {}: api-version {:?}", op.method, op.path, header("api-version")));
                }
                if !seen.body.is_empty() && header("content-type") != Some("application/json") {
                    failures.push(format!(
                        "{} {}: a body with content-type {:?}",
                        op.method,
                        op.path,
                        header("content-type")
                    ));
                }
            }
            None => {
                let err = (op.call)(halo.raw()).await.err().unwrap_or_default();
                failures.push(format!("{} {}: nothing reached the server ({err})", op.method, op.path));
                break;
            }
        }
    }
    assert!(failures.is_empty(), "{} of {} operations:\n{}", failures.len(), ops.len(), failures.join("\n"));
    assert_eq!(halo.token_requests(), 1, "one token for all of them");
}
