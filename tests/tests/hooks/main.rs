//! The hook registry and what instrumentation reports and costs: hooks, the
//! names they see, the built-in sinks, and the loop with no hook at all.
//!
//! Why these share a binary, apart from every other: the hook registry is
//! process-wide, so a test here that installed hooks would change what a test
//! elsewhere reports, and a test here that assumes "no hooks" or "the default
//! hooks" must not see another's hooks. Every test that touches the registry
//! or runs a loop whose hooks matter holds `support::isolated()` (or
//! `isolated_with`) for its whole run: one lock serialises them, and dropping
//! it restores the default hooks, also when the test fails.
//!
//! Linking `allocation-counter` (in `instrumentation_alloc` and
//! `runtime_allocations`) installs its counting `#[global_allocator]` for this
//! whole binary; a binary may have one global allocator. It counts per thread,
//! so the tests that measure nothing are not disturbed by it, nor are the
//! measurements by tests on other threads.

#[path = "../support/mod.rs"]
mod support;

mod instrumentation_alloc;
mod instrumentation_hooks;
#[cfg(feature = "log")]
mod instrumentation_log;
mod instrumentation_macro;
#[cfg(feature = "metrics")]
mod instrumentation_metrics;
#[cfg(feature = "prometheus")]
mod instrumentation_prometheus;
#[cfg(all(feature = "tracing", feature = "log", feature = "anyhow"))]
mod instrumentation_redaction;
#[cfg(feature = "tracing")]
mod instrumentation_span_order;
#[cfg(feature = "tracing")]
mod instrumentation_tracing;
mod macro_names;
mod runtime_allocations;
#[cfg(feature = "tracing")]
mod runtime_dyn_error;
mod runtime_without_hooks;
mod stream_hooks;
#[cfg(feature = "tracing")]
mod traced;
