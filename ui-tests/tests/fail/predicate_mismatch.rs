#[derive(Debug)]
struct ApiError;

#[derive(Debug)]
struct OtherError;

fn is_other_retriable(_: &OtherError) -> bool {
    true
}

#[stamina::retry(on = is_other_retriable)]
fn fetch() -> Result<(), ApiError> {
    Ok(())
}

fn main() {
    let _ = fetch();
}
