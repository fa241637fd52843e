//! The per-attempt timeout (`attempt_timeout`), in paused time, on every way
//! to retry: an attempt not finished in time is dropped and fails with
//! `E::from(AttemptTimedOut)`, which `on` judges like any error; hooks see it
//! as `stamina::AttemptTimedOut`; a budget charges the retry after it as a
//! timeout.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use stamina::AttemptTimedOut;
use stamina::budget::{QuotaParams, RetryBudget};
use stamina::instrumentation::GiveUpReason;
use stamina::testing::{AttemptOutcome, Recorder};
use tokio::time::Instant;

const TIMED_OUT_TYPE: &str = "stamina::AttemptTimedOut";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CallError {
    Unavailable,
    TimedOut(AttemptTimedOut),
}

impl From<AttemptTimedOut> for CallError {
    fn from(timed_out: AttemptTimedOut) -> Self {
        Self::TimedOut(timed_out)
    }
}

fn always(_: &CallError) -> bool {
    true
}

fn only_unavailable(error: &CallError) -> bool {
    matches!(error, CallError::Unavailable)
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Hangs on the first `hung` calls, then succeeds with the call's number.
async fn hangs_first(calls: &AtomicU32, hung: u32) -> Result<u32, CallError> {
    let call = calls.fetch_add(1, Ordering::Relaxed) + 1;
    if call <= hung {
        std::future::pending::<()>().await;
    }
    Ok(call)
}

#[stamina::retry(on = always, attempts = 3, attempt_timeout = "2s", wait_initial = "100ms", wait_jitter = 0)]
async fn hangs_twice(calls: &AtomicU32) -> Result<u32, CallError> {
    hangs_first(calls, 2).await
}

#[stamina::retry(on = always, attempts = 3, attempt_timeout = "2s", wait_initial = "100ms", wait_jitter = 0)]
async fn always_hangs(calls: &AtomicU32) -> Result<u32, CallError> {
    hangs_first(calls, u32::MAX).await
}

#[tokio::test(start_paused = true)]
async fn a_hung_attempt_is_dropped_and_retried_attribute() {
    let calls = AtomicU32::new(0);
    let recorder = Recorder::new();
    let started = Instant::now();
    assert_eq!(recorder.future_scope(hangs_twice(&calls)).await, Ok(3));
    // 2 s, a wait of 100 ms, 2 s, a wait of 200 ms, then the success.
    assert_eq!(started.elapsed(), ms(4_300));
    assert_eq!(recorder.planned_waits(), [ms(100), ms(200)]);
    let retried: Vec<_> = recorder.attempts().into_iter().map(|record| record.outcome).collect();
    assert_eq!(
        retried[..2],
        [
            AttemptOutcome::Retried {
                planned_wait: ms(100),
                actual_wait: ms(100),
                error_type: TIMED_OUT_TYPE
            },
            AttemptOutcome::Retried {
                planned_wait: ms(200),
                actual_wait: ms(200),
                error_type: TIMED_OUT_TYPE
            },
        ]
    );

    let calls = AtomicU32::new(0);
    let started = Instant::now();
    let recorder = Recorder::new();
    let error = recorder.future_scope(always_hangs(&calls)).await.unwrap_err();
    assert_eq!(started.elapsed(), ms(6_300));
    let CallError::TimedOut(timed_out) = error else { panic!("{error:?}") };
    assert_eq!((timed_out.limit(), timed_out.is_deadline()), (ms(2_000), false));
    assert_eq!(calls.load(Ordering::Relaxed), 3);
    assert_eq!(recorder.give_ups(), [GiveUpReason::AttemptsExhausted]);
}

#[stamina::retry(on = only_unavailable, attempt_timeout = "2s", wait_max = 0)]
async fn timeouts_not_retried(calls: &AtomicU32) -> Result<u32, CallError> {
    if calls.load(Ordering::Relaxed) == 0 {
        calls.fetch_add(1, Ordering::Relaxed);
        return Err(CallError::Unavailable);
    }
    hangs_first(calls, u32::MAX).await
}

#[tokio::test(start_paused = true)]
async fn on_decides_whether_a_timed_out_attempt_is_retried() {
    let calls = AtomicU32::new(0);
    let recorder = Recorder::new();
    let started = Instant::now();
    assert!(matches!(recorder.future_scope(timeouts_not_retried(&calls)).await, Err(CallError::TimedOut(_))));
    assert_eq!(started.elapsed(), ms(2_000));
    assert_eq!(calls.load(Ordering::Relaxed), 2, "the failure retried, the timeout not");
    assert_eq!(recorder.give_ups(), [GiveUpReason::NotRetryable]);
}

#[stamina::retry(on = always, attempts = 2, attempt_timeout = "2s")]
async fn quick(calls: &AtomicU32) -> Result<u32, CallError> {
    tokio::time::sleep(ms(1_999)).await;
    hangs_first(calls, 0).await
}

#[tokio::test(start_paused = true)]
async fn an_attempt_within_its_time_is_untouched() {
    let calls = AtomicU32::new(0);
    let started = Instant::now();
    assert_eq!(quick(&calls).await, Ok(1));
    assert_eq!(started.elapsed(), ms(1_999));
}

#[tokio::test(start_paused = true)]
async fn a_hung_attempt_is_dropped_and_retried_block() {
    let calls = AtomicU32::new(0);
    let started = Instant::now();
    let result = stamina::retry_block!(
        on = always,
        attempts = 3,
        attempt_timeout = "2s",
        wait_initial = "100ms",
        wait_jitter = 0,
        async |_attempt| hangs_first(&calls, 2).await
    )
    .await;
    assert_eq!(result, Ok(3));
    assert_eq!(started.elapsed(), ms(4_300));

    // An expression, evaluated when the block starts.
    let limit = ms(500);
    let calls = AtomicU32::new(0);
    let started = Instant::now();
    let result = stamina::retry_block!(
        on = always,
        attempts = 2,
        attempt_timeout = limit,
        wait_max = 0,
        async |_attempt| hangs_first(&calls, 1).await
    )
    .await;
    assert_eq!(result, Ok(2));
    assert_eq!(started.elapsed(), ms(500));
}

#[tokio::test(start_paused = true)]
async fn a_hung_attempt_is_dropped_and_retried_callers_and_context() {
    let caller = stamina::AsyncRetryingCaller::new()
        .attempts(3)
        .wait_initial(ms(100))
        .wait_jitter(Duration::ZERO)
        .attempt_timeout(ms(2_000));
    let calls = AtomicU32::new(0);
    let started = Instant::now();
    assert_eq!(caller.call(always, || hangs_first(&calls, 2)).await, Ok(3));
    assert_eq!(started.elapsed(), ms(4_300));

    let calls = AtomicU32::new(0);
    let started = Instant::now();
    assert_eq!(caller.on(always).call(|| hangs_first(&calls, 2)).await, Ok(3));
    assert_eq!(started.elapsed(), ms(4_300));

    let context = stamina::retry_context(always)
        .attempts(3)
        .wait_initial(ms(100))
        .wait_jitter(Duration::ZERO)
        .attempt_timeout(ms(2_000));
    let calls = AtomicU32::new(0);
    let started = Instant::now();
    assert_eq!(context.call_async(async |_| hangs_first(&calls, 2).await).await, Ok(3));
    assert_eq!(started.elapsed(), ms(4_300));
}

#[tokio::test(start_paused = true)]
async fn io_errors_convert_as_timed_out() {
    let result: Result<(), std::io::Error> =
        stamina::retry_block!(on = |_| false, attempt_timeout = "1s", async |_attempt| {
            std::future::pending::<Result<(), std::io::Error>>().await
        })
        .await;
    let error = result.unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::TimedOut);
    assert_eq!(error.to_string(), "the attempt did not finish within its attempt timeout of 1s");
}

