//! [`Operation`]: what every generated operation builder is, besides its
//! setters and `send`.
//!
//! halo-api's build step gives each builder (`client.get_tickets()`,
//! `client.post_tickets()`, ...) this trait: its name and a plain function
//! that builds its request. `send` is that request through
//! [`Client::exchange`](crate::Client::exchange) and the answer decoded as the
//! document declares it. Code that wants the request with other handling
//! (halo-api-ext's paging, which decodes pages itself) uses the trait.

use crate::{Client, HaloError};

/// A generated operation, ready to build its request.
pub trait Operation<'a>: Sized {
    /// The operation's name, e.g. `get_tickets_by_id`: the one name used in
    /// spans, logs and errors.
    const ID: &'static str;

    /// Halo's names of the query parameters the document declares for it
    /// (`client_id`, `pageinate`, ...), as sent: what a caller who names
    /// parameters by text (the `halo` CLI's `--query`) is checked against.
    const QUERY: &'static [&'static str];

    /// Checks the parameters and builds the request: method, URL with path
    /// and query parameters, headers, JSON body. Nothing is sent.
    fn build_request(self) -> Result<(&'a Client, reqwest::Request), HaloError>;

    /// Sends it under the client's transport and answers the raw answer
    /// (status, headers, body), unjudged by the document's types.
    fn exchange(self) -> crate::BoxFuture<'a, Result<crate::wire::Answer, HaloError>>
    where
        Self: 'a,
    {
        Box::pin(crate::support::exchange(self.build_request(), Self::ID))
    }
}
