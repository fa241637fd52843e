//! `#[stamina::retry]` on sync free fns: how many times the body runs, and
//! what comes back, in every situation a retry loop meets.

use std::cell::Cell;
use std::time::{Duration, Instant};

use stamina::testing::{self, Mode, TestMode};

use crate::support::{ApiError, is_retriable};

/// Fails with `Unavailable` until it has been called `failures` times.
fn flaky(calls: &Cell<u32>, failures: u32) -> Result<u32, ApiError> {
    calls.set(calls.get() + 1);
    if calls.get() <= failures { Err(ApiError::Unavailable(calls.get())) } else { Ok(calls.get()) }
}

#[stamina::retry(on = is_retriable, attempts = 3, wait_max = 0)]
fn fetch(calls: &Cell<u32>, failures: u32) -> Result<u32, ApiError> {
    flaky(calls, failures)
}

#[test]
fn success_runs_once() {
    let calls = Cell::new(0);
    assert_eq!(fetch(&calls, 0), Ok(1));
    assert_eq!(calls.get(), 1);
}

#[test]
fn transient_failures_are_retried() {
    let calls = Cell::new(0);
    assert_eq!(fetch(&calls, 2), Ok(3));
    assert_eq!(calls.get(), 3);
}

#[test]
fn exhaustion_returns_the_last_error_unchanged() {
    let calls = Cell::new(0);
    assert_eq!(fetch(&calls, 10), Err(ApiError::Unavailable(3)));
    assert_eq!(calls.get(), 3);
}

#[stamina::retry(on = is_retriable, attempts = 5, wait_max = 0)]
fn not_found(calls: &Cell<u32>) -> Result<(), ApiError> {
    calls.set(calls.get() + 1);
    Err(ApiError::NotFound)
}

#[test]
fn non_retryable_errors_return_at_once() {
    let calls = Cell::new(0);
    assert_eq!(not_found(&calls), Err(ApiError::NotFound));
    assert_eq!(calls.get(), 1);
}

#[stamina::retry(on = is_retriable, attempts = 4, wait_max = 0)]
fn with_question_mark(calls: &Cell<u32>) -> Result<String, ApiError> {
    let n = flaky(calls, 2)?;
    if n == 0 {
        return Err(ApiError::NotFound);
    }
    Ok(format!("call {n}"))
}

#[test]
fn question_mark_ends_the_attempt_not_the_loop() {
    let calls = Cell::new(0);
    assert_eq!(with_question_mark(&calls).as_deref(), Ok("call 3"));
    assert_eq!(calls.get(), 3);
}

#[stamina::retry(on = is_retriable, attempts = 4, wait_max = 0)]
fn with_early_return(calls: &Cell<u32>) -> Result<u32, ApiError> {
    calls.set(calls.get() + 1);
    if calls.get() < 3 {
        return Err(ApiError::Unavailable(calls.get()));
    }
    Ok(calls.get())
}

#[test]
fn return_ends_the_attempt_not_the_loop() {
    let calls = Cell::new(0);
    assert_eq!(with_early_return(&calls), Ok(3));
}

// Long waits: testing mode must skip them.
#[stamina::retry(on = is_retriable, attempts = 10, wait_initial = "10s", wait_jitter = "10s")]
fn slow_backoff(calls: &Cell<u32>, failures: u32) -> Result<u32, ApiError> {
    flaky(calls, failures)
}

#[test]
fn testing_mode_sets_attempts_and_skips_waits() {
    let _testing = testing::thread_scope(TestMode::new(2));
    let calls = Cell::new(0);
    let started = Instant::now();
    assert_eq!(slow_backoff(&calls, 10), Err(ApiError::Unavailable(2)));
    assert_eq!(calls.get(), 2);
    assert!(started.elapsed() < Duration::from_secs(5), "testing mode waited");
}

#[test]
fn deactivated_runs_once() {
    let _off = testing::thread_scope(Mode::Inactive);
    let calls = Cell::new(0);
    assert_eq!(slow_backoff(&calls, 1), Err(ApiError::Unavailable(1)));
    assert_eq!(calls.get(), 1);
}

// Predicates in every form.
#[stamina::retry(on = |e| matches!(e, ApiError::Unavailable(n) if *n < 2), attempts = 5, wait_max = 0)]
fn closure_predicate(calls: &Cell<u32>) -> Result<u32, ApiError> {
    flaky(calls, 10)
}

#[test]
fn closure_predicates_infer_the_error_type() {
    let calls = Cell::new(0);
    assert_eq!(closure_predicate(&calls), Err(ApiError::Unavailable(2)));
    assert_eq!(calls.get(), 2);
}

#[stamina::retry(on = |_: &ApiError| stamina::Decision::RetryAfter(Duration::ZERO), attempts = 3)]
fn decision_predicate(calls: &Cell<u32>) -> Result<u32, ApiError> {
    flaky(calls, 1)
}

