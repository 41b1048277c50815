//! Notes on tickets in one call: `halo.add_note(ticket_id, "text")`, a
//! POST /Actions (the generated `post_actions`) of just `ticket_id`,
//! `outcome` and `note`, plus the options you set and nothing else (Halo
//! answers 400 to clients that send much more).
//!
//! `who_agent_id` (the agent the note is from, which integrations send on
//! ticket updates) is a field Halo takes that its document does not declare
//! on `Actions` (it declares the read-only `who_agentid`); halo-api's patch
//! `undeclared_fields` declares it, so it is a typed field like the others.

use crate::client::HaloClient;
use futures::future::BoxFuture;
use halo_api::HaloError;
use halo_api::types::Actions;

/// A note being added: see [`HaloClient::add_note`]. Await it.
#[must_use = "a note is added when it is awaited"]
#[derive(Debug, Clone)]
pub struct AddNote<'a> {
    halo: &'a HaloClient,
    ticket_id: i64,
    action: Actions,
}

impl HaloClient {
    /// Adds a note to a ticket: `{"ticket_id", "outcome": "Note", "note"}`,
    /// answering the action Halo saved. Set options before awaiting.
    pub fn add_note(&self, ticket_id: i64, note: impl Into<String>) -> AddNote<'_> {
        let action = Actions { outcome: Some("Note".into()), note: Some(note.into()), ..Default::default() };
        AddNote { halo: self, ticket_id, action }
    }
}

impl AddNote<'_> {
    /// The action's outcome (its type as Halo names it), instead of `Note`.
    pub fn outcome(mut self, outcome: impl Into<String>) -> Self {
        self.action.outcome = Some(outcome.into());
        self
    }

    /// Sends the note as HTML (`note_html`) instead of text (`note`).
    pub fn html(mut self) -> Self {
        self.action.note_html = self.action.note.take().or(self.action.note_html);
        self
    }

    /// Whether the end user sees it (`hiddenfromuser`).
    pub fn hidden_from_user(mut self, hidden: bool) -> Self {
        self.action.hiddenfromuser = Some(hidden);
        self
    }

    /// Time taken, in hours (`timetaken`).
    pub fn time_taken(mut self, hours: f64) -> Self {
        self.action.timetaken = Some(hours);
        self
    }

    /// Moves the ticket to this status (`new_status`, a status id).
    pub fn new_status(mut self, status_id: i32) -> Self {
        self.action.new_status = Some(status_id);
        self
    }

    /// Emails the note (`sendemail`, `emailto`).
    pub fn send_email(mut self, to: impl Into<String>) -> Self {
        self.action.sendemail = Some(true);
        self.action.emailto = Some(to.into());
        self
    }

    /// The agent the note is from (`who_agent_id`), instead of the API
    /// application's agent.
    pub fn agent(mut self, agent_id: i32) -> Self {
        self.action.who_agent_id = Some(agent_id);
        self
    }

    /// The action as it will be posted.
    pub fn action(&self) -> Result<Actions, HaloError> {
        let ticket_id = crate::records::ticket_id("add_note", self.ticket_id)?;
        Ok(Actions { ticket_id: Some(ticket_id), ..self.action.clone() })
    }
}

impl<'a> std::future::IntoFuture for AddNote<'a> {
    type Output = Result<Actions, HaloError>;
    type IntoFuture = BoxFuture<'a, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            type Post<'b> = <halo_api::resources::Actions as halo_api::Resource>::Post<'b>;
            let action = self.action()?;
            let saved = self.halo.upsert_actions(action).await?;
            crate::records::one_saved(saved, <Post<'_> as halo_api::Operation>::ID, "action")
        })
    }
}
