//! The six settings every Halo integration asks for, plus scope and policy.

use halo_api::HaloError;
use secrecy::{ExposeSecret, SecretString};
use std::net::IpAddr;
use std::time::Duration;
use url::Url;

/// How to reach one Halo instance (one tenant). Build one per instance: an
/// MSP can hold several at once; nothing is global.
///
/// `Debug` never shows the client secret.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct HaloConfig {
    /// 1. Resource server: `example.halopsa.com` (https) or a URL. The API
    ///    base is `<host>/api`.
    pub host: String,
    /// 2. Client id of the API application ("Client ID and Secret (Services)").
    pub client_id: String,
    /// 3. Tenant: required for Halo's cloud, absent on premise.
    pub tenant: Option<String>,
    /// 4. Auth server, only when it differs from the resource server
    ///    (`example.halopsa.com/auth` or a separate host).
    pub auth_host: Option<String>,
    /// 5. Client secret.
    pub client_secret: SecretString,
    /// 6. On premise: no tenant.
    pub on_prem: bool,
    /// OAuth scope; `all` unless set (`all:standard`, `read:tickets`, ...).
    pub scope: String,
    /// Allow plain `http://` to hosts that are not loopback. Off by default;
    /// shown in `Debug` when on.
    pub allow_insecure_http: bool,
    /// Client-side rate limit; `None` turns it off.
    pub rate_limit: Option<RateLimit>,
    /// Retry bounds.
    pub retry: RetryPolicy,
    /// Timeout for one HTTP request (token requests included), from
    /// sending to the last byte of the answer.
    pub request_timeout: Duration,
    /// The longest answer read (default 256 MiB). A page of 100 tickets with
    /// every field set is about 12 MB.
    pub max_response_bytes: u64,
}

/// At most `requests` in any window of `per` (a rolling window: no waiting
/// while under it). See [`crate::policy`] for how a 429 lowers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimit {
    /// Requests allowed in any rolling window...
    pub requests: u32,
    /// ...of this length.
    pub per: Duration,
}

impl Default for RateLimit {
    /// Hosted Halo's 429 says "300 Requests per rolling 5 minute window"
    /// (as users of the PowerShell module quote it): 290 per 300 s stays
    /// just under it.
    fn default() -> Self {
        Self { requests: 290, per: Duration::from_secs(300) }
    }
}

impl RateLimit {
    /// At most `requests` in any rolling window of `per`.
    pub fn new(requests: u32, per: Duration) -> Self {
        Self { requests, per }
    }

    /// `REQUESTS/SECONDS` (`300/300`, `40/8`, `10/0.5`), or `off` for no
    /// limit: the form of `HALO_RATE_LIMIT` and the CLI's `--rate-limit`.
    /// `setting` names where the text came from, for the error.
    pub fn parse(setting: &str, text: &str) -> Result<Option<Self>, HaloError> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("off") {
            return Ok(None);
        }
        let bad = |why: &str| {
            HaloError::config(setting, format!("`{text}` {why}: use REQUESTS/SECONDS (e.g. 300/300) or off"))
        };
        let (n, secs) = text.split_once('/').ok_or_else(|| bad("has no `/`"))?;
        let requests: u32 = n.trim().parse().map_err(|_| bad("does not start with a whole number of requests"))?;
        let secs: f64 = secs.trim().parse().map_err(|_| bad("does not end with a number of seconds"))?;
        if requests == 0 {
            return Err(bad("allows no request"));
        }
        if !(secs.is_finite() && secs > 0.0 && secs <= 86_400.0) {
            return Err(bad("needs a window of more than 0 and at most 86400 seconds"));
        }
        Ok(Some(Self { requests, per: Duration::from_secs_f64(secs) }))
    }
}

