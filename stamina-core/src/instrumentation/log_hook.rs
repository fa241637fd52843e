//! The built-in `log` sink.

use log::Level;

use super::details::{GiveUpDetails, GiveUpReason, RetryDetails, SuccessDetails, rounded_secs};
use super::guard::HookGuard;
use super::hook::RetryHook;

/// Logs a record through the `log` crate, target `stamina`, for every scheduled
/// retry and at the end of every loop that retried or gave up: the same
/// messages, levels and fields as [`TracingHook`](super::TracingHook), the
/// fields as the record's key-values (`caused_by` is the
/// [`ErrorSummary`](super::ErrorSummary), captured by `Display`).
///
/// Loggers that print key-values (e.g. `env_logger` with its `kv` feature)
/// show them after the message; others show the message only.
///
/// ```
/// use stamina::instrumentation::{LogHook, set_on_retry_hooks};
///
/// set_on_retry_hooks((LogHook::new(),));
/// # set_on_retry_hooks(None);
/// ```
#[derive(Clone, Copy, Debug, Default)]
#[non_exhaustive]
pub struct LogHook;

impl LogHook {
    /// The `log` sink.
    pub const fn new() -> Self {
        Self
    }
}

impl RetryHook for LogHook {
    fn on_retry(&self, details: &RetryDetails<'_>) -> HookGuard {
        log::log!(
            target: "stamina",
            Level::Warn,
            callable = details.name,
            retry_num = details.retry_num,
            error_type = details.error_type,
            caused_by:% = details.error_summary(),
            wait_for = rounded_secs(details.wait_for),
            waited_so_far = rounded_secs(details.waited_so_far);
            "stamina.retry_scheduled"
        );
        HookGuard::none()
    }

    fn on_success(&self, details: &SuccessDetails<'_>) {
        log::log!(
            target: "stamina",
            Level::Info,
            callable = details.name,
            attempts = details.attempts,
            waited = rounded_secs(details.waited);
            "stamina.succeeded_after_retries"
        );
    }

    fn on_give_up(&self, details: &GiveUpDetails<'_>) {
        let level = match details.reason {
            GiveUpReason::NotRetryable if details.attempts <= 1 => Level::Debug,
            GiveUpReason::NotRetryable => Level::Info,
            _ => Level::Warn,
        };
        log::log!(
            target: "stamina",
            level,
            callable = details.name,
            reason = details.reason.as_str(),
            attempts = details.attempts,
            error_type = details.error_type,
            caused_by:% = details.error_summary(),
            waited = rounded_secs(details.waited);
            "stamina.gave_up"
        );
    }
}
