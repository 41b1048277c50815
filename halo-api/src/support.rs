//! Helpers the generated operation builders call (see
//! halo-api/codegen/src/postprocess.rs). They replace, per parameter, a
//! closure in each setter and a `?` in each `send`, and the async part of
//! every `send`: the same behaviour with far less for the compiler to check
//! on Halo's 1,324 operations and ~4,500 parameters.

/// A setter's conversion: any failure becomes the given message.
#[inline]
pub fn conversion<T, E>(result: Result<T, E>, message: &'static str) -> Result<T, String> {
    result.map_err(|_| message.to_string())
}

/// Takes a parameter's value in `send`; the first conversion error is kept
/// in `invalid` and the operation then fails with `Error::InvalidRequest`.
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

/// A request an operation builder made, or why it could not make one.
pub type Prepared<'a> = Result<(&'a crate::Client, reqwest::Request), progenitor_client::Error<()>>;

/// What every operation's `send` did after building its request: the
/// client's hooks (the [`crate::Transport`] seam), then the answer: a 200 is
/// decoded as `T`, anything else is `UnexpectedResponse`. One generic async
/// function instead of one coroutine per operation.
pub async fn exchange_decoded<T: serde::de::DeserializeOwned>(
    prepared: Prepared<'_>,
    operation_id: &'static str,
) -> Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<()>> {
    let response = exchange(prepared, operation_id).await?;
    match response.status().as_u16() {
        200 => progenitor_client::ResponseValue::from_response(response).await,
        _ => Err(progenitor_client::Error::UnexpectedResponse(response)),
    }
}

/// As [`exchange_decoded`], for operations whose 200 has no body.
pub async fn exchange_empty(
    prepared: Prepared<'_>,
    operation_id: &'static str,
) -> Result<progenitor_client::ResponseValue<()>, progenitor_client::Error<()>> {
    let response = exchange(prepared, operation_id).await?;
    match response.status().as_u16() {
        200 => Ok(progenitor_client::ResponseValue::empty(response)),
        _ => Err(progenitor_client::Error::UnexpectedResponse(response)),
    }
}

async fn exchange(
    prepared: Prepared<'_>,
    operation_id: &'static str,
) -> Result<reqwest::Response, progenitor_client::Error<()>> {
    use progenitor_client::ClientHooks as _;
    let (client, mut request) = prepared?;
    let info = progenitor_client::OperationInfo { operation_id };
    client.pre(&mut request, &info).await?;
    let result = client.exec(request, &info).await;
    client.post(&result, &info).await?;
    Ok(result?)
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
}
