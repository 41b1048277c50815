//! Link the assets of a ticket's contact (its user) to the ticket. The
//! ticket keeps the assets it had; a run that finds nothing new sends no
//! write.
//!
//! ```text
//! cargo run -p halo-examples --example contact_assets_to_ticket -- 1234
//! ```

use halo_api_ext::halo_api::types::DeviceList;
use halo_api_ext::{HaloClient, HaloConfig, HaloError, Ticket};

/// Answers the ids of the assets it linked (none: nothing was sent).
pub async fn run(halo: &HaloClient, ticket_id: i64) -> Result<Vec<i64>, HaloError> {
    let ticket = halo.get_ticket(ticket_id).await?;
    let user_id = ticket
        .user_id
        .filter(|u| *u > 0)
        .ok_or_else(|| HaloError::InvalidRequest(format!("ticket {ticket_id} has no contact (user_id)")))?;
    let theirs = halo.list_assets().user_id(user_id).collect().await?;
    let mut linked: Vec<DeviceList> = ticket.assets.clone().unwrap_or_default();
    let mut added = Vec::new();
    for asset in theirs {
        let Some(id) = asset.id else { continue };
        if !linked.iter().any(|a| a.id == Some(id)) {
            linked.push(DeviceList { id: Some(id), ..Default::default() });
            added.push(i64::from(id));
        }
    }
    if !added.is_empty() {
        halo.upsert_tickets(Ticket { id: ticket.id, assets: Some(linked), ..Default::default() }).await?;
    }
    Ok(added)
}

#[allow(dead_code)]
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let id: i64 = std::env::args().nth(1).ok_or("usage: contact_assets_to_ticket TICKET_ID")?.parse()?;
    let halo = HaloClient::new(HaloConfig::from_env_or_profile()?)?;
    println!("linked assets {:?} to ticket {id}", run(&halo, id).await?);
    Ok(())
}
