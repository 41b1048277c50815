//! Profiles: several Halo instances side by side in one config file,
//! `halo/config.toml` in the platform's config directory
//! (`$XDG_CONFIG_HOME/halo/config.toml`, else `~/.config/halo/config.toml`
//! on Linux; `HALO_CONFIG` names another file).
//!
//! ```toml
//! [profiles.acme]
//! host = "acme.halopsa.com"
//! tenant = "acme"
//! client_id = "0f3c..."
//! client_secret_env = "ACME_HALO_SECRET"   # the secret from this variable
//!
//! [profiles.lab]
//! host = "halo.lab.example"
//! on_prem = true
//! client_id = "lab"
//! client_secret = "..."                   # only in a file no one else can read
//! rate_limit = "off"
//! ```
//!
//! A profile's keys are the `HALO_*` variables' names without `HALO_`,
//! lowercased: `host`, `client_id`, `tenant`, `auth_host`,
//! `client_secret`, `on_prem`, `scope`, `rate_limit`; plus
//! `client_secret_env`. A variable that is set beats the profile's key
//! (and the CLI's flags beat both). A file that holds a `client_secret`
//! and can be read by its group or others is refused (the mode of the file
//! as opened, not of the path looked at before); so is a key it does not
//! know.
//!
//! A profile's secret goes to that profile's host and auth host only: a
//! `HALO_HOST` or `HALO_AUTH_HOST` (or the CLI's `--host`, `--auth-host`)
//! other than the profile's, with the secret from the profile, is refused,
//! naming both; give the secret for that host too (`HALO_CLIENT_SECRET`),
//! or drop the override.

use crate::config::HaloConfig;
use halo_api::HaloError;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The keys a profile may have besides `client_secret_env`: each stands for
/// the variable `HALO_<KEY>` ([`variable`]).
const KEYS: &[&str] = &["host", "client_id", "tenant", "auth_host", "client_secret", "on_prem", "scope", "rate_limit"];

/// `host` -> `HALO_HOST`.
fn variable(key: &str) -> String {
    format!("HALO_{}", key.to_ascii_uppercase())
}

/// The profiles of one config file.
#[derive(Clone)]
pub struct Profiles {
    path: PathBuf,
    profiles: BTreeMap<String, toml::Table>,
}

impl std::fmt::Debug for Profiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Profiles").field("path", &self.path).field("names", &self.profiles.keys()).finish()
    }
}

fn bad(path: &Path, message: impl std::fmt::Display) -> HaloError {
    HaloError::config(&format!("profile file {}", path.display()), message.to_string())
}

impl Profiles {
    /// `HALO_CONFIG`, else `halo/config.toml` in the platform's config
    /// directory.
    pub fn default_path() -> Option<PathBuf> {
        std::env::var_os("HALO_CONFIG")
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
            .or_else(|| dirs::config_dir().map(|d| d.join("halo").join("config.toml")))
    }

    /// The file at [`Profiles::default_path`] (no file: no profiles).
    pub fn load_default() -> Result<Self, HaloError> {
        let path = Self::default_path().ok_or_else(|| {
            HaloError::config("HALO_CONFIG", "no config directory on this platform: set HALO_CONFIG to the file")
        })?;
        Self::load(&path)
    }

