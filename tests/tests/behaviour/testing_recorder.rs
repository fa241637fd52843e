//! The test recorder (`stamina::testing::Recorder`) and the per-future mode:
//! what a recorder sees (every attempt, the planned waits also in testing
//! mode, successes, give-ups and their reasons), that parallel tests and
//! threads record separately, and that a future's scope follows it to
//! whichever thread polls it.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use stamina::instrumentation::GiveUpReason;
use stamina::testing::{self, AttemptOutcome, Mode, Recorder, TestMode};

#[derive(Debug, PartialEq)]
enum ApiError {
    Unavailable,
    RateLimited(Duration),
    NotFound,
}

fn decide(error: &ApiError) -> Option<Duration> {
    match error {
        ApiError::Unavailable => Some(Duration::ZERO),
        ApiError::RateLimited(wait) => Some(*wait),
        ApiError::NotFound => None,
    }
}

fn is_unavailable(error: &ApiError) -> bool {
    matches!(error, ApiError::Unavailable)
}

#[stamina::retry(on = is_unavailable, attempts = 3, wait_initial = "100ms", wait_jitter = 0, timeout = None)]
fn always_unavailable(calls: &AtomicU32) -> Result<(), ApiError> {
    calls.fetch_add(1, Ordering::Relaxed);
    Err(ApiError::Unavailable)
}

#[test]
fn testing_mode_records_the_planned_waits_and_sleeps_none() {
    let _testing = testing::thread_scope(TestMode::new(3));
    let recorder = Recorder::new();
    let _recording = recorder.thread_scope();
    let calls = AtomicU32::new(0);
    assert_eq!(always_unavailable(&calls), Err(ApiError::Unavailable));
    assert_eq!(calls.load(Ordering::Relaxed), 3);

    assert_eq!(recorder.retries(), 2);
    assert_eq!(recorder.planned_waits(), [Duration::from_millis(100), Duration::from_millis(200)]);
    assert_eq!(recorder.give_ups(), [GiveUpReason::AttemptsExhausted]);
    let attempts = recorder.attempts();
    assert_eq!(attempts.iter().map(|record| record.num).collect::<Vec<_>>(), [1, 2, 3]);
    for record in &attempts[..2] {
        assert!(record.name.ends_with("always_unavailable"), "{}", record.name);
        match &record.outcome {
            AttemptOutcome::Retried { actual_wait, error_type, .. } => {
                assert_eq!(*actual_wait, Duration::ZERO);
                assert!(error_type.ends_with("ApiError"), "{error_type}");
            }
            other => panic!("expected a retry, got {other:?}"),
        }
    }
}

#[test]
fn a_wait_from_on_is_recorded_as_planned_in_testing_mode() {
    let _testing = testing::thread_scope(TestMode::new(2));
    let recorder = Recorder::new();
    let _recording = recorder.thread_scope();
    let mut calls = 0;
    let result = stamina::RetryingCaller::new().call(decide, || {
        calls += 1;
        if calls == 1 { Err(ApiError::RateLimited(Duration::from_secs(7))) } else { Ok(calls) }
    });
    assert_eq!(result, Ok(2));
    assert_eq!(recorder.planned_waits(), [Duration::from_secs(7)]);
    let outcomes: Vec<_> = recorder.attempts().into_iter().map(|record| record.outcome).collect();
    assert!(matches!(outcomes[0], AttemptOutcome::Retried { actual_wait: Duration::ZERO, .. }));
    assert_eq!(outcomes[1], AttemptOutcome::Succeeded);
    assert_eq!(recorder.attempts()[1].name, "<context block>");
}

#[test]
fn a_first_try_success_is_recorded_and_nothing_was_retried() {
    let recorder = Recorder::new();
    let _recording = recorder.thread_scope();
    let value = stamina::retry_block!(on = is_unavailable, |attempt| Ok::<_, ApiError>(attempt.num()));
    assert_eq!(value, Ok(1));
    assert_eq!(recorder.retries(), 0);
    let attempts = recorder.attempts();
    assert_eq!(attempts.len(), 1);
    assert_eq!((attempts[0].num, &attempts[0].outcome), (1, &AttemptOutcome::Succeeded));
}

