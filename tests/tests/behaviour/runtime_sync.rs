//! The sync retry loop through the public API: callers and `retry_context`.
//!
//! Mirrors Python stamina's `tests/test_sync.py` and adds what it misses. Every
//! test uses zero waits (or thread-local testing mode), so nothing sleeps for
//! real; timing behaviour is tested in virtual time in `runtime_async.rs`.

use std::cell::Cell;
use std::time::Duration;

use stamina::testing::{self, Mode, TestMode};
use stamina::{Attempt, Decision, RetryingCaller, retry_context};

use crate::support::{ApiError, is_retriable};

/// A caller whose retries do not wait.
fn instant(attempts: impl Into<Option<u32>>) -> RetryingCaller {
    RetryingCaller::new().attempts(attempts).wait_max(Duration::ZERO)
}

/// Fails transiently `failures` times, then returns 42; counts its calls.
fn flaky(calls: &Cell<u32>, failures: u32) -> impl FnMut() -> Result<u32, ApiError> + '_ {
    move || {
        calls.set(calls.get() + 1);
        if calls.get() <= failures { Err(ApiError::Unavailable(calls.get())) } else { Ok(42) }
    }
}

#[test]
fn success_returns_its_value_for_every_limit_combination() {
    for attempts in [None, Some(1), Some(10)] {
        for timeout in [None, Some(Duration::from_secs(1)), Some(Duration::from_secs(86_400))] {
            let calls = Cell::new(0);
            let caller = RetryingCaller::new().attempts(attempts).timeout(timeout);
            assert_eq!(caller.call(is_retriable, flaky(&calls, 0)), Ok(42));
            assert_eq!(calls.get(), 1, "attempts {attempts:?}, timeout {timeout:?}");
        }
    }
}

#[test]
fn one_transient_failure_means_exactly_two_calls() {
    let calls = Cell::new(0);
    assert_eq!(instant(10).call(is_retriable, flaky(&calls, 1)), Ok(42));
    assert_eq!(calls.get(), 2);

    let calls = Cell::new(0);
    let closure = |e: &ApiError| matches!(e, ApiError::Unavailable(_));
    assert_eq!(instant(10).call(closure, flaky(&calls, 1)), Ok(42));
    assert_eq!(calls.get(), 2);

    let calls = Cell::new(0);
    assert_eq!(instant(10).on(is_retriable).call(flaky(&calls, 1)), Ok(42));
    assert_eq!(calls.get(), 2);
}

#[test]
fn a_non_retryable_error_is_returned_at_once() {
    let calls = Cell::new(0);
    // An hour's wait: if the loop slept before returning, this test would hang.
    let caller = RetryingCaller::new().wait_initial(Duration::from_secs(3600));
    let result = caller.call(is_retriable, || {
        calls.set(calls.get() + 1);
        Err::<(), _>(ApiError::NotFound)
    });
    assert_eq!(result, Err(ApiError::NotFound));
    assert_eq!(calls.get(), 1);
}

#[test]
fn exhaustion_returns_the_last_error_unchanged() {
    let calls = Cell::new(0);
    assert_eq!(instant(3).call(is_retriable, flaky(&calls, 100)), Err(ApiError::Unavailable(3)));
    assert_eq!(calls.get(), 3);
}

#[test]
fn attempts_count_the_first_call() {
    for attempts in 1..=5 {
        let calls = Cell::new(0);
        let _ = instant(attempts).call(is_retriable, flaky(&calls, 100));
        assert_eq!(calls.get(), attempts);
    }
}

#[test]
fn the_predicate_is_asked_after_every_failure_including_the_last() {
    let asked = Cell::new(0);
    let on = |e: &ApiError| {
        asked.set(asked.get() + 1);
        is_retriable(e)
    };
    let calls = Cell::new(0);
    let _ = instant(3).call(on, flaky(&calls, 100));
    assert_eq!(asked.get(), 3);

    // Never on success.
    asked.set(0);
    let calls = Cell::new(0);
    let _ = instant(3).call(on, flaky(&calls, 0));
    assert_eq!(asked.get(), 0);
}