    /// Reads and checks a profile file. A missing file has no profiles.
    pub fn load(path: &Path) -> Result<Self, HaloError> {
        use std::io::Read as _;
        let mut file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Self { path: path.to_path_buf(), profiles: BTreeMap::new() });
            }
            Err(e) => return Err(bad(path, format!("cannot be read: {e}"))),
        };
        // The mode of what is read, not of whatever the path names later.
        let meta = file.metadata().map_err(|e| bad(path, format!("cannot be read: {e}")))?;
        let mut text = String::new();
        file.read_to_string(&mut text).map_err(|e| bad(path, format!("cannot be read: {e}")))?;
        let doc: toml::Table =
            text.parse().map_err(|e: toml::de::Error| bad(path, format!("is not TOML: {}", e.message())))?;
        let mut profiles = BTreeMap::new();
        for (key, value) in doc {
            if key != "profiles" {
                return Err(bad(path, format!("has `{key}`: the file holds [profiles.NAME] tables only")));
            }
            let toml::Value::Table(tables) = value else { return Err(bad(path, "`profiles` is not a table")) };
            for (name, table) in tables {
                let toml::Value::Table(table) = table else {
                    return Err(bad(path, format!("profiles.{name} is not a table")));
                };
                for k in table.keys() {
                    if k != "client_secret_env" && !KEYS.contains(&k.as_str()) {
                        let known: Vec<_> = KEYS.iter().copied().chain(["client_secret_env"]).collect();
                        return Err(bad(
                            path,
                            format!("profiles.{name}.{k} is not a setting; one of: {}", known.join(", ")),
                        ));
                    }
                }
                profiles.insert(name, table);
            }
        }
        let with_secret: Vec<&str> =
            profiles.iter().filter(|(_, t)| t.contains_key("client_secret")).map(|(n, _)| n.as_str()).collect();
        if !with_secret.is_empty() {
            check_private(path, &meta, &with_secret)?;
        }
        Ok(Self { path: path.to_path_buf(), profiles })
    }

    /// The profiles file read.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Each profile's name and host (never a secret).
    pub fn list(&self) -> impl Iterator<Item = (&str, Option<&str>)> {
        self.profiles.iter().map(|(n, t)| (n.as_str(), t.get("host").and_then(toml::Value::as_str)))
    }

    /// The profile's settings as `HALO_*` variables. An unknown name is an
    /// error that lists the file's profiles.
    pub fn variables(&self, name: &str) -> Result<BTreeMap<String, String>, HaloError> {
        let table = self.profiles.get(name).ok_or_else(|| {
            let names: Vec<&str> = self.profiles.keys().map(String::as_str).collect();
            let have =
                if names.is_empty() { "it has none".to_string() } else { format!("it has: {}", names.join(", ")) };
            HaloError::config("profile", format!("`{name}` is not in {}; {have}", self.path.display()))
        })?;
        let mut out = BTreeMap::new();
        for key in KEYS {
            let text = match table.get(*key) {
                None => continue,
                Some(toml::Value::String(s)) => s.clone(),
                Some(toml::Value::Boolean(b)) => b.to_string(),
                Some(toml::Value::Integer(i)) => i.to_string(),
                Some(other) => {
                    return Err(bad(&self.path, format!("profiles.{name}.{key} is a {}, not text", other.type_str())));
                }
            };
            out.insert(variable(key), text);
        }
        if let Some(env) = table.get("client_secret_env") {
            let env = env.as_str().ok_or_else(|| {
                bad(&self.path, format!("profiles.{name}.client_secret_env is not a variable's name"))
            })?;
            if table.contains_key("client_secret") {
                return Err(bad(
                    &self.path,
                    format!("profiles.{name} has both client_secret and client_secret_env: keep one"),
                ));
            }
            let secret = std::env::var(env).map_err(|_| {
                HaloError::config(
                    &format!("profiles.{name}.client_secret_env"),
                    format!("names {env}, which is not set"),
                )
            })?;
            out.insert(variable("client_secret"), secret);
        }
        Ok(out)
    }

    /// The profile's config, with every `HALO_*` variable that `get` has
    /// beating the profile's key.
    ///
    /// With the secret from the profile, a host or auth host from `get`
    /// other than the profile's is refused (see the module docs).
    pub fn config(&self, name: &str, get: impl Fn(&str) -> Option<String>) -> Result<HaloConfig, HaloError> {
        let vars = self.variables(name)?;
        let given = |k: &str| get(k).filter(|v| !v.trim().is_empty());
        let secret = variable("client_secret");
        if given(&secret).is_none() && vars.contains_key(&secret) {
            for key in [variable("host"), variable("auth_host")] {
                let Some(other) = given(&key) else { continue };
                let own = vars.get(&key);
                if own.map(|o| o.trim()) != Some(other.trim()) {
                    return Err(HaloError::config(
                        &key,
                        format!(
                            "is {other} (from a flag or the environment), but the client secret is profile \
                             `{name}`'s, whose {} is {}: a profile's secret goes only to its own hosts. Drop the \
                             override, or give the secret for {other} too (HALO_CLIENT_SECRET)",
                            key.trim_start_matches("HALO_").to_ascii_lowercase(),
                            own.map(String::as_str).unwrap_or("not set"),
                        ),
                    ));
                }
            }
        }
        HaloConfig::from_lookup(|k| given(k).or_else(|| vars.get(k).cloned()))
    }
}

