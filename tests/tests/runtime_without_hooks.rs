//! The retry loop's limits with no instrumentation hook installed.
//!
//! A failure whose wait needs no computing (testing mode, `wait_max = 0`, a
//! wait returned by `on`) with no clock to read and no hook to call takes a
//! shorter path through the engine. Most other test binaries never take it:
//! they run with the default hooks of `--all-features`. This one installs no
//! hooks, so every loop below takes that path wherever it can, and the limits
//! must hold the same. Time is tokio's paused clock: exact.

mod runtime_support;

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use stamina::instrumentation::set_on_retry_hooks;
use stamina::testing::{self, Mode, TestMode};
use stamina::{AsyncRetryingCaller, Decision, RetryingCaller};
use tokio::time::Instant;

use runtime_support::{Error, is_transient};

const fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Every test starts here: no hook, in every thread of this binary.
fn no_hooks() {
    set_on_retry_hooks([]);
}

/// An operation that takes `duration` of virtual time, then fails transiently
/// with its call's number.
async fn slow_failure(calls: &AtomicU32, duration: Duration) -> Result<(), Error> {
    let n = calls.fetch_add(1, Ordering::Relaxed) + 1;
    tokio::time::sleep(duration).await;
    Err(Error::Transient(n))
}

#[tokio::test(start_paused = true)]
async fn the_timeout_ends_a_loop_of_zero_waits() {
    no_hooks();
    let calls = AtomicU32::new(0);
    // An attempt limit far above what the timeout allows: a broken timeout
    // fails the test instead of hanging it.
    let caller = AsyncRetryingCaller::new().attempts(20).wait_max(Duration::ZERO).timeout(ms(250));
    let start = Instant::now();
    let result = caller.call(is_transient, || slow_failure(&calls, ms(100))).await;
    // Failures at 100, 200 and 300 ms: the third is past the deadline.
    assert_eq!(result, Err(Error::Transient(3)));
    assert_eq!(start.elapsed(), ms(300));
}

#[tokio::test(start_paused = true)]
async fn the_timeout_ends_a_loop_of_waits_returned_by_on() {
    no_hooks();
    let calls = AtomicU32::new(0);
    let caller = AsyncRetryingCaller::new().attempts(20).timeout(ms(250));
    let on = |_: &Error| Decision::RetryAfter(Duration::ZERO);
    let result = caller.call(on, || slow_failure(&calls, ms(100))).await;
    assert_eq!(result, Err(Error::Transient(3)));
}

#[tokio::test(start_paused = true)]
async fn a_slow_first_attempt_past_the_deadline_is_not_retried() {
    no_hooks();
    let calls = AtomicU32::new(0);
    let caller = AsyncRetryingCaller::new().wait_max(Duration::ZERO).timeout(ms(200));
    let result = caller.call(is_transient, || slow_failure(&calls, ms(250))).await;
    assert_eq!(result, Err(Error::Transient(1)));
}

#[tokio::test(start_paused = true)]
async fn testing_mode_ignores_the_timeout_and_counts_its_own_attempts() {
    no_hooks();
    let _testing = testing::thread_scope(TestMode::new(4));
    let calls = AtomicU32::new(0);
    let caller = AsyncRetryingCaller::new().attempts(2).timeout(ms(10));
    let start = Instant::now();
    let result = caller.call(is_transient, || slow_failure(&calls, ms(100))).await;
    assert_eq!(result, Err(Error::Transient(4)));
    // No wait between the attempts: their own 100 ms each, nothing more.
    assert_eq!(start.elapsed(), ms(400));
}

/// Fails transiently until call `succeeds_at`, then returns the call's number.
fn counting(calls: &AtomicU32, succeeds_at: u32) -> Result<u32, Error> {
    let n = calls.fetch_add(1, Ordering::Relaxed) + 1;
    if n < succeeds_at { Err(Error::Transient(n)) } else { Ok(n) }
}

#[test]
fn the_attempt_limit_ends_a_sync_loop_of_zero_waits() {
    no_hooks();
    let calls = AtomicU32::new(0);
    let caller = RetryingCaller::new().attempts(3).wait_max(Duration::ZERO).timeout(None);
    assert_eq!(caller.call(is_transient, || counting(&calls, 100)), Err(Error::Transient(3)));
    calls.store(0, Ordering::Relaxed);
    assert_eq!(caller.call(is_transient, || counting(&calls, 3)), Ok(3));
}

#[test]
fn an_error_on_rejects_is_returned_at_once() {
    no_hooks();
    let calls = AtomicU32::new(0);
    let caller = RetryingCaller::new().wait_max(Duration::ZERO);
    let result = caller.call(is_transient, || {
        calls.fetch_add(1, Ordering::Relaxed);
        Err::<(), _>(Error::Permanent)
    });
    assert_eq!(result, Err(Error::Permanent));
    assert_eq!(calls.load(Ordering::Relaxed), 1);
}

#[test]
fn an_inactive_loop_runs_once() {
    no_hooks();
    let _inactive = testing::thread_scope(Mode::Inactive);
    let calls = AtomicU32::new(0);
    let caller = RetryingCaller::new().wait_max(Duration::ZERO);
    assert_eq!(caller.call(is_transient, || counting(&calls, 2)), Err(Error::Transient(1)));
}

#[test]
fn the_macros_keep_their_limits_too() {
    #[stamina::retry(on = is_transient, attempts = 3, wait_max = 0)]
    fn attribute(calls: &AtomicU32) -> Result<u32, Error> {
        counting(calls, 100)
    }

    no_hooks();
    let calls = AtomicU32::new(0);
    assert_eq!(attribute(&calls), Err(Error::Transient(3)));
    calls.store(0, Ordering::Relaxed);
    let block = stamina::retry_block!(on = is_transient, attempts = 5, wait_max = 0, |attempt| {
        assert_eq!(attempt.next_wait(), Duration::ZERO);
        counting(&calls, 4)
    });
    assert_eq!(block, Ok(4));
}
