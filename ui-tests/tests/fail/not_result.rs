#[derive(Debug)]
struct ApiError;

fn is_retriable(_: &ApiError) -> bool {
    true
}

#[stamina::retry(on = is_retriable)]
fn count() -> u32 {
    1
}

#[stamina::retry(on = is_retriable)]
fn nothing() {}

#[stamina::retry(on = is_retriable)]
async fn maybe() -> Option<u32> {
    None
}

fn main() {
    let _ = count();
    nothing();
    let _ = maybe();
}
