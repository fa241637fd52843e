#[derive(Debug)]
struct ApiError;

fn is_retriable(_: &ApiError) -> bool {
    true
}

#[stamina::retry(on = is_retriable, on_result = |result| result.is_err(), attempts = 3)]
fn fetch() -> Result<u16, ApiError> {
    Ok(200)
}

fn main() {
    let _ = fetch();
}
