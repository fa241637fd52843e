#[derive(Debug)]
struct ApiError;

fn is_retriable(_: &ApiError) -> bool {
    true
}

#[stamina::retry(on = is_retriable)]
extern "C" fn fetch() -> u8 {
    0
}

fn main() {
    let _ = fetch();
}
