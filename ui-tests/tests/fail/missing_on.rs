#[derive(Debug)]
struct ApiError;

#[stamina::retry(attempts = 3)]
fn fetch() -> Result<(), ApiError> {
    Ok(())
}

fn main() {
    let _ = stamina::retry_block!(attempts = 3, |_attempt| Ok::<(), ApiError>(()));
    let _ = fetch();
}
