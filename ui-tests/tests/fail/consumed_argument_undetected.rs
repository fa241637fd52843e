// A move the macro cannot see (a user type, which might be `Copy`) is left to
// rustc, which reports the move in the retry loop. The fix is the same:
// `clone(body)` or a reference.
#[derive(Debug)]
struct ApiError;

#[derive(Debug)]
struct Payload(Vec<u8>);

fn is_retriable(_: &ApiError) -> bool {
    true
}

fn send(_body: Payload) -> Result<(), ApiError> {
    Ok(())
}

#[stamina::retry(on = is_retriable, attempts = 3)]
fn upload(body: Payload) -> Result<(), ApiError> {
    send(body)
}

fn main() {
    let _ = upload(Payload(vec![1]));
}
