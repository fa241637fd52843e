//! Instrumentation: every scheduled retry, and how each retry loop ended, reaches
//! the installed hooks. Retries are never silent.
//!
//! Out of the box, with no code, every scheduled retry is reported by the
//! [default hooks](#defaults): a `tracing` event (or a `log` record), and a
//! Prometheus counter when that feature is on. [`set_on_retry_hooks`] replaces
//! them with your own list; [`get_on_retry_hooks`] shows what is installed.
//!
//! # Events
//!
//! - **Retry scheduled** ([`RetryHook::on_retry`], [`RetryDetails`]): once per
//!   scheduled retry, in the order the hooks were installed, after the limits
//!   were checked and before the wait. Never on success, for an error `on`
//!   rejects, or when the loop gives up: an always-failing call with
//!   `attempts = 3` reports 2 retries. Testing mode still reports them;
//!   `set_active(false)` reports nothing.
//! - **Succeeded after retries** ([`RetryHook::on_success`], [`SuccessDetails`]):
//!   a loop returned `Ok` after at least one retry.
//! - **Gave up** ([`RetryHook::on_give_up`], [`GiveUpDetails`]): a loop returns an
//!   error, with a [`GiveUpReason`]: attempts exhausted, timeout, an error `on`
//!   does not retry (also on the first attempt), a [retry budget](crate::budget)
//!   that refused the retry, a request an adapter could not copy for
//!   another attempt, or a committed stream's error after its first item.
//!
//! Python stamina has only the first; the lifecycle events are stamina-rs
//! additions, delivered through the same hooks.
//!
//! # Guards
//!
//! A hook may return a [`HookGuard`] that lives across the wait and is dropped
//! exactly once, right before the next attempt: the Rust form of Python
//! stamina's hooks returning a context manager. Guards are `Send`, so async
//! retry futures stay `Send`.
//!
//! # Panics
//!
//! A panicking hook aborts the retry loop and the panic reaches the caller, as
//! exceptions from hooks do in Python stamina (on purpose: a caller can catch a
//! panic, but could not undo one the library had swallowed). The registry stays
//! usable.
//!
//! The built-in sinks are the exception for one kind of panic that is not a
//! hook's own: an error whose `Display` (or `Debug`, or `source()`) panics
//! while a sink formats it. A bug in an error type's formatting must not
//! turn a retry into a crash, so the sink logs what the error wrote followed
//! by [`FORMATTING_PANICKED`], and the loop goes on (the panic hook still
//! prints the panic; with `panic = "abort"`, the process aborts as anywhere).
//!
//! # Hooks run inline
//!
//! Hooks run on the caller's thread (or task), inside the retry loop, before
//! the wait: a hook that blocks for a second delays the next attempt by that
//! second, the time counts toward the loop's timeout (it passes on the
//! loop's clock), and in async code it blocks the executor thread and every
//! task on it for as long. Keep hooks short; hand slow work (a network call,
//! a disk write) to a channel or a spawned task.
//!
//! # What `caused_by` holds
//!
//! The retry loop is generic over any `E: Debug`, so every hook gets the error
//! as `caused_by: &dyn Debug` and its type name as `error_type`. The `error`
//! field holds the same error as `&dyn std::error::Error` when the code that
//! started the loop knew its concrete type implements `Error`, or is an
//! `anyhow::Error` or a `Box<dyn Error>` (the macros can tell; the callers and
//! `retry_context`, being generic, cannot and leave it `None`).
//!
//! What is logged is the [`ErrorSummary`]: `Display` and the `source()` chain
//! when `error` is there, `Debug` otherwise, capped at
//! [`MAX_ERROR_SUMMARY_BYTES`]. Metric labels carry the `error_type` only.
//!
//! # Names
//!
//! Every event carries the loop's name (`name`, the sinks' `callable`): the
//! path of a `#[stamina::retry]` fn (`my_app::client::fetch`), a method's
//! `Self` type and name (`my_app::Client::get`), or `<context block>`, Python
//! stamina's name for `retry_block!`, [`retry_context`](crate::retry_context)
//! and the callers. Give a block its own name with `name = "fetch_readme"`,
//! and a caller or a context with `.name("fetch_readme")`, so that two loops
//! are two log names and two metric series.
//!
//! # Defaults
//!
//! `set_on_retry_hooks(None)`, which is also the state at start-up, installs,
//! in this order and from the enabled cargo features:
//!
//! 1. [`PrometheusHook`] (feature `prometheus`), built on the first retry;
//! 2. [`MetricsHook`] (feature `metrics`), built on the first retry;
//! 3. [`TracingHook`] (feature `tracing`), **or else** [`LogHook`] (feature
//!    `log`): one log sink, never both.
//!
//! With none of these features, there are no default hooks. What each sink
//! prints is on the page
//! [what the sinks print](https://docs.rs/stamina/latest/stamina/docs/sink_output/index.html).
//! The `tracing` events sit in the span of the code that runs the loop: put
//! `#[stamina::retry]` above `#[tracing::instrument]`, so that the span
//! encloses the loop.
//!
//! # Cost
//!
//! When no hook is installed (`set_on_retry_hooks([])`, or no default hooks), a
//! retry costs one atomic load: no lock, no allocation, no formatting. When
//! only the built-in log sinks are installed ([`TracingHook`], [`LogHook`]:
//! the defaults of the default features) and no subscriber or logger enables
//! the level they report an event at, it costs that load and the level check
//! the `tracing` and `log` macros make first (one more atomic load each):
//! the sinks are not called. Otherwise the installed list is loaded without a
//! lock or a reference-count write, and the hooks are called. The name of a
//! method (`Type::method`) is joined only when a hook will see it.
//!
//! ```
//! use std::sync::Arc;
//! use std::sync::atomic::{AtomicU32, Ordering};
//! use std::time::Duration;
//!
//! use stamina::RetryingCaller;
//! use stamina::instrumentation::{RetryDetails, set_on_retry_hooks};
//!
//! let seen = Arc::new(AtomicU32::new(0));
//! let counter = Arc::clone(&seen);
//! set_on_retry_hooks((move |details: &RetryDetails<'_>| {
//!     assert_eq!(details.name, "<context block>");
//!     counter.fetch_add(1, Ordering::Relaxed);
//! },));
//!
//! let caller = RetryingCaller::new().attempts(3).wait_max(Duration::ZERO);
//! let _ = caller.call(|_: &&str| true, || Err::<(), _>("unavailable"));
//! assert_eq!(seen.load(Ordering::Relaxed), 2);
//!
//! set_on_retry_hooks(None);
//! ```
// Built without a sink's feature, its item is not there to link to: the
// links then go to docs.rs, which builds every feature.
#![cfg_attr(
    not(feature = "prometheus"),
    doc = "\n[`PrometheusHook`]: https://docs.rs/stamina/latest/stamina/instrumentation/struct.PrometheusHook.html"
)]
#![cfg_attr(
    not(feature = "metrics"),
    doc = "\n[`MetricsHook`]: https://docs.rs/stamina/latest/stamina/instrumentation/struct.MetricsHook.html"
)]
#![cfg_attr(
    not(feature = "log"),
    doc = "\n[`LogHook`]: https://docs.rs/stamina/latest/stamina/instrumentation/struct.LogHook.html"
)]
#![cfg_attr(
    not(feature = "tracing"),
    doc = "\n[`TracingHook`]: https://docs.rs/stamina/latest/stamina/instrumentation/struct.TracingHook.html"
)]

