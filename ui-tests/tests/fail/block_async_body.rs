//! `|attempt| async { ... }`, the habit from backon and tokio-retry: the
//! closure itself must be async.

#[derive(Debug)]
struct ApiError;

fn is_retriable(_: &ApiError) -> bool {
    true
}

async fn fetch() -> Result<u32, ApiError> {
    Ok(1)
}

async fn run() {
    let _ = stamina::retry_block!(on = is_retriable, |_attempt| async { fetch().await }).await;
    let _ = stamina::retry_block!(on = is_retriable, |_attempt| async move { fetch().await }).await;
}

fn main() {
    let _ = run();
}
