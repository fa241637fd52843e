// The error type has no `From<stamina::AttemptTimedOut>`: one error, at the
// key that asks for cancelling, naming the impl to add.
#[derive(Debug)]
struct ApiError;

fn is_retriable(_: &ApiError) -> bool {
    true
}

#[stamina::retry(on = is_retriable, attempt_timeout = "2s")]
async fn fetch() -> Result<(), ApiError> {
    Ok(())
}

#[stamina::retry(on = is_retriable, timeout_mode = strict)]
async fn fetch_by_the_deadline() -> Result<(), ApiError> {
    Ok(())
}

async fn callers() {
    let caller = stamina::AsyncRetryingCaller::new().attempt_timeout(std::time::Duration::from_secs(2));
    let _ = caller.call(is_retriable, || async { Err::<(), _>(ApiError) }).await;
}

fn main() {
    let _ = fetch();
    let _ = fetch_by_the_deadline();
    let _ = callers();
}
