//! A predicate must answer with `bool`, `Duration`, `Option<Duration>` or
//! `stamina::Decision`; anything else is named in the error, with the fix.

#[derive(Debug)]
struct ApiError;

fn retry_count(_: &ApiError) -> u32 {
    3
}

#[stamina::retry(on = retry_count)]
fn fetch() -> Result<(), ApiError> {
    Ok(())
}

fn main() {
    let _ = fetch();
    let _ = stamina::RetryingCaller::new().call(|_: &ApiError| "yes", || Ok::<(), ApiError>(()));
}