/// Bounds on retries. Which requests are retried is fixed by the rules in
/// [`crate::policy`]: 429 always; 502/503/504, timeouts and resets only for
/// GET, HEAD and DELETE; a POST never once it may have reached Halo. The
/// token request uses the same bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// First backoff; doubled each time, with jitter.
    pub base_delay: Duration,
    /// Longest single backoff of ours.
    pub max_delay: Duration,
    /// Longest Retry-After waited out (default 6 minutes: Halo's window is
    /// 5). A longer one fails the call at once with
    /// [`HaloError::RateLimited`] carrying Halo's wait.
    pub max_retry_after: Duration,
    /// Longest total time spent waiting to retry one call (default 10
    /// minutes: one Retry-After of a whole window, plus backoffs).
    pub max_total_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(60),
            max_retry_after: Duration::from_secs(360),
            max_total_wait: Duration::from_secs(600),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        Self { max_attempts: 1, ..Self::default() }
    }

    /// The backoff before attempt `attempt + 1`: `base_delay` doubled each
    /// time, capped at `max_delay`, with jitter (between half and all of it).
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        let exp = self.base_delay.saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        exp.min(self.max_delay).mul_f64(0.5 + fastrand::f64() / 2.0)
    }

    /// Sets [`RetryPolicy::max_attempts`].
    pub fn with_max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n;
        self
    }

    /// Sets [`RetryPolicy::base_delay`].
    pub fn with_base_delay(mut self, d: Duration) -> Self {
        self.base_delay = d;
        self
    }

    /// Sets [`RetryPolicy::max_delay`].
    pub fn with_max_delay(mut self, d: Duration) -> Self {
        self.max_delay = d;
        self
    }

    /// Sets [`RetryPolicy::max_retry_after`].
    pub fn with_max_retry_after(mut self, d: Duration) -> Self {
        self.max_retry_after = d;
        self
    }

    /// Sets [`RetryPolicy::max_total_wait`].
    pub fn with_max_total_wait(mut self, d: Duration) -> Self {
        self.max_total_wait = d;
        self
    }
}

impl HaloConfig {
    /// A cloud instance: host, client id, tenant and secret; everything else
    /// as Halo integrations default it.
    pub fn cloud(host: &str, tenant: &str, client_id: &str, client_secret: &str) -> Self {
        Self {
            host: host.into(),
            client_id: client_id.into(),
            tenant: Some(tenant.into()),
            auth_host: None,
            client_secret: SecretString::from(client_secret.to_string()),
            on_prem: false,
            scope: "all".into(),
            allow_insecure_http: false,
            rate_limit: Some(RateLimit::default()),
            retry: RetryPolicy::default(),
            request_timeout: Duration::from_secs(60),
            max_response_bytes: 256 << 20,
        }
    }

    /// An on-premise instance: no tenant.
    pub fn on_prem(host: &str, client_id: &str, client_secret: &str) -> Self {
        Self { tenant: None, on_prem: true, ..Self::cloud(host, "", client_id, client_secret) }
    }

