//! New-ticket triage: each ticket logged from now on is classified by the
//! words of its summary, given a team, and acknowledged with a note the
//! user sees. A ticket that already has a team is left alone, so the
//! triage's own update (a change in the feed) is not triaged again.
//!
//! ```text
//! HALO_PROFILE=acme cargo run -p halo-examples --example new_ticket_triage
//! ```

use futures::TryStreamExt;
use halo_api_ext::changes::Cursor;
use halo_api_ext::{HaloClient, HaloConfig, HaloError, Ticket, TicketListItem};

/// Words of a summary, and the team for them; the first match wins.
pub const RULES: &[(&str, &str)] =
    &[("printer", "Hardware"), ("laptop", "Hardware"), ("password", "Service Desk"), ("invoice", "Accounts")];
pub const DEFAULT_TEAM: &str = "Service Desk";

pub fn classify(summary: &str) -> &'static str {
    let s = summary.to_lowercase();
    RULES.iter().find(|(word, _)| s.contains(word)).map_or(DEFAULT_TEAM, |(_, team)| team)
}

/// Assigns the team and acknowledges; `None` when the ticket already had a
/// team (nothing sent).
pub async fn triage(halo: &HaloClient, ticket: &TicketListItem) -> Result<Option<&'static str>, HaloError> {
    let (Some(id), None) = (ticket.id, ticket.team.as_deref().filter(|t| !t.is_empty())) else { return Ok(None) };
    let team = classify(ticket.summary.as_deref().unwrap_or_default());
    halo.upsert_tickets(Ticket { id: Some(id), team: Some(team.into()), ..Default::default() }).await?;
    halo.add_note(id.into(), format!("Thank you: we have your request, and our {team} team is on it."))
        .hidden_from_user(false)
        .await?;
    Ok(Some(team))
}

/// Triages the tickets logged at or after `cursor`'s time, `max` of them.
pub async fn run(halo: &HaloClient, cursor: Cursor, max: usize) -> Result<Vec<(i32, &'static str)>, HaloError> {
    let start = cursor.from();
    let mut feed = halo.list_tickets().changes(cursor).stream();
    let mut done = Vec::new();
    while done.len() < max
        && let Some(change) = feed.try_next().await?
    {
        if change.record.dateoccurred.is_some_and(|t| t >= start)
            && let Some(team) = triage(halo, &change.record).await?
        {
            done.push((change.record.id.unwrap_or_default(), team));
        }
    }
    Ok(done)
}

#[allow(dead_code)]
#[tokio::main]
async fn main() -> Result<(), HaloError> {
    let halo = HaloClient::new(HaloConfig::from_env_or_profile()?)?;
    for (id, team) in run(&halo, Cursor::now(), usize::MAX).await? {
        println!("ticket {id} -> {team}");
    }
    Ok(())
}
