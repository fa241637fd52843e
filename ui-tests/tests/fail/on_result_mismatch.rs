// A result predicate must take the whole `&Result<T, E>`: one error each, on
// the predicate, naming the type it must take.
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
    let _ = stamina::retry_block!(on_result = on_error, |_attempt| Ok::<u16, ApiError>(200));
}