    /// Reads `HALO_HOST`, `HALO_CLIENT_ID`, `HALO_TENANT`, `HALO_AUTH_HOST`,
    /// `HALO_CLIENT_SECRET`, `HALO_ON_PREM` (true/false/1/0/yes/no) and
    /// `HALO_SCOPE`, and `HALO_RATE_LIMIT` (`REQUESTS/SECONDS` or `off`).
    /// Checked when the client is built.
    ///
    /// # Errors
    /// `Config` naming the variable to set or change.
    pub fn from_env() -> Result<Self, HaloError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// [`Self::from_env`] over any source of variables (for tests and CLIs).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, HaloError> {
        let var = |k: &str| get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let on_prem = match var("HALO_ON_PREM").map(|v| v.to_ascii_lowercase()) {
            None => false,
            Some(v) if ["1", "true", "yes", "on"].contains(&v.as_str()) => true,
            Some(v) if ["0", "false", "no", "off"].contains(&v.as_str()) => false,
            Some(v) => {
                return Err(HaloError::config(
                    "HALO_ON_PREM",
                    format!("`{v}` is not a yes/no value: use true or false"),
                ));
            }
        };
        let mut c = Self::cloud(
            &var("HALO_HOST").unwrap_or_default(),
            "",
            &var("HALO_CLIENT_ID").unwrap_or_default(),
            &get("HALO_CLIENT_SECRET").unwrap_or_default(),
        );
        c.tenant = var("HALO_TENANT");
        c.auth_host = var("HALO_AUTH_HOST");
        c.on_prem = on_prem;
        if let Some(s) = var("HALO_SCOPE") {
            c.scope = s;
        }
        if let Some(r) = var("HALO_RATE_LIMIT") {
            c.rate_limit = RateLimit::parse("HALO_RATE_LIMIT", &r)?;
        }
        Ok(c)
    }

    /// Checks every setting and works out the URLs. Called by
    /// `HaloClient::new`, before any request is sent.
    pub fn endpoints(&self) -> Result<Endpoints, HaloError> {
        let host = parse_host("host (HALO_HOST)", &self.host, self.allow_insecure_http)?;
        if self.client_id.trim().is_empty() {
            return Err(HaloError::config(
                "client_id (HALO_CLIENT_ID)",
                "is empty: set the API application's client id",
            ));
        }
        if self.client_secret.expose_secret().trim().is_empty() {
            return Err(HaloError::config(
                "client_secret (HALO_CLIENT_SECRET)",
                "is empty: set the API application's secret",
            ));
        }
        if self.scope.trim().is_empty() || self.scope.contains(char::is_control) {
            return Err(HaloError::config("scope (HALO_SCOPE)", "must be a scope such as `all` or `read:tickets`"));
        }
        self.check_policy()?;
        let tenant = self.tenant.as_deref().map(str::trim).filter(|t| !t.is_empty());
        match (self.on_prem, tenant) {
            (false, None) => {
                return Err(HaloError::config(
                    "tenant (HALO_TENANT)",
                    "is required for Halo's cloud: set it, or set on_prem (HALO_ON_PREM=true) for an on-premise instance",
                ));
            }
            (true, Some(_)) => {
                return Err(HaloError::config(
                    "tenant (HALO_TENANT)",
                    "is set but on_prem is true: an on-premise instance has no tenant; unset one of them",
                ));
            }
            _ => {}
        }
        let api_base = join(&host, "api");
        let mut token_url = match &self.auth_host {
            Some(a) if !a.trim().is_empty() => {
                join(&parse_host("auth_host (HALO_AUTH_HOST)", a, self.allow_insecure_http)?, "token")
            }
            _ => join(&host, "auth/token"),
        };
        if let Some(t) = tenant {
            token_url.query_pairs_mut().append_pair("tenant", t);
        }
        Ok(Endpoints { api_base, token_url })
    }
}

impl HaloConfig {
    /// Limits that would stop every request, or never let one end.
    fn check_policy(&self) -> Result<(), HaloError> {
        if let Some(r) = &self.rate_limit {
            let off = "or set rate_limit to None to turn the limit off";
            if r.requests == 0 {
                return Err(HaloError::config("rate_limit.requests", format!("is 0: allow at least 1, {off}")));
            }
            if r.per.is_zero() {
                return Err(HaloError::config(
                    "rate_limit.per",
                    format!("is zero: give a period such as 300 s, {off}"),
                ));
            }
        }
        if self.retry.max_attempts == 0 {
            return Err(HaloError::config(
                "retry.max_attempts",
                "is 0: it counts the first attempt, so set 1 (RetryPolicy::none()) to never retry",
            ));
        }
        if self.retry.base_delay > self.retry.max_delay {
            return Err(HaloError::config(
                "retry.base_delay",
                format!(
                    "({:?}) is longer than retry.max_delay ({:?}): raise max_delay or lower base_delay",
                    self.retry.base_delay, self.retry.max_delay
                ),
            ));
        }
        if self.request_timeout.is_zero() {
            return Err(HaloError::config("request_timeout", "is zero: every request would time out; 60 s is usual"));
        }
        if self.max_response_bytes == 0 {
            return Err(HaloError::config(
                "max_response_bytes",
                "is 0: no answer could be read; 256 MiB is the default",
            ));
        }
        Ok(())
    }
}