use core::fmt::Debug;
use core::time::Duration;
use std::error::Error;

mod defaults;
mod details;
mod error_view;
mod guard;
mod hook;
mod levels;
#[cfg(feature = "log")]
mod log_hook;
#[cfg(feature = "metrics")]
mod metrics_hook;
mod name;
#[cfg(feature = "prometheus")]
mod prometheus;
pub(crate) mod recorder;
mod registry;
#[cfg(feature = "tracing")]
mod tracing_hook;

/// A counter both metric sinks keep, named and described once so that the
/// Prometheus and `metrics` sinks cannot drift apart.
#[cfg(any(feature = "prometheus", feature = "metrics"))]
#[derive(Clone, Copy, Debug)]
pub(crate) struct CounterSpec {
    /// The family's name, as `prometheus-client` registers it.
    #[cfg_attr(not(feature = "prometheus"), allow(dead_code))] // one sink compiled in
    pub(crate) family: &'static str,
    /// The samples' name: the family's with `_total`, as `metrics` counts it.
    #[cfg_attr(not(feature = "metrics"), allow(dead_code))]
    pub(crate) total: &'static str,
    /// The help text; it ends in a period, as `Registry::register` writes them.
    pub(crate) help: &'static str,
}

#[cfg(any(feature = "prometheus", feature = "metrics"))]
macro_rules! counter_spec {
    ($family:literal, $help:literal) => {
        CounterSpec { family: $family, total: concat!($family, "_total"), help: $help }
    };
}

