#[derive(Debug)]
struct ApiError;

fn is_retriable(_: &ApiError) -> bool {
    true
}

fn send(_body: Vec<u8>) -> Result<(), ApiError> {
    Ok(())
}

// The macro sees the move and names the fix.
#[stamina::retry(on = is_retriable, attempts = 3)]
fn upload(body: Vec<u8>) -> Result<(), ApiError> {
    send(body)
}

fn main() {
    let _ = upload(vec![1]);
}
