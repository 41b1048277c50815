//! `halo configure [--profile NAME]`: asks for the six settings every Halo
//! integration asks for, checks them by getting a token, and writes the
//! profile into the profile file (`HALO_CONFIG`, else
//! `halo/config.toml` in the platform's config directory), keeping the
//! file's other profiles and comments.
//!
//! The secret: typed (hidden on a terminal) and written into the file,
//! which is then readable by its owner only (0600); or, answering `env:NAME`,
//! a reference to a variable (`client_secret_env = "NAME"`) and no secret in
//! the file. On a terminal the questions are prompts; otherwise each is
//! one line of stdin, in the order asked (so it can be scripted and tested).

use crate::Failure;
use halo_api_ext::HaloClient;
use halo_api_ext::profiles::Profiles;
use std::io::{BufRead, IsTerminal, Write};

/// Where answers come from: a terminal's prompts, or lines of stdin.
struct Asker {
    tty: bool,
    lines: std::io::Lines<std::io::StdinLock<'static>>,
}

impl Asker {
    fn ask(&mut self, prompt: &str, default: Option<&str>, secret: bool) -> Result<String, Failure> {
        let answer = if self.tty {
            let theme = dialoguer::theme::SimpleTheme;
            if secret {
                dialoguer::Password::with_theme(&theme).with_prompt(prompt).allow_empty_password(true).interact()
            } else {
                let mut input = dialoguer::Input::<String>::with_theme(&theme).with_prompt(prompt).allow_empty(true);
                if let Some(d) = default {
                    input = input.default(d.to_string());
                }
                input.interact_text()
            }
            .map_err(|e| Failure::Usage(format!("configure: {prompt}: {e}")))?
        } else {
            eprintln!("{prompt}{}:", default.map(|d| format!(" [{d}]")).unwrap_or_default());
            match self.lines.next() {
                Some(l) => l.map_err(|e| Failure::Usage(format!("configure: reading stdin: {e}")))?,
                None => return Err(Failure::Usage(format!("configure: stdin ended before `{prompt}` was answered"))),
            }
        };
        let answer = answer.trim().to_string();
        Ok(if answer.is_empty() { default.unwrap_or_default().to_string() } else { answer })
    }
}

fn yes(text: &str) -> Result<bool, Failure> {
    match text.to_ascii_lowercase().as_str() {
        "y" | "yes" | "true" => Ok(true),
        "n" | "no" | "false" | "" => Ok(false),
        other => Err(Failure::Usage(format!("configure: `{other}`: answer yes or no"))),
    }
}

pub async fn run(profile: &str, out: &mut impl Write) -> Result<(), Failure> {
    if profile.is_empty() || !profile.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Err(Failure::Usage(format!("--profile `{profile}`: use letters, digits, - and _")));
    }
    let path = Profiles::default_path().ok_or_else(|| {
        Failure::Usage("configure: no config directory on this system: set HALO_CONFIG to the file to write".into())
    })?;
    let mut a = Asker { tty: std::io::stdin().is_terminal(), lines: std::io::stdin().lock().lines() };
    let host = a.ask("Halo host (example.halopsa.com)", None, false)?;
    let on_prem = yes(&a.ask("On premise? (yes/no)", Some("no"), false)?)?;
    let tenant = if on_prem { String::new() } else { a.ask("Tenant", None, false)? };
    let auth_host = a.ask("Auth host, when it is not the Halo host (empty: the same)", Some(""), false)?;
    let client_id = a.ask("Client id (Configuration > Integrations > Halo API)", None, false)?;
    let secret = a.ask("Client secret, or env:VARIABLE to read it from a variable", None, true)?;

    let (secret_key, secret_value) = match secret.strip_prefix("env:") {
        Some(var) => ("client_secret_env", var.trim().to_string()),
        None => ("client_secret", secret.clone()),
    };
    let secret_now = match secret.strip_prefix("env:") {
        Some(var) => std::env::var(var.trim()).map_err(|_| {
            Failure::Usage(format!(
                "configure: the variable {} is not set, so the settings cannot be checked",
                var.trim()
            ))
        })?,
        None => secret,
    };
    let mut vars = std::collections::BTreeMap::from([
        ("HALO_HOST", host.clone()),
        ("HALO_CLIENT_ID", client_id.clone()),
        ("HALO_CLIENT_SECRET", secret_now),
        ("HALO_ON_PREM", on_prem.to_string()),
    ]);
    if !tenant.is_empty() {
        vars.insert("HALO_TENANT", tenant.clone());
    }
    if !auth_host.is_empty() {
        vars.insert("HALO_AUTH_HOST", auth_host.clone());
    }
    let config = halo_api_ext::HaloConfig::from_lookup(|k| vars.get(k).cloned())?;
    let halo = HaloClient::new(config)?;
    halo.check_token().await.map_err(|e| {
        eprintln!("halo: configure: these settings did not get a token, so nothing was written");
        Failure::from(e)
    })?;
    eprintln!("halo: a token was granted");

    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Failure::Io(format!("reading {}", path.display()), e)),
    };
    let mut doc: toml_edit::DocumentMut =
        text.parse().map_err(|e| Failure::Usage(format!("{}: not TOML ({e}); fix or move it", path.display())))?;
    let profiles = doc.entry("profiles").or_insert_with(|| {
        let mut t = toml_edit::Table::new();
        t.set_implicit(true);
        toml_edit::Item::Table(t)
    });
    let profiles = profiles
        .as_table_mut()
        .ok_or_else(|| Failure::Usage(format!("{}: `profiles` is not a table", path.display())))?;
    let mut t = toml_edit::Table::new();
    t["host"] = toml_edit::value(host.as_str());
    if !tenant.is_empty() {
        t["tenant"] = toml_edit::value(tenant.as_str());
    }
    if on_prem {
        t["on_prem"] = toml_edit::value(true);
    }
    if !auth_host.is_empty() {
        t["auth_host"] = toml_edit::value(auth_host.as_str());
    }
    t["client_id"] = toml_edit::value(client_id.as_str());
    t[secret_key] = toml_edit::value(secret_value.as_str());
    profiles.insert(profile, toml_edit::Item::Table(t));
    // Private whenever a profile holds a secret (this one or another):
    // Profiles refuses a file others can read that holds one.
    let private = doc.to_string().contains("client_secret =") || secret_key == "client_secret";
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Failure::Io(format!("creating {}", dir.display()), e))?;
    }
    crate::files::write_atomically(&path, doc.to_string().as_bytes(), private)
        .map_err(|e| Failure::Io(format!("writing {}", path.display()), e))?;
    // Read back as `halo --profile` will read it.
    Profiles::load(&path)?.variables(profile)?;
    let line = crate::output::object([
        ("profile", profile.into()),
        ("path", path.display().to_string().into()),
        ("host", host.into()),
    ]);
    writeln!(out, "{line}").map_err(crate::output::stdout_error)?;
    eprintln!("halo: use it with `halo --profile {profile} ...` or HALO_PROFILE={profile}");
    Ok(())
}
