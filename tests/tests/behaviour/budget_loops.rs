//! Retry budgets in the retry loops: a refused retry gives up at once with
//! `budget_exhausted` and the last error; successes refill a token quota; a
//! ratio budget follows the calls; testing mode keeps the accounting. For the
//! attribute, `retry_block!` and the callers.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use stamina::budget::{Charge, QuotaParams, RatioParams, RetryBudget};
use stamina::instrumentation::GiveUpReason;
use stamina::testing::{self, Recorder, TestMode};

#[derive(Debug, PartialEq)]
struct Unavailable(u32);

fn always(_: &Unavailable) -> bool {
    true
}

/// Ten tokens, five a retry: two retries, shared by every loop below.
static TWO_RETRIES: RetryBudget =
    RetryBudget::token_quota(QuotaParams { capacity: 10, ..QuotaParams::AWS_STANDARD });

#[stamina::retry(on = always, attempts = 10, wait_max = 0, budget = TWO_RETRIES)]
fn always_unavailable(calls: &AtomicU32) -> Result<(), Unavailable> {
    Err(Unavailable(calls.fetch_add(1, Ordering::Relaxed) + 1))
}

#[test]
fn a_refused_retry_gives_up_at_once_with_the_last_error() {
    let recorder = Recorder::new();
    let _recording = recorder.thread_scope();
    let calls = AtomicU32::new(0);
    // Two retries are paid for; the third is refused: three attempts of ten.
    assert_eq!(always_unavailable(&calls), Err(Unavailable(3)));
    assert_eq!(recorder.give_ups(), [GiveUpReason::BudgetExhausted]);
    assert_eq!(TWO_RETRIES.level(), 0);
    // The budget is shared: the next call gets no retry at all.
    assert_eq!(always_unavailable(&calls), Err(Unavailable(4)));
    assert_eq!(recorder.retries(), 2);
}

static REFILLED: RetryBudget =
    RetryBudget::token_quota(QuotaParams { capacity: 5, ..QuotaParams::AWS_RETRIES_2_1 });

#[test]
fn successes_refill_a_quota_and_throttling_costs_less() {
    // 2.1: an ordinary retry costs 14, a throttled one 5.
    let caller = stamina::RetryingCaller::new().wait_max(Duration::ZERO).budget(&REFILLED);
    let mut calls = 0;
    let result = caller.call(
        |_: &Unavailable| stamina::Decision::Retry,
        || {
            calls += 1;
            if calls == 1 { Err(Unavailable(calls)) } else { Ok(calls) }
        },
    );
    assert_eq!(result, Err(Unavailable(1)), "14 > 5: refused");
    let mut calls = 0;
    let result = caller.call(
        |_: &Unavailable| stamina::Decision::Throttled(None),
        || {
            calls += 1;
            if calls == 1 { Err(Unavailable(calls)) } else { Ok(calls) }
        },
    );
    assert_eq!(result, Ok(2), "a throttled retry costs 5");
    // The retry succeeded: its 5 tokens came back.
    assert_eq!(REFILLED.level(), 5);
}

static RATIO: RetryBudget =
    RetryBudget::ratio(RatioParams { retry_ratio: 0.5, min_per_sec: 0, ttl: Duration::from_secs(60) });

#[tokio::test]
async fn a_ratio_budget_allows_retries_in_proportion_to_calls() {
    let calls = AtomicU32::new(0);
    let flaky = || async {
        if calls.fetch_add(1, Ordering::Relaxed).is_multiple_of(2) { Err(Unavailable(0)) } else { Ok(()) }
    };
    let caller = stamina::AsyncRetryingCaller::new().wait_max(Duration::ZERO).budget(&RATIO);
    // Ten calls that each fail once: half of them may retry.
    let mut results = Vec::new();
    for _ in 0..10 {
        calls.store(0, Ordering::Relaxed);
        results.push(caller.call(always, flaky).await.is_ok());
    }
    let succeeded = results.iter().filter(|ok| **ok).count();
    assert_eq!(succeeded, 5, "{results:?}");
}

static TESTING: RetryBudget =
    RetryBudget::token_quota(QuotaParams { capacity: 15, ..QuotaParams::AWS_STANDARD });

#[test]
fn testing_mode_keeps_the_accounting() {
    let _testing = testing::thread_scope(TestMode::new(10));
    let attempts = AtomicU32::new(0);
    let result = stamina::retry_block!(on = always, budget = TESTING, |_attempt| {
        attempts.fetch_add(1, Ordering::Relaxed);
        Err::<(), _>(Unavailable(1))
    });
    assert_eq!(result, Err(Unavailable(1)));
    assert_eq!(attempts.load(Ordering::Relaxed), 4, "three retries paid for, the fourth refused");
    assert!(!TESTING.try_retry(Charge::Failure));
}

fn per_host(_: &str) -> RetryBudget {
    RetryBudget::token_quota(QuotaParams { capacity: 5, ..QuotaParams::AWS_STANDARD })
}

static PER_HOST: stamina::budget::KeyedBudget = stamina::budget::KeyedBudget::new(per_host, 100);

#[stamina::retry(on = always, attempts = 5, wait_max = 0, budget = PER_HOST.get(host))]
fn fetch_from(host: &str, calls: &AtomicU32) -> Result<(), Unavailable> {
    Err(Unavailable(calls.fetch_add(1, Ordering::Relaxed) + 1))
}

#[test]
fn a_keyed_budget_gives_each_host_its_own() {
    let (a, b) = (AtomicU32::new(0), AtomicU32::new(0));
    // Five tokens each: one retry per host.
    assert_eq!(fetch_from("a.example", &a), Err(Unavailable(2)));
    assert_eq!(fetch_from("a.example", &a), Err(Unavailable(3)), "a's budget is spent");
    assert_eq!(fetch_from("b.example", &b), Err(Unavailable(2)), "b has its own");
}
