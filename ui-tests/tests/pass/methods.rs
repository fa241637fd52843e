// Inherent and trait-impl methods with every receiver, sync and async.
#[derive(Debug)]
struct ApiError;

fn is_retriable(_: &ApiError) -> bool {
    true
}

struct Client {
    calls: u32,
}

impl Client {
    #[stamina::retry(on = is_retriable)]
    fn by_ref(&self) -> Result<u32, ApiError> {
        Ok(self.calls)
    }

    #[stamina::retry(on = is_retriable)]
    fn by_mut(&mut self) -> Result<u32, ApiError> {
        self.calls += 1;
        Ok(self.calls)
    }

    #[stamina::retry(on = is_retriable)]
    fn by_value(self) -> Result<u32, ApiError> {
        Ok(self.calls)
    }

    #[stamina::retry(on = is_retriable)]
    async fn async_by_mut(&mut self, add: u32) -> Result<u32, ApiError> {
        self.calls += add;
        Ok(self.calls)
    }

    #[stamina::retry(on = is_retriable)]
    fn associated() -> Result<Self, ApiError> {
        Ok(Self { calls: 0 })
    }
}

trait Fetch {
    fn fetch(&self) -> Result<u32, ApiError>;
    async fn fetch_async(&mut self) -> Result<u32, ApiError>;
}

impl Fetch for Client {
    #[stamina::retry(on = is_retriable, attempts = 2)]
    fn fetch(&self) -> Result<u32, ApiError> {
        Ok(self.calls)
    }

    #[stamina::retry(on = is_retriable, attempts = 2)]
    async fn fetch_async(&mut self) -> Result<u32, ApiError> {
        self.calls += 1;
        Ok(self.calls)
    }
}

fn main() {
    let mut client = Client::associated().unwrap();
    let _ = client.by_ref();
    let _ = client.by_mut();
    let _ = client.async_by_mut(1);
    let _ = client.fetch();
    let _ = client.fetch_async();
    let _ = client.by_value();
}