#[test]
fn no_attempt_limit_and_no_timeout_retries_until_success() {
    let calls = Cell::new(0);
    let caller = instant(None).timeout(None);
    assert_eq!(caller.call(is_retriable, flaky(&calls, 5000)), Ok(42));
    assert_eq!(calls.get(), 5001);
}

#[test]
fn a_custom_wait_still_counts_as_an_attempt() {
    let calls = Cell::new(0);
    let on = |_: &ApiError| Duration::ZERO; // zero: an immediate retry, not "don't retry"
    assert_eq!(instant(3).call(on, flaky(&calls, 100)), Err(ApiError::Unavailable(3)));
    assert_eq!(calls.get(), 3);

    let calls = Cell::new(0);
    let on = |_: &ApiError| Decision::RetryAfter(Duration::ZERO);
    assert_eq!(instant(3).call(on, flaky(&calls, 1)), Ok(42));
    assert_eq!(calls.get(), 2);

    let calls = Cell::new(0);
    let on = |_: &ApiError| None::<Duration>;
    assert_eq!(instant(3).call(on, flaky(&calls, 1)), Err(ApiError::Unavailable(1)));
    assert_eq!(calls.get(), 1);
}

#[test]
fn retry_context_hands_out_numbered_attempts() {
    let mut seen = Vec::new();
    let result = retry_context(is_retriable).wait_max(Duration::ZERO).call(|attempt: Attempt| {
        seen.push((attempt.num(), attempt.next_wait(), attempt.to_string()));
        if attempt.num() == 1 { Err(ApiError::Unavailable(1)) } else { Ok(attempt.num()) }
    });
    assert_eq!(result, Ok(2));
    assert_eq!(
        seen,
        [
            (1, Duration::ZERO, "<Attempt num=1, next_wait=0.0>".to_owned()),
            (2, Duration::ZERO, "<Attempt num=2, next_wait=0.0>".to_owned()),
        ]
    );
}

#[test]
fn next_wait_is_the_jitterless_wait_after_the_current_attempt() {
    let mut waits = Vec::new();
    // The predicate asks for immediate retries, so nothing sleeps; next_wait
    // still reports the policy's backoff, which knows nothing of custom waits.
    let _ = retry_context(|_: &ApiError| Duration::ZERO)
        .attempts(4)
        .wait_initial(Duration::from_millis(100))
        .wait_max(Duration::from_millis(300))
        .wait_jitter(Duration::ZERO)
        .call(|attempt: Attempt| {
            waits.push(attempt.next_wait());
            Err::<(), _>(ApiError::Unavailable(attempt.num()))
        });
    assert_eq!(
        waits,
        [
            Duration::from_millis(100),
            Duration::from_millis(200),
            Duration::from_millis(300),
            Duration::from_millis(300)
        ]
    );

    let mut waits = Vec::new();
    let _ = retry_context(|_: &ApiError| Duration::ZERO)
        .attempts(2)
        .wait_max(Duration::from_micros(100))
        .call(|attempt: Attempt| {
            waits.push(attempt.next_wait());
            Err::<(), _>(ApiError::Unavailable(attempt.num()))
        });
    assert_eq!(waits, [Duration::from_micros(100); 2]);
}

#[test]
fn inactive_runs_once_without_asking_the_predicate() {
    let _off = testing::thread_scope(Mode::Inactive);
    assert!(!stamina::is_active());

    let calls = Cell::new(0);
    let never = |_: &ApiError| -> bool { panic!("the predicate must not be asked while inactive") };
    assert_eq!(instant(10).call(never, flaky(&calls, 100)), Err(ApiError::Unavailable(1)));
    assert_eq!(calls.get(), 1);

    // A success runs exactly once (Python's bug #53 ran it twice).
    let calls = Cell::new(0);
    assert_eq!(instant(10).call(never, flaky(&calls, 0)), Ok(42));
    assert_eq!(calls.get(), 1);

    // Blocks too, and next_wait is zero.
    let mut seen = Vec::new();
    let result = retry_context(never).attempts(2).call(|attempt: Attempt| {
        seen.push(attempt);
        Err::<(), _>(ApiError::NotFound)
    });
    assert_eq!(result, Err(ApiError::NotFound));
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].next_wait(), Duration::ZERO);
}