#[tokio::test(start_paused = true)]
async fn the_shorter_of_the_attempt_timeout_and_the_time_left_applies() {
    // Under a 3 s strict deadline, 2 s attempts: the second gets the 900 ms
    // left after 2 s and a 100 ms wait, and ends the loop.
    let calls = AtomicU32::new(0);
    let caller = stamina::AsyncRetryingCaller::new()
        .timeout(ms(3_000))
        .timeout_mode(stamina::TimeoutMode::Strict)
        .wait_initial(ms(100))
        .wait_jitter(Duration::ZERO)
        .attempt_timeout(ms(2_000));
    let started = Instant::now();
    let error = caller.call(always, || hangs_first(&calls, u32::MAX)).await.unwrap_err();
    assert_eq!(started.elapsed(), ms(3_000));
    let CallError::TimedOut(timed_out) = error else { panic!("{error:?}") };
    assert_eq!((timed_out.limit(), timed_out.is_deadline()), (ms(900), true));
    assert_eq!(calls.load(Ordering::Relaxed), 2);
}

static TIMEOUTS_COST_MORE: RetryBudget =
    RetryBudget::token_quota(QuotaParams { capacity: 15, ..QuotaParams::AWS_STANDARD });

#[stamina::retry(on = always, attempts = 5, attempt_timeout = "1s", wait_max = 0, budget = TIMEOUTS_COST_MORE)]
async fn budgeted(calls: &AtomicU32) -> Result<u32, CallError> {
    hangs_first(calls, u32::MAX).await
}

