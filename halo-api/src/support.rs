//! Helpers the generated operation builders call (see
//! halo-api/codegen/src/postprocess/). They replace, per parameter, a
//! closure in each setter and a `?` in each request builder, and the async
//! part of every `send`: the same behaviour with far less for the compiler
//! to check on Halo's 1,324 operations and ~4,500 parameters.

use crate::HaloError;
use progenitor_client::ResponseValue;

/// A setter's conversion: any failure becomes the given message.
#[inline]
pub fn conversion<T, E>(result: Result<T, E>, message: &'static str) -> Result<T, String> {
    result.map_err(|_| message.to_string())
}

/// Takes a parameter's value when the request is built; the first
/// conversion error is kept in `invalid` and the operation then fails with
/// `InvalidRequest`.
#[inline]
pub fn take<T: Default>(value: Result<T, String>, invalid: &mut Option<String>) -> T {
    match value {
        Ok(v) => v,
        Err(e) => {
            invalid.get_or_insert(e);
            T::default()
        }
    }
}

/// A request a builder made, as progenitor's code makes it.
pub type Prepared<'a> = Result<(&'a crate::Client, reqwest::Request), progenitor_client::Error<()>>;

/// A built request, or why it could not be built, naming the operation.
pub fn prepared<'a>(
    prepared: Prepared<'a>,
    operation: &'static str,
) -> Result<(&'a crate::Client, reqwest::Request), HaloError> {
    prepared.map_err(|e| match e {
        progenitor_client::Error::InvalidRequest(m) => HaloError::InvalidRequest(format!("{operation}: {m}")),
        e => HaloError::InvalidRequest(format!("{operation}: {e}")),
    })
}

/// What every operation's `send` does with its built request: the client's
/// exchange (the [`crate::Transport`] seam), then a success decoded as `T`.
/// One generic async function instead of one coroutine per operation.
pub async fn exchange_decoded<T: serde::de::DeserializeOwned>(
    built: Result<(&crate::Client, reqwest::Request), HaloError>,
    operation: &'static str,
) -> Result<ResponseValue<T>, HaloError> {
    let answer = exchange(built, operation).await?;
    let value = crate::wire::decode(operation, &answer.body)?;
    Ok(ResponseValue::new(value, answer.status, answer.headers))
}

/// A built request (or why it could not be built) through the client's
/// exchange: what `send` and [`crate::Operation::exchange`] share.
pub async fn exchange(
    built: Result<(&crate::Client, reqwest::Request), HaloError>,
    operation: &'static str,
) -> Result<crate::Answer, HaloError> {
    let (client, request) = built?;
    client.exchange(request, operation).await
}

/// As [`exchange_decoded`], for operations whose answer has no declared body.
pub async fn exchange_empty(
    built: Result<(&crate::Client, reqwest::Request), HaloError>,
    operation: &'static str,
) -> Result<ResponseValue<()>, HaloError> {
    let answer = exchange(built, operation).await?;
    Ok(ResponseValue::new((), answer.status, answer.headers))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_error_wins_and_values_pass_through() {
        let mut invalid = None;
        assert_eq!(take(Ok(Some(3)), &mut invalid), Some(3));
        assert_eq!(take::<Option<i32>>(Err("a".into()), &mut invalid), None);
        assert_eq!(take::<Option<i32>>(Err("b".into()), &mut invalid), None);
        assert_eq!(invalid.as_deref(), Some("a"));
        assert_eq!(
            conversion::<i32, ()>(Err(()), "conversion to `i32` for agent_id failed"),
            Err("conversion to `i32` for agent_id failed".to_string())
        );
    }

    #[test]
    fn a_request_that_cannot_be_built_names_the_operation() {
        let e =
            prepared(Err(progenitor_client::Error::InvalidRequest("bad id".into())), "get_tickets_by_id").unwrap_err();
        assert_eq!(e.to_string(), "invalid request: get_tickets_by_id: bad id");
    }
}
