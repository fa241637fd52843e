//! What the runtime API (the callers and `retry_context`) logs about an
//! error, through a real `tracing_subscriber::fmt` subscriber: by default the
//! error's capped `Debug` (a generic loop cannot tell that `E: Error`); after
//! `.with_dyn_error()`, its `Display` and `source()` chain, never its `Debug`,
//! for every caller kind and form, sync and async.

use std::future::Future;
use std::io;
use std::time::Duration;

use crate::support::{always, isolated};
use crate::traced::{RequestError, caused_by, request_error, traced};
use stamina::instrumentation::{MAX_ERROR_SUMMARY_BYTES, set_on_retry_hooks};
use stamina::{AsyncRetryingCaller, AttemptTimedOut, RetryingCaller, retry_context};

/// For the callers and contexts that cancel attempts.
impl From<AttemptTimedOut> for RequestError {
    fn from(timed_out: AttemptTimedOut) -> Self {
        Self { status: 504, headers: Vec::new(), source: io::Error::new(io::ErrorKind::TimedOut, timed_out) }
    }
}

fn fail() -> Result<(), RequestError> {
    Err(request_error())
}

async fn fail_async() -> Result<(), RequestError> {
    Err(request_error())
}

fn on_error(result: &Result<(), RequestError>) -> bool {
    result.is_err()
}

const CHAIN: &str = "request failed with status 503: connection reset by peer";

/// Runs `future` on a current-thread runtime with paused time (no real
/// sleep), on this thread, so the thread's subscriber sees its events.
fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap()
        .block_on(future)
}

/// `run` retried a `RequestError` once and gave up: both events show its
/// `Display` and sources, and no line its headers.
#[track_caller]
fn assert_shown_as_error(form: &str, run: impl FnOnce()) {
    let lines = traced(run);
    assert_eq!(lines.len(), 2, "{form}: {lines:#?}"); // retry_scheduled, gave_up
    for line in &lines {
        assert_eq!(caused_by(line), CHAIN, "{form}: {line}");
        assert!(!line.contains("SECRET"), "{form}: {line}");
    }
}

/// The default: the capped `Debug`, the documented behaviour of a loop that
/// cannot tell that its error is an `Error`.
#[track_caller]
fn assert_shown_by_debug(form: &str, run: impl FnOnce()) {
    let lines = traced(run);
    assert_eq!(lines.len(), 2, "{form}: {lines:#?}");
    for line in &lines {
        let logged = caused_by(line);
        assert!(logged.starts_with("RequestError { status: 503, headers: ["), "{form}: {line}");
        assert!(logged.len() <= MAX_ERROR_SUMMARY_BYTES + '…'.len_utf8(), "{form}: {line}");
    }
}

fn caller() -> RetryingCaller {
    RetryingCaller::new().attempts(2).wait_max(Duration::ZERO)
}

fn async_caller() -> AsyncRetryingCaller {
    AsyncRetryingCaller::new().attempts(2).wait_initial(Duration::from_secs(1))
}

#[test]
fn the_sync_callers_with_dyn_error_log_the_display_and_sources() {
    let caller = caller().with_dyn_error();
    assert_shown_as_error("call", || assert!(caller.call(always, fail).is_err()));
    assert_shown_as_error("call_with_outcome", || assert!(caller.call_with_outcome(always, fail).0.is_err()));
    assert_shown_as_error("call_on_result", || assert!(caller.call_on_result(on_error, fail).is_err()));

    let bound = caller.on(always);
    assert_shown_as_error("bound call", || assert!(bound.call(fail).is_err()));
    assert_shown_as_error("bound call_with_outcome", || assert!(bound.call_with_outcome(fail).0.is_err()));
    let bound_then_opted_in = self::caller().on(on_error).with_dyn_error();
    assert_shown_as_error("bound call_on_result", || {
        assert!(bound_then_opted_in.call_on_result(fail).is_err());
    });
}

#[test]
fn the_async_callers_with_dyn_error_log_the_display_and_sources() {
    let caller = async_caller().with_dyn_error();
    assert_shown_as_error("call", || assert!(block_on(caller.call(always, fail_async)).is_err()));
    assert_shown_as_error("call_with_outcome", || {
        assert!(block_on(caller.call_with_outcome(always, fail_async)).0.is_err());
    });
    assert_shown_as_error("call_on_result", || {
        assert!(block_on(caller.call_on_result(on_error, fail_async)).is_err());
    });

    let bound = caller.on(always);
    assert_shown_as_error("bound call", || assert!(block_on(bound.call(fail_async)).is_err()));
    assert_shown_as_error("bound call_with_outcome", || {
        assert!(block_on(bound.call_with_outcome(fail_async)).0.is_err());
    });
    let bound_then_opted_in = async_caller().on(on_error).with_dyn_error();
    assert_shown_as_error("bound call_on_result", || {
        assert!(block_on(bound_then_opted_in.call_on_result(fail_async)).is_err());
    });

    // The callers that cancel attempts, opted in before or after the switch.
    let cancelling = async_caller().with_dyn_error().attempt_timeout(Duration::from_secs(5));
    assert_shown_as_error("cancelling call", || {
        assert!(block_on(cancelling.call(always, fail_async)).is_err());
    });
    assert_shown_as_error("cancelling call_with_outcome", || {
        assert!(block_on(cancelling.call_with_outcome(always, fail_async)).0.is_err());
    });
    let bound_cancelling = async_caller().attempt_timeout(Duration::from_secs(5)).on(always).with_dyn_error();
    assert_shown_as_error("bound cancelling call", || {
        assert!(block_on(bound_cancelling.call(fail_async)).is_err());
    });
}

