//! The built-in `tracing` sink.

use super::details::{GiveUpDetails, RetryDetails, SuccessDetails, rounded_secs};
use super::guard::HookGuard;
use super::hook::RetryHook;
use super::levels::{Event, Severity, event_level, give_up_level, tracing_level};

/// Emits a `tracing` event, target `stamina`, for every scheduled retry and at
/// the end of every loop that retried or gave up.
///
/// | event (message) | level | fields |
/// |---|---|---|
/// | `stamina.retry_scheduled` | WARN | `callable`, `retry_num`, `error_type`, `caused_by`, `wait_for`, `waited_so_far` |
/// | `stamina.succeeded_after_retries` | INFO | `callable`, `attempts`, `waited` |
/// | `stamina.gave_up` | DEBUG (`not_retryable` on the first attempt); INFO (`not_retryable` after a retry); WARN (any other [reason](super::GiveUpReason::as_str): `attempts_exhausted`, `timeout`, `budget_exhausted`, `request_not_cloneable`, `stream_committed`) | `callable`, `reason`, `attempts`, `error_type`, `caused_by`, `waited` |
///
/// Durations are seconds as `f64`, rounded to two decimals as in Python
/// stamina; `caused_by` is the error's [`ErrorSummary`](super::ErrorSummary):
/// its `Display` and sources when it is an `Error`, at most
/// [`MAX_ERROR_SUMMARY_BYTES`](super::MAX_ERROR_SUMMARY_BYTES) bytes. What a
/// `tracing_subscriber::fmt()` subscriber prints is on the page
/// [what the sinks print](https://docs.rs/stamina/latest/stamina/docs/sink_output/index.html).
///
/// The events are emitted inside whatever span the code that runs the loop
/// is in: put `#[stamina::retry]` above `#[tracing::instrument]`, so that the
/// span encloses the loop.
///
/// ```
/// use stamina::instrumentation::{TracingHook, set_on_retry_hooks};
///
/// set_on_retry_hooks((TracingHook::new(),));
/// # set_on_retry_hooks(None);
/// ```
#[derive(Clone, Copy, Debug, Default)]
#[non_exhaustive]
pub struct TracingHook;

impl TracingHook {
    /// The `tracing` sink.
    ///
    /// ```
    /// const SINK: stamina::instrumentation::TracingHook = stamina::instrumentation::TracingHook::new();
    /// stamina::instrumentation::set_on_retry_hooks((SINK,));
    /// # stamina::instrumentation::set_on_retry_hooks(None);
    /// ```
    pub const fn new() -> Self {
        Self
    }
}

impl RetryHook for TracingHook {
    fn on_retry(&self, details: &RetryDetails<'_>) -> HookGuard {
        tracing::event!(
            target: "stamina",
            tracing_level(event_level(Event::Retry)),
            callable = details.name,
            retry_num = details.retry_num,
            error_type = details.error_type,
            caused_by = %details.error_summary(),
            wait_for = rounded_secs(details.wait_for),
            waited_so_far = rounded_secs(details.waited_so_far),
            "stamina.retry_scheduled"
        );
        HookGuard::none()
    }

    fn on_success(&self, details: &SuccessDetails<'_>) {
        tracing::event!(
            target: "stamina",
            tracing_level(event_level(Event::Success)),
            callable = details.name,
            attempts = details.attempts,
            waited = rounded_secs(details.waited),
            "stamina.succeeded_after_retries"
        );
    }

    fn on_give_up(&self, details: &GiveUpDetails<'_>) {
        // A callsite's level is static: one event per level.
        macro_rules! gave_up {
            ($severity:expr) => {
                tracing::event!(
                    target: "stamina",
                    tracing_level($severity),
                    callable = details.name,
                    reason = details.reason.as_str(),
                    attempts = details.attempts,
                    error_type = details.error_type,
                    caused_by = %details.error_summary(),
                    waited = rounded_secs(details.waited),
                    "stamina.gave_up"
                )
            };
        }
        match give_up_level(details.reason, details.attempts) {
            Severity::Debug => gave_up!(Severity::Debug),
            Severity::Info => gave_up!(Severity::Info),
            Severity::Warn => gave_up!(Severity::Warn),
        }
    }
}