#[test]
fn give_ups_are_recorded_with_their_reason() {
    let recorder = Recorder::new();
    let _recording = recorder.thread_scope();
    let caller = stamina::RetryingCaller::new().wait_max(Duration::ZERO);
    assert_eq!(caller.call(decide, || Err::<(), _>(ApiError::NotFound)), Err(ApiError::NotFound));
    assert_eq!(recorder.give_ups(), [GiveUpReason::NotRetryable]);
    assert_eq!(recorder.retries(), 0);
    recorder.clear();
    assert!(recorder.attempts().is_empty());
}

#[test]
fn inactive_loops_record_nothing() {
    let _inactive = testing::thread_scope(Mode::Inactive);
    let recorder = Recorder::new();
    let _recording = recorder.thread_scope();
    let calls = AtomicU32::new(0);
    assert_eq!(always_unavailable(&calls), Err(ApiError::Unavailable));
    assert_eq!(calls.load(Ordering::Relaxed), 1);
    assert_eq!(stamina::RetryingCaller::new().call(decide, || Ok::<_, ApiError>(1)), Ok(1));
    assert!(recorder.attempts().is_empty());
}

#[test]
fn scopes_nest_and_the_innermost_records() {
    let outer = Recorder::new();
    let inner = Recorder::new();
    let caller = stamina::RetryingCaller::new();
    let _outer = outer.thread_scope();
    {
        let _inner = inner.thread_scope();
        let _ = caller.call(decide, || Ok::<_, ApiError>(()));
    }
    let _ = caller.call(decide, || Ok::<_, ApiError>(()));
    assert_eq!(inner.attempts().len(), 1);
    assert_eq!(outer.attempts().len(), 1);
}

/// Eight threads, each with its own recorder and its own number of attempts,
/// retrying at the same time: each recorder holds exactly its own thread's
/// attempts. (The tests of this binary also run in parallel with each other.)
#[test]
fn parallel_threads_record_separately() {
    let threads: Vec<_> = (1..=8u32)
        .map(|attempts| {
            std::thread::spawn(move || {
                let _testing = testing::thread_scope(TestMode::new(attempts));
                let recorder = Recorder::new();
                let _recording = recorder.thread_scope();
                for _ in 0..50 {
                    let calls = AtomicU32::new(0);
                    let _ = always_unavailable(&calls);
                    assert_eq!(calls.load(Ordering::Relaxed), attempts);
                }
                (attempts, recorder)
            })
        })
        .collect();
    for thread in threads {
        let (attempts, recorder) = thread.join().unwrap();
        let records = recorder.attempts();
        assert_eq!(records.len(), 50 * attempts as usize, "thread with {attempts} attempts");
        assert_eq!(recorder.retries(), 50 * (attempts as usize - 1));
        assert_eq!(recorder.give_ups().len(), 50);
    }
}

/// A future's recorder and mode follow it onto a multi-threaded runtime's
/// workers; a thread scope on the test's thread does not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn future_scopes_follow_spawned_work_and_thread_scopes_do_not() {
    async fn flaky(calls: &AtomicU32) -> Result<u32, ApiError> {
        stamina::AsyncRetryingCaller::new()
            .attempts(3)
            .wait_max(Duration::ZERO)
            .call(decide, || async {
                calls.fetch_add(1, Ordering::Relaxed);
                Err::<u32, _>(ApiError::Unavailable)
            })
            .await
    }

    let recorder = Recorder::new();
    let inactive_and_recorded = recorder.future_scope(testing::future_scope(Mode::Inactive, async {
        let calls = AtomicU32::new(0);
        let result = flaky(&calls).await;
        // Inactive in this future, wherever it runs: one attempt.
        (result, calls.load(Ordering::Relaxed), testing::mode())
    }));
    let (result, calls, mode) = tokio::spawn(inactive_and_recorded).await.unwrap();
    assert_eq!((result, calls, mode), (Err(ApiError::Unavailable), 1, Mode::Inactive));
    // Inactive loops record nothing.
    assert!(recorder.attempts().is_empty());

    let retried = recorder.future_scope(async {
        let calls = AtomicU32::new(0);
        let _ = flaky(&calls).await;
        calls.load(Ordering::Relaxed)
    });
    assert_eq!(tokio::spawn(retried).await.unwrap(), 3);
    assert_eq!(recorder.retries(), 2);
    assert_eq!(recorder.give_ups(), [GiveUpReason::AttemptsExhausted]);

    // The trap: a thread scope on this thread, and work spawned elsewhere.
    let _inactive_here = testing::thread_scope(Mode::Inactive);
    let calls_elsewhere = tokio::spawn(async {
        let calls = AtomicU32::new(0);
        let _ = flaky(&calls).await;
        calls.load(Ordering::Relaxed)
    });
    assert_eq!(calls_elsewhere.await.unwrap(), 3, "the worker thread is not inactive");
}

