#[derive(Debug)]
struct ApiError;

fn is_retriable(_: &ApiError) -> bool {
    true
}

// Sync code cannot be cancelled: the key is rejected, and the error names the
// operation's own timeout instead.
#[stamina::retry(on = is_retriable, attempt_timeout = "2s")]
fn fetch() -> Result<(), ApiError> {
    Ok(())
}

fn main() {
    let _ = fetch();
    let _: Result<(), ApiError> = stamina::retry_block!(on = is_retriable, attempt_timeout = "2s", |_attempt| Ok(()));
}
