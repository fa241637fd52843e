//! The code `#[stamina::retry]` and `retry_block!` generate is warning-free in a
//! crate that denies all warnings, `clippy::all` and `clippy::pedantic`, for
//! every kind of fn the attribute supports. `cargo clippy --all-targets` on this
//! file is the test; the `#[test]`s check that it also runs.
#![deny(warnings, clippy::all, clippy::pedantic)]

use std::fmt;
use std::time::Duration;

/// An error with a retryable and a final variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// Worth another try.
    Unavailable,
    /// Not worth another try.
    NotFound,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Unavailable => "unavailable",
            Self::NotFound => "not found",
        })
    }
}

impl std::error::Error for ApiError {}

fn is_retriable(error: &ApiError) -> bool {
    matches!(error, ApiError::Unavailable)
}

type ApiResult<T> = Result<T, ApiError>;

#[stamina::retry(on = is_retriable, attempts = 3, timeout = "30s", wait_initial = "10ms")]
fn free_sync(x: u32) -> Result<u32, ApiError> {
    if x == 0 {
        return Err(ApiError::NotFound);
    }
    Ok(x)
}

#[stamina::retry(on = is_retriable, attempts = None, timeout = None)]
async fn free_async(x: u32) -> ApiResult<u32> {
    tokio::task::yield_now().await;
    Ok(x + 1)
}

/// Documented, public, `#[must_use]`.
///
/// # Errors
///
/// Never.
#[must_use = "the result says whether it worked"]
#[stamina::retry(on = |e: &ApiError| *e == ApiError::Unavailable, attempts = 2, wait_exp_base = 1.5)]
pub fn documented(text: &str) -> ApiResult<usize> {
    Ok(text.len())
}

#[stamina::retry(on = |e| e.kind() == std::io::ErrorKind::Interrupted, attempts = 2, wait_max = Duration::ZERO)]
fn io_alias(path: &std::path::Path) -> std::io::Result<u64> {
    Ok(path.as_os_str().len() as u64)
}

#[stamina::retry(on = types(std::io::Error, ApiError), attempts = 2, wait_max = 0)]
fn boxed_error() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    Ok(())
}

#[stamina::retry(on = |e: &anyhow::Error| e.is::<ApiError>(), attempts = 2, wait_max = 0)]
fn anyhow_result() -> anyhow::Result<u8> {
    Ok(1)
}

#[stamina::retry(on = is_retriable, attempts = 2)]
fn generic<'a, T, U: Clone>(items: &'a [T], extra: impl AsRef<str>, _u: &U) -> Result<&'a T, ApiError>
where
    T: fmt::Debug,
{
    let _ = extra.as_ref().len();
    items.first().ok_or(ApiError::NotFound)
}

#[stamina::retry(on = is_retriable, attempts = 2)]
fn returns_impl_trait(x: u32) -> Result<impl fmt::Display, ApiError> {
    Ok(x)
}

#[stamina::retry(on = is_retriable, attempts = 2, clone(payload, name))]
fn consumes(payload: Vec<u8>, mut name: String) -> ApiResult<usize> {
    name.push('!');
    Ok(payload.into_iter().map(usize::from).sum::<usize>() + name.len())
}

/// A client with state.
#[derive(Debug, Default)]
pub struct Client {
    calls: u32,
    timeout: Duration,
}

impl Client {
    #[stamina::retry(on = is_retriable, attempts = 3, wait_max = 0)]
    fn get(&self, key: &str) -> ApiResult<String> {
        Ok(format!("{key}:{}", self.calls))
    }

    #[stamina::retry(on = is_retriable, attempts = 3, wait_max = 0, timeout = self.timeout)]
    fn bump(&mut self) -> ApiResult<u32> {
        self.calls += 1;
        if self.calls < 2 {
            return Err(ApiError::Unavailable);
        }
        Ok(self.calls)
    }

