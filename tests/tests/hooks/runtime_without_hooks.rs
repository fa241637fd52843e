//! The retry loop's limits with no instrumentation hook installed.
//!
//! A failure whose wait needs no computing (testing mode, `wait_max = 0`, a
//! wait returned by `on`) with no clock to read and no hook to call takes a
//! shorter path through the engine. Most other tests never take it: they run
//! with the default hooks of `--all-features`. Every test here installs no
//! hooks for its whole run (`isolated_with([])`), so every loop below takes
//! that path wherever it can, and the limits must hold the same. Time is
//! tokio's paused clock: exact.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use stamina::testing::{self, Mode, TestMode};
use stamina::{AsyncRetryingCaller, Decision, RetryingCaller};
use tokio::time::Instant;

use crate::support::{ApiError, Isolated, is_retriable, isolated_with};

/// Every test starts here: no hook, in every thread, until the test ends.
fn no_hooks() -> Isolated {
    isolated_with([])
}

const fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// An operation that takes `duration` of virtual time, then fails transiently
/// with its call's number.
async fn slow_failure(calls: &AtomicU32, duration: Duration) -> Result<(), ApiError> {
    let n = calls.fetch_add(1, Ordering::Relaxed) + 1;
    tokio::time::sleep(duration).await;
    Err(ApiError::Unavailable(n))
}

#[tokio::test(start_paused = true)]
async fn the_timeout_ends_a_loop_of_zero_waits() {
    let _no_hooks = no_hooks();
    let calls = AtomicU32::new(0);
    // An attempt limit far above what the timeout allows: a broken timeout
    // fails the test instead of hanging it.
    let caller = AsyncRetryingCaller::new().attempts(20).wait_max(Duration::ZERO).timeout(ms(250));
    let start = Instant::now();
    let result = caller.call(is_retriable, || slow_failure(&calls, ms(100))).await;
    // Failures at 100, 200 and 300 ms: the third is past the deadline.
    assert_eq!(result, Err(ApiError::Unavailable(3)));
    assert_eq!(start.elapsed(), ms(300));
}

#[tokio::test(start_paused = true)]
async fn the_timeout_ends_a_loop_of_waits_returned_by_on() {
    let _no_hooks = no_hooks();
    let calls = AtomicU32::new(0);
    let caller = AsyncRetryingCaller::new().attempts(20).timeout(ms(250));
    let on = |_: &ApiError| Decision::RetryAfter(Duration::ZERO);
    let result = caller.call(on, || slow_failure(&calls, ms(100))).await;
    assert_eq!(result, Err(ApiError::Unavailable(3)));
}

#[tokio::test(start_paused = true)]
async fn a_slow_first_attempt_past_the_deadline_is_not_retried() {
    let _no_hooks = no_hooks();
    let calls = AtomicU32::new(0);
    let caller = AsyncRetryingCaller::new().wait_max(Duration::ZERO).timeout(ms(200));
    let result = caller.call(is_retriable, || slow_failure(&calls, ms(250))).await;
    assert_eq!(result, Err(ApiError::Unavailable(1)));
}

#[tokio::test(start_paused = true)]
async fn testing_mode_ignores_the_timeout_and_counts_its_own_attempts() {
    let _no_hooks = no_hooks();
    let _testing = testing::thread_scope(TestMode::new(4));
    let calls = AtomicU32::new(0);
    let caller = AsyncRetryingCaller::new().attempts(2).timeout(ms(10));
    let start = Instant::now();
    let result = caller.call(is_retriable, || slow_failure(&calls, ms(100))).await;
    assert_eq!(result, Err(ApiError::Unavailable(4)));
    // No wait between the attempts: their own 100 ms each, nothing more.
    assert_eq!(start.elapsed(), ms(400));
}

/// Fails transiently until call `succeeds_at`, then returns the call's number.
fn counting(calls: &AtomicU32, succeeds_at: u32) -> Result<u32, ApiError> {
    let n = calls.fetch_add(1, Ordering::Relaxed) + 1;
    if n < succeeds_at { Err(ApiError::Unavailable(n)) } else { Ok(n) }
}

#[test]
fn the_attempt_limit_ends_a_sync_loop_of_zero_waits() {
    let _no_hooks = no_hooks();
    let calls = AtomicU32::new(0);
    let caller = RetryingCaller::new().attempts(3).wait_max(Duration::ZERO).timeout(None);
    assert_eq!(caller.call(is_retriable, || counting(&calls, 100)), Err(ApiError::Unavailable(3)));
    calls.store(0, Ordering::Relaxed);
    assert_eq!(caller.call(is_retriable, || counting(&calls, 3)), Ok(3));
}

#[test]
fn an_error_on_rejects_is_returned_at_once() {
    let _no_hooks = no_hooks();
    let calls = AtomicU32::new(0);
    let caller = RetryingCaller::new().wait_max(Duration::ZERO);
    let result = caller.call(is_retriable, || {
        calls.fetch_add(1, Ordering::Relaxed);
        Err::<(), _>(ApiError::NotFound)
    });
    assert_eq!(result, Err(ApiError::NotFound));
    assert_eq!(calls.load(Ordering::Relaxed), 1);
}

#[test]
fn an_inactive_loop_runs_once() {
    let _no_hooks = no_hooks();
    let _inactive = testing::thread_scope(Mode::Inactive);
    let calls = AtomicU32::new(0);
    let caller = RetryingCaller::new().wait_max(Duration::ZERO);
    assert_eq!(caller.call(is_retriable, || counting(&calls, 2)), Err(ApiError::Unavailable(1)));
}

#[test]
fn the_macros_keep_their_limits_too() {
    #[stamina::retry(on = is_retriable, attempts = 3, wait_max = 0)]
    fn attribute(calls: &AtomicU32) -> Result<u32, ApiError> {
        counting(calls, 100)
    }

    let _no_hooks = no_hooks();
    let calls = AtomicU32::new(0);
    assert_eq!(attribute(&calls), Err(ApiError::Unavailable(3)));
    calls.store(0, Ordering::Relaxed);
    let block = stamina::retry_block!(on = is_retriable, attempts = 5, wait_max = 0, |attempt| {
        assert_eq!(attempt.next_wait(), Duration::ZERO);
        counting(&calls, 4)
    });
    assert_eq!(block, Ok(4));
}
