#[derive(Debug)]
struct ApiError;

fn is_retriable(_: &ApiError) -> bool {
    true
}

fn main() {
    let _ = stamina::retry_block!(on = is_retriable, atempts = 2, timeout = "1 fortnight", |attempt| {
        Ok::<u32, ApiError>(attempt.num())
    });
    let _ = stamina::retry_block!(on = is_retriable, attempts = 2);
}