    #[stamina::retry(on = is_retriable, attempts = 3, wait_max = 0)]
    async fn bump_async(&mut self) -> ApiResult<u32> {
        self.calls += 1;
        tokio::task::yield_now().await;
        if self.calls < 2 {
            Err(ApiError::Unavailable)?;
        }
        Ok(self.calls)
    }

    #[stamina::retry(on = is_retriable, attempts = self.calls + 1, wait_max = 0)]
    fn limited(&self) -> ApiResult<u32> {
        Ok(self.calls)
    }

    #[stamina::retry(on = is_retriable, attempts = 1)]
    fn into_calls(self) -> ApiResult<u32> {
        Ok(self.calls)
    }
}

/// A fetcher.
pub trait Fetch {
    /// Fetches.
    ///
    /// # Errors
    ///
    /// When the server is unavailable.
    fn fetch(&self) -> ApiResult<u8>;
}

impl Fetch for Client {
    #[stamina::retry(on = is_retriable, attempts = 2)]
    fn fetch(&self) -> ApiResult<u8> {
        Ok(u8::try_from(self.calls).unwrap_or(u8::MAX))
    }
}

// One-line bodies of every kind: the generated code puts nothing in a block of
// its own around them, which `unused_braces` would flag ("unnecessary braces
// around block return value"). rustfmt would spread them over lines, where the
// lint does not look, so it is told to leave them.
#[rustfmt::skip]
mod one_line {
    use super::{ApiError, ApiResult, is_retriable};

    #[stamina::retry(on = is_retriable, attempts = 2, wait_max = 0)]
    pub(super) fn sync_fn(x: u32) -> Result<u32, ApiError> { Ok(x + 1) }

    #[stamina::retry(on = is_retriable, attempts = 2, wait_max = 0)]
    pub(super) async fn async_fn(x: u32) -> Result<u32, ApiError> { Ok(x + 1) }

    #[stamina::retry(on = is_retriable, attempts = 2, wait_max = 0, clone(payload))]
    pub(super) fn cloning(payload: Vec<u8>) -> ApiResult<usize> { Ok(payload.into_iter().map(usize::from).sum()) }

    /// A client with one-line methods.
    #[derive(Debug)]
    pub(super) struct Counter(pub(super) u32);

    impl Counter {
        #[stamina::retry(on = is_retriable, attempts = 2, wait_max = 0)]
        pub(super) fn method(&self) -> ApiResult<u32> { Ok(self.0) }

        #[stamina::retry(on = is_retriable, attempts = 2, wait_max = 0)]
        pub(super) async fn async_method(&self) -> ApiResult<u32> { Ok(self.0) }
    }

    pub(super) fn sync_block() -> ApiResult<u32> {
        stamina::retry_block!(on = is_retriable, attempts = 2, wait_max = 0, |attempt| { Ok(attempt.num()) })
    }

    pub(super) async fn async_block() -> ApiResult<u32> {
        stamina::retry_block!(on = is_retriable, attempts = 2, wait_max = 0, async |attempt| { Ok(attempt.num()) }).await
    }
}

fn assert_send<T: Send>(value: T) -> T {
    value
}

#[test]
fn everything_runs() {
    assert_eq!(free_sync(2), Ok(2));
    assert_eq!(documented("abc"), Ok(3));
    assert_eq!(io_alias(std::path::Path::new("ab")).unwrap(), 2);
    assert!(boxed_error().is_ok());
    assert_eq!(anyhow_result().unwrap(), 1);
    assert_eq!(generic(&[1, 2], "x", &()), Ok(&1));
    assert_eq!(returns_impl_trait(4).unwrap().to_string(), "4");
    assert_eq!(consumes(vec![1, 2], "ab".to_owned()), Ok(6));
    let mut client = Client { calls: 0, timeout: Duration::from_secs(1) };
    assert_eq!(client.bump(), Ok(2));
    assert_eq!(client.get("k").unwrap(), "k:2");
    assert_eq!(client.fetch(), Ok(2));
    assert_eq!(client.limited(), Ok(2));
    assert_eq!(client.into_calls(), Ok(2));
    assert_eq!(one_line::sync_fn(1), Ok(2));
    assert_eq!(one_line::cloning(vec![1, 2]), Ok(3));
    assert_eq!(one_line::Counter(3).method(), Ok(3));
    assert_eq!(one_line::sync_block(), Ok(1));
}

