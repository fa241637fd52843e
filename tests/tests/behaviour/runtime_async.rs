//! The async retry loop in virtual time: exact schedules, timeouts, custom
//! waits, testing mode, cancellation and `Send`.
//!
//! `start_paused = true` makes tokio's clock virtual: sleeps complete instantly
//! but advance the clock exactly, and stamina measures its timeout on the same
//! clock, so every duration below is exact.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use stamina::testing::{self, Mode, TestMode};
use stamina::{AsyncRetryingCaller, Attempt, Decision, retry_context};
use tokio::time::Instant;

use crate::support::{ApiError, is_retriable};

const fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Records the virtual time of each call relative to `start`, and fails
/// transiently for the first `failures` calls.
#[derive(Clone)]
struct Recorder {
    start: Instant,
    times: Arc<std::sync::Mutex<Vec<Duration>>>,
    failures: u32,
    /// How long each attempt itself takes, in virtual time.
    attempt_duration: Duration,
}

impl Recorder {
    fn new(failures: u32) -> Self {
        Self { start: Instant::now(), times: Arc::default(), failures, attempt_duration: Duration::ZERO }
    }

    fn taking(mut self, attempt_duration: Duration) -> Self {
        self.attempt_duration = attempt_duration;
        self
    }

    async fn call(&self) -> Result<u32, ApiError> {
        let n = {
            let mut times = self.times.lock().unwrap();
            times.push(self.start.elapsed());
            u32::try_from(times.len()).unwrap()
        };
        if !self.attempt_duration.is_zero() {
            tokio::time::sleep(self.attempt_duration).await;
        }
        if n <= self.failures { Err(ApiError::Unavailable(n)) } else { Ok(n) }
    }

    fn times(&self) -> Vec<Duration> {
        self.times.lock().unwrap().clone()
    }
}

fn no_jitter() -> AsyncRetryingCaller {
    AsyncRetryingCaller::new().wait_jitter(Duration::ZERO)
}

#[tokio::test(start_paused = true)]
async fn the_backoff_schedule_is_exact_without_jitter() {
    let rec = Recorder::new(100);
    let result = no_jitter().attempts(5).call(is_retriable, || rec.call()).await;
    assert_eq!(result, Err(ApiError::Unavailable(5)));
    // 100, 200, 400, 800 ms between attempts.
    assert_eq!(rec.times(), [ms(0), ms(100), ms(300), ms(700), ms(1500)]);
}

#[tokio::test(start_paused = true)]
async fn the_default_schedule_reaches_wait_max() {
    let rec = Recorder::new(100);
    let _ = no_jitter().timeout(None).call(is_retriable, || rec.call()).await;
    let times = rec.times();
    let gaps: Vec<Duration> = times.windows(2).map(|w| w[1].checked_sub(w[0]).unwrap()).collect();
    assert_eq!(gaps, [ms(100), ms(200), ms(400), ms(800), ms(1600), ms(3200), ms(5000), ms(5000), ms(5000)]);
}

