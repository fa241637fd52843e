//! The built-in `log` sink.

use super::details::{GiveUpDetails, RetryDetails, SuccessDetails, rounded_secs};
use super::guard::HookGuard;
use super::hook::RetryHook;
use super::levels::{Event, event_level, give_up_level, log_level};

/// Logs a record through the `log` crate, target `stamina`, for every scheduled
/// retry and at the end of every loop that retried or gave up: the same
/// messages, levels and fields as [`TracingHook`](super::TracingHook), the
/// fields as the record's key-values (`caused_by` is the
/// [`ErrorSummary`](super::ErrorSummary), captured by `Display`).
///
/// A default hook with the `log` feature when the `tracing` feature is off.
/// Loggers that print key-values (e.g. `env_logger` with its `kv` feature)
/// show them after the message; others show the message only. Durations are
/// seconds rounded to two decimals, which `log` writes with `Display` (a
/// zero is `0`):
///
/// ```
/// # use std::sync::Mutex;
/// # static LINES: Mutex<Vec<String>> = Mutex::new(Vec::new());
/// # /// Prints `[LEVEL target] message key=value ...`.
/// # struct KeyValueLogger;
/// # struct Line(String);
/// # impl<'kvs> log::kv::VisitSource<'kvs> for Line {
/// #     fn visit_pair(&mut self, key: log::kv::Key<'kvs>, value: log::kv::Value<'kvs>) -> Result<(), log::kv::Error> {
/// #         self.0 += &format!(" {key}={value}");
/// #         Ok(())
/// #     }
/// # }
/// # impl log::Log for KeyValueLogger {
/// #     fn enabled(&self, _: &log::Metadata<'_>) -> bool { true }
/// #     fn log(&self, record: &log::Record<'_>) {
/// #         let mut line = Line(format!("[{} {}] {}", record.level(), record.target(), record.args()));
/// #         record.key_values().visit(&mut line).unwrap();
/// #         LINES.lock().unwrap().push(line.0);
/// #     }
/// #     fn flush(&self) {}
/// # }
/// # log::set_logger(&KeyValueLogger).unwrap();
/// # log::set_max_level(log::LevelFilter::Info);
/// use stamina::instrumentation::{LogHook, set_on_retry_hooks};
///
/// set_on_retry_hooks((LogHook::new(),));
///
/// let result: Result<(), std::fmt::Error> =
///     stamina::retry_block!(on = |_| true, attempts = 2, wait_initial = "100ms", wait_jitter = 0, |_| {
///         Err(std::fmt::Error)
///     });
/// assert!(result.is_err());
/// assert_eq!(*LINES.lock().unwrap(), [
///     "[WARN stamina] stamina.retry_scheduled callable=<context block> retry_num=1 error_type=core::fmt::Error \
///      caused_by=an error occurred when formatting an argument wait_for=0.1 waited_so_far=0",
///     "[WARN stamina] stamina.gave_up callable=<context block> reason=attempts_exhausted attempts=2 \
///      error_type=core::fmt::Error caused_by=an error occurred when formatting an argument waited=0.1",
/// ]);
/// # set_on_retry_hooks(None);
/// ```
#[derive(Clone, Copy, Debug, Default)]
#[non_exhaustive]
pub struct LogHook;

impl LogHook {
    /// The `log` sink.
    ///
    /// ```
    /// stamina::instrumentation::set_on_retry_hooks((stamina::instrumentation::LogHook::new(),));
    /// # stamina::instrumentation::set_on_retry_hooks(None);
    /// ```
    pub const fn new() -> Self {
        Self
    }
}

impl RetryHook for LogHook {
    fn on_retry(&self, details: &RetryDetails<'_>) -> HookGuard {
        log::log!(
            target: "stamina",
            log_level(event_level(Event::Retry)),
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
            log_level(event_level(Event::Success)),
            callable = details.name,
            attempts = details.attempts,
            waited = rounded_secs(details.waited);
            "stamina.succeeded_after_retries"
        );
    }

    fn on_give_up(&self, details: &GiveUpDetails<'_>) {
        log::log!(
            target: "stamina",
            log_level(give_up_level(details.reason, details.attempts)),
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
