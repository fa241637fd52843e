//! The strict deadline (`timeout_mode = strict`), in paused time, on every
//! way to retry: no wait that would end at or past the deadline is started
//! (the loop gives up at once with the timeout reason), and an async attempt
//! still running at the deadline is dropped, so a call that hangs returns at
//! the deadline exactly. Sync loops bound their waits. The soft timeout (the
//! default) keeps Python's schedule.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use stamina::instrumentation::GiveUpReason;
use stamina::testing::{AttemptOutcome, Recorder};
use stamina::{AttemptTimedOut, TimeoutMode};
use tokio::time::Instant;

/// An error that holds a timed-out attempt, or a failure of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CallError {
    Unavailable,
    /// The server asked to be left alone for this long.
    RetryAfter(Duration),
    TimedOut(AttemptTimedOut),
}

impl From<AttemptTimedOut> for CallError {
    fn from(timed_out: AttemptTimedOut) -> Self {
        Self::TimedOut(timed_out)
    }
}

#[allow(clippy::trivially_copy_pass_by_ref)] // predicates take the error by reference
fn retry_all(error: &CallError) -> Duration {
    match error {
        CallError::RetryAfter(wait) => *wait,
        _ => Duration::from_secs(1),
    }
}

fn cancelled_at_deadline(error: &CallError) -> bool {
    matches!(error, CallError::TimedOut(timed_out) if timed_out.is_deadline())
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

// --- A call that never completes returns at the deadline ------------------

#[stamina::retry(on = retry_all, timeout = "30s", timeout_mode = strict)]
async fn hangs(calls: &AtomicU32) -> Result<(), CallError> {
    calls.fetch_add(1, Ordering::Relaxed);
    std::future::pending().await
}

#[tokio::test(start_paused = true)]
async fn a_hanging_call_returns_at_the_strict_deadline_attribute() {
    let calls = AtomicU32::new(0);
    let recorder = Recorder::new();
    let started = Instant::now();
    let error = recorder.future_scope(hangs(&calls)).await.unwrap_err();
    assert_eq!(started.elapsed(), secs(30));
    assert!(cancelled_at_deadline(&error), "{error:?}");
    assert_eq!(calls.load(Ordering::Relaxed), 1);
    assert_eq!(recorder.give_ups(), [GiveUpReason::Timeout]);
    // Hooks and sinks see the timeout as its own type.
    let last = recorder.attempts().pop().expect("one attempt");
    assert_eq!(
        last.outcome,
        AttemptOutcome::GaveUp { reason: GiveUpReason::Timeout, error_type: "stamina::AttemptTimedOut" }
    );
}

#[tokio::test(start_paused = true)]
async fn a_hanging_call_returns_at_the_strict_deadline_block() {
    let started = Instant::now();
    let result: Result<(), CallError> =
        stamina::retry_block!(on = retry_all, timeout = "30s", timeout_mode = strict, async |_attempt| {
            std::future::pending().await
        })
        .await;
    assert_eq!(started.elapsed(), secs(30));
    assert!(cancelled_at_deadline(&result.unwrap_err()));
}

#[tokio::test(start_paused = true)]
async fn a_hanging_call_returns_at_the_strict_deadline_callers() {
    let caller = stamina::AsyncRetryingCaller::new().timeout(secs(30)).timeout_mode(TimeoutMode::Strict);
    let started = Instant::now();
    let result: Result<(), CallError> = caller.call(retry_all, std::future::pending).await;
    assert_eq!(started.elapsed(), secs(30));
    assert!(cancelled_at_deadline(&result.unwrap_err()));

    let started = Instant::now();
    let result: Result<(), CallError> = caller.on(retry_all).call(std::future::pending).await;
    assert_eq!(started.elapsed(), secs(30));
    assert!(cancelled_at_deadline(&result.unwrap_err()));

    let context = stamina::retry_context(retry_all).timeout(secs(30)).timeout_mode(TimeoutMode::Strict);
    let started = Instant::now();
    let result: Result<(), CallError> = context.call_async(async |_| std::future::pending().await).await;
    assert_eq!(started.elapsed(), secs(30));
    assert!(cancelled_at_deadline(&result.unwrap_err()));
}

// --- A later attempt is cut at the deadline ---------------------------------

/// Fails at once on the first call, hangs on the second.
async fn fails_then_hangs(calls: &AtomicU32) -> Result<(), CallError> {
    if calls.fetch_add(1, Ordering::Relaxed) == 0 {
        return Err(CallError::Unavailable);
    }
    std::future::pending().await
}

#[stamina::retry(on = retry_all, timeout = "2.5s", timeout_mode = strict, wait_jitter = 0)]
async fn second_attempt_hangs(calls: &AtomicU32) -> Result<(), CallError> {
    fails_then_hangs(calls).await
}

#[tokio::test(start_paused = true)]
async fn the_attempt_running_at_the_deadline_gets_only_the_time_left() {
    // Attempt 1 fails at 0 s, the wait is 1 s, attempt 2 hangs: it is given
    // the 1.5 s left.
    let calls = AtomicU32::new(0);
    let started = Instant::now();
    let error = second_attempt_hangs(&calls).await.unwrap_err();
    assert_eq!(started.elapsed(), Duration::from_millis(2_500));
    let CallError::TimedOut(timed_out) = error else { panic!("{error:?}") };
    assert!(timed_out.is_deadline());
    assert_eq!(timed_out.limit(), Duration::from_millis(1_500));
    assert_eq!(calls.load(Ordering::Relaxed), 2);

    let calls = AtomicU32::new(0);
    let caller = stamina::AsyncRetryingCaller::new()
        .timeout(Duration::from_millis(2_500))
        .timeout_mode(TimeoutMode::Strict)
        .wait_jitter(Duration::ZERO);
    let started = Instant::now();
    assert!(caller.call(retry_all, || fails_then_hangs(&calls)).await.is_err());
    assert_eq!(started.elapsed(), Duration::from_millis(2_500));
    assert_eq!(calls.load(Ordering::Relaxed), 2);
}

// --- No wait past the deadline ---------------------------------------------

#[stamina::retry(on = retry_all, timeout = "45s", timeout_mode = strict)]
async fn told_to_wait_60s_strict(calls: &AtomicU32) -> Result<(), CallError> {
    calls.fetch_add(1, Ordering::Relaxed);
    Err(CallError::RetryAfter(secs(60)))
}

#[stamina::retry(on = retry_all, timeout = "45s")]
async fn told_to_wait_60s_soft(calls: &AtomicU32) -> Result<(), CallError> {
    calls.fetch_add(1, Ordering::Relaxed);
    Err(CallError::RetryAfter(secs(60)))
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_longer_than_the_time_left_gives_up_without_sleeping() {
    let calls = AtomicU32::new(0);
    let recorder = Recorder::new();
    let started = Instant::now();
    let result = recorder.future_scope(told_to_wait_60s_strict(&calls)).await;
    assert_eq!(result, Err(CallError::RetryAfter(secs(60))), "the last error, unchanged");
    assert_eq!(started.elapsed(), Duration::ZERO);
    assert_eq!(calls.load(Ordering::Relaxed), 1);
    assert_eq!(recorder.give_ups(), [GiveUpReason::Timeout]);

    // Soft (Python's): the 60 s wait is slept, and the next failure gives up.
    let calls = AtomicU32::new(0);
    let started = Instant::now();
    assert!(told_to_wait_60s_soft(&calls).await.is_err());
    assert_eq!(started.elapsed(), secs(60));
    assert_eq!(calls.load(Ordering::Relaxed), 2);
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_longer_than_the_time_left_gives_up_without_sleeping_block_and_callers() {
    let started = Instant::now();
    let result: Result<(), CallError> =
        stamina::retry_block!(on = retry_all, timeout = "45s", timeout_mode = strict, async |_attempt| Err(
            CallError::RetryAfter(secs(60))
        ))
        .await;
    assert_eq!(result, Err(CallError::RetryAfter(secs(60))));
    assert_eq!(started.elapsed(), Duration::ZERO);

    let caller = stamina::AsyncRetryingCaller::new().timeout(secs(45)).timeout_mode(TimeoutMode::Strict);
    let result: Result<(), CallError> =
        caller.call(retry_all, || async { Err(CallError::RetryAfter(secs(60))) }).await;
    assert_eq!(result, Err(CallError::RetryAfter(secs(60))));
    assert_eq!(started.elapsed(), Duration::ZERO);

    let context = stamina::retry_context(retry_all).timeout(secs(45)).timeout_mode(TimeoutMode::Strict);
    let result: Result<(), CallError> =
        context.call_async(async |_| Err(CallError::RetryAfter(secs(60)))).await;
    assert_eq!(result, Err(CallError::RetryAfter(secs(60))));
    assert_eq!(started.elapsed(), Duration::ZERO);
}

/// Attempt starts, relative to the first, of a loop that fails at once.
#[stamina::retry(on = retry_all, attempts = None, timeout = "2.5s", timeout_mode = strict, wait_initial = 1, wait_exp_base = 1, wait_jitter = 0)]
async fn fails_fast_strict(starts: &mut Vec<Duration>, origin: Instant) -> Result<(), CallError> {
    starts.push(origin.elapsed());
    Err(CallError::Unavailable)
}

#[stamina::retry(on = retry_all, attempts = None, timeout = "2.5s", wait_initial = 1, wait_exp_base = 1, wait_jitter = 0)]
async fn fails_fast_soft(starts: &mut Vec<Duration>, origin: Instant) -> Result<(), CallError> {
    starts.push(origin.elapsed());
    Err(CallError::Unavailable)
}

#[tokio::test(start_paused = true)]
async fn the_last_wait_that_would_pass_the_deadline_is_not_slept() {
    // Waits of 1 s under 2.5 s: strict stops after the attempt at 2 s (a wait
    // to 3 s would pass the deadline); soft sleeps it and stops at 3 s.
    let mut starts = Vec::new();
    assert!(fails_fast_strict(&mut starts, Instant::now()).await.is_err());
    assert_eq!(starts, [secs(0), secs(1), secs(2)]);
    let mut starts = Vec::new();
    assert!(fails_fast_soft(&mut starts, Instant::now()).await.is_err());
    assert_eq!(starts, [secs(0), secs(1), secs(2), secs(3)]);
}

#[test]
fn a_sync_loop_bounds_its_waits_and_lets_the_attempt_run() {
    // Sync code cannot be cancelled: the strict deadline bounds the waits
    // only. A 60 s wait under a 45 s deadline is not slept (no real time
    // passes in this test).
    let caller = stamina::RetryingCaller::new().timeout(secs(45)).timeout_mode(TimeoutMode::Strict);
    let mut calls = 0;
    let started = std::time::Instant::now();
    let result = caller.call(retry_all, || {
        calls += 1;
        Err::<(), _>(CallError::RetryAfter(secs(60)))
    });
    assert_eq!((result, calls), (Err(CallError::RetryAfter(secs(60))), 1));
    assert!(started.elapsed() < secs(5));

    let result: Result<(), CallError> =
        stamina::retry_block!(on = retry_all, timeout = "45s", timeout_mode = strict, |_attempt| Err(
            CallError::RetryAfter(secs(60))
        ));
    assert_eq!(result, Err(CallError::RetryAfter(secs(60))));
    assert!(started.elapsed() < secs(5));
}

#[stamina::retry(on = retry_all, timeout = "45s", timeout_mode = strict)]
fn sync_told_to_wait_60s() -> Result<(), CallError> {
    Err(CallError::RetryAfter(secs(60)))
}

#[test]
fn a_sync_fn_bounds_its_waits() {
    let started = std::time::Instant::now();
    assert_eq!(sync_told_to_wait_60s(), Err(CallError::RetryAfter(secs(60))));
    assert!(started.elapsed() < secs(5));
}

#[tokio::test(start_paused = true)]
async fn testing_mode_ignores_the_strict_deadline_as_the_soft_one() {
    let calls = AtomicU32::new(0);
    assert!(
        stamina::testing::future_scope(stamina::testing::TestMode::new(3), told_to_wait_60s_strict(&calls))
            .await
            .is_err()
    );
    assert_eq!(calls.load(Ordering::Relaxed), 3, "testing mode's attempts, no deadline");
}
