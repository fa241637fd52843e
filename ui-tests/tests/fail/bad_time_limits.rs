#[derive(Debug)]
struct ApiError;

impl From<stamina::AttemptTimedOut> for ApiError {
    fn from(_: stamina::AttemptTimedOut) -> Self {
        ApiError
    }
}

fn is_retriable(_: &ApiError) -> bool {
    true
}

#[stamina::retry(on = is_retriable, timeout_mode = hard, attempt_timeout = 0)]
async fn fetch() -> Result<(), ApiError> {
    Ok(())
}

fn main() {
    let _ = fetch();
}
