//! Predicates that ask for absurd or inconsistent things: a wait of
//! `Duration::MAX`, and a different decision for every showing of the same
//! error. Python stamina's rule holds (a custom wait is exact: no cap, no
//! jitter, not checked against the timeout), arithmetic saturates, and the
//! attempt limit still ends every loop.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use stamina::instrumentation::RetryDetails;
use stamina::testing::{TestMode, thread_scope};
use stamina::{AsyncRetryingCaller, Decision, RetryingCaller};

use crate::support::{Transient, isolated_with};

/// The waits hooks were told of, and the waits planned so far, per retry.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<(Duration, Duration)>>>);

impl Seen {
    fn hooks(&self) -> (impl Fn(&RetryDetails<'_>) + Send + Sync + 'static,) {
        let seen = self.clone();
        (move |details: &RetryDetails<'_>| {
            seen.0.lock().unwrap().push((details.wait_for, details.waited_so_far));
        },)
    }

    fn take(&self) -> Vec<(Duration, Duration)> {
        std::mem::take(&mut self.0.lock().unwrap())
    }
}

/// The longest wait a loop keeps: one nanosecond short of `u64::MAX` (584 years).
const LONGEST_WAIT: Duration = Duration::from_nanos(u64::MAX - 1);

#[tokio::test(start_paused = true)]
async fn a_wait_of_duration_max_is_slept_as_584_years_until_the_caller_gives_up() {
    let seen = Seen::default();
    let _hooks = isolated_with(seen.hooks());
    let attempts = AtomicU32::new(0);
    let caller = AsyncRetryingCaller::new().attempts(3);
    let call = caller.call(
        |_: &Transient| Duration::MAX,
        || async { Err::<(), _>(Transient(attempts.fetch_add(1, Ordering::Relaxed))) },
    );
    // The 45 s default timeout does not cut a custom wait (Python stamina's
    // rule): the caller's own timeout is what ends this call.
    let outcome = tokio::time::timeout(Duration::from_secs(3600), call).await;
    assert!(outcome.is_err(), "{outcome:?}");
    assert_eq!(attempts.load(Ordering::Relaxed), 1);
    assert_eq!(seen.take(), [(LONGEST_WAIT, Duration::ZERO)]);
}

#[tokio::test]
async fn waits_of_duration_max_saturate_what_the_loop_adds_up() {
    let seen = Seen::default();
    let _hooks = isolated_with(seen.hooks());
    let slept = Arc::new(Mutex::new(Vec::new()));
    let sleeps = Arc::clone(&slept);
    let sleeper = move |wait: Duration| {
        sleeps.lock().unwrap().push(wait);
        async {}
    };
    let result = AsyncRetryingCaller::new()
        .attempts(4)
        .timeout(None)
        .sleeper(sleeper)
        .call(|_: &Transient| Duration::MAX, || async { Err::<(), _>(Transient(0)) })
        .await;
    assert_eq!(result, Err(Transient(0)));
    assert_eq!(*slept.lock().unwrap(), [LONGEST_WAIT; 3]);
    // The waits planned so far saturate at what the state holds (2^56 ns,
    // 833 days), without an overflow.
    let most = Duration::from_nanos((1 << 56) - 1);
    assert_eq!(seen.take(), [(LONGEST_WAIT, Duration::ZERO), (LONGEST_WAIT, most), (LONGEST_WAIT, most)]);
}

#[test]
fn testing_mode_turns_waits_of_duration_max_into_none() {
    let seen = Seen::default();
    let _hooks = isolated_with(seen.hooks());
    let _testing = thread_scope(TestMode::new(4));
    let calls = AtomicU32::new(0);
    let result = RetryingCaller::new().call(
        |_: &Transient| Decision::Throttled(Some(Duration::MAX)),
        || Err::<(), _>(Transient(calls.fetch_add(1, Ordering::Relaxed))),
    );
    assert_eq!(result, Err(Transient(3)));
    assert_eq!(seen.take(), [(Duration::ZERO, Duration::ZERO); 3]);
}

/// A tiny deterministic generator (64-bit LCG): the scenarios are the same on
/// every run, and a failure names its seed.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn random_decision(rng: &mut Lcg) -> Decision {
    match rng.below(8) {
        0 => Decision::NoRetry,
        1 | 2 => Decision::Retry,
        3 => Decision::RetryAfter(Duration::ZERO),
        4 => Decision::RetryAfter(Duration::from_millis(rng.below(10_000))),
        5 => Decision::RetryAfter(Duration::MAX),
        6 => Decision::Throttled(None),
        _ => Decision::Throttled(Some(Duration::from_nanos(rng.next()))),
    }
}

/// The wait the loop sleeps after failed attempt `attempt` was decided `decision`:
/// a decision's own wait saturated to the longest wait, else the backoff of
/// [`scenario_caller`] (1 ms doubling, capped at 1 s, no jitter).
fn expected_wait(decision: Decision, attempt: u32) -> Duration {
    match decision {
        Decision::RetryAfter(wait) | Decision::Throttled(Some(wait)) => wait.min(LONGEST_WAIT),
        _ => Duration::from_millis(1u64 << (attempt - 1).min(20)).min(Duration::from_secs(1)),
    }
}

#[tokio::test]
async fn a_predicate_that_decides_anything_for_the_same_error_still_follows_the_rules() {
    let _hooks = isolated_with([]);
    for seed in 0..2_000u64 {
        let mut rng = Lcg(seed);
        let limit = u32::try_from(1 + rng.below(8)).unwrap();
        let decisions: Vec<Decision> = (0..limit).map(|_| random_decision(&mut rng)).collect();
        let asked = AtomicU32::new(0);
        let attempts = AtomicU32::new(0);
        let slept = Arc::new(Mutex::new(Vec::new()));
        let sleeps = Arc::clone(&slept);
        // A sleeper that records its waits and sleeps none of them; no
        // timeout, so no clock is read.
        let sleeper = move |wait: Duration| {
            sleeps.lock().unwrap().push(wait);
            async {}
        };
        let caller = AsyncRetryingCaller::new()
            .attempts(limit)
            .timeout(None)
            .wait_initial(Duration::from_millis(1))
            .wait_max(Duration::from_secs(1))
            .wait_jitter(Duration::ZERO)
            .sleeper(sleeper);
        let result = caller
            .call(
                |_: &Transient| decisions[asked.fetch_add(1, Ordering::Relaxed) as usize],
                || async { Err::<(), _>(Transient(attempts.fetch_add(1, Ordering::Relaxed) + 1)) },
            )
            .await;
        // The model: attempts run until a NoRetry or the limit.
        let ran = decisions
            .iter()
            .position(|d| *d == Decision::NoRetry)
            .map_or(limit, |i| u32::try_from(i).unwrap() + 1);
        assert_eq!(result, Err(Transient(ran)), "seed {seed}: {decisions:?}");
        assert_eq!(attempts.load(Ordering::Relaxed), ran, "seed {seed}");
        // `on` is asked once per failure, the last included (it decides
        // whether the error is retryable before the limit is checked).
        assert_eq!(asked.load(Ordering::Relaxed), ran, "seed {seed}");
        let expected: Vec<Duration> = (1..ran)
            .map(|attempt| expected_wait(decisions[attempt as usize - 1], attempt))
            .filter(|wait| !wait.is_zero()) // zero waits are not slept
            .collect();
        assert_eq!(*slept.lock().unwrap(), expected, "seed {seed}: {decisions:?}");
    }
}