#[cfg(unix)]
fn check_private(path: &Path, meta: &std::fs::Metadata, with_secret: &[&str]) -> Result<(), HaloError> {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = meta.permissions().mode();
    if mode & 0o077 != 0 {
        return Err(bad(
            path,
            format!(
                "holds a client_secret (profiles {}) and can be read by others (mode {:o}): run `chmod 600 {}`, \
                 or replace client_secret with client_secret_env = \"A_VARIABLE\"",
                with_secret.join(", "),
                mode & 0o777,
                path.display()
            ),
        ));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_: &Path, _: &std::fs::Metadata, _: &[&str]) -> Result<(), HaloError> {
    Ok(())
}

impl HaloConfig {
    /// The config of profile `name` in the default profile file
    /// ([`Profiles::default_path`]), `HALO_*` variables beating its keys.
    pub fn from_profile(name: &str) -> Result<Self, HaloError> {
        Profiles::load_default()?.config(name, |k| std::env::var(k).ok())
    }
}

impl HaloConfig {
    /// As the `halo` CLI reads its settings: the profile `HALO_PROFILE`
    /// names ([`HaloConfig::from_profile`]) when it is set, else
    /// [`HaloConfig::from_env`].
    ///
    /// # Errors
    /// `Config` naming the variable, profile or file to change.
    pub fn from_env_or_profile() -> Result<Self, HaloError> {
        match std::env::var("HALO_PROFILE").ok().filter(|p| !p.trim().is_empty()) {
            Some(p) => Self::from_profile(&p),
            None => Self::from_env(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str, mode: u32) -> (PathBuf, impl Drop) {
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "halo-profiles-{}-{}",
            std::process::id(),
            N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("config.toml");
        std::fs::write(&path, text).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        struct Gone(PathBuf);
        impl Drop for Gone {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
        (path, Gone(dir))
    }

    const TWO: &str = r#"
[profiles.a]
host = "a.halopsa.com"
tenant = "a"
client_id = "ca"
client_secret = "sa-secret"
rate_limit = "10/60"

[profiles.b]
host = "b.example"
on_prem = true
client_id = "cb"
client_secret_env = "HALO_TEST_B_SECRET_UNSET"
"#;

    #[test]
    fn variables_beat_the_profile_and_unknown_names_list_the_profiles() {
        let (path, _g) = file(TWO, 0o600);
        let p = Profiles::load(&path).unwrap();
        assert_eq!(p.list().collect::<Vec<_>>(), [("a", Some("a.halopsa.com")), ("b", Some("b.example"))]);
        let c = p.config("a", |_| None).unwrap();
        assert_eq!((c.host.as_str(), c.tenant.as_deref(), c.client_id.as_str()), ("a.halopsa.com", Some("a"), "ca"));
        assert_eq!(c.rate_limit.map(|r| r.requests), Some(10));
        // Another host with profile a's secret: refused, naming both.
        let e = p.config("a", |k| (k == "HALO_HOST").then(|| "other.example".to_string())).unwrap_err().to_string();
        assert!(
            e.contains("HALO_HOST is other.example") && e.contains("profile `a`'s, whose host is a.halopsa.com"),
            "{e}"
        );
        let e = p.config("a", |k| (k == "HALO_AUTH_HOST").then(|| "evil.example".to_string())).unwrap_err();
        assert!(e.to_string().contains("whose auth_host is not set"), "{e}");
        // With the secret for that host too, the override is the user's.
        let env = |k: &str| match k {
            "HALO_HOST" => Some("other.example".to_string()),
            "HALO_CLIENT_SECRET" => Some("other-secret".to_string()),
            _ => None,
        };
        let c = p.config("a", env).unwrap();
        assert_eq!(c.host, "other.example");
        // The profile's own host, said again, is no override.
        assert!(p.config("a", |k| (k == "HALO_HOST").then(|| "a.halopsa.com".to_string())).is_ok());
        let e = p.config("c", |_| None).unwrap_err().to_string();
        assert!(e.contains("`c` is not in") && e.contains("it has: a, b"), "{e}");
        let e = p.config("b", |_| None).unwrap_err().to_string();
        assert!(
            e.contains("profiles.b.client_secret_env")
                && e.contains("names HALO_TEST_B_SECRET_UNSET, which is not set"),
            "{e}"
        );
        assert!(!format!("{p:?}").contains("sa-secret"));
    }

    #[cfg(unix)]
    #[test]
    fn a_readable_file_with_a_secret_is_refused_and_one_without_is_not() {
        let (path, _g) = file(TWO, 0o644);
        let e = Profiles::load(&path).unwrap_err().to_string();
        assert!(
            e.contains("holds a client_secret (profiles a)") && e.contains("mode 644") && e.contains("chmod 600"),
            "{e}"
        );
        let (path, _g) = file("[profiles.x]\nhost = \"x\"\nclient_secret_env = \"X\"\n", 0o644);
        assert!(Profiles::load(&path).is_ok());
    }

    #[test]
    fn a_key_it_does_not_know_is_named() {
        let (path, _g) = file("[profiles.x]\nhots = \"x\"\n", 0o600);
        let e = Profiles::load(&path).unwrap_err().to_string();
        assert!(e.contains("profiles.x.hots is not a setting; one of: host, client_id"), "{e}");
    }
}
