//! A custom sleeper's clock that goes backwards or jumps. The timeout is
//! measured on the sleeper's `now()` (its stamps), and counts the larger of
//! the clock's elapsed time and the waits planned so far: a clock that runs
//! backwards can therefore not extend a loop past its planned schedule, and
//! one that jumps ahead ends the loop at the next failure. Neither panics.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use stamina::{AsyncRetryingCaller, Sleeper};

use crate::support::{Transient, always, isolated_with};

/// A sleeper that sleeps not at all and tells the time from a script: the
/// n-th `now()` is `base + offsets[n]` (or `base - ...` for negative
/// offsets), the last offset repeating.
#[derive(Clone, Debug)]
struct ScriptedClock {
    base: Instant,
    offsets_ms: Arc<[i64]>,
    reads: Arc<AtomicU32>,
    slept: Arc<Mutex<Vec<Duration>>>,
}

impl ScriptedClock {
    fn new(offsets_ms: &[i64]) -> Self {
        // Far enough from the clock's origin that going back a day is
        // representable on every platform.
        let base = Instant::now() + Duration::from_secs(86_400 * 2);
        Self { base, offsets_ms: offsets_ms.into(), reads: Arc::default(), slept: Arc::default() }
    }

    /// The same script from its start, with its own counts.
    fn rewound(&self) -> Self {
        Self {
            base: self.base,
            offsets_ms: Arc::clone(&self.offsets_ms),
            reads: Arc::default(),
            slept: Arc::default(),
        }
    }

    fn slept(&self) -> Vec<Duration> {
        self.slept.lock().unwrap().clone()
    }
}

impl Sleeper for ScriptedClock {
    type Sleep = std::future::Ready<()>;

    fn sleep(&self, wait: Duration) -> Self::Sleep {
        self.slept.lock().unwrap().push(wait);
        std::future::ready(())
    }

    fn now(&self) -> Instant {
        let read = self.reads.fetch_add(1, Ordering::Relaxed) as usize;
        let offset = self.offsets_ms[read.min(self.offsets_ms.len() - 1)];
        let magnitude = Duration::from_millis(offset.unsigned_abs());
        if offset >= 0 { self.base + magnitude } else { self.base.checked_sub(magnitude).unwrap() }
    }
}

/// 400 ms waits, no jitter, no attempt limit, a one-second timeout: on a
/// clock that stands still, the planned waits (0.4, 0.8, 1.2 s) stop the loop
/// at the fourth failure.
fn caller(clock: ScriptedClock) -> AsyncRetryingCaller<ScriptedClock> {
    AsyncRetryingCaller::new()
        .attempts(None)
        .timeout(Duration::from_secs(1))
        .wait_initial(Duration::from_millis(400))
        .wait_exp_base(1.0)
        .wait_jitter(Duration::ZERO)
        .sleeper(clock)
}

/// The attempts a loop on `clock` makes until it gives up, the same whether
/// the backoff's waits are computed (the check in `schedule`) or known
/// without computing (no waits but the 400 ms `on` asks for: the fast check a
/// failure makes when nothing observes the retry), which is asserted on a
/// rewound copy of the clock.
async fn attempts_until_given_up(clock: ScriptedClock) -> u32 {
    async fn attempts_with<D: stamina::IntoDecision>(
        caller: AsyncRetryingCaller<ScriptedClock>,
        on: impl Fn(&Transient) -> D,
    ) -> u32 {
        let attempts = AtomicU32::new(0);
        let result = caller
            .call(on, || async {
                let n = attempts.fetch_add(1, Ordering::Relaxed);
                assert!(n < 100, "the timeout never stopped the loop");
                Err::<(), _>(Transient(n))
            })
            .await;
        assert!(result.is_err());
        attempts.load(Ordering::Relaxed)
    }
    let known = clock.rewound();
    let computed_waits = attempts_with(caller(clock.clone()), always).await;
    let known_waits = attempts_with(caller(known.clone()).wait_max(Duration::ZERO), |_: &Transient| {
        Duration::from_millis(400)
    })
    .await;
    assert_eq!(known_waits, computed_waits, "the fast check and the exact one disagree");
    assert_eq!(known.slept(), clock.slept());
    computed_waits
}

#[tokio::test]
async fn a_clock_that_runs_backwards_stops_the_loop_at_its_planned_schedule() {
    let _hooks = isolated_with([]);
    // The start, then each failure an hour earlier than the one before.
    let hours_back: Vec<i64> = (0..50).map(|n| -n * 3_600_000).collect();
    let clock = ScriptedClock::new(&hours_back);
    assert_eq!(attempts_until_given_up(clock.clone()).await, 4);
    assert_eq!(clock.slept(), [Duration::from_millis(400); 3]);
}

#[tokio::test]
async fn a_clock_that_stands_still_is_the_same_as_one_that_runs_backwards() {
    let _hooks = isolated_with([]);
    assert_eq!(attempts_until_given_up(ScriptedClock::new(&[0])).await, 4);
}

