//! The default hooks, chosen from the enabled cargo features the way Python
//! stamina chooses from the installed packages.

use super::hook::Hook;

/// The hooks `set_on_retry_hooks(None)` stands for, in order:
///
/// 1. the Prometheus counters, if the `prometheus` feature is enabled;
/// 2. the `metrics` counters, if the `metrics` feature is enabled;
/// 3. the `tracing` events if the `tracing` feature is enabled, else the `log`
///    records if the `log` feature is enabled: never both, so one retry is
///    never logged twice (a `tracing` subscriber often forwards `log` records).
///
/// The metric sinks are factories: they register their counters on the first
/// retry, not at start-up.
pub(crate) fn default_hooks() -> Vec<Hook> {
    vec![
        #[cfg(feature = "prometheus")]
        super::IntoHook::into_hook(super::RetryHookFactory::new(super::PrometheusHook::new)),
        #[cfg(feature = "metrics")]
        super::IntoHook::into_hook(super::RetryHookFactory::new(super::MetricsHook::new)),
        #[cfg(feature = "tracing")]
        super::IntoHook::into_hook(super::TracingHook::new()),
        #[cfg(all(feature = "log", not(feature = "tracing")))]
        super::IntoHook::into_hook(super::LogHook::new()),
    ]
}

#[cfg(test)]
mod tests {
    use super::default_hooks;

    /// Run under each feature combination of stamina-core: `--no-default-features`
    /// plus `--features log`, `tracing`, `log,tracing`, `prometheus`, `metrics`.
    #[test]
    fn metric_sinks_first_then_one_log_sink() {
        let names: Vec<&str> = default_hooks().iter().map(|hook| hook.resolve().type_name()).collect();
        let mut expected = Vec::new();
        if cfg!(feature = "prometheus") {
            expected.push("stamina_core::instrumentation::prometheus::PrometheusHook");
        }
        if cfg!(feature = "metrics") {
            expected.push("stamina_core::instrumentation::metrics_hook::MetricsHook");
        }
        if cfg!(feature = "tracing") {
            expected.push("stamina_core::instrumentation::tracing_hook::TracingHook");
        } else if cfg!(feature = "log") {
            expected.push("stamina_core::instrumentation::log_hook::LogHook");
        }
        assert_eq!(names, expected);
    }
}