#[test]
fn decision_predicates_work() {
    let calls = Cell::new(0);
    assert_eq!(decision_predicate(&calls), Ok(2));
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[stamina::retry(on = types(std::io::Error), attempts = 3, wait_max = 0)]
fn type_erased(calls: &Cell<u32>, fmt_error: bool) -> Result<u32, BoxError> {
    calls.set(calls.get() + 1);
    if fmt_error {
        return Err(std::fmt::Error.into());
    }
    Err(std::io::Error::other("reset").into())
}

#[test]
fn types_form_matches_type_erased_errors() {
    let calls = Cell::new(0);
    assert!(type_erased(&calls, false).unwrap_err().is::<std::io::Error>());
    assert_eq!(calls.get(), 3);
    let calls = Cell::new(0);
    assert!(type_erased(&calls, true).unwrap_err().is::<std::fmt::Error>());
    assert_eq!(calls.get(), 1);
}

#[stamina::retry(on = |e| e.kind() == std::io::ErrorKind::Interrupted, attempts = 3, wait_max = 0)]
fn io_alias(calls: &Cell<u32>) -> std::io::Result<u32> {
    calls.set(calls.get() + 1);
    if calls.get() < 2 {
        return Err(std::io::ErrorKind::Interrupted.into());
    }
    Ok(calls.get())
}

type ApiResult<T> = Result<T, ApiError>;

#[stamina::retry(on = is_retriable, attempts = 3, wait_max = 0)]
fn user_alias(calls: &Cell<u32>) -> ApiResult<u32> {
    flaky(calls, 1)
}

#[stamina::retry(on = |e: &anyhow::Error| e.is::<std::io::Error>(), attempts = 3, wait_max = 0)]
fn anyhow_alias(calls: &Cell<u32>) -> anyhow::Result<u32> {
    calls.set(calls.get() + 1);
    if calls.get() < 3 {
        return Err(std::io::Error::other("reset").into());
    }
    Ok(calls.get())
}

#[test]
fn result_aliases_are_results() {
    let calls = Cell::new(0);
    assert_eq!(io_alias(&calls).unwrap(), 2);
    let calls = Cell::new(0);
    assert_eq!(user_alias(&calls), Ok(2));
    let calls = Cell::new(0);
    assert_eq!(anyhow_alias(&calls).unwrap(), 3);
}

#[stamina::retry(on = is_retriable, attempts = 3, wait_max = 0)]
fn generic<'a, T: Clone, F>(
    items: &'a [T],
    label: impl AsRef<str>,
    check: F,
) -> Result<(&'a T, usize), ApiError>
where
    F: Fn() -> Result<u32, ApiError>,
{
    check()?;
    Ok((&items[0], label.as_ref().len()))
}

#[test]
fn generic_fns_with_impl_trait_arguments() {
    let calls = Cell::new(0);
    assert_eq!(generic(&["a"], "xyz", || flaky(&calls, 2)), Ok((&"a", 3)));
    assert_eq!(calls.get(), 3);
}

#[stamina::retry(on = is_retriable, attempts = 3, wait_max = 0)]
fn opaque(calls: &Cell<u32>) -> Result<impl std::fmt::Display, ApiError> {
    flaky(calls, 1)
}

#[test]
fn impl_trait_in_the_ok_type() {
    let calls = Cell::new(0);
    assert_eq!(opaque(&calls).unwrap().to_string(), "2");
}

#[stamina::retry(on = is_retriable, attempts = 3, wait_max = 0, clone(payload))]
fn consume(calls: &Cell<u32>, mut payload: Vec<u32>) -> Result<Vec<u32>, ApiError> {
    payload.push(calls.get());
    flaky(calls, 2)?;
    Ok(payload)
}

#[test]
fn cloned_arguments_are_fresh_in_every_attempt() {
    let calls = Cell::new(0);
    // Each attempt pushes onto its own clone of [7]: the last attempt sees
    // only its own push.
    assert_eq!(consume(&calls, vec![7]), Ok(vec![7, 2]));
    assert_eq!(calls.get(), 3);
}

#[stamina::retry(on = is_retriable, attempts = None, timeout = None, wait_max = 0)]
fn unlimited(calls: &Cell<u32>) -> Result<u32, ApiError> {
    flaky(calls, 25)
}

#[test]
fn none_means_no_limit() {
    let calls = Cell::new(0);
    assert_eq!(unlimited(&calls), Ok(26));
}

fn runtime_attempts() -> u32 {
    2
}

#[stamina::retry(on = is_retriable, attempts = runtime_attempts(), wait_max = Duration::ZERO)]
fn expression_parameters(calls: &Cell<u32>) -> Result<u32, ApiError> {
    flaky(calls, 10)
}

#[test]
fn parameters_may_be_expressions() {
    let calls = Cell::new(0);
    assert_eq!(expression_parameters(&calls), Err(ApiError::Unavailable(2)));
}
