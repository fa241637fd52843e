//! The built-in log sinks' levels, and whether anything listens at them.
//!
//! The `tracing` and `log` sinks report nothing at a level no subscriber or
//! logger enables, and both crates' macros check that first, with one relaxed
//! atomic load (the most verbose level anything enables). The registry makes
//! the same check before it calls the hooks: when every installed hook is one
//! of these sinks and none listens, a retry costs that load and nothing else,
//! not the dispatch, not a method's joined name.
//!
//! The levels are written once, here, for both sinks and for that check: a
//! sink that reported at a level the check did not know would be skipped
//! while something listens.

use core::any::TypeId;

use super::details::GiveUpReason;

/// What happened, as the built-in log sinks' levels tell it apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Event {
    /// A scheduled retry (`stamina.retry_scheduled`, WARN).
    Retry,
    /// A success after retries (`stamina.succeeded_after_retries`, INFO).
    Success,
    /// A loop that gave up (`stamina.gave_up`: WARN, INFO or DEBUG by reason).
    GiveUp,
}

/// A level of the built-in log sinks, in either crate's terms.
#[cfg_attr(not(any(feature = "tracing", feature = "log")), allow(dead_code))] // no sink, no level
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Severity {
    Debug,
    Info,
    Warn,
}

/// The most severe level the sinks report `event` at: the level of every
/// retry and success, and the highest of [`give_up_level`]'s.
#[cfg_attr(not(any(feature = "tracing", feature = "log")), allow(dead_code))]
pub(crate) const fn event_level(event: Event) -> Severity {
    match event {
        Event::Retry | Event::GiveUp => Severity::Warn,
        Event::Success => Severity::Info,
    }
}

/// The level of a give-up: an error rejected on the first attempt is the
/// caller's business (DEBUG), one rejected after retries worth noting
/// (INFO); anything else is a failure the retries did not mend (WARN).
#[cfg_attr(not(any(feature = "tracing", feature = "log")), allow(dead_code))]
pub(crate) const fn give_up_level(reason: GiveUpReason, attempts: u32) -> Severity {
    match reason {
        GiveUpReason::NotRetryable if attempts <= 1 => Severity::Debug,
        GiveUpReason::NotRetryable => Severity::Info,
        _ => Severity::Warn,
    }
}

/// `severity` as `tracing` spells it; `const`, since a `tracing` event's
/// level is part of its static callsite.
#[cfg(feature = "tracing")]
pub(crate) const fn tracing_level(severity: Severity) -> tracing::Level {
    match severity {
        Severity::Debug => tracing::Level::DEBUG,
        Severity::Info => tracing::Level::INFO,
        Severity::Warn => tracing::Level::WARN,
    }
}

/// `severity` as `log` spells it.
#[cfg(feature = "log")]
pub(crate) const fn log_level(severity: Severity) -> log::Level {
    match severity {
        Severity::Debug => log::Level::Debug,
        Severity::Info => log::Level::Info,
        Severity::Warn => log::Level::Warn,
    }
}

/// The built-in log sink a hook is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LogSink {
    #[cfg(feature = "tracing")]
    Tracing,
    #[cfg(feature = "log")]
    Log,
}

impl LogSink {
    /// The built-in log sinks compiled in.
    const COMPILED: &[Self] = &[
        #[cfg(feature = "tracing")]
        Self::Tracing,
        #[cfg(feature = "log")]
        Self::Log,
    ];

    /// The built-in log sink that `H` is, if it is one. Told by type, so that
    /// a sink installed by hand skips as the default one does (a trait method
    /// saying so would be public API).
    pub(crate) fn of<H: 'static>() -> Option<Self> {
        Self::COMPILED.iter().copied().find(|sink| sink.hook_type() == TypeId::of::<H>())
    }

    fn hook_type(self) -> TypeId {
        match self {
            #[cfg(feature = "tracing")]
            Self::Tracing => TypeId::of::<super::TracingHook>(),
            #[cfg(feature = "log")]
            Self::Log => TypeId::of::<super::LogHook>(),
        }
    }

    /// Whether this sink may report `event`: whether its crate enables the
    /// most severe level the sink reports `event` at (enabling a level
    /// enables every more severe one).
    #[inline]
    #[cfg_attr(not(any(feature = "tracing", feature = "log")), allow(unused_variables))] // no sink, no call
    pub(crate) fn listens(self, event: Event) -> bool {
        match self {
            #[cfg(feature = "tracing")]
            Self::Tracing => tracing_listens(event),
            #[cfg(feature = "log")]
            Self::Log => log_listens(event),
        }
    }
}

/// Whether any built-in log sink compiled in may report `event`.
#[inline]
pub(crate) fn any_sink_listens(event: Event) -> bool {
    LogSink::COMPILED.iter().any(|sink| sink.listens(event))
}

/// The check `tracing`'s macros make first, for the level of `event`.
#[cfg(feature = "tracing")]
#[inline]
fn tracing_listens(event: Event) -> bool {
    use tracing::level_filters::{LevelFilter, STATIC_MAX_LEVEL};
    let level = tracing_level(event_level(event));
    level <= STATIC_MAX_LEVEL && level <= LevelFilter::current()
}

/// The check `log`'s macros make first, for the level of `event`.
#[cfg(feature = "log")]
#[inline]
fn log_listens(event: Event) -> bool {
    let level = log_level(event_level(event));
    level <= log::STATIC_MAX_LEVEL && level <= log::max_level()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_give_up_is_reported_above_the_level_the_check_reads() {
        for reason in GiveUpReason::ALL {
            for attempts in [1, 2, u32::MAX] {
                assert!(
                    give_up_level(reason, attempts) <= event_level(Event::GiveUp),
                    "{reason:?} {attempts}"
                );
            }
        }
        assert_eq!(give_up_level(GiveUpReason::Timeout, 3), event_level(Event::GiveUp));
    }
}
