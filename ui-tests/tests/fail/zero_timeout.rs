#[derive(Debug)]
struct ApiError;

fn is_retriable(_: &ApiError) -> bool {
    true
}

#[stamina::retry(on = is_retriable, timeout = "0s")]
fn fetch() -> Result<(), ApiError> {
    Ok(())
}

#[stamina::retry(on = is_retriable, timeout = 0)]
fn fetch_again() -> Result<(), ApiError> {
    Ok(())
}

fn main() {
    let _ = fetch();
    let _ = fetch_again();
}