#[cfg(any(feature = "prometheus", feature = "metrics"))]
pub(crate) const RETRIES: CounterSpec = counter_spec!("stamina_retries", "Total number of retries.");
#[cfg(any(feature = "prometheus", feature = "metrics"))]
pub(crate) const GAVE_UP: CounterSpec =
    counter_spec!("stamina_gave_up", "Total number of retry loops that gave up and returned an error.");
#[cfg(any(feature = "prometheus", feature = "metrics"))]
pub(crate) const SUCCEEDED: CounterSpec = counter_spec!(
    "stamina_succeeded_after_retries",
    "Total number of retry loops that succeeded after at least one retry."
);

pub use details::{
    ErrorSummary, FORMATTING_PANICKED, GiveUpDetails, GiveUpReason, MAX_ERROR_SUMMARY_BYTES, RetryDetails,
    SuccessDetails,
};
#[doc(hidden)]
pub use error_view::{ErrorView, NoErrorView};
#[doc(hidden)]
pub use guard::HookGuards;
pub use guard::{HookGuard, IntoHookGuard};
pub use hook::{
    Hook, HookList, InstalledHook, IntoHook, RetryHook, RetryHookFactory, give_up_hook, retry_hook,
    success_hook,
};
#[cfg(feature = "log")]
pub use log_hook::LogHook;
#[cfg(feature = "metrics")]
pub use metrics_hook::MetricsHook;
#[doc(hidden)]
pub use name::CallableName;
#[cfg(feature = "prometheus")]
pub use prometheus::{
    BudgetLabels, GaveUpLabels, PrometheusHook, RetryLabels, SucceededLabels, get_prometheus_counter,
    get_prometheus_gave_up_counter, get_prometheus_succeeded_counter, register_prometheus_metrics,
};
pub use registry::{get_on_retry_hooks, set_on_retry_hooks};
#[cfg(feature = "tracing")]
pub use tracing_hook::TracingHook;

/// The built-in sinks compiled in, by cargo feature name (`prometheus`,
/// `metrics`, `tracing`, `log`). Not public API: tests compare the default
/// hooks with it, since a crate's own features do not tell which features its
/// dependencies were built with.
#[doc(hidden)]
pub const COMPILED_SINKS: &[&str] = &[
    #[cfg(feature = "prometheus")]
    "prometheus",
    #[cfg(feature = "metrics")]
    "metrics",
    #[cfg(feature = "tracing")]
    "tracing",
    #[cfg(feature = "log")]
    "log",
];

// The seam the retry loop calls. The loop asks `observers()` first (one
// atomic load, and the built-in log sinks' level check when they are all
// that is installed) and calls a dispatch only when something may observe
// it; each dispatch is out of line and reaches the installed hooks that
// listen and this thread's test recorder, if any.

pub(crate) use levels::Event;
use recorder::AttemptOutcome;
pub(crate) use registry::observers;

/// The installed hooks, when `wanted` and there may be any.
fn hooks_to_call(wanted: bool) -> Option<registry::Snapshot> {
    if !wanted || !observers().hooks() {
        return None;
    }
    Some(registry::snapshot())
}

/// The hooks of `hooks` that may do anything for `event`: a built-in log sink
/// whose level nothing listens at is skipped, so that nothing is prepared for
/// it (a method's name is joined only if some hook or recorder sees it).
fn listening(
    hooks: Option<&registry::Snapshot>,
    event: Event,
) -> core::iter::Peekable<impl Iterator<Item = &InstalledHook>> {
    hooks.into_iter().flat_map(|hooks| hooks.iter()).filter(move |hook| hook.listens(event)).peekable()
}

