//! The built-in sink for the `metrics` facade.

use metrics::{Unit, counter, describe_counter};

use super::details::{GiveUpDetails, RetryDetails, SuccessDetails};
use super::guard::HookGuard;
use super::hook::RetryHook;
use super::{GAVE_UP, RETRIES, SUCCEEDED};

/// Counts retries and outcomes through the `metrics` facade, for whichever
/// exporter the application installed (the same names and labels as
/// [`PrometheusHook`](super::PrometheusHook)):
///
/// - `stamina_retries_total{callable, retry_num, error_type}`
/// - `stamina_gave_up_total{callable, reason, error_type}`
/// - `stamina_succeeded_after_retries_total{callable}`
///
/// ```
/// use stamina::instrumentation::{MetricsHook, RetryHookFactory, set_on_retry_hooks};
///
/// // A factory: the counters are described to the recorder installed by then.
/// set_on_retry_hooks((RetryHookFactory::new(MetricsHook::new),));
/// # set_on_retry_hooks(None);
/// ```
#[derive(Clone, Copy, Debug, Default)]
#[non_exhaustive]
pub struct MetricsHook;

impl MetricsHook {
    /// The `metrics` sink; describes its counters to the recorder installed now.
    ///
    /// ```
    /// // After installing your exporter's recorder:
    /// stamina::instrumentation::set_on_retry_hooks((stamina::instrumentation::MetricsHook::new(),));
    /// # stamina::instrumentation::set_on_retry_hooks(None);
    /// ```
    pub fn new() -> Self {
        for spec in [RETRIES, GAVE_UP, SUCCEEDED] {
            describe_counter!(spec.total, Unit::Count, spec.help);
        }
        Self
    }
}

impl RetryHook for MetricsHook {
    fn on_retry(&self, details: &RetryDetails<'_>) -> HookGuard {
        counter!(
            RETRIES.total,
            "callable" => details.name.to_owned(),
            "retry_num" => details.retry_num.to_string(),
            "error_type" => details.error_type,
        )
        .increment(1);
        HookGuard::none()
    }

    fn on_success(&self, details: &SuccessDetails<'_>) {
        counter!(SUCCEEDED.total, "callable" => details.name.to_owned()).increment(1);
    }

    fn on_give_up(&self, details: &GiveUpDetails<'_>) {
        counter!(
            GAVE_UP.total,
            "callable" => details.name.to_owned(),
            "reason" => details.reason.as_str(),
            "error_type" => details.error_type,
        )
        .increment(1);
    }
}
