//! The built-in log sinks' levels, and whether anything listens at them.
//!
//! The `tracing` and `log` sinks report nothing at a level no subscriber or
//! logger enables, and both crates' macros check that first, with one relaxed
//! atomic load (the most verbose level anything enables). The registry makes
//! the same check before it calls the hooks: when every installed hook is one
//! of these sinks and none listens, a retry costs that load and nothing else,
//! not the dispatch, not a method's joined name.

use core::any::TypeId;

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
    use tracing::Level;
    use tracing::level_filters::{LevelFilter, STATIC_MAX_LEVEL};
    let level = match event {
        Event::Retry | Event::GiveUp => Level::WARN,
        Event::Success => Level::INFO,
    };
    level <= STATIC_MAX_LEVEL && level <= LevelFilter::current()
}

/// The check `log`'s macros make first, for the level of `event`.
#[cfg(feature = "log")]
#[inline]
fn log_listens(event: Event) -> bool {
    use log::Level;
    let level = match event {
        Event::Retry | Event::GiveUp => Level::Warn,
        Event::Success => Level::Info,
    };
    level <= log::STATIC_MAX_LEVEL && level <= log::max_level()
}
