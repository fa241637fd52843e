//! Retried streams and iterators through the runtime API
//! (`retry_context(..).stream(..)` and friends): the exact sequences each
//! behaviour yields, waits in paused time, testing and inactive mode, the
//! timeout, give-ups, cancellation and `Send`.
//!
//! The scripted sources fail after `k` items on the attempts the test says,
//! and record which attempts ran, so a wrong sequence, a missing or extra
//! attempt, or a wrong wait shows up in an exact assertion.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_lite::{StreamExt as _, stream};
use stamina::instrumentation::GiveUpReason;
use stamina::testing::{self, AttemptOutcome, Mode, Recorder, TestMode};
use stamina::{Attempt, Decision, RetryContext, retry_context};
use tokio::time::Instant;

use crate::support::{ApiError, is_retriable};

const fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Items `1..=total` for attempt `attempt`; attempts up to `failing` yield an
/// `Unavailable(attempt)` after `k` items (so `k` = 0 fails before the first).
fn script(attempt: u32, from: u32, total: u32, k: u32, failing: u32) -> Vec<Result<u32, ApiError>> {
    let mut items: Vec<Result<u32, ApiError>> = (from..=total).map(Ok).collect();
    if attempt <= failing {
        items.truncate(k as usize);
        items.push(Err(ApiError::Unavailable(attempt)));
    }
    items
}

fn context() -> RetryContext<fn(&ApiError) -> bool> {
    retry_context(is_retriable as fn(&ApiError) -> bool).wait_jitter(Duration::ZERO).wait_initial(ms(100))
}

/// The virtual times at which attempts started, relative to the test's start.
#[derive(Clone)]
struct Starts {
    start: Instant,
    times: Arc<Mutex<Vec<Duration>>>,
}

impl Starts {
    fn new() -> Self {
        Self { start: Instant::now(), times: Arc::default() }
    }
    fn record(&self) {
        self.times.lock().unwrap().push(self.start.elapsed());
    }
    fn get(&self) -> Vec<Duration> {
        self.times.lock().unwrap().clone()
    }
}

#[tokio::test(start_paused = true)]
async fn restart_yields_the_items_again_on_every_attempt() {
    let starts = Starts::new();
    let retried = context().stream(|attempt: Attempt| {
        starts.record();
        stream::iter(script(attempt.num(), 1, 3, 2, 2))
    });
    let items: Vec<_> = retried.collect().await;
    // Two failing attempts after 1, 2: each restart yields 1, 2 again.
    assert_eq!(items, [Ok(1), Ok(2), Ok(1), Ok(2), Ok(1), Ok(2), Ok(3)]);
    assert_eq!(starts.get(), [ms(0), ms(100), ms(300)]);
}

#[test]
fn restart_iterators_yield_the_items_again() {
    let attempts = AtomicU32::new(0);
    let items: Vec<_> = context()
        .wait_max(Duration::ZERO)
        .iter(|attempt| {
            attempts.fetch_add(1, Ordering::Relaxed);
            script(attempt.num(), 1, 3, 1, 1).into_iter()
        })
        .collect();
    assert_eq!(items, [Ok(1), Ok(1), Ok(2), Ok(3)]);
    assert_eq!(attempts.load(Ordering::Relaxed), 2);
}

#[tokio::test(start_paused = true)]
async fn resume_continues_from_the_cursor_without_duplicates() {
    let starts_from = Mutex::new(Vec::new());
    let retried = context().stream_resumed(
        1_u32,
        |next: &mut u32, item: &u32| *next = item + 1,
        |attempt, &from: &u32| {
            starts_from.lock().unwrap().push(from);
            // Attempts 1 and 2 fail after one item of their own.
            stream::iter(script(attempt.num(), from, 4, 1, 2))
        },
    );
    let items: Vec<_> = retried.collect().await;
    assert_eq!(items, [Ok(1), Ok(2), Ok(3), Ok(4)]);
    assert_eq!(*starts_from.lock().unwrap(), [1, 2, 3]);
}

#[test]
fn resume_iterators_continue_from_the_cursor() {
    let mut retried = context().wait_max(Duration::ZERO).iter_resumed(
        1_u32,
        |next: &mut u32, item: &u32| *next = item + 1,
        |attempt, &from: &u32| script(attempt.num(), from, 5, 2, 1).into_iter(),
    );
    assert_eq!(retried.by_ref().take(2).collect::<Vec<_>>(), [Ok(1), Ok(2)]);
    assert_eq!(*retried.behaviour().cursor(), 3);
    assert_eq!(retried.collect::<Vec<_>>(), [Ok(3), Ok(4), Ok(5)]);
}

