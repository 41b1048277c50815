//! Helpers the generated operation builders call (see
//! halo-api/codegen/src/postprocess.rs). They replace, per parameter, a
//! closure in each setter and a `?` in each `send`: the same behaviour with
//! far less for the compiler to check on Halo's ~4,500 parameters.

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
