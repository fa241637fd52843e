#[derive(Debug)]
struct ApiError;

fn is_retriable(_: &ApiError) -> bool {
    true
}

// All errors of one attribute are reported together.
#[stamina::retry(on = is_retriable, timeout = "30x", wait_initial = "-1s", wait_max = -2, wait_jitter = "5")]
fn fetch() -> Result<(), ApiError> {
    Ok(())
}

fn main() {
    let _ = fetch();
}
