//! A predicate whose argument is not `&` the fn's error type: one error, on
//! `on`, naming the type the predicate must take and the one it takes.

#[derive(Debug)]
struct ApiError;

#[derive(Debug)]
struct OtherError;

fn is_other_retriable(_: &OtherError) -> bool {
    true
}

fn by_value(_: ApiError) -> bool {
    true
}

#[stamina::retry(on = is_other_retriable)]
fn fetch() -> Result<(), ApiError> {
    Ok(())
}

#[stamina::retry(on = by_value)]
fn fetch_by_value() -> Result<(), ApiError> {
    Ok(())
}

#[stamina::retry(on = |_: &OtherError| true)]
async fn fetch_async() -> Result<(), ApiError> {
    Ok(())
}

fn main() {
    let _ = fetch();
    let _ = fetch_by_value();
    let _ = fetch_async();
    let _ = stamina::retry_block!(on = is_other_retriable, |_attempt| Err::<(), _>(ApiError));
}