#[tokio::test(start_paused = true)]
async fn commit_retries_only_until_the_first_item() {
    let starts = Starts::new();
    // Attempt 1 fails before any item (retried), attempt 2 after one (final).
    let retried = context().stream_committed(|attempt: Attempt| {
        starts.record();
        let k = u32::from(attempt.num() != 1); // no item on attempt 1, one after
        stream::iter(script(attempt.num(), 1, 3, k, 5))
    });
    let items: Vec<_> = retried.collect().await;
    assert_eq!(items, [Ok(1), Err(ApiError::Unavailable(2))]);
    assert_eq!(starts.get(), [ms(0), ms(100)]);
}

#[test]
fn commit_iterators_give_up_after_the_first_item_with_a_reason() {
    let recorder = Recorder::new();
    let _recording = recorder.thread_scope();
    let items: Vec<_> = context()
        .wait_max(Duration::ZERO)
        .iter_committed(|attempt| {
            script(attempt.num(), 1, 3, if attempt.num() == 1 { 0 } else { 2 }, 5).into_iter()
        })
        .collect();
    assert_eq!(items, [Ok(1), Ok(2), Err(ApiError::Unavailable(2))]);
    assert_eq!(recorder.retries(), 1);
    // A retryable error after the first item: the stream's own reason, not
    // `not_retryable`, which would blame `on`.
    assert_eq!(recorder.give_ups(), [GiveUpReason::StreamCommitted]);
}

#[test]
fn a_committed_stream_gives_up_on_a_rejected_error_as_not_retryable_asking_on_once() {
    let recorder = Recorder::new();
    let _recording = recorder.thread_scope();
    let asked = std::sync::atomic::AtomicU32::new(0);
    let items: Vec<Result<u32, ApiError>> = stamina::retry_context(|_: &ApiError| {
        asked.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        false
    })
    .iter_committed(|_| vec![Ok(1), Err(ApiError::NotFound), Ok(2)].into_iter())
    .collect();
    assert_eq!(items, [Ok(1), Err(ApiError::NotFound)]);
    assert_eq!(recorder.give_ups(), [GiveUpReason::NotRetryable]);
    assert_eq!(asked.load(std::sync::atomic::Ordering::Relaxed), 1);
}

#[tokio::test(start_paused = true)]
async fn a_rejected_error_is_the_last_item() {
    let starts = Starts::new();
    let retried = context().stream(|_| {
        starts.record();
        stream::iter([Ok(1), Err(ApiError::NotFound), Ok(2)])
    });
    assert_eq!(retried.collect::<Vec<_>>().await, [Ok(1), Err(ApiError::NotFound)]);
    assert_eq!(starts.get(), [ms(0)]);
}

#[tokio::test(start_paused = true)]
async fn giving_up_yields_the_last_error_and_ends() {
    let recorder = Recorder::new();
    let retried =
        context().attempts(3).stream(|attempt: Attempt| stream::iter(script(attempt.num(), 1, 2, 1, 10)));
    let items: Vec<_> = recorder.future_scope(retried.collect()).await;
    assert_eq!(
        items,
        [Ok(1), Ok(1), Ok(1), Err(ApiError::Unavailable(3))],
        "the errors of retried attempts are not yielded"
    );
    assert_eq!(recorder.give_ups(), [GiveUpReason::AttemptsExhausted]);
    assert_eq!(recorder.planned_waits(), [ms(100), ms(200)]);
}

#[tokio::test(start_paused = true)]
async fn waits_from_on_are_slept_exactly() {
    let starts = Starts::new();
    let retried = retry_context(|error: &ApiError| match error {
        ApiError::Unavailable(n) => Decision::RetryAfter(Duration::from_secs(u64::from(*n) * 7)),
        ApiError::NotFound => Decision::NoRetry,
    })
    .stream(|attempt: Attempt| {
        starts.record();
        stream::iter(script(attempt.num(), 1, 1, 0, 2))
    });
    assert_eq!(retried.collect::<Vec<_>>().await, [Ok(1)]);
    assert_eq!(starts.get(), [ms(0), ms(7_000), ms(21_000)]);
}

