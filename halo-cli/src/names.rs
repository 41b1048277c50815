//! Names on the command line: resources and lists (one rule, see
//! [`halo_api_ext::PagedList`]: a resource's name, else the list's path in
//! snake case; `-` and `_` alike), and `--query` keys checked against the
//! operation's declared parameters.

use crate::Failure;
use clap::builder::PossibleValue;
use halo_api_ext::{LISTS, PagedList, RESOURCES, Resource};

/// `kb_articles` -> `kb-articles`: how the CLI writes names.
pub fn cli_name(name: &str) -> String {
    name.replace('_', "-")
}

/// The names `halo get|upsert|delete` take: the named resources.
pub fn resource_values() -> Vec<PossibleValue> {
    RESOURCES.iter().map(|r| PossibleValue::new(cli_name(r.name)).alias(r.name)).collect()
}

/// The names `halo list` takes: every paged list, plus a named resource
/// whose list Halo does not page.
pub fn list_values() -> Vec<PossibleValue> {
    all().into_iter().map(|n| PossibleValue::new(cli_name(n)).alias(n)).collect()
}

/// Every list's and resource's name, sorted, each once.
pub fn all() -> Vec<&'static str> {
    let mut names: Vec<&str> = LISTS.iter().map(|l| l.name).chain(RESOURCES.iter().map(|r| r.name)).collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// The names of the resources with a change feed.
pub fn feed_values() -> Vec<PossibleValue> {
    RESOURCES
        .iter()
        .filter(|r| r.changes.is_some())
        .map(|r| PossibleValue::new(cli_name(r.name)).alias(r.name))
        .collect()
}

/// The resource of a name clap has checked.
pub fn resource(name: &str) -> Result<&'static Resource, Failure> {
    Resource::named(name).ok_or_else(|| Failure::Usage(format!("unknown resource `{name}`: see `halo resources`")))
}

/// What `halo list NAME` lists.
pub enum Listed {
    Paged(&'static PagedList),
    Resource(&'static Resource),
}

pub fn list(name: &str) -> Result<Listed, Failure> {
    let n = name.replace('-', "_");
    if let Some(l) = LISTS.iter().find(|l| l.name == n) {
        return Ok(Listed::Paged(l));
    }
    resource(name).map(Listed::Resource)
}

/// `KEY=VALUE` pairs of `flag`.
pub fn pairs(flag: &str, given: &[String]) -> Result<Vec<(String, String)>, Failure> {
    given
        .iter()
        .map(|q| {
            q.split_once('=')
                .filter(|(k, _)| !k.is_empty())
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .ok_or_else(|| Failure::Usage(format!("{flag} `{q}` is not KEY=VALUE")))
        })
        .collect()
}

/// Halo's paging parameters: the list sets them (`--page-size`).
const PAGING: &[&str] = &["pageinate", "page_size", "page_no"];

/// Checks `--query` keys against `declared` (the operation's query
/// parameters): an unknown key is bad usage naming the closest declared
/// ones, because Halo ignores a name it does not know and answers as if
/// there were no filter. The paging parameters are the list's own.
pub fn check_query(operation: &str, declared: &[&str], query: &[(String, String)], paged: bool) -> Result<(), Failure> {
    for (key, _) in query {
        if paged && PAGING.contains(&key.as_str()) {
            return Err(Failure::Usage(format!(
                "--query {key}: halo pages the list itself; use --page-size and --max"
            )));
        }
        if declared.contains(&key.as_str()) {
            continue;
        }
        let choices: Vec<&str> = declared.iter().copied().filter(|d| !(paged && PAGING.contains(d))).collect();
        let mut close: Vec<(f64, &str)> =
            choices.iter().map(|d| (strsim::jaro_winkler(&key.to_lowercase(), &d.to_lowercase()), *d)).collect();
        close.sort_by(|a, b| b.0.total_cmp(&a.0));
        let close: Vec<&str> = close.iter().take(3).filter(|(s, _)| *s > 0.7).map(|(_, d)| *d).collect();
        let hint = if close.is_empty() {
            match choices.len() {
                0 => format!("{operation} declares no query parameter"),
                _ => format!("{operation} declares: {}", choices.join(", ")),
            }
        } else {
            format!("did you mean {}? (all {}: `halo resources NAME`)", close.join(", "), choices.len())
        };
        return Err(Failure::Usage(format!(
            "--query {key}: not a parameter of {operation}, and Halo ignores names it does not know (so the \
             filter would not apply); {hint}. Send it anyway with --raw-query {key}=..."
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_misspelt_key_names_the_closest() {
        let declared = ["client_id", "site_id", "search", "pageinate", "page_size", "page_no"];
        let q = vec![("clinet_id".to_string(), "3".to_string())];
        let Err(Failure::Usage(m)) = check_query("get_tickets", &declared, &q, true) else { panic!() };
        assert!(m.contains("did you mean client_id"), "{m}");
        assert!(m.contains("--raw-query clinet_id="), "{m}");
        let q = vec![("client_id".to_string(), "3".to_string())];
        assert!(check_query("get_tickets", &declared, &q, true).is_ok());
        let q = vec![("page_no".to_string(), "3".to_string())];
        assert!(
            matches!(check_query("get_tickets", &declared, &q, true), Err(Failure::Usage(m)) if m.contains("--page-size"))
        );
    }

    #[test]
    fn every_list_and_resource_has_a_cli_name() {
        assert!(matches!(list("sales-order"), Ok(Listed::Paged(l)) if l.path == "/SalesOrder"));
        assert!(matches!(list("kb_articles"), Ok(Listed::Paged(l)) if l.name == "kb_articles"));
        assert_eq!(list_values().len(), all().len());
        assert!(LISTS.iter().all(|l| all().contains(&l.name)) && RESOURCES.iter().all(|r| all().contains(&r.name)));
        assert!(pairs("--query", &["a=b=c".into()]).unwrap() == [("a".to_string(), "b=c".to_string())]);
        assert!(pairs("--query", &["=x".into()]).is_err());
    }
}
