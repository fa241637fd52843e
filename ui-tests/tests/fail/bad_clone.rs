#[derive(Debug)]
struct ApiError;

fn is_retriable(_: &ApiError) -> bool {
    true
}

#[stamina::retry(on = is_retriable, clone(bdy))]
fn upload(body: Vec<u8>) -> Result<usize, ApiError> {
    Ok(body.len())
}

fn main() {
    let _ = upload(vec![1]);
}
