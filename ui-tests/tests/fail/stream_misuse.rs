#[derive(Debug)]
struct ApiError;

fn is_retriable(_: &ApiError) -> bool {
    true
}

// Resuming needs a cursor, which only the runtime API takes.
#[stamina::retry(on = is_retriable, stream = "resume")]
fn pages() -> impl Iterator<Item = Result<u32, ApiError>> {
    std::iter::once(Ok(1))
}

// `stream` is for stream and iterator fns.
#[stamina::retry(on = is_retriable, stream = "commit")]
fn fetch() -> Result<u32, ApiError> {
    Ok(1)
}

// The body makes the stream; the fn itself is not async.
#[stamina::retry(on = is_retriable)]
async fn events() -> impl Iterator<Item = Result<u32, ApiError>> {
    std::iter::once(Ok(1))
}

fn main() {
    let _ = pages().count();
    let _ = fetch();
    drop(events());
}
