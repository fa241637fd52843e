//! Result predicates: an `Ok` value retried like an error, and returned
//! unchanged when the loop gives up; what hooks and the recorder see of it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use http::{Response, StatusCode, header::RETRY_AFTER};
use stamina::http::RetryOnStatus;
use stamina::instrumentation::{GiveUpDetails, GiveUpReason, RetryDetails, give_up_hook, retry_hook};
use stamina::testing::{AttemptOutcome, Recorder};
use stamina::{AsyncRetryingCaller, RetryingCaller, retry_context};

use crate::support;

fn caller() -> RetryingCaller {
    RetryingCaller::new().attempts(4).wait_max(Duration::ZERO)
}

fn is_503(result: &Result<u16, std::io::Error>) -> bool {
    matches!(result, Ok(503))
}

#[test]
fn a_retried_ok_is_retried_until_it_is_not() {
    let mut statuses = [503, 503, 200].into_iter();
    let mut calls = 0;
    let status = caller().call_on_result(is_503, || {
        calls += 1;
        Ok(statuses.next().unwrap())
    });
    assert_eq!(status.unwrap(), 200);
    assert_eq!(calls, 3);
}

#[test]
fn the_last_ok_is_returned_unchanged_when_the_loop_gives_up() {
    let recorder = Recorder::new();
    let _recording = recorder.thread_scope();
    let mut calls = 0;
    let status = caller().call_on_result(is_503, || {
        calls += 1;
        Ok(503)
    });
    assert_eq!(status.unwrap(), 503, "an Ok(503) stays an Ok(503)");
    assert_eq!(calls, 4);
    assert_eq!(recorder.give_ups(), [GiveUpReason::AttemptsExhausted]);
}

#[test]
fn errors_are_decided_by_the_same_predicate() {
    let on_result = |result: &Result<u16, std::io::Error>| match result {
        Ok(status) => *status >= 500,
        Err(error) => error.kind() == std::io::ErrorKind::ConnectionReset,
    };
    let mut outcomes = vec![
        Err(std::io::ErrorKind::ConnectionReset.into()),
        Ok(502),
        Err(std::io::ErrorKind::PermissionDenied.into()),
    ]
    .into_iter();
    let result = caller().call_on_result(on_result, || outcomes.next().unwrap());
    assert_eq!(
        result.unwrap_err().kind(),
        std::io::ErrorKind::PermissionDenied,
        "not retried, returned as is"
    );
    assert_eq!(outcomes.len(), 0);
}

#[test]
fn an_ok_the_predicate_does_not_retry_is_a_success() {
    let recorder = Recorder::new();
    let _recording = recorder.thread_scope();
    let mut statuses = [503, 404].into_iter();
    let status = caller().call_on_result(is_503, || Ok(statuses.next().unwrap()));
    assert_eq!(status.unwrap(), 404);
    let outcomes: Vec<_> = recorder.attempts().into_iter().map(|attempt| attempt.outcome).collect();
    assert!(
        matches!(outcomes[..], [AttemptOutcome::Retried { .. }, AttemptOutcome::Succeeded]),
        "{outcomes:?}"
    );
    assert!(recorder.give_ups().is_empty());
}

#[test]
fn a_retried_ok_has_no_error_type_and_an_error_keeps_its_own() {
    let recorder = Recorder::new();
    let _recording = recorder.thread_scope();
    let on_result = |result: &Result<u16, std::io::Error>| !matches!(result, Ok(200));
    let mut outcomes = vec![Ok(503), Err(std::io::ErrorKind::TimedOut.into()), Ok(503)].into_iter();
    let _ = caller().attempts(3).call_on_result(on_result, || outcomes.next().unwrap());
    let outcomes: Vec<_> = recorder.attempts().into_iter().map(|attempt| attempt.outcome).collect();
    let error_types: Vec<_> = outcomes
        .iter()
        .map(|outcome| match outcome {
            AttemptOutcome::Retried { error_type, .. } | AttemptOutcome::GaveUp { error_type, .. } => {
                *error_type
            }
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(error_types, ["", "std::io::error::Error", ""]);
}

#[test]
fn hooks_see_a_retried_ok_by_its_type_name_never_its_debug() {
    #[derive(Debug)]
    struct Page {
        #[allow(dead_code)] // read by `Debug` only, which must not reach the hooks
        session_cookie: &'static str,
    }
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (on_retry, on_give_up) = (Arc::clone(&seen), Arc::clone(&seen));
    let _isolated = support::isolated_with((
        // Loops of other tests run meanwhile: only this test's name is recorded.
        retry_hook(move |details: &RetryDetails<'_>| {
            if details.name != "secret_page" {
                return;
            }
            let summary = details.error_summary().to_string();
            on_retry.lock().unwrap().push((summary, details.error_type, details.error.is_none()));
        }),
        give_up_hook(move |details: &GiveUpDetails<'_>| {
            if details.name != "secret_page" {
                return;
            }
            let summary = details.error_summary().to_string();
            on_give_up.lock().unwrap().push((summary, details.error_type, details.error.is_none()));
        }),
    ));
    let page = caller()
        .attempts(2)
        .name("secret_page")
        .call_on_result(|_: &Result<Page, ()>| true, || Ok(Page { session_cookie: "secret" }));
    assert!(page.is_ok());
    let shown = format!("Ok({})", std::any::type_name::<Page>());
    assert_eq!(*seen.lock().unwrap(), [(shown.clone(), "", true), (shown, "", true)]);
}