/// Where requests go, worked out from a checked [`HaloConfig`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Endpoints {
    /// `https://HOST/api`, no trailing slash.
    pub api_base: Url,
    /// `https://HOST/auth/token` or `https://AUTH_HOST/token`, with
    /// `?tenant=TENANT` on Halo's cloud.
    pub token_url: Url,
}

fn join(base: &Url, tail: &str) -> Url {
    let mut u = base.clone();
    let path = format!("{}/{tail}", base.path().trim_end_matches('/'));
    u.set_path(&path);
    u
}

/// A bare hostname (https) or a URL; plain http only for loopback or with
/// the explicit opt-in.
fn parse_host(setting: &str, value: &str, allow_http: bool) -> Result<Url, HaloError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(HaloError::config(setting, "is empty: set the hostname, e.g. example.halopsa.com"));
    }
    let with_scheme = if v.contains("://") { v.to_string() } else { format!("https://{v}") };
    let url = Url::parse(&with_scheme)
        .map_err(|e| HaloError::config(setting, format!("`{v}` is not a hostname or URL ({e})")))?;
    if url.host_str().is_none_or(str::is_empty) {
        return Err(HaloError::config(setting, format!("`{v}` has no host")));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(HaloError::config(setting, format!("`{v}` must not have a query or fragment")));
    }
    match url.scheme() {
        "https" => {}
        "http" if allow_http || is_loopback(&url) => {}
        "http" => {
            return Err(HaloError::config(
                setting,
                format!("`{v}` is plain http: use https, or set allow_insecure_http for a host you trust"),
            ));
        }
        other => return Err(HaloError::config(setting, format!("`{v}`: scheme `{other}` is not http(s)"))),
    }
    Ok(url)
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cloud() -> HaloConfig {
        HaloConfig::cloud("example.halopsa.com", "acme", "id", "s3cret")
    }

    #[test]
    fn token_url_rules() {
        let e = cloud().endpoints().unwrap();
        assert_eq!(e.api_base.as_str(), "https://example.halopsa.com/api");
        assert_eq!(e.token_url.as_str(), "https://example.halopsa.com/auth/token?tenant=acme");

        let mut c = cloud();
        c.auth_host = Some("example.halopsa.com/auth".into());
        assert_eq!(c.endpoints().unwrap().token_url.as_str(), "https://example.halopsa.com/auth/token?tenant=acme");
        c.auth_host = Some("https://login.example.com".into());
        assert_eq!(c.endpoints().unwrap().token_url.as_str(), "https://login.example.com/token?tenant=acme");

        let e = HaloConfig::on_prem("halo.corp.example", "id", "s").endpoints().unwrap();
        assert_eq!(e.token_url.as_str(), "https://halo.corp.example/auth/token");
    }

    #[test]
    fn bad_settings_name_the_setting() {
        let cases: Vec<(HaloConfig, &str)> = vec![
            (HaloConfig { tenant: None, ..cloud() }, "tenant"),
            (HaloConfig { tenant: Some("t".into()), ..HaloConfig::on_prem("h.example", "id", "s") }, "tenant"),
            (HaloConfig { client_secret: SecretString::from(String::new()), ..cloud() }, "client_secret"),
            (HaloConfig { client_id: " ".into(), ..cloud() }, "client_id"),
            (HaloConfig { host: "".into(), ..cloud() }, "host"),
            (HaloConfig { host: "https://".into(), ..cloud() }, "host"),
            (HaloConfig { host: "http://example.halopsa.com".into(), ..cloud() }, "host"),
            (HaloConfig { host: "ftp://example.halopsa.com".into(), ..cloud() }, "host"),
            (HaloConfig { auth_host: Some("http://auth.example.com".into()), ..cloud() }, "auth_host"),
            (HaloConfig { scope: "".into(), ..cloud() }, "scope"),
        ];
        for (c, setting) in cases {
            let e = c.endpoints().unwrap_err().to_string();
            assert!(e.contains(setting), "{e} should name {setting}");
            assert!(!e.contains("s3cret"));
        }
    }

    #[test]
    fn rate_limit_from_text() {
        let secs = |n: u32, s: f64| Some(RateLimit { requests: n, per: Duration::from_secs_f64(s) });
        assert_eq!(RateLimit::parse("HALO_RATE_LIMIT", "300/300").unwrap(), secs(300, 300.0));
        assert_eq!(RateLimit::parse("HALO_RATE_LIMIT", " 40 / 8 ").unwrap(), secs(40, 8.0));
        assert_eq!(RateLimit::parse("HALO_RATE_LIMIT", "10/0.5").unwrap(), secs(10, 0.5));
        assert_eq!(RateLimit::parse("HALO_RATE_LIMIT", "OFF").unwrap(), None);
        for bad in ["", "300", "x/300", "300/x", "0/300", "300/0", "300/-1", "300/inf", "-3/300"] {
            let e = RateLimit::parse("--rate-limit", bad).unwrap_err();
            assert!(matches!(e, HaloError::Config { ref setting, .. } if setting == "--rate-limit"), "{bad}: {e:?}");
            assert!(e.to_string().contains("REQUESTS/SECONDS"), "{e}");
        }
        let env = |k: &str| match k {
            "HALO_RATE_LIMIT" => Some("40/8".to_string()),
            _ => None,
        };
        assert_eq!(HaloConfig::from_lookup(env).unwrap().rate_limit, secs(40, 8.0));
        let bad = |k: &str| (k == "HALO_RATE_LIMIT").then(|| "fast".to_string());
        assert!(HaloConfig::from_lookup(bad).unwrap_err().to_string().contains("HALO_RATE_LIMIT"));
        assert_eq!(RateLimit::default(), RateLimit { requests: 290, per: Duration::from_secs(300) });
    }

    /// Every invalid combination: the setting named, and the fix.
    #[test]
    fn every_bad_combination_names_the_setting_and_the_fix() {
        let rate = |requests, per, _: u32| Some(RateLimit { requests, per: Duration::from_secs(per) });
        let retry = |max_attempts, base_ms, max_ms| RetryPolicy {
            max_attempts,
            base_delay: Duration::from_millis(base_ms),
            max_delay: Duration::from_millis(max_ms),
            ..RetryPolicy::default()
        };
        let cases: Vec<(HaloConfig, &str, &str)> = vec![
            (HaloConfig { tenant: None, ..cloud() }, "tenant (HALO_TENANT)", "set on_prem"),
            (HaloConfig { tenant: Some("  ".into()), ..cloud() }, "tenant (HALO_TENANT)", "set on_prem"),
            (
                HaloConfig { tenant: Some("t".into()), ..HaloConfig::on_prem("h.example", "id", "s") },
                "tenant (HALO_TENANT)",
                "unset one of them",
            ),
            (HaloConfig { client_secret: SecretString::from(" ".to_string()), ..cloud() }, "client_secret", "set the"),
            (HaloConfig { client_id: "".into(), ..cloud() }, "client_id (HALO_CLIENT_ID)", "set the"),
            (HaloConfig { host: " ".into(), ..cloud() }, "host (HALO_HOST)", "set the hostname"),
            (HaloConfig { host: "exa mple".into(), ..cloud() }, "host (HALO_HOST)", "not a hostname"),
            (
                HaloConfig { host: "https://h.example/?a=1".into(), ..cloud() },
                "host (HALO_HOST)",
                "must not have a query",
            ),
            (HaloConfig { host: "http://h.example".into(), ..cloud() }, "host (HALO_HOST)", "allow_insecure_http"),
            (
                HaloConfig { auth_host: Some("http://auth.example".into()), ..cloud() },
                "auth_host (HALO_AUTH_HOST)",
                "use https",
            ),
            (HaloConfig { scope: "all\n".into(), ..cloud() }, "scope (HALO_SCOPE)", "such as `all`"),
            (HaloConfig { rate_limit: rate(0, 300, 10), ..cloud() }, "rate_limit.requests", "rate_limit to None"),
            (HaloConfig { rate_limit: rate(250, 0, 10), ..cloud() }, "rate_limit.per", "rate_limit to None"),
            (HaloConfig { retry: retry(0, 500, 1000), ..cloud() }, "retry.max_attempts", "RetryPolicy::none()"),
            (HaloConfig { retry: retry(3, 5000, 1000), ..cloud() }, "retry.base_delay", "raise max_delay"),
            (HaloConfig { request_timeout: Duration::ZERO, ..cloud() }, "request_timeout", "60 s"),
            (HaloConfig { max_response_bytes: 0, ..cloud() }, "max_response_bytes", "256 MiB"),
        ];
        for (c, setting, fix) in cases {
            let e = c.endpoints().unwrap_err();
            assert!(matches!(e, HaloError::Config { .. }), "{e:?}");
            let e = e.to_string();
            assert!(e.contains(setting), "`{e}` should name {setting}");
            assert!(e.contains(fix), "`{e}` should say how to fix it ({fix})");
            assert!(!e.contains("s3cret"));
        }
        // The limits themselves are fine when off or sane.
        assert!(HaloConfig { rate_limit: None, retry: RetryPolicy::none(), ..cloud() }.endpoints().is_ok());
    }

    #[test]
    fn from_env_names_the_missing_variable() {
        let only = |set: &'static [(&'static str, &'static str)]| {
            HaloConfig::from_lookup(move |k| set.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string()))
        };
        for (set, missing) in [
            (&[("HALO_CLIENT_ID", "c"), ("HALO_CLIENT_SECRET", "s"), ("HALO_TENANT", "t")][..], "HALO_HOST"),
            (&[("HALO_HOST", "h.example"), ("HALO_CLIENT_SECRET", "s"), ("HALO_TENANT", "t")][..], "HALO_CLIENT_ID"),
            (&[("HALO_HOST", "h.example"), ("HALO_CLIENT_ID", "c"), ("HALO_TENANT", "t")][..], "HALO_CLIENT_SECRET"),
            (&[("HALO_HOST", "h.example"), ("HALO_CLIENT_ID", "c"), ("HALO_CLIENT_SECRET", "s")][..], "HALO_TENANT"),
        ] {
            let e = only(set).and_then(|c| c.endpoints()).unwrap_err().to_string();
            assert!(e.contains(missing), "`{e}` should name {missing}");
        }
    }

    #[test]
    fn http_only_for_loopback_or_opt_in() {
        for h in ["http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:9"] {
            assert!(HaloConfig { host: h.into(), ..cloud() }.endpoints().is_ok(), "{h}");
        }
        let c = HaloConfig { host: "http://halo.lan".into(), allow_insecure_http: true, ..cloud() };
        assert!(c.endpoints().is_ok());
        assert!(format!("{c:?}").contains("allow_insecure_http: true"));
    }

    #[test]
    fn debug_hides_the_secret() {
        let d = format!("{:?}", cloud());
        assert!(!d.contains("s3cret"), "{d}");
    }

    #[test]
    fn from_env_reads_the_six_settings() {
        let env = [
            ("HALO_HOST", "example.halopsa.com"),
            ("HALO_CLIENT_ID", "cid"),
            ("HALO_TENANT", "acme"),
            ("HALO_AUTH_HOST", "auth.example.com"),
            ("HALO_CLIENT_SECRET", "sec"),
            ("HALO_ON_PREM", "false"),
            ("HALO_SCOPE", "read:tickets"),
        ];
        let c = HaloConfig::from_lookup(|k| env.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())).unwrap();
        assert_eq!(
            (c.host.as_str(), c.client_id.as_str(), c.scope.as_str()),
            ("example.halopsa.com", "cid", "read:tickets")
        );
        assert_eq!(c.endpoints().unwrap().token_url.as_str(), "https://auth.example.com/token?tenant=acme");
        let e = HaloConfig::from_lookup(|k| (k == "HALO_ON_PREM").then(|| "maybe".into())).unwrap_err();
        assert!(e.to_string().contains("HALO_ON_PREM"));
    }
}
