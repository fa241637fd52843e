//! `attempts` takes a `u32`: another integer type is named, with the
//! conversion to write.

#[derive(Debug)]
struct ApiError;

fn is_retriable(_: &ApiError) -> bool {
    true
}

struct Client {
    retries: usize,
}

impl Client {
    #[stamina::retry(on = is_retriable, attempts = self.retries)]
    fn fetch(&self) -> Result<u32, ApiError> {
        Ok(1)
    }
}

fn main() {
    let client = Client { retries: 3 };
    let _ = client.fetch();
    let _ = stamina::retry_block!(on = is_retriable, attempts = client.retries, |_attempt| Ok::<(), ApiError>(()));
}