/// Whether this thread records: the state word says first whether any
/// recorder scope lives at all, which spares the thread-local lookups.
fn recording() -> bool {
    observers().recorders() && recorder::in_scope()
}

/// Calls the installed hooks for a scheduled retry, in order, and records it
/// in this thread's recorder; returns the hooks' guards, to be dropped right
/// before the next attempt. `wait_for` is what will be slept, `planned` what
/// was scheduled (they differ in testing mode).
#[cold]
#[inline(never)]
#[allow(clippy::too_many_arguments)] // the loop's state, spelled out: no struct to build on the caller's side
pub(crate) fn dispatch_retry<E: Debug>(
    name: CallableName,
    retry_num: u32,
    wait_for: Duration,
    planned: Duration,
    waited_so_far: Duration,
    caused_by: &E,
    error: Option<&(dyn Error + 'static)>,
    error_type: &'static str,
) -> HookGuards {
    let cause = Cause { caused_by, error, error_type };
    let hooks = hooks_to_call(true);
    let mut hooks = listening(hooks.as_ref(), Event::Retry);
    let mut guards = HookGuards::none();
    let recording = recording();
    if hooks.peek().is_none() && !recording {
        return guards;
    }
    name.with(|name| {
        let Cause { caused_by, error, error_type } = cause;
        let details = RetryDetails { name, retry_num, wait_for, waited_so_far, caused_by, error, error_type };
        for hook in hooks {
            guards.push(hook.on_retry(&details));
        }
        if recording {
            let outcome =
                AttemptOutcome::Retried { planned_wait: planned, actual_wait: wait_for, error_type };
            recorder::record(name, retry_num, outcome);
        }
    });
    guards
}

/// The error as hooks see it.
#[derive(Clone, Copy)]
struct Cause<'a> {
    caused_by: &'a dyn Debug,
    error: Option<&'a (dyn Error + 'static)>,
    error_type: &'static str,
}

/// Tells the hooks that a loop succeeded after `attempts` attempts (they hear
/// of successes after retries only), and records it.
#[cold]
#[inline(never)]
pub(crate) fn dispatch_success(name: CallableName, attempts: u32, waited: Duration) {
    let hooks = hooks_to_call(attempts > 1);
    let mut hooks = listening(hooks.as_ref(), Event::Success);
    let recording = recording();
    if hooks.peek().is_none() && !recording {
        return;
    }
    name.with(|name| {
        let details = SuccessDetails { name, attempts, waited };
        for hook in hooks {
            hook.on_success(&details);
        }
        if recording {
            recorder::record(name, attempts, AttemptOutcome::Succeeded);
        }
    });
}

/// Tells the hooks that a loop gave up with `error`, and records it.
#[inline]
pub(crate) fn dispatch_give_up<E: Debug>(
    name: CallableName,
    reason: GiveUpReason,
    attempts: u32,
    waited: Duration,
    caused_by: &E,
    error: Option<&(dyn Error + 'static)>,
    error_type: &'static str,
) {
    if observers().ignore(Event::GiveUp) {
        return;
    }
    dispatch_give_up_slow(name, reason, attempts, waited, Cause { caused_by, error, error_type });
}

#[cold]
#[inline(never)]
fn dispatch_give_up_slow(
    name: CallableName,
    reason: GiveUpReason,
    attempts: u32,
    waited: Duration,
    cause: Cause<'_>,
) {
    let hooks = hooks_to_call(true);
    let mut hooks = listening(hooks.as_ref(), Event::GiveUp);
    let recording = recording();
    if hooks.peek().is_none() && !recording {
        return;
    }
    name.with(|name| {
        let Cause { caused_by, error, error_type } = cause;
        let details = GiveUpDetails { name, reason, attempts, waited, caused_by, error, error_type };
        for hook in hooks {
            hook.on_give_up(&details);
        }
        if recording {
            recorder::record(name, attempts, AttemptOutcome::GaveUp { reason, error_type });
        }
    });
}
