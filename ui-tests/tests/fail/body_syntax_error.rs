//! A body with a syntax error, as an IDE sees it on every keystroke: the only
//! error is rustc's, on the real mistake; the attribute adds none.

#[derive(Debug)]
struct ApiError;

fn is_retriable(_: &ApiError) -> bool {
    true
}

#[stamina::retry(on = is_retriable, attempts = 3)]
fn fetch(id: u32) -> Result<u32, ApiError> {
    let doubled = id * ;
    Ok(doubled)
}

fn main() {
    let _ = fetch(1);
}