#[tokio::test(start_paused = true)]
async fn the_timeout_stops_the_retries() {
    let recorder = Recorder::new();
    let starts = Starts::new();
    // Waits of 100, 200, 400 ms: the third failure is at 300 ms of planned
    // waits, past a 250 ms timeout.
    let retried = context().attempts(None).timeout(ms(250)).stream(|attempt: Attempt| {
        starts.record();
        stream::iter(script(attempt.num(), 1, 1, 0, 100))
    });
    let items: Vec<_> = recorder.future_scope(retried.collect()).await;
    assert_eq!(items, [Err(ApiError::Unavailable(3))]);
    assert_eq!(starts.get(), [ms(0), ms(100), ms(300)]);
    assert_eq!(recorder.give_ups(), [GiveUpReason::Timeout]);
}

#[test]
fn testing_mode_caps_the_attempts_and_sleeps_nothing() {
    let _testing = testing::thread_scope(TestMode::new(2));
    let recorder = Recorder::new();
    let _recording = recorder.thread_scope();
    let started = std::time::Instant::now();
    let items: Vec<_> = context()
        .wait_initial(Duration::from_secs(3600))
        .wait_max(Duration::from_secs(3600))
        .iter(|attempt| script(attempt.num(), 1, 2, 1, 10).into_iter())
        .collect();
    assert_eq!(items, [Ok(1), Ok(1), Err(ApiError::Unavailable(2))]);
    assert!(started.elapsed() < Duration::from_secs(60), "testing mode slept");
    let outcomes: Vec<_> =
        recorder.attempts().into_iter().map(|record| (record.name, record.outcome)).collect();
    assert_eq!(
        outcomes,
        [
            (
                "<context block>".to_owned(),
                AttemptOutcome::Retried {
                    planned_wait: Duration::from_secs(3600),
                    actual_wait: Duration::ZERO,
                    error_type: core::any::type_name::<ApiError>(),
                }
            ),
            (
                "<context block>".to_owned(),
                AttemptOutcome::GaveUp {
                    reason: GiveUpReason::AttemptsExhausted,
                    error_type: core::any::type_name::<ApiError>(),
                }
            ),
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn testing_mode_applies_to_streams_in_a_future_scope() {
    let recorder = Recorder::new();
    let retried = context()
        .name("list_events")
        .stream(|attempt: Attempt| stream::iter(script(attempt.num(), 1, 2, 1, 1)));
    let items: Vec<_> =
        recorder.future_scope(testing::future_scope(TestMode::new(3), retried.collect::<Vec<_>>())).await;
    assert_eq!(items, [Ok(1), Ok(1), Ok(2)]);
    let attempts = recorder.attempts();
    assert_eq!(attempts.len(), 2);
    assert!(attempts.iter().all(|record| record.name == "list_events"), "{attempts:?}");
    // An end after a restart is reported as a success after retries.
    assert_eq!(attempts[1].outcome, AttemptOutcome::Succeeded);
}

#[test]
fn inactive_mode_runs_one_stream_and_ends_at_its_first_error() {
    let _inactive = testing::thread_scope(Mode::Inactive);
    let attempts = AtomicU32::new(0);
    let items: Vec<_> = context()
        .iter(|attempt| {
            attempts.fetch_add(1, Ordering::Relaxed);
            script(attempt.num(), 1, 3, 1, 10).into_iter()
        })
        .collect();
    assert_eq!(items, [Ok(1), Err(ApiError::Unavailable(1))]);
    assert_eq!(attempts.load(Ordering::Relaxed), 1);
}

#[tokio::test(start_paused = true)]
async fn the_switches_are_read_at_the_first_poll() {
    // Made outside the testing scope, polled inside it: the stream obeys the
    // mode of where it runs, as Python's generators read it when started.
    let retried = context()
        .wait_initial(Duration::from_secs(3600))
        .wait_max(Duration::from_secs(3600))
        .stream(|attempt: Attempt| stream::iter(script(attempt.num(), 1, 1, 0, 10)));
    let started = Instant::now();
    let items = testing::future_scope(TestMode::new(2), retried.collect::<Vec<_>>()).await;
    assert_eq!(items, [Err(ApiError::Unavailable(2))]);
    assert_eq!(started.elapsed(), Duration::ZERO);
}

/// A stream that yields `1`, then waits an hour on tokio's timer, then fails.
fn slow_stream(attempt: Attempt) -> impl futures_lite::Stream<Item = Result<u32, ApiError>> {
    stream::unfold(0, move |step| async move {
        match step {
            0 => Some((Ok(1), 1)),
            1 => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                Some((Err(ApiError::Unavailable(attempt.num())), 2))
            }
            _ => None,
        }
    })
}

#[tokio::test(start_paused = true)]
async fn dropping_the_stream_mid_wait_or_mid_attempt_stops_everything() {
    let recorder = Recorder::new();
    let attempts = Arc::new(AtomicU32::new(0));
    let factory = {
        let attempts = Arc::clone(&attempts);
        move |attempt: Attempt| {
            attempts.fetch_add(1, Ordering::Relaxed);
            slow_stream(attempt)
        }
    };

    // Mid-attempt: the first item came, the second is an hour away.
    let mut retried = Box::pin(context().stream(factory.clone()));
    assert_eq!(recorder.future_scope(retried.next()).await, Some(Ok(1)));
    let pending = tokio::time::timeout(ms(10), recorder.future_scope(retried.next())).await;
    assert!(pending.is_err(), "the attempt should still be running");
    drop(retried);

    // Mid-wait: the first attempt failed, the wait is an hour.
    let mut retried = Box::pin(
        context()
            .timeout(None)
            .wait_initial(Duration::from_secs(3600))
            .wait_max(Duration::from_secs(3600))
            .stream(factory),
    );
    let waiting = tokio::time::timeout(
        Duration::from_secs(3700),
        recorder.future_scope(async {
            assert_eq!(retried.next().await, Some(Ok(1)));
            retried.next().await
        }),
    )
    .await;
    assert!(waiting.is_err(), "the stream should still be waiting");
    drop(retried);

    tokio::time::sleep(Duration::from_secs(4 * 3600)).await;
    assert_eq!(attempts.load(Ordering::Relaxed), 2, "no attempt may start after the drop");
    // One retry was scheduled (the second stream's), and nothing after it.
    assert_eq!(recorder.retries(), 1);
    assert!(recorder.give_ups().is_empty());
}

fn assert_send<T: Send>(value: T) -> T {
    value
}

#[tokio::test(start_paused = true)]
async fn streams_are_send_and_can_be_spawned() {
    let retried =
        assert_send(context().stream(|attempt: Attempt| stream::iter(script(attempt.num(), 1, 2, 1, 1))));
    let handle = tokio::spawn(retried.collect::<Vec<_>>());
    assert_eq!(handle.await.unwrap(), [Ok(1), Ok(1), Ok(2)]);

    let resumed = assert_send(context().stream_resumed(
        1_u32,
        |next: &mut u32, item: &u32| *next = item + 1,
        |attempt, &from: &u32| slow_stream(attempt).map(move |item| item.map(|n| n + from)),
    ));
    drop(resumed);
    let _ = assert_send(context().iter(|attempt| script(attempt.num(), 1, 2, 1, 1).into_iter()));
}

#[tokio::test(start_paused = true)]
async fn an_ended_stream_stays_ended() {
    let mut retried = Box::pin(context().stream(|_| stream::iter([Ok::<u32, ApiError>(1)])));
    assert_eq!(retried.next().await, Some(Ok(1)));
    assert_eq!(retried.next().await, None);
    assert_eq!(retried.next().await, None);
}

#[tokio::test(start_paused = true)]
async fn an_empty_stream_is_one_attempt_and_a_success() {
    // Python's `stops_when_wrapped_generator_is_empty`: `[]`.
    let recorder = Recorder::new();
    let attempts = AtomicU32::new(0);
    let retried = context().stream(|_| {
        attempts.fetch_add(1, Ordering::Relaxed);
        stream::iter(Vec::<Result<u32, ApiError>>::new())
    });
    assert_eq!(recorder.future_scope(retried.collect::<Vec<_>>()).await, []);
    assert_eq!(attempts.load(Ordering::Relaxed), 1);
    let outcomes: Vec<_> = recorder.attempts().into_iter().map(|record| record.outcome).collect();
    assert_eq!(outcomes, [AttemptOutcome::Succeeded]);
}