#[test]
fn testing_mode_zeroes_waits_and_fixes_attempts() {
    let _testing = testing::thread_scope(TestMode::new(3));
    assert!(testing::is_testing());
    let mut seen = Vec::new();
    // An hour's waits and ten attempts: testing mode makes it three instant ones.
    let result = retry_context(is_retriable).attempts(10).wait_initial(Duration::from_secs(3600)).call(
        |attempt: Attempt| {
            seen.push(attempt.next_wait());
            Err::<(), _>(ApiError::Unavailable(attempt.num()))
        },
    );
    assert_eq!(result, Err(ApiError::Unavailable(3)));
    assert_eq!(seen, [Duration::ZERO; 3]);

    // Custom waits become zero too.
    let calls = Cell::new(0);
    let on = |_: &ApiError| Duration::from_secs(3600);
    assert_eq!(RetryingCaller::new().call(on, flaky(&calls, 100)), Err(ApiError::Unavailable(3)));
    assert_eq!(calls.get(), 3);
}

#[test]
fn testing_mode_off_restores_real_next_waits() {
    {
        let _testing = testing::thread_scope(TestMode::default());
        let _ = retry_context(is_retriable).call(|a: Attempt| {
            assert_eq!(a.next_wait(), Duration::ZERO);
            Ok::<_, ApiError>(())
        });
    }
    let _ = retry_context(is_retriable).call(|a: Attempt| {
        assert_eq!(a.next_wait(), Duration::from_millis(100));
        Ok::<_, ApiError>(())
    });
}

#[test]
fn testing_mode_attempts_follow_the_cap_rules() {
    let cases = [
        (TestMode::new(4).cap(true), Some(2), 2),
        (TestMode::new(4).cap(true), Some(10), 4),
        (TestMode::new(4).cap(true), None, 4),
        (TestMode::new(4), Some(2), 4), // not capped: the testing number wins even when higher
        (TestMode::new(4), None, 4),
        (TestMode::new(1), Some(10), 1),
    ];
    for (mode, user_attempts, expected) in cases {
        let _testing = testing::thread_scope(mode);
        let calls = Cell::new(0);
        let _ = RetryingCaller::new().attempts(user_attempts).call(is_retriable, flaky(&calls, 100));
        assert_eq!(calls.get(), expected, "{mode:?} with attempts {user_attempts:?}");
    }
}

#[test]
fn parallel_threads_keep_their_own_settings() {
    let barrier = std::sync::Barrier::new(4);
    std::thread::scope(|scope| {
        for attempts in 1..=4u32 {
            let barrier = &barrier;
            scope.spawn(move || {
                let _testing = testing::thread_scope(TestMode::new(attempts));
                barrier.wait();
                for _ in 0..50 {
                    let calls = Cell::new(0);
                    let _ = RetryingCaller::new().call(is_retriable, flaky(&calls, 100));
                    assert_eq!(calls.get(), attempts);
                }
            });
        }
        scope.spawn(|| {
            let _off = testing::thread_scope(Mode::Inactive);
            let calls = Cell::new(0);
            let _ = instant(5).call(is_retriable, flaky(&calls, 100));
            assert_eq!(calls.get(), 1);
        });
    });
    // And this thread saw none of it.
    assert!(!testing::is_testing());
    assert!(stamina::is_active());
}

