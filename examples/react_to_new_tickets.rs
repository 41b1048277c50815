//! React to new tickets: the change feed of tickets, and a handler for
//! each ticket logged after the start. Save the stream's `cursor()`
//! (serde) after handling a change to resume after a restart without
//! repeats.
//!
//! ```text
//! cargo run -p halo-examples --example react_to_new_tickets
//! ```

use futures::TryStreamExt;
use halo_api_ext::changes::Cursor;
use halo_api_ext::{HaloClient, HaloConfig, HaloError, TicketListItem};

/// Calls `on_new` for each ticket logged at or after `cursor`'s time (an
/// update to an older ticket is a change, not a new ticket), until `max`.
pub async fn run(
    halo: &HaloClient,
    cursor: Cursor,
    max: usize,
    mut on_new: impl FnMut(&TicketListItem),
) -> Result<(), HaloError> {
    let start = cursor.from();
    let mut feed = halo.list_tickets().changes(cursor).stream();
    let mut seen = 0;
    while seen < max
        && let Some(change) = feed.try_next().await?
    {
        if change.record.dateoccurred.is_some_and(|t| t >= start) {
            on_new(&change.record);
            seen += 1;
        }
    }
    Ok(())
}

#[allow(dead_code)]
#[tokio::main]
async fn main() -> Result<(), HaloError> {
    let halo = HaloClient::new(HaloConfig::from_env_or_profile()?)?;
    run(&halo, Cursor::now(), usize::MAX, |t| println!("new ticket #{:?}: {:?}", t.id, t.summary)).await
}