#[tokio::test(start_paused = true)]
async fn jitter_stays_within_its_bounds() {
    let rec = Recorder::new(1);
    let caller = AsyncRetryingCaller::new().wait_initial(ms(100)).wait_jitter(ms(1000));
    for _ in 0..20 {
        let rec = Recorder { start: Instant::now(), ..rec.clone() };
        rec.times.lock().unwrap().clear();
        let _ = caller.call(is_retriable, || rec.call()).await;
        let gap = rec.times()[1];
        assert!(gap >= ms(100) && gap <= ms(1100), "{gap:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_non_retryable_error_returns_without_sleeping() {
    let start = Instant::now();
    let calls = AtomicU32::new(0);
    let result = AsyncRetryingCaller::new()
        .call(is_retriable, || async {
            calls.fetch_add(1, Ordering::Relaxed);
            Err::<(), _>(ApiError::NotFound)
        })
        .await;
    assert_eq!(result, Err(ApiError::NotFound));
    assert_eq!(calls.load(Ordering::Relaxed), 1);
    assert_eq!(start.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn exhaustion_returns_the_last_error_without_a_final_sleep() {
    let start = Instant::now();
    let rec = Recorder::new(100);
    let result = no_jitter().attempts(3).call(is_retriable, || rec.call()).await;
    assert_eq!(result, Err(ApiError::Unavailable(3)));
    // 100 + 200 ms of waits; nothing is slept after the last failure.
    assert_eq!(start.elapsed(), ms(300));
}

#[tokio::test(start_paused = true)]
async fn the_timeout_is_a_soft_limit_checked_after_each_failure() {
    // Wait 1 s after every failure, timeout 300 ms: the first failure (t=0) is
    // before the deadline, so the retry is scheduled and runs at t=1 s; the
    // second failure is past the deadline, so the loop gives up.
    let start = Instant::now();
    let rec = Recorder::new(100);
    let caller = no_jitter().attempts(None).timeout(ms(300)).wait_initial(ms(1000)).wait_max(ms(1000));
    let result = caller.call(is_retriable, || rec.call()).await;
    assert_eq!(result, Err(ApiError::Unavailable(2)));
    assert_eq!(rec.times(), [ms(0), ms(1000)]);
    assert_eq!(start.elapsed(), ms(1000));
}

#[tokio::test(start_paused = true)]
async fn the_timeout_expires_between_attempts() {
    let rec = Recorder::new(100);
    let caller = no_jitter().attempts(None).timeout(ms(1000)).wait_initial(ms(100)).wait_exp_base(1.0);
    let _ = caller.call(is_retriable, || rec.call()).await;
    // Failures at 0, 100, ..., 1000 ms; the one at 1000 ms is at the deadline (>=).
    assert_eq!(rec.times().len(), 11);
    assert_eq!(*rec.times().last().unwrap(), ms(1000));
}

#[tokio::test(start_paused = true)]
async fn a_slow_first_attempt_past_the_deadline_is_not_retried() {
    let rec = Recorder::new(100).taking(ms(250));
    let result = no_jitter().timeout(ms(200)).call(is_retriable, || rec.call()).await;
    assert_eq!(result, Err(ApiError::Unavailable(1)));
    assert_eq!(rec.times().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_success_after_the_deadline_is_returned() {
    let rec = Recorder::new(1);
    let caller = no_jitter().timeout(ms(50)).wait_initial(ms(500));
    assert_eq!(caller.call(is_retriable, || rec.call()).await, Ok(2));
    assert_eq!(rec.times(), [ms(0), ms(500)]);
}

#[tokio::test(start_paused = true)]
async fn the_clock_starts_at_the_first_attempt_not_at_construction() {
    let caller = no_jitter().timeout(ms(200)).wait_initial(ms(100)).wait_exp_base(1.0);
    tokio::time::sleep(ms(500)).await; // idle time before the call does not count
    let rec = Recorder::new(100);
    let _ = caller.call(is_retriable, || rec.call()).await;
    assert_eq!(rec.times(), [ms(0), ms(100), ms(200)]);
}

#[tokio::test(start_paused = true)]
async fn a_custom_wait_is_exact_uncapped_and_unjittered() {
    let rec = Recorder::new(1);
    let caller = AsyncRetryingCaller::new().wait_max(ms(100)).wait_jitter(ms(1000));
    let result = caller.call(|_: &ApiError| ms(600), || rec.call()).await;
    assert_eq!(result, Ok(2));
    assert_eq!(rec.times(), [ms(0), ms(600)]);
}

#[tokio::test(start_paused = true)]
async fn a_custom_wait_is_not_checked_against_the_deadline_but_counts_afterwards() {
    let rec = Recorder::new(100);
    let caller = AsyncRetryingCaller::new().attempts(None).timeout(ms(300));
    let result = caller.call(|_: &ApiError| Decision::RetryAfter(ms(600)), || rec.call()).await;
    assert_eq!(result, Err(ApiError::Unavailable(2)));
    assert_eq!(rec.times(), [ms(0), ms(600)]);
}

#[tokio::test(start_paused = true)]
async fn testing_mode_ignores_the_timeout_and_all_waits() {
    let _testing = testing::thread_scope(TestMode::new(3));
    let start = Instant::now();
    // Each attempt takes 2 s against a 1 s timeout: without testing mode, one attempt.
    let rec = Recorder::new(100).taking(ms(2000));
    let caller = AsyncRetryingCaller::new().timeout(ms(1000)).wait_initial(Duration::from_secs(3600));
    assert_eq!(caller.call(is_retriable, || rec.call()).await, Err(ApiError::Unavailable(3)));
    assert_eq!(rec.times(), [ms(0), ms(2000), ms(4000)]);
    assert_eq!(start.elapsed(), ms(6000)); // only the attempts' own time

    let rec = Recorder::new(100);
    let start = Instant::now();
    let _ = caller.call(|_: &ApiError| Duration::from_secs(3600), || rec.call()).await;
    assert_eq!(start.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn with_testing_applies_to_a_future_wherever_it_is_polled() {
    let mode = Some(TestMode::new(2));
    let rec = Recorder::new(100);
    let handle = tokio::spawn(testing::future_scope(mode, {
        let rec = rec.clone();
        async move { AsyncRetryingCaller::new().call(is_retriable, || rec.call()).await }
    }));
    assert_eq!(handle.await.unwrap(), Err(ApiError::Unavailable(2)));
    assert!(!testing::is_testing());
}

#[tokio::test(start_paused = true)]
async fn inactive_runs_once() {
    let _off = testing::thread_scope(Mode::Inactive);
    let rec = Recorder::new(100);
    let result = AsyncRetryingCaller::new().attempts(2).call(is_retriable, || rec.call()).await;
    assert_eq!(result, Err(ApiError::Unavailable(1)));
    assert_eq!(rec.times().len(), 1);

    let rec = Recorder::new(0);
    assert_eq!(AsyncRetryingCaller::new().call(is_retriable, || rec.call()).await, Ok(1));
    assert_eq!(rec.times().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn retry_context_blocks_see_their_attempts() {
    let mut nums = Vec::new();
    let mut waits = Vec::new();
    let result =
        retry_context(is_retriable)
            .wait_jitter(Duration::ZERO)
            .call_async(|attempt: Attempt| {
                nums.push(attempt.num());
                waits.push(attempt.next_wait());
                async move {
                    if attempt.num() < 3 { Err(ApiError::Unavailable(attempt.num())) } else { Ok("done") }
                }
            })
            .await;
    assert_eq!(result, Ok("done"));
    assert_eq!(nums, [1, 2, 3]);
    assert_eq!(waits, [ms(100), ms(200), ms(400)]);
}

#[tokio::test(start_paused = true)]
async fn bound_callers_retry_and_are_reusable() {
    let bound = no_jitter().attempts(2).on(is_retriable);
    for _ in 0..3 {
        let rec = Recorder::new(1);
        assert_eq!(bound.call(|| rec.call()).await, Ok(2));
    }
    let text = format!("{bound:?}");
    assert!(text.contains("is_retriable") && text.contains("attempts: Some(2)"), "{text}");
}

#[tokio::test(start_paused = true)]
async fn dropping_the_future_mid_wait_cancels_the_loop() {
    let rec = Recorder::new(100);
    let caller = no_jitter().wait_initial(Duration::from_secs(3600));
    let outcome = tokio::time::timeout(ms(10), caller.call(is_retriable, || rec.call())).await;
    assert!(outcome.is_err(), "the call should still be waiting");
    tokio::time::sleep(Duration::from_secs(7200)).await;
    assert_eq!(rec.times().len(), 1, "no attempt may run after the future is dropped");
}

fn assert_send<T: Send>(value: T) -> T {
    value
}

#[tokio::test(start_paused = true)]
async fn futures_are_send_when_the_operation_is() {
    let rec = Recorder::new(1);
    let caller = no_jitter();
    let call = assert_send(caller.call(is_retriable, || rec.call()));
    assert_eq!(call.await, Ok(2));

    let rec = Recorder::new(1);
    let context = retry_context(is_retriable);
    let block = assert_send(context.call_async(|_| rec.call()));
    assert_eq!(block.await, Ok(2));

    // And they can be spawned on a multi-threaded runtime's task.
    let rec = Recorder::new(1);
    let handle =
        tokio::spawn(async move { AsyncRetryingCaller::new().call(is_retriable, || rec.call()).await });
    assert_eq!(handle.await.unwrap(), Ok(2));
}

#[tokio::test(start_paused = true)]
async fn zero_waits_never_reach_the_sleeper() {
    let sleeps = Arc::new(AtomicU32::new(0));
    let counting_sleeper = {
        let sleeps = Arc::clone(&sleeps);
        move |wait: Duration| {
            sleeps.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(wait)
        }
    };
    let rec = Recorder::new(3);
    let caller = AsyncRetryingCaller::new().wait_max(Duration::ZERO).sleeper(counting_sleeper.clone());
    assert_eq!(caller.call(is_retriable, || rec.call()).await, Ok(4));
    assert_eq!(sleeps.load(Ordering::Relaxed), 0);

    let rec = Recorder::new(3);
    let caller = no_jitter().sleeper(counting_sleeper);
    assert_eq!(caller.call(is_retriable, || rec.call()).await, Ok(4));
    assert_eq!(sleeps.load(Ordering::Relaxed), 3);
}

/// An attempt's future that logs its drop.
struct LogsDrop<'a> {
    log: &'a std::sync::Mutex<Vec<&'static str>>,
    outcome: Option<Result<u32, ApiError>>,
}

impl Future for LogsDrop<'_> {
    type Output = Result<u32, ApiError>;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        std::task::Poll::Ready(self.outcome.take().expect("polled after completion"))
    }
}

impl Drop for LogsDrop<'_> {
    fn drop(&mut self) {
        self.log.lock().unwrap().push("attempt dropped");
    }
}

#[tokio::test(start_paused = true)]
async fn each_attempts_future_is_dropped_before_the_wait() {
    // What an attempt's future holds (a pooled connection, a permit) must not
    // be kept through the backoff: it is dropped before the sleep starts.
    let log = std::sync::Mutex::new(Vec::new());
    let sleeper = |wait: Duration| {
        log.lock().unwrap().push("sleep");
        tokio::time::sleep(wait)
    };
    let calls = AtomicU32::new(0);
    let operation = || {
        let call = calls.fetch_add(1, Ordering::Relaxed);
        LogsDrop {
            log: &log,
            outcome: Some(if call < 2 { Err(ApiError::Unavailable(call)) } else { Ok(call) }),
        }
    };
    let caller = no_jitter().sleeper(sleeper);
    assert_eq!(caller.call(is_retriable, operation).await, Ok(2));
    let context = retry_context(is_retriable).wait_jitter(Duration::ZERO).sleeper(sleeper);
    calls.store(0, Ordering::Relaxed);
    assert_eq!(context.call_async(|_| operation()).await, Ok(2));
    let expected = ["attempt dropped", "sleep", "attempt dropped", "sleep", "attempt dropped"];
    assert_eq!(*log.lock().unwrap(), [expected, expected].concat());
}