#[test]
fn scoped_switches_restore_when_a_test_panics() {
    let outcome = std::panic::catch_unwind(|| {
        let _testing = testing::thread_scope(TestMode::new(2));
        let _off = testing::thread_scope(Mode::Inactive);
        panic!("a failing test");
    });
    assert!(outcome.is_err());
    assert!(!testing::is_testing());
    assert!(stamina::is_active());
}

#[test]
fn error_types_retry_type_erased_errors_along_the_chain() {
    type BoxError = Box<dyn std::error::Error + Send + Sync>;
    let on = stamina::error_types::<(std::io::Error,), BoxError>();
    let calls = Cell::new(0);
    let result: Result<u32, BoxError> = instant(3).call(on, || {
        calls.set(calls.get() + 1);
        if calls.get() == 1 { Err(std::io::Error::other("reset").into()) } else { Ok(7) }
    });
    assert_eq!(result.unwrap(), 7);
    assert_eq!(calls.get(), 2);

    let calls = Cell::new(0);
    let result: Result<u32, BoxError> = instant(3).call(on, || {
        calls.set(calls.get() + 1);
        Err("not an io error".into())
    });
    assert_eq!(result.unwrap_err().to_string(), "not an io error");
    assert_eq!(calls.get(), 1);
}

#[test]
fn callers_are_reusable_and_show_their_parameters() {
    let caller = RetryingCaller::new()
        .attempts(42)
        .timeout(Duration::from_secs(13))
        .wait_initial(Duration::from_secs(23));
    for _ in 0..3 {
        let calls = Cell::new(0);
        assert_eq!(caller.wait_max(Duration::ZERO).call(is_retriable, flaky(&calls, 2)), Ok(42));
        assert_eq!(calls.get(), 3);
    }
    assert_eq!(
        format!("{caller:?}"),
        "RetryingCaller { name: \"<context block>\", policy: RetryPolicy { attempts: Some(42), timeout: Some(13s), \
         wait_exp_base: 2.0, wait_initial: 23s, wait_jitter: 1s, wait_max: 5s } }"
    );
    let bound = caller.on(is_retriable);
    let text = format!("{bound:?}");
    assert!(text.starts_with("BoundRetryingCaller { on: \""), "{text}");
    assert!(text.contains("is_retriable"), "{text}");
    assert_eq!(RetryingCaller::default(), RetryingCaller::new());
}

#[test]
fn invalid_configuration_panics_with_the_fix() {
    let message = |f: fn()| {
        let payload = std::panic::catch_unwind(f).unwrap_err();
        payload
            .downcast_ref::<&str>()
            .map(ToString::to_string)
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap()
    };
    assert!(
        message(|| {
            let _ = RetryingCaller::new().attempts(0);
        })
        .contains("use 1 for no retries or `None` for no limit")
    );
    assert!(
        message(|| {
            let _ = RetryingCaller::new().timeout(Duration::ZERO);
        })
        .contains("use `None` to switch the timeout off")
    );
    assert!(
        message(|| {
            let _ = RetryingCaller::new().wait_exp_base(-2.0);
        })
        .contains("finite number greater than zero")
    );
    assert!(
        message(|| {
            let _ = TestMode::new(0);
        })
        .contains("at least 1")
    );
}

#[test]
fn the_timeout_ends_a_sync_loop_on_the_real_clock() {
    // No attempt limit and no waits: only the timeout (measured on the coarse
    // clock, 1-4 ms resolution) can end this loop. Each attempt takes ~20 ms
    // of real time against a 100 ms budget, so it gives up after about five;
    // the bounds are loose because the machine may be loaded.
    let calls = Cell::new(0);
    let caller = instant(None).timeout(Duration::from_millis(100));
    let result = caller.call(is_retriable, || {
        calls.set(calls.get() + 1);
        std::thread::sleep(Duration::from_millis(20));
        Err::<(), _>(ApiError::Unavailable(calls.get()))
    });
    assert_eq!(result, Err(ApiError::Unavailable(calls.get())), "the last error, unchanged");
    assert!((2..=8).contains(&calls.get()), "{} attempts", calls.get());
}
