//! How a call went (`*_with_outcome`): attempts, planned waits, elapsed time
//! and why it gave up, in the `GiveUpReason` names hooks use; and the time an
//! `Attempt` tells since the first one started. Exact, in paused time.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use stamina::budget::{QuotaParams, RetryBudget};
use stamina::instrumentation::GiveUpReason;
use stamina::{AsyncRetryingCaller, Attempt, RetryingCaller, TimeoutMode, retry_context};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn always(_: &std::io::Error) -> bool {
    true
}

fn io_error() -> std::io::Error {
    std::io::Error::other("unavailable")
}

/// Takes 50 ms, and fails on the first `failures` calls.
async fn slow(calls: &AtomicU32, failures: u32) -> Result<u32, std::io::Error> {
    tokio::time::sleep(ms(50)).await;
    let call = calls.fetch_add(1, Ordering::Relaxed) + 1;
    if call <= failures { Err(io_error()) } else { Ok(call) }
}

fn caller() -> AsyncRetryingCaller {
    AsyncRetryingCaller::new().attempts(3).wait_initial(ms(100)).wait_jitter(Duration::ZERO)
}

#[tokio::test(start_paused = true)]
async fn async_callers_tell_attempts_waits_elapsed_and_reason() {
    let calls = AtomicU32::new(0);
    let (result, outcome) = caller().call_with_outcome(always, || slow(&calls, 2)).await;
    assert_eq!(result.unwrap(), 3);
    // Three attempts of 50 ms, waits of 100 and 200 ms.
    assert_eq!((outcome.attempts(), outcome.waited(), outcome.elapsed()), (3, ms(300), ms(450)));
    assert_eq!(outcome.gave_up(), None);

    let calls = AtomicU32::new(0);
    let (result, outcome) = caller().on(always).call_with_outcome(|| slow(&calls, u32::MAX)).await;
    assert!(result.is_err());
    assert_eq!((outcome.attempts(), outcome.waited(), outcome.elapsed()), (3, ms(300), ms(450)));
    assert_eq!(outcome.gave_up(), Some(GiveUpReason::AttemptsExhausted));

    let calls = AtomicU32::new(0);
    let (_, outcome) = caller().call_with_outcome(|_: &std::io::Error| false, || slow(&calls, 1)).await;
    assert_eq!(
        (outcome.attempts(), outcome.elapsed(), outcome.gave_up()),
        (1, ms(50), Some(GiveUpReason::NotRetryable))
    );

    // The soft timeout: after the failure at 400 ms (50, 100, 50, 200, 50 ms...).
    let calls = AtomicU32::new(0);
    let soft = caller().attempts(None).timeout(ms(400));
    let (_, outcome) = soft.call_with_outcome(always, || slow(&calls, u32::MAX)).await;
    assert_eq!((outcome.attempts(), outcome.elapsed()), (3, ms(450)));
    assert_eq!(outcome.gave_up(), Some(GiveUpReason::Timeout));
}

#[tokio::test(start_paused = true)]
async fn a_cancelling_caller_tells_the_deadline() {
    let calls = AtomicU32::new(0);
    let strict = caller().attempts(None).timeout(Duration::from_secs(30)).timeout_mode(TimeoutMode::Strict);
    let (result, outcome) = strict
        .call_with_outcome(always, || async {
            calls.fetch_add(1, Ordering::Relaxed);
            std::future::pending::<Result<(), std::io::Error>>().await
        })
        .await;
    assert_eq!(result.unwrap_err().kind(), std::io::ErrorKind::TimedOut);
    assert_eq!((outcome.attempts(), outcome.elapsed()), (1, Duration::from_secs(30)));
    assert_eq!(outcome.gave_up(), Some(GiveUpReason::Timeout));
}

static SMALL: RetryBudget =
    RetryBudget::token_quota(QuotaParams { capacity: 5, ..QuotaParams::AWS_STANDARD });

#[tokio::test(start_paused = true)]
async fn a_refused_retry_is_told_as_budget_exhausted() {
    let calls = AtomicU32::new(0);
    let (_, outcome) =
        caller().attempts(10).budget(&SMALL).call_with_outcome(always, || slow(&calls, u32::MAX)).await;
    assert_eq!((outcome.attempts(), outcome.gave_up()), (2, Some(GiveUpReason::BudgetExhausted)));
}