#[test]
fn retry_context_blocks_retry_on_results() {
    let mut seen = Vec::new();
    let report = retry_context(|result: &Result<Option<u32>, ()>| matches!(result, Ok(None)))
        .attempts(5)
        .wait_max(Duration::ZERO)
        .call_on_result(|attempt| {
            seen.push(attempt.num());
            Ok((attempt.num() == 3).then_some(7))
        });
    assert_eq!(report, Ok(Some(7)));
    assert_eq!(seen, [1, 2, 3]);
}

#[tokio::test(start_paused = true)]
async fn async_forms_retry_on_results() {
    let status = retry_context(|result: &Result<u16, ()>| matches!(result, Ok(503)))
        .attempts(3)
        .wait_max(Duration::ZERO)
        .call_async_on_result(async |attempt| Ok(if attempt.num() < 3 { 503 } else { 200 }))
        .await;
    assert_eq!(status, Ok(200));

    let mut calls = 0;
    let status = AsyncRetryingCaller::new()
        .attempts(3)
        .wait_max(Duration::ZERO)
        .call_on_result(is_503, || {
            calls += 1;
            async { Ok(503) }
        })
        .await;
    assert_eq!(status.unwrap(), 503);
    assert_eq!(calls, 3);
}

fn response(status: u16, retry_after: Option<&'static str>) -> Response<()> {
    let mut builder = Response::builder().status(status);
    if let Some(wait) = retry_after {
        builder = builder.header(RETRY_AFTER, wait);
    }
    builder.body(()).unwrap()
}

/// The paused time a call waits when the server answers `first`, then 200.
async fn waited_for(on_status: RetryOnStatus, first: Response<()>) -> (Duration, u32) {
    let mut first = Some(first);
    let mut calls = 0;
    let started = tokio::time::Instant::now();
    let response = AsyncRetryingCaller::new()
        .attempts(3)
        .call_on_result(on_status.on_response(), || {
            calls += 1;
            let response = first.take().unwrap_or_else(|| response(200, None));
            async { Ok::<_, std::io::Error>(response) }
        })
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    (started.elapsed(), calls)
}

#[tokio::test(start_paused = true)]
async fn the_response_predicate_waits_retry_after_capped() {
    let trusting = RetryOnStatus::new();
    assert_eq!(waited_for(trusting, response(429, Some("1"))).await, (Duration::from_secs(1), 2));
    assert_eq!(waited_for(trusting, response(503, Some("3"))).await, (Duration::from_secs(3), 2));
    let wary = RetryOnStatus::new().max_retry_after(Duration::from_millis(250));
    assert_eq!(waited_for(wary, response(429, Some("3600"))).await, (Duration::from_millis(250), 2));
}

#[tokio::test(start_paused = true)]
async fn the_response_predicate_retries_5xx_and_429_only() {
    for (status, attempts) in [(500, 3), (503, 3), (429, 3), (404, 1), (400, 1), (200, 1), (302, 1)] {
        let mut calls = 0;
        let response = AsyncRetryingCaller::new()
            .attempts(3)
            .wait_max(Duration::ZERO)
            .call_on_result(RetryOnStatus::new().on_response(), || {
                calls += 1;
                async move { Ok::<_, std::io::Error>(response(status, None)) }
            })
            .await;
        assert_eq!(response.unwrap().status(), status, "the last response, unchanged");
        assert_eq!(calls, attempts, "{status}");
    }
    // Errors are not retried unless named.
    let mut calls = 0;
    let error = AsyncRetryingCaller::new()
        .call_on_result(RetryOnStatus::new().on_response(), || {
            calls += 1;
            async { Err::<Response<()>, _>(std::io::Error::from(std::io::ErrorKind::ConnectionReset)) }
        })
        .await;
    assert!(error.is_err());
    assert_eq!(calls, 1);
}

#[test]
fn with_retrying_off_one_attempt_runs_and_the_predicate_is_not_asked() {
    let _off = stamina::testing::thread_scope(stamina::testing::Mode::Inactive);
    let asked = std::cell::Cell::new(0);
    let mut calls = 0;
    let status = caller().call_on_result(
        |result: &Result<u16, ()>| {
            asked.set(asked.get() + 1);
            matches!(result, Ok(503))
        },
        || {
            calls += 1;
            Ok(503)
        },
    );
    assert_eq!((status, calls, asked.get()), (Ok(503), 1, 0));
}

#[tokio::test(start_paused = true)]
async fn bound_callers_take_result_predicates() {
    let mut statuses = [503, 200].into_iter();
    let on_503 = caller().on(is_503);
    assert_eq!(on_503.call_on_result(|| Ok(statuses.next().unwrap())).unwrap(), 200);

    let mut calls = 0;
    let on_503 = AsyncRetryingCaller::new().attempts(3).wait_max(Duration::ZERO).on(is_503);
    let status = on_503
        .call_on_result(|| {
            calls += 1;
            async { Ok(503) }
        })
        .await;
    assert_eq!((status.unwrap(), calls), (503, 3));
}