#[test]
fn retry_context_with_dyn_error_logs_the_display_and_sources() {
    let context = retry_context(always).attempts(2).wait_max(Duration::ZERO).with_dyn_error();
    assert_shown_as_error("call", || assert!(context.call(|_| fail()).is_err()));
    assert_shown_as_error("call_with_outcome", || assert!(context.call_with_outcome(|_| fail()).0.is_err()));
    assert_shown_as_error("call_async", || {
        assert!(block_on(context.call_async(async |_| fail_async().await)).is_err());
    });
    assert_shown_as_error("call_async_with_outcome", || {
        assert!(block_on(context.call_async_with_outcome(async |_| fail_async().await)).0.is_err());
    });

    let on_result = retry_context(on_error).attempts(2).wait_max(Duration::ZERO).with_dyn_error();
    assert_shown_as_error("call_on_result", || assert!(on_result.call_on_result(|_| fail()).is_err()));
    assert_shown_as_error("call_async_on_result", || {
        assert!(block_on(on_result.call_async_on_result(async |_| fail_async().await)).is_err());
    });

    let cancelling =
        retry_context(always).attempts(2).attempt_timeout(Duration::from_secs(5)).with_dyn_error();
    assert_shown_as_error("cancelling call_async", || {
        assert!(block_on(cancelling.call_async(async |_| fail_async().await)).is_err());
    });
}

#[test]
fn the_streams_of_a_context_with_dyn_error_log_the_display_and_sources() {
    let context = retry_context(always).attempts(2).wait_max(Duration::ZERO).with_dyn_error();
    assert_shown_as_error("iter", || assert_eq!(context.iter(|_| std::iter::once(fail())).count(), 1));
    assert_shown_as_error("stream", || {
        let stream = context.stream(|_| futures_lite::stream::once(fail()));
        assert_eq!(block_on(futures_lite::StreamExt::count(stream)), 1);
    });
}

#[test]
fn without_with_dyn_error_the_runtime_api_logs_the_capped_debug() {
    assert_shown_by_debug("caller", || assert!(caller().call(always, fail).is_err()));
    assert_shown_by_debug("async caller", || {
        assert!(block_on(async_caller().call(always, fail_async)).is_err());
    });
    let context = retry_context(always).attempts(2).wait_max(Duration::ZERO);
    assert_shown_by_debug("retry_context", || assert!(context.call(|_| fail()).is_err()));
}

#[test]
fn with_dyn_error_changes_no_size() {
    // Zero-sized: the opted-in caller, context and the loops' futures are
    // the sizes of the default ones.
    let caller = async_caller();
    let opted_in = caller.with_dyn_error();
    assert_eq!(size_of_val(&opted_in), size_of_val(&caller));
    assert_eq!(
        size_of_val(&opted_in.call(always, fail_async)),
        size_of_val(&caller.call(always, fail_async))
    );
    let context = retry_context(always);
    let context_opted_in = context.with_dyn_error();
    assert_eq!(size_of_val(&context_opted_in), size_of_val(&context));
    assert_eq!(
        size_of_val(&context_opted_in.call_async(async |_| fail_async().await)),
        size_of_val(&context.call_async(async |_| fail_async().await))
    );
}

#[test]
#[cfg(feature = "log")]
fn the_log_sink_logs_the_same_for_the_runtime_api() {
    use crate::instrumentation_log::take_records;
    use stamina::instrumentation::LogHook;

    let _isolated = isolated();
    set_on_retry_hooks((LogHook::new(),));
    let _ = take_records();
    assert!(caller().with_dyn_error().call(always, fail).is_err());
    assert!(
        block_on(retry_context(always).attempts(2).with_dyn_error().call_async(async |_| fail_async().await))
            .is_err()
    );
    assert!(caller().call(always, fail).is_err()); // the default
    let summaries: Vec<String> =
        take_records().into_iter().filter_map(|record| record.key_values.get("caused_by").cloned()).collect();
    assert_eq!(summaries.len(), 6, "{summaries:#?}");
    assert!(summaries[..4].iter().all(|summary| summary == CHAIN), "{summaries:#?}");
    assert!(summaries[4].starts_with("RequestError { status: 503, headers: ["), "{}", summaries[4]);
}

#[test]
fn a_timed_out_attempt_is_logged_by_its_display_too() {
    let caller = async_caller().with_dyn_error().attempt_timeout(Duration::from_secs(5));
    let lines = traced(|| {
        assert!(block_on(caller.call(always, std::future::pending::<Result<(), RequestError>>)).is_err());
    });
    assert_eq!(lines.len(), 2, "{lines:#?}");
    for line in &lines {
        assert_eq!(
            caused_by(line),
            "request failed with status 504: the attempt did not finish within its attempt timeout of 5s",
            "{line}"
        );
    }
}
