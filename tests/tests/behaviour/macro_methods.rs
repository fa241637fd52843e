//! `#[stamina::retry]` on methods: `&self`, `&mut self`, `self`, trait impls,
//! sync and async.

use std::cell::Cell;

use stamina::testing;

use crate::support::{ApiError, is_retriable};

#[derive(Debug, Default)]
struct Client {
    calls: u32,
    failures: u32,
    seen: Cell<u32>,
}

impl Client {
    fn with_failures(failures: u32) -> Self {
        Self { failures, ..Self::default() }
    }

    #[stamina::retry(on = is_retriable, attempts = 3, wait_max = 0)]
    fn get(&self) -> Result<u32, ApiError> {
        self.seen.set(self.seen.get() + 1);
        if self.seen.get() <= self.failures {
            Err(ApiError::Unavailable(self.seen.get()))
        } else {
            Ok(self.seen.get())
        }
    }

    #[stamina::retry(on = is_retriable, attempts = 3, wait_max = 0)]
    fn bump(&mut self) -> Result<u32, ApiError> {
        self.calls += 1;
        if self.calls <= self.failures {
            return Err(ApiError::Unavailable(self.calls));
        }
        Ok(self.calls)
    }

    #[stamina::retry(on = is_retriable, attempts = 3)]
    async fn bump_async(&mut self, by: u32) -> Result<u32, ApiError> {
        tokio::task::yield_now().await;
        self.calls += by;
        if self.calls <= self.failures * by {
            Err(ApiError::Unavailable(self.calls))?;
        }
        Ok(self.calls)
    }

    #[stamina::retry(on = is_retriable, attempts = 3, wait_max = 0)]
    fn finish(self) -> Result<u32, ApiError> {
        self.seen.set(self.seen.get() + 1);
        if self.seen.get() <= self.failures {
            Err(ApiError::Unavailable(self.seen.get()))
        } else {
            Ok(self.seen.get())
        }
    }

    #[stamina::retry(on = is_retriable, attempts = 3, wait_max = 0)]
    fn not_found(&mut self) -> Result<(), ApiError> {
        self.calls += 1;
        Err(ApiError::NotFound)
    }
}

trait Fetch {
    fn fetch(&mut self) -> Result<u32, ApiError>;
    async fn fetch_async(&mut self) -> Result<u32, ApiError>;
}

impl Fetch for Client {
    #[stamina::retry(on = is_retriable, attempts = 2, wait_max = 0)]
    fn fetch(&mut self) -> Result<u32, ApiError> {
        self.bump()?;
        Err(ApiError::Unavailable(self.calls))
    }

    #[stamina::retry(on = is_retriable, attempts = 4)]
    async fn fetch_async(&mut self) -> Result<u32, ApiError> {
        self.calls += 1;
        if self.calls < 4 { Err(ApiError::Unavailable(self.calls)) } else { Ok(self.calls) }
    }
}

#[test]
fn shared_self() {
    let client = Client::with_failures(2);
    assert_eq!(client.get(), Ok(3));
    assert_eq!(client.seen.get(), 3);
}

#[test]
fn mutable_self_keeps_its_changes_across_attempts() {
    let mut client = Client::with_failures(1);
    assert_eq!(client.bump(), Ok(2));
    assert_eq!(client.calls, 2);
    let mut client = Client::with_failures(10);
    assert_eq!(client.bump(), Err(ApiError::Unavailable(3)));
    assert_eq!(client.calls, 3);
}

#[test]
fn self_by_value() {
    assert_eq!(Client::with_failures(1).finish(), Ok(2));
}

#[test]
fn non_retryable_and_deactivated() {
    let mut client = Client::default();
    assert_eq!(client.not_found(), Err(ApiError::NotFound));
    assert_eq!(client.calls, 1);
    let _off = testing::thread_scope(testing::Mode::Inactive);
    let mut client = Client::with_failures(1);
    assert_eq!(client.bump(), Err(ApiError::Unavailable(1)));
    assert_eq!(client.calls, 1);
}

#[test]
fn testing_mode_in_methods() {
    let _testing = testing::thread_scope(testing::TestMode::new(1));
    let client = Client::with_failures(1);
    assert_eq!(client.get(), Err(ApiError::Unavailable(1)));
}

#[test]
fn trait_impl_method_exhausts_its_attempts() {
    let mut client = Client::default();
    assert_eq!(client.fetch(), Err(ApiError::Unavailable(2)));
    assert_eq!(client.calls, 2);
}

#[tokio::test(start_paused = true)]
async fn async_mutable_self() {
    let mut client = Client::with_failures(2);
    assert_eq!(client.bump_async(5).await, Ok(15));
    let mut client = Client::default();
    assert_eq!(client.fetch_async().await, Ok(4));
    assert_eq!(client.calls, 4);
}