#[tokio::test]
async fn async_fns_run_and_are_send() {
    assert_eq!(assert_send(free_async(1)).await, Ok(2));
    let mut client = Client::default();
    assert_eq!(assert_send(client.bump_async()).await, Ok(2));
    assert_eq!(one_line::async_fn(1).await, Ok(2));
    assert_eq!(one_line::Counter(3).async_method().await, Ok(3));
    assert_eq!(one_line::async_block().await, Ok(1));
}

#[test]
fn blocks_run() {
    let mut seen = Vec::new();
    let value = stamina::retry_block!(on = is_retriable, attempts = 3, wait_max = 0, |attempt| {
        seen.push(attempt.num());
        if attempt.num() < 2 {
            return Err(ApiError::Unavailable);
        }
        Ok::<_, ApiError>(attempt.num())
    });
    assert_eq!(value, Ok(2));
    assert_eq!(seen, [1, 2]);
}

#[tokio::test]
async fn async_blocks_run_and_are_send() {
    let block = stamina::retry_block!(on = |e: &ApiError| is_retriable(e), attempts = 2, async |attempt| {
        tokio::task::yield_now().await;
        Ok::<u32, ApiError>(attempt.num())
    });
    assert_eq!(assert_send(block).await, Ok(1));
}

/// An error that holds a timed-out attempt, for the time limits' loops.
#[derive(Debug)]
pub enum LimitedError {
    /// Worth another try.
    Unavailable,
    /// The attempt ran out of time.
    TimedOut(stamina::AttemptTimedOut),
}

impl From<stamina::AttemptTimedOut> for LimitedError {
    fn from(timed_out: stamina::AttemptTimedOut) -> Self {
        Self::TimedOut(timed_out)
    }
}

fn is_limited_retriable(error: &LimitedError) -> bool {
    matches!(error, LimitedError::Unavailable | LimitedError::TimedOut(_))
}

#[stamina::retry(on = is_limited_retriable, attempts = 2, attempt_timeout = "1s", timeout_mode = strict)]
async fn limited_async(x: u32) -> Result<u32, LimitedError> {
    tokio::task::yield_now().await;
    Ok(x)
}

#[stamina::retry(on = is_limited_retriable, attempt_timeout = Duration::from_secs(1), clone(text))]
async fn limited_cloning(text: String) -> Result<usize, LimitedError> {
    Ok(text.len())
}

#[stamina::retry(on = is_limited_retriable, timeout_mode = strict)]
fn strict_sync() -> Result<u32, LimitedError> {
    Ok(1)
}

#[tokio::test]
async fn time_limited_loops_run_and_are_send() {
    assert!(matches!(assert_send(limited_async(1)).await, Ok(1)));
    assert!(matches!(assert_send(limited_cloning("ab".to_owned())).await, Ok(2)));
    assert!(matches!(strict_sync(), Ok(1)));
    let block = stamina::retry_block!(
        on = |e| matches!(e, LimitedError::TimedOut(_)),
        attempt_timeout = "1s",
        async |attempt| {
            tokio::task::yield_now().await;
            Ok::<u32, LimitedError>(attempt.num())
        }
    );
    assert!(matches!(assert_send(block).await, Ok(1)));
    let strict = stamina::retry_block!(on = is_limited_retriable, timeout_mode = strict, |attempt| {
        Ok::<u32, LimitedError>(attempt.num())
    });
    assert!(matches!(strict, Ok(1)));
}
