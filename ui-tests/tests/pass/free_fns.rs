// Free fns, sync and async, with every parameter form.
use std::time::Duration;

#[derive(Debug)]
struct ApiError;

fn is_retriable(_: &ApiError) -> bool {
    true
}

const BACKOFF: Duration = Duration::from_millis(5);

#[stamina::retry(on = is_retriable, attempts = 3, timeout = "30s")]
fn literal_strings() -> Result<(), ApiError> {
    Ok(())
}

#[stamina::retry(on = is_retriable, attempts = None, timeout = None, wait_initial = 0.5, wait_max = 2, wait_jitter = 0)]
fn numbers_and_none() -> Result<(), ApiError> {
    Ok(())
}

#[stamina::retry(
    on = |e| { let _: &ApiError = e; true },
    attempts = 1 + 1,
    timeout = Some(Duration::from_secs(1)),
    wait_initial = BACKOFF,
    wait_max = "1m30s",
    wait_jitter = "250ms",
    wait_exp_base = 1.5,
)]
fn expressions() -> Result<(), ApiError> {
    Ok(())
}

#[stamina::retry(on = is_retriable, timeout = "1.5s")]
pub async fn public_async(x: &str) -> Result<usize, ApiError> {
    Ok(x.len())
}

/// Documented and `#[must_use]`.
#[must_use]
#[stamina::retry(on = |_| stamina::Decision::Retry)]
pub fn documented() -> Result<u8, ApiError> {
    Ok(1)
}

#[stamina::retry(on = |_: &ApiError| Duration::from_millis(1))]
unsafe fn unsafe_fn() -> Result<(), ApiError> {
    Ok(())
}

#[stamina::retry(on = is_retriable)]
fn r#raw_name() -> Result<(), ApiError> {
    Ok(())
}

fn main() {
    let _ = literal_strings();
    let _ = numbers_and_none();
    let _ = expressions();
    let _ = public_async("x");
    let _ = documented();
    let _ = unsafe { unsafe_fn() };
    let _ = raw_name();
}
