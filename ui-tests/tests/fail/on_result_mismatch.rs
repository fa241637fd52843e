// A result predicate must take the whole `&Result<T, E>`.
#[derive(Debug)]
struct ApiError;

fn on_error(_: &ApiError) -> bool {
    true
}

#[stamina::retry(on_result = on_error, attempts = 3)]
fn fetch() -> Result<u16, ApiError> {
    Ok(200)
}

fn main() {
    let _ = fetch();
}
