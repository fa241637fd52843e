#[derive(Debug)]
struct ApiError;

fn is_retriable(_: &ApiError) -> bool {
    true
}

fn main() {
    let fetch = #[stamina::retry(on = is_retriable)]
    || Ok::<(), ApiError>(());
    let _ = fetch();
}
