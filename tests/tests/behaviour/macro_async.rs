//! `#[stamina::retry]` on async free fns, on tokio's paused clock: calls,
//! results, switches, and `Send` futures.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use stamina::testing::{self, Mode, TestMode};
use tokio::time::Instant;

use crate::support::{ApiError, is_retriable};

async fn flaky(calls: &AtomicU32, failures: u32) -> Result<u32, ApiError> {
    tokio::task::yield_now().await;
    let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
    if n <= failures { Err(ApiError::Unavailable(n)) } else { Ok(n) }
}

#[stamina::retry(on = is_retriable, attempts = 3)]
async fn fetch(calls: &AtomicU32, failures: u32) -> Result<u32, ApiError> {
    flaky(calls, failures).await
}

fn assert_send<F: Future + Send>(future: F) -> F {
    future
}

#[tokio::test(start_paused = true)]
async fn success_runs_once() {
    let calls = AtomicU32::new(0);
    assert_eq!(assert_send(fetch(&calls, 0)).await, Ok(1));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test(start_paused = true)]
async fn transient_failures_are_retried_with_backoff() {
    let calls = AtomicU32::new(0);
    let started = Instant::now();
    assert_eq!(fetch(&calls, 2).await, Ok(3));
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    // Default backoff: at least 100ms + 200ms of (virtual) waiting.
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test(start_paused = true)]
async fn exhaustion_returns_the_last_error_unchanged() {
    let calls = AtomicU32::new(0);
    assert_eq!(fetch(&calls, 10).await, Err(ApiError::Unavailable(3)));
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[stamina::retry(on = is_retriable, attempts = 5)]
async fn not_found(calls: &AtomicU32) -> Result<(), ApiError> {
    calls.fetch_add(1, Ordering::SeqCst);
    Err(ApiError::NotFound)
}

#[tokio::test(start_paused = true)]
async fn non_retryable_errors_return_at_once() {
    let calls = AtomicU32::new(0);
    let started = Instant::now();
    assert_eq!(not_found(&calls).await, Err(ApiError::NotFound));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(started.elapsed(), Duration::ZERO);
}

#[stamina::retry(on = is_retriable, attempts = 4)]
async fn with_question_mark_and_return(calls: &AtomicU32) -> Result<String, ApiError> {
    let n = flaky(calls, 1).await?;
    if n == 2 {
        return Err(ApiError::Unavailable(n));
    }
    Ok(format!("call {n}"))
}

#[tokio::test(start_paused = true)]
async fn question_mark_and_return_end_the_attempt() {
    let calls = AtomicU32::new(0);
    assert_eq!(with_question_mark_and_return(&calls).await.as_deref(), Ok("call 3"));
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[tokio::test(start_paused = true)]
async fn testing_mode_sets_attempts_and_skips_waits() {
    let _testing = testing::thread_scope(TestMode::new(5));
    let calls = AtomicU32::new(0);
    let started = Instant::now();
    assert_eq!(fetch(&calls, 10).await, Err(ApiError::Unavailable(5)));
    assert_eq!(calls.load(Ordering::SeqCst), 5);
    assert_eq!(started.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn deactivated_runs_once() {
    let _off = testing::thread_scope(Mode::Inactive);
    let calls = AtomicU32::new(0);
    assert_eq!(fetch(&calls, 1).await, Err(ApiError::Unavailable(1)));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[stamina::retry(on = |e| matches!(e, ApiError::Unavailable(_)), attempts = 3, timeout = "1s", wait_max = "400ms", wait_jitter = 0)]
async fn with_timeout(calls: &AtomicU32) -> Result<u32, ApiError> {
    flaky(calls, 100).await
}

#[tokio::test(start_paused = true)]
async fn timeouts_run_on_the_virtual_clock() {
    let calls = AtomicU32::new(0);
    assert_eq!(with_timeout(&calls).await, Err(ApiError::Unavailable(3)));
}

#[stamina::retry(on = is_retriable, attempts = 3, clone(payload))]
async fn consume(calls: &AtomicU32, payload: String) -> Result<usize, ApiError> {
    let owned: String = payload;
    flaky(calls, 2).await?;
    Ok(owned.len())
}

#[tokio::test(start_paused = true)]
async fn cloned_arguments_work_in_async_fns() {
    let calls = AtomicU32::new(0);
    assert_eq!(assert_send(consume(&calls, "abc".to_owned())).await, Ok(3));
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[stamina::retry(on = is_retriable, attempts = 3, wait_max = 0)]
async fn generic<T>(calls: &AtomicU32, item: &T, extra: impl AsRef<str> + Send) -> Result<usize, ApiError>
where
    T: AsRef<[u8]> + Send + Sync,
{
    let _ = flaky(calls, 0).await;
    Ok(item.as_ref().len() + extra.as_ref().len())
}

#[tokio::test(start_paused = true)]
async fn generic_async_fns() {
    let calls = AtomicU32::new(0);
    assert_eq!(assert_send(generic(&calls, &"ab", "c")).await.unwrap(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn futures_can_be_spawned() {
    static CALLS: AtomicU32 = AtomicU32::new(0);
    #[stamina::retry(on = is_retriable, attempts = 3, wait_max = 0)]
    async fn spawned() -> Result<u32, ApiError> {
        flaky(&CALLS, 1).await
    }
    assert_eq!(tokio::spawn(spawned()).await.unwrap(), Ok(2));
}
