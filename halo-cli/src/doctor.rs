//! `halo doctor`: what a Halo integration's setup guide has you check,
//! one line each, in order: the settings, a token, the clock against
//! Halo's, who the API user is (`GET /Agent/me`, the connection test
//! integrations run), and read access to what integrations need:
//! customers, tickets, teams and agents. A failed check says what to
//! change in Halo. Exit 1 when any check fails.
//!
//! Halo's rights are the API application's permissions intersected with
//! its agent's: a missing one answers 401/403, or an empty list.

use crate::Failure;
use halo_api_ext::{HaloClient, HaloConfig, HaloError};
use reqwest::Method;
use serde_json::Value;
use std::io::Write;

/// One check's line: `ok   token: ...` or `FAIL token: ...`.
struct Report<'w, W: Write> {
    out: &'w mut W,
    failed: usize,
}

impl<W: Write> Report<'_, W> {
    fn line(&mut self, ok: bool, what: &str, text: &str) -> Result<(), Failure> {
        if !ok {
            self.failed += 1;
        }
        let mark = if ok { "ok  " } else { "FAIL" };
        writeln!(self.out, "{mark} {what}: {text}").map_err(crate::output::stdout_error)?;
        self.out.flush().map_err(crate::output::stdout_error)
    }
}

/// What to grant when a read is refused or comes back empty.
struct Access {
    what: &'static str,
    path: &'static str,
    grant: &'static str,
}

const ACCESS: &[Access] = &[
    Access {
        what: "customers",
        path: "/Client",
        grant: "give the API application the read:customers permission, and its agent's role \"View Customers\"",
    },
    Access {
        what: "tickets",
        path: "/Tickets",
        grant: "give the API application the read:tickets permission, its agent's role \"View Support Tickets\", \
                and make the agent a member of the teams whose tickets it reads",
    },
    Access {
        what: "teams",
        path: "/Team",
        grant: "make the API application's agent a member of the teams it works with (Agent > Teams), and let its \
                role see teams",
    },
    Access {
        what: "agents",
        path: "/Agent",
        grant: "let the API application and its agent's role read agents (the connection test integrations run \
                lists them)",
    },
];

/// Runs the checks; `config` is what the flags, variables and profile gave.
pub async fn run(config: Result<HaloConfig, Failure>, out: &mut impl Write) -> Result<(), Failure> {
    let mut r = Report { out, failed: 0 };
    let config = match config {
        Ok(c) => c,
        Err(Failure::Usage(m)) => {
            r.line(false, "config", &m)?;
            return Err(Failure::Quiet);
        }
        Err(e) => return Err(e),
    };
    let halo = match HaloClient::new(config) {
        Ok(h) => h,
        Err(e) => {
            r.line(false, "config", &e.to_string())?;
            return Err(Failure::Quiet);
        }
    };
    let ends = halo.endpoints();
    r.line(true, "config", &format!("API {}, token {}", ends.api_base, ends.token_url))?;
    if let Err(e) = halo.check_token().await {
        let hint = match &e {
            HaloError::Auth { status: 400 | 401, .. } => {
                "; check the client id and secret (Halo: Configuration > Integrations > Halo API), and the tenant"
            }
            HaloError::Auth { status: 0, .. } | HaloError::Transport { .. } => {
                "; check the host and auth host, and that this machine reaches them"
            }
            _ => "",
        };
        r.line(false, "token", &format!("{e}{hint}"))?;
        return Err(Failure::Quiet);
    }
    r.line(true, "token", "a token was granted")?;

    let me = halo.request(Method::GET, "/Agent/me").send().await;
    // The clock, from the Date header of the answer just read.
    if halo_api_ext::changes::halo_clock_known() {
        let skew = (chrono::Utc::now() - halo_api_ext::changes::halo_now()).num_seconds();
        let text =
            format!("this machine's clock is {}s {} Halo's", skew.abs(), if skew >= 0 { "ahead of" } else { "behind" });
        if skew.abs() <= 120 {
            r.line(true, "clock", &text)?;
        } else {
            r.line(
                false,
                "clock",
                &format!("{text}: set it right (NTP); change feeds and token lifetimes rely on it"),
            )?;
        }
    } else {
        r.line(false, "clock", "Halo's answer had no Date header to compare with")?;
    }
    match me {
        Ok(agent) => {
            let name = agent.get("name").and_then(Value::as_str).unwrap_or("(no name)");
            let id = agent.get("id").map(|v| v.to_string()).unwrap_or_else(|| "?".into());
            let email = agent.get("email").and_then(Value::as_str).map(|e| format!(" <{e}>")).unwrap_or_default();
            r.line(true, "API user", &format!("agent {id}, {name}{email}"))?;
        }
        Err(e) => r.line(false, "API user", &format!("GET /Agent/me: {e}; {}", refused_hint(&e)))?,
    }
    for a in ACCESS {
        let answer =
            halo.request(Method::GET, a.path).query("pageinate", true).query("page_size", 1).query("page_no", 1);
        match answer.send().await {
            Ok(v) => match count(&v) {
                Some(0) => r.line(false, a.what, &format!("GET {} answered none: {}", a.path, a.grant))?,
                Some(n) => r.line(true, a.what, &format!("GET {} reads them ({n} visible)", a.path))?,
                None => r.line(true, a.what, &format!("GET {} reads them", a.path))?,
            },
            Err(e) => match refusal(&e) {
                Some((status, said)) => {
                    r.line(false, a.what, &format!("GET {} was refused ({status}: {said}): {}", a.path, a.grant))?
                }
                None => r.line(false, a.what, &format!("GET {}: {e}", a.path))?,
            },
        }
    }
    if r.failed > 0 { Err(Failure::Quiet) } else { Ok(()) }
}

/// Halo refusing the API user, with its status and text: a 401 after a
/// token renewal, or a 403.
fn refusal(e: &HaloError) -> Option<(u16, &str)> {
    match e {
        HaloError::Auth { status: 401, message } => Some((401, message)),
        HaloError::Forbidden { message, .. } => Some((403, message)),
        _ => None,
    }
}

fn refused_hint(e: &HaloError) -> &'static str {
    if refusal(e).is_some() {
        "the API application needs an agent to act as (Halo: Configuration > Integrations > Halo API > Agent to log \
         in as)"
    } else {
        "see the error"
    }
}

/// How many records a list answer says it has: `record_count`, else the
/// length of its array.
fn count(v: &Value) -> Option<u64> {
    match v {
        Value::Array(a) => Some(a.len() as u64),
        Value::Object(o) => o.get("record_count").and_then(Value::as_u64).or_else(|| {
            let arrays: Vec<&Vec<Value>> = o.values().filter_map(Value::as_array).collect();
            match arrays[..] {
                [one] => Some(one.len() as u64),
                _ => None,
            }
        }),
        _ => None,
    }
}