/// Outside testing mode, the planned wait is the one slept (in paused time).
#[tokio::test(start_paused = true)]
async fn real_waits_are_recorded_as_planned_and_slept() {
    let recorder = Recorder::new();
    let started = tokio::time::Instant::now();
    let result = recorder
        .future_scope(
            stamina::AsyncRetryingCaller::new()
                .attempts(2)
                .timeout(None)
                .call(decide, || async { Err::<(), _>(ApiError::RateLimited(Duration::from_secs(3))) }),
        )
        .await;
    assert!(result.is_err());
    assert_eq!(started.elapsed(), Duration::from_secs(3));
    let outcome = &recorder.attempts()[0].outcome;
    assert!(
        matches!(outcome, AttemptOutcome::Retried { planned_wait, actual_wait, .. }
            if *planned_wait == Duration::from_secs(3) && *actual_wait == Duration::from_secs(3)),
        "{outcome:?}"
    );
}

/// Callers, `retry_context` and `retry_block!` report `<context block>`, or
/// the name given to them, to hooks and recorders alike.
#[tokio::test]
async fn callers_and_contexts_report_their_names() {
    let recorder = Recorder::new();
    let _recording = recorder.thread_scope();
    let fail_once = |calls: &mut u32| if *calls == 0 { Err(ApiError::Unavailable) } else { Ok(()) };

    let mut calls = 0;
    let caller = stamina::RetryingCaller::new().wait_max(Duration::ZERO);
    assert_eq!(caller.get_name(), "<context block>");
    let _ = caller.name("sync_caller").on(decide).call(|| {
        let result = fail_once(&mut calls);
        calls += 1;
        result
    });
    let mut calls = 0;
    let _ = stamina::retry_context(decide).name("sync_context").wait_max(Duration::ZERO).call(|_| {
        let result = fail_once(&mut calls);
        calls += 1;
        result
    });
    let calls = AtomicU32::new(0);
    let fail_once_async = || async {
        if calls.fetch_add(1, Ordering::Relaxed) == 0 { Err(ApiError::Unavailable) } else { Ok(()) }
    };
    let _ = stamina::AsyncRetryingCaller::new()
        .name("async_caller")
        .wait_max(Duration::ZERO)
        .call(decide, fail_once_async)
        .await;
    calls.store(0, Ordering::Relaxed);
    let _ = stamina::retry_context(decide)
        .name("async_context")
        .wait_max(Duration::ZERO)
        .call_async(|_| fail_once_async())
        .await;
    let _ = caller.call(decide, || Ok::<_, ApiError>(()));
    let _ = stamina::retry_block!(on = decide, name = "sync_block", |_attempt| Ok::<_, ApiError>(()));
    let _ = stamina::retry_block!(on = decide, name = "async_block", async |_attempt| Ok::<_, ApiError>(()))
        .await;
    let _ = stamina::retry_block!(on = decide, |_attempt| Ok::<_, ApiError>(()));

    let names: Vec<_> = recorder.attempts().into_iter().map(|record| record.name).collect();
    assert_eq!(
        names,
        [
            "sync_caller",
            "sync_caller",
            "sync_context",
            "sync_context",
            "async_caller",
            "async_caller",
            "async_context",
            "async_context",
            "<context block>",
            "sync_block",
            "async_block",
            "<context block>"
        ]
    );
}