#[tokio::test(start_paused = true)]
async fn an_attempt_tells_the_time_since_the_first_started() {
    // Attempts of 50 ms, waits of 100, 200 ms: starts at 0, 150, 400 ms.
    let expected = [Duration::ZERO, ms(150), ms(400)];
    let calls = AtomicU32::new(0);
    let seen = std::cell::RefCell::new(Vec::new());
    let context = retry_context(always).attempts(3).wait_initial(ms(100)).wait_jitter(Duration::ZERO);
    let (result, outcome) = context
        .call_async_with_outcome(async |attempt: Attempt| {
            seen.borrow_mut().push(attempt.elapsed());
            slow(&calls, 2).await
        })
        .await;
    assert_eq!(result.unwrap(), 3);
    assert_eq!(*seen.borrow(), expected);
    assert_eq!((outcome.attempts(), outcome.elapsed()), (3, ms(450)));

    let calls = AtomicU32::new(0);
    let mut seen = Vec::new();
    let result = stamina::retry_block!(
        on = always,
        attempts = 3,
        wait_initial = "100ms",
        wait_jitter = 0,
        async |attempt| {
            seen.push(attempt.elapsed());
            slow(&calls, 2).await
        }
    )
    .await;
    assert_eq!(result.unwrap(), 3);
    assert_eq!(seen, expected);

    // Without a timeout no clock is read: the waits planned, a lower bound.
    let calls = AtomicU32::new(0);
    let mut seen = Vec::new();
    let result = stamina::retry_block!(
        on = always,
        attempts = 3,
        timeout = None,
        wait_initial = "100ms",
        wait_jitter = 0,
        async |attempt| {
            seen.push(attempt.elapsed());
            slow(&calls, 2).await
        }
    )
    .await;
    assert_eq!(result.unwrap(), 3);
    assert_eq!(seen, [Duration::ZERO, ms(100), ms(300)]);
}

#[test]
fn sync_callers_and_contexts_tell_attempts_waits_and_reason() {
    let caller = RetryingCaller::new().attempts(3).wait_max(Duration::ZERO);
    let mut calls = 0;
    let (result, outcome) = caller.call_with_outcome(always, || {
        calls += 1;
        if calls < 2 { Err(io_error()) } else { Ok(calls) }
    });
    assert_eq!(result.unwrap(), 2);
    assert_eq!((outcome.attempts(), outcome.waited(), outcome.gave_up()), (2, Duration::ZERO, None));
    let (result, outcome) = caller.on(always).call_with_outcome(|| Err::<(), _>(io_error()));
    assert!(result.is_err());
    assert_eq!((outcome.attempts(), outcome.gave_up()), (3, Some(GiveUpReason::AttemptsExhausted)));

    let strict = RetryingCaller::new().timeout(Duration::from_secs(45)).timeout_mode(TimeoutMode::Strict);
    let (_, outcome) =
        strict.call_with_outcome(|_: &std::io::Error| Duration::from_secs(60), || Err::<(), _>(io_error()));
    assert_eq!((outcome.attempts(), outcome.gave_up()), (1, Some(GiveUpReason::Timeout)));

    let (result, outcome) = retry_context(always)
        .wait_max(Duration::ZERO)
        .call_with_outcome(|attempt| if attempt.num() < 4 { Err(io_error()) } else { Ok(attempt.num()) });
    assert_eq!(result.unwrap(), 4);
    assert_eq!((outcome.attempts(), outcome.gave_up()), (4, None));
}

#[tokio::test(start_paused = true)]
async fn inactive_retrying_tells_one_attempt_exhausted() {
    let calls = AtomicU32::new(0);
    let caller = caller();
    let run = caller.call_with_outcome(always, || slow(&calls, u32::MAX));
    let (_, outcome) = stamina::testing::future_scope(stamina::testing::Mode::Inactive, run).await;
    assert_eq!((outcome.attempts(), outcome.gave_up()), (1, Some(GiveUpReason::AttemptsExhausted)));
}

static THROTTLES: RetryBudget = RetryBudget::token_quota(QuotaParams::AWS_STANDARD);

#[test]
fn a_throttled_retry_under_a_budget_does_not_look_like_a_timeout() {
    // The budget's charge for the last retry is kept beside the planned
    // waits; the timeout check reads the waits alone (it once read the
    // charge too, and gave up with `Timeout` after a throttled retry).
    let caller = RetryingCaller::new().attempts(3).wait_max(Duration::ZERO).budget(&THROTTLES);
    let (result, outcome) = caller.call_with_outcome(
        |_: &std::io::Error| stamina::Decision::Throttled(None),
        || Err::<(), _>(io_error()),
    );
    assert!(result.is_err());
    assert_eq!((outcome.attempts(), outcome.gave_up()), (3, Some(GiveUpReason::AttemptsExhausted)));
}
