//! Client onboarding, safe to run twice: the client, its site, a user and
//! a contract, each found before it is created. A second run finds all
//! four and sends no write.
//!
//! ```text
//! cargo run -p halo-examples --example client_onboarding -- "Acme Ltd" "Head Office" "Jo Bloggs" jo@acme.example ACME-2025
//! ```

use halo_api_ext::{Client, Contract, HaloClient, HaloConfig, HaloError, Site, User};

#[derive(Debug, Clone)]
pub struct Onboarding {
    pub client: String,
    pub site: String,
    pub user: String,
    pub email: String,
    pub contract_ref: String,
}

/// The ids, and which of the four this run created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Onboarded {
    pub client_id: i64,
    pub site_id: i64,
    pub user_id: i64,
    pub contract_id: i64,
    pub created: Vec<&'static str>,
}

fn same(a: Option<&str>, b: &str) -> bool {
    a.is_some_and(|a| a.trim().eq_ignore_ascii_case(b.trim()))
}

fn id_of(what: &str, id: Option<i64>) -> Result<i64, HaloError> {
    id.filter(|i| *i > 0).ok_or_else(|| HaloError::Decode {
        operation: format!("onboarding: {what}"),
        path: "id".into(),
        message: "Halo answered no id".into(),
    })
}

fn int(what: &str, id: i64) -> Result<i32, HaloError> {
    i32::try_from(id).map_err(|_| HaloError::InvalidRequest(format!("onboarding: {what} id {id} is out of range")))
}

pub async fn run(halo: &HaloClient, o: &Onboarding) -> Result<Onboarded, HaloError> {
    let mut created = Vec::new();

    let found = halo.list_clients().search(o.client.as_str()).collect().await?;
    let client_id = match found.iter().find(|c| same(c.name.as_deref(), &o.client)) {
        Some(c) => id_of("client", c.id.map(i64::from))?,
        None => {
            created.push("client");
            let saved = halo.upsert_clients(Client { name: Some(o.client.clone()), ..Default::default() }).await?;
            id_of("client", saved.first().and_then(|c| c.id).map(i64::from))?
        }
    };

    let found = halo.list_sites().client_id(int("client", client_id)?).collect().await?;
    let site_id = match found.iter().find(|s| same(s.name.as_deref(), &o.site)) {
        Some(s) => id_of("site", s.id.map(i64::from))?,
        None => {
            created.push("site");
            let site = Site { name: Some(o.site.clone()), client_id: Some(client_id as f64), ..Default::default() };
            id_of("site", halo.upsert_sites(site).await?.first().and_then(|s| s.id).map(i64::from))?
        }
    };

    let found = halo.list_users().site_id(int("site", site_id)?).search(o.email.as_str()).collect().await?;
    let user_id = match found.iter().find(|u| same(u.emailaddress.as_deref(), &o.email)) {
        Some(u) => id_of("user", u.id.map(i64::from))?,
        None => {
            created.push("user");
            let user = User {
                name: Some(o.user.clone()),
                emailaddress: Some(o.email.clone()),
                site_id: Some(site_id as f64),
                ..Default::default()
            };
            id_of("user", halo.upsert_users(user).await?.first().and_then(|u| u.id).map(i64::from))?
        }
    };

    let found = halo.list_contracts().client_id(int("client", client_id)?).collect().await?;
    let contract_id = match found.iter().find(|c| same(c.ref_.as_deref(), &o.contract_ref)) {
        Some(c) => id_of("contract", c.id.map(i64::from))?,
        None => {
            created.push("contract");
            let contract = Contract {
                client_id: Some(int("client", client_id)?),
                ref_: Some(o.contract_ref.clone()),
                ..Default::default()
            };
            id_of("contract", halo.upsert_contracts(contract).await?.first().and_then(|c| c.id).map(i64::from))?
        }
    };

    Ok(Onboarded { client_id, site_id, user_id, contract_id, created })
}

#[allow(dead_code)]
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let a: Vec<String> = std::env::args().skip(1).collect();
    let [client, site, user, email, contract_ref] =
        <[String; 5]>::try_from(a).map_err(|_| "usage: client_onboarding CLIENT SITE USER EMAIL CONTRACT_REF")?;
    let halo = HaloClient::new(HaloConfig::from_env_or_profile()?)?;
    let done = run(&halo, &Onboarding { client, site, user, email, contract_ref }).await?;
    println!("{done:?}");
    Ok(())
}