#[tokio::test]
async fn a_clock_past_half_the_timeout_still_retries_until_the_timeout() {
    let _hooks = isolated_with([]);
    // Each failure 600 ms after the start: the clock stays below the second,
    // and the planned waits stop the loop; at 999 ms too.
    assert_eq!(attempts_until_given_up(ScriptedClock::new(&[0, 600])).await, 4);
    assert_eq!(attempts_until_given_up(ScriptedClock::new(&[0, 999])).await, 4);
    // The clock reaches the timeout at the third failure.
    assert_eq!(attempts_until_given_up(ScriptedClock::new(&[0, 500, 700, 1_000])).await, 3);
}

#[tokio::test]
async fn a_clock_that_jumps_ahead_ends_the_loop_at_the_next_failure() {
    let _hooks = isolated_with([]);
    // The start, then a jump of an hour (a suspended laptop, a VM migrated).
    let clock = ScriptedClock::new(&[0, 3_600_000]);
    assert_eq!(attempts_until_given_up(clock.clone()).await, 1);
    assert!(clock.slept().is_empty());
    // A jump back below the start first, then ahead past the timeout.
    let clock = ScriptedClock::new(&[0, -86_400_000, 1_000]);
    assert_eq!(attempts_until_given_up(clock.clone()).await, 2);
    assert_eq!(clock.slept(), [Duration::from_millis(400)]);
}

#[tokio::test]
async fn clock_readings_centuries_apart_saturate_instead_of_overflowing() {
    #[derive(Clone, Debug)]
    struct Centuries(Instant, Instant, Arc<AtomicU32>);
    impl Sleeper for Centuries {
        type Sleep = std::future::Ready<()>;
        fn sleep(&self, _: Duration) -> Self::Sleep {
            std::future::ready(())
        }
        fn now(&self) -> Instant {
            if self.2.fetch_add(1, Ordering::Relaxed).is_multiple_of(2) { self.0 } else { self.1 }
        }
    }
    let _hooks = isolated_with([]);
    // 300 years ahead: more nanoseconds than an i64 holds, if the platform's
    // `Instant` can represent it at all.
    let Some(far) = Instant::now().checked_add(Duration::from_secs(300 * 365 * 86_400)) else { return };
    let base = Instant::now();
    let reads = Arc::new(AtomicU32::new(0));
    for (first, second) in [(base, far), (far, base)] {
        let caller = AsyncRetryingCaller::new()
            .attempts(5)
            .timeout(Duration::from_secs(1))
            .wait_initial(Duration::from_millis(1))
            .wait_jitter(Duration::ZERO)
            .sleeper(Centuries(first, second, Arc::clone(&reads)));
        let attempts = AtomicU32::new(0);
        let result = caller
            .call(always, || async { Err::<(), _>(Transient(attempts.fetch_add(1, Ordering::Relaxed))) })
            .await;
        assert!(result.is_err());
        // Forward by centuries: past the timeout at once. Backwards: the
        // clock says no time passed, and the attempts end the loop.
        let expected = if first == base { 1 } else { 5 };
        assert_eq!(attempts.load(Ordering::Relaxed), expected, "{first:?} -> {second:?}");
        reads.store(0, Ordering::Relaxed);
    }
}

/// How often a loop reads its clock: once at its start and once after each
/// failure when a timeout applies (the failure that is not retried reads it
/// too: the read comes before `on` is asked, in the loop's own frame), and
/// never without a timeout.
#[tokio::test]
async fn a_loop_reads_its_clock_once_at_the_start_and_once_per_failure_only_with_a_timeout() {
    let _hooks = isolated_with([]);
    let reads_of = |timeout: Option<Duration>, failures: u32, retryable: bool| {
        let clock = ScriptedClock::new(&[0]);
        let reads = Arc::clone(&clock.reads);
        async move {
            let calls = AtomicU32::new(0);
            let _ = AsyncRetryingCaller::new()
                .attempts(10)
                .timeout(timeout)
                .wait_max(Duration::ZERO)
                .sleeper(clock)
                .call(
                    |_: &Transient| retryable,
                    || async {
                        let n = calls.fetch_add(1, Ordering::Relaxed);
                        if n < failures { Err(Transient(n)) } else { Ok(n) }
                    },
                )
                .await;
            reads.load(Ordering::Relaxed)
        }
    };
    let timeout = Some(Duration::from_secs(45));
    assert_eq!(reads_of(timeout, 0, true).await, 1, "a success: the start only");
    assert_eq!(reads_of(timeout, 3, true).await, 4, "three retries: the start and one per failure");
    assert_eq!(reads_of(timeout, 1, false).await, 2, "a rejected error: read before `on` was asked");
    assert_eq!(reads_of(None, 3, true).await, 0, "no timeout: no clock");
}