#[tokio::test(start_paused = true)]
async fn a_budget_charges_a_retry_after_a_timed_out_attempt_as_a_timeout() {
    // AWS's standard quota: 5 a retry, 10 after a timeout. 15 tokens: one
    // timed-out retry (10), then 5 left, less than another's 10.
    let calls = AtomicU32::new(0);
    let recorder = Recorder::new();
    assert!(recorder.future_scope(budgeted(&calls)).await.is_err());
    assert_eq!(calls.load(Ordering::Relaxed), 2);
    assert_eq!(TIMEOUTS_COST_MORE.level(), 5);
    assert_eq!(recorder.give_ups(), [GiveUpReason::BudgetExhausted]);
}

#[tokio::test(start_paused = true)]
async fn testing_mode_and_inactive_retrying_keep_the_attempt_timeout() {
    // It bounds the operation, not the retrying.
    let calls = AtomicU32::new(0);
    let mode = stamina::testing::TestMode::new(2);
    let started = Instant::now();
    assert!(stamina::testing::future_scope(mode, always_hangs(&calls)).await.is_err());
    assert_eq!(started.elapsed(), ms(4_000), "two attempts of 2 s, no wait");
    let calls = AtomicU32::new(0);
    let started = Instant::now();
    let inactive = stamina::testing::future_scope(stamina::testing::Mode::Inactive, always_hangs(&calls));
    assert!(inactive.await.is_err());
    assert_eq!(started.elapsed(), ms(2_000), "one attempt");
}

fn assert_send<T: Send>(value: T) -> T {
    value
}

#[tokio::test(start_paused = true)]
async fn time_limited_futures_are_send() {
    let calls = AtomicU32::new(0);
    let caller = stamina::AsyncRetryingCaller::new().attempt_timeout(ms(10));
    assert_eq!(assert_send(caller.call(always, || hangs_first(&calls, 0))).await, Ok(1));
    let (result, _) = assert_send(caller.call_with_outcome(always, || hangs_first(&calls, 0))).await;
    assert_eq!(result, Ok(2));
    let context = stamina::retry_context(always).timeout_mode(stamina::TimeoutMode::Strict);
    assert_eq!(assert_send(context.call_async(async |_| hangs_first(&calls, 0).await)).await, Ok(3));
    assert_eq!(assert_send(hangs_twice(&AtomicU32::new(2))).await, Ok(3));
}
