//! Timeouts in paused time without stamina's `test-util` feature.
//!
//! A loop's timeout counts the waits it planned, so a loop whose waits pass in
//! virtual time (`start_paused = true`) stops where its schedule says even
//! though its timeout is measured on the real clock: here after the fourth
//! attempt, with 1.2 s of waits planned against a 1 s timeout. When the real
//! clock alone counted, the same loop ran about a hundred thousand attempts
//! until a real second had passed. Time that passes inside an attempt (a
//! `tokio::time::sleep` in the body) still reaches the timeout only on
//! tokio's clock, which is what `test-util` is for.
//!
//! Only a build without `test-util` tests this: CI runs
//! `cargo test -p stamina-core --test paused_time_without_test_util`. A
//! workspace build unifies in the `tests` crate's `test-util`; these tests
//! pass there too, with tokio's clock measuring the timeout.
//!
//! The same build also holds the one test of a ratio budget on the clock it
//! uses without `test-util`, the coarse monotonic one (the budgets' own tests
//! run on tokio's).

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use stamina::{AsyncRetryingCaller, retry_context};

/// The attempts the loop must run: failures with 0, 400 and 800 ms of waits
/// planned are retried, the one with 1200 ms is past the 1 s timeout.
const ATTEMPTS: u32 = 4;

#[derive(Debug)]
struct Unavailable;

fn always(_: &Unavailable) -> bool {
    true
}

#[stamina::retry(on = always, attempts = None, timeout = "1s", wait_initial = "400ms", wait_exp_base = 1, wait_jitter = 0)]
async fn always_unavailable(attempts: &AtomicU32) -> Result<(), Unavailable> {
    attempts.fetch_add(1, Ordering::Relaxed);
    Err(Unavailable)
}

#[tokio::test(start_paused = true)]
async fn the_attribute_stops_at_the_timeout_its_waits_reach() {
    let attempts = AtomicU32::new(0);
    assert!(always_unavailable(&attempts).await.is_err());
    assert_eq!(attempts.into_inner(), ATTEMPTS);
}

#[tokio::test(start_paused = true)]
async fn a_block_stops_at_the_timeout_its_waits_reach() {
    let mut attempts = 0;
    let result: Result<(), Unavailable> = stamina::retry_block!(
        on = always,
        attempts = None,
        timeout = "1s",
        wait_initial = "400ms",
        wait_exp_base = 1,
        wait_jitter = 0,
        async |_attempt| {
            attempts += 1;
            Err(Unavailable)
        }
    )
    .await;
    assert!(result.is_err());
    assert_eq!(attempts, ATTEMPTS);
}

fn caller() -> AsyncRetryingCaller {
    AsyncRetryingCaller::new()
        .attempts(None)
        .timeout(Duration::from_secs(1))
        .wait_initial(Duration::from_millis(400))
        .wait_exp_base(1.0)
        .wait_jitter(Duration::ZERO)
}

#[tokio::test(start_paused = true)]
async fn the_async_caller_stops_at_the_timeout_its_waits_reach() {
    let attempts = AtomicU32::new(0);
    let result = caller()
        .call(always, || async {
            attempts.fetch_add(1, Ordering::Relaxed);
            Err::<(), _>(Unavailable)
        })
        .await;
    assert!(result.is_err());
    assert_eq!(attempts.into_inner(), ATTEMPTS);
}

#[tokio::test(start_paused = true)]
async fn an_async_retry_context_stops_at_the_timeout_its_waits_reach() {
    let attempts = AtomicU32::new(0);
    let result = retry_context(always)
        .attempts(None)
        .timeout(Duration::from_secs(1))
        .wait_initial(Duration::from_millis(400))
        .wait_exp_base(1.0)
        .wait_jitter(Duration::ZERO)
        .call_async(|_attempt| async {
            attempts.fetch_add(1, Ordering::Relaxed);
            Err::<(), _>(Unavailable)
        })
        .await;
    assert!(result.is_err());
    assert_eq!(attempts.into_inner(), ATTEMPTS);
}

/// The window's arithmetic on the coarse clock (nanoseconds since boot, not
/// since a base): the reserve plus each call's share, nothing more.
#[test]
fn a_ratio_budget_counts_on_the_coarse_clock() {
    use stamina::budget::{Charge, RatioParams, RetryBudget};

    let budget =
        RetryBudget::ratio(RatioParams { retry_ratio: 0.5, min_per_sec: 1, ttl: Duration::from_secs(10) });
    for _ in 0..100 {
        budget.call_started();
    }
    // 1 a second over 10 s, plus half of 100 calls.
    let granted = (0..1000).filter(|_| budget.try_retry(Charge::Failure)).count();
    assert_eq!(granted, 60);
    assert_eq!(budget.refusals(), 940);
}
