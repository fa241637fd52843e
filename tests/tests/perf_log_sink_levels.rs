//! The built-in log sinks are skipped, before anything is prepared for them,
//! while nothing listens at the level they report an event at (the shortcut
//! `perf_log_sinks_alloc.rs` measures). These tests pin that the shortcut
//! loses nothing: under a `tracing` subscriber, or a logger, filtered at each
//! level, the sinks report exactly the events an unfiltered one sees at that
//! level or a more severe one.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use stamina::RetryingCaller;
use stamina::instrumentation::{Hook, IntoHook, TracingHook, set_on_retry_hooks};
use tracing::level_filters::LevelFilter;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::{Layer, Registry};

#[derive(Debug)]
struct Transient;

/// Every event, each way a level is chosen: a success after a retry (WARN,
/// INFO), giving up after 3 attempts (WARN, WARN, WARN), an error `on`
/// rejects on the first attempt (DEBUG) and after a retry (WARN, INFO).
fn every_event() {
    let caller = RetryingCaller::new().attempts(3).wait_max(Duration::ZERO);
    let mut calls = 0;
    assert!(
        caller
            .call(
                |_: &Transient| true,
                || {
                    calls += 1;
                    if calls < 2 { Err(Transient) } else { Ok(()) }
                }
            )
            .is_ok()
    );
    assert!(caller.call(|_: &Transient| true, || Err::<(), _>(Transient)).is_err());
    assert!(caller.call(|_: &Transient| false, || Err::<(), _>(Transient)).is_err());
    let decisions = std::cell::Cell::new(0);
    let retry_once = |_: &Transient| {
        decisions.set(decisions.get() + 1);
        decisions.get() < 2
    };
    assert!(caller.call(retry_once, || Err::<(), _>(Transient)).is_err());
}

/// An event as a sink reported it: its level (most severe first) and message.
type Reported = (u8, String);

static SERIAL: Mutex<()> = Mutex::new(());

/// Hooks are process-wide: one test at a time installs them.
struct Installed {
    _serial: MutexGuard<'static, ()>,
}

fn install(hook: Hook) -> Installed {
    let serial = SERIAL.lock().unwrap_or_else(PoisonError::into_inner);
    set_on_retry_hooks(vec![hook]);
    Installed { _serial: serial }
}

impl Drop for Installed {
    fn drop(&mut self) {
        set_on_retry_hooks(None);
    }
}

/// Checks the sink reports, at each level, what it reports unfiltered at that
/// level or a more severe one; `reported_at(n)` runs [`every_event`] with
/// the levels down to the `n`-th most severe enabled (0: none).
fn assert_filtered_like_unfiltered(reported_at: impl Fn(u8) -> Vec<Reported>) {
    let unfiltered = reported_at(5);
    let levels: Vec<u8> = unfiltered.iter().map(|(level, _)| *level).collect();
    assert_eq!(levels, [2, 3, 2, 2, 2, 4, 2, 3], "every event, unfiltered: {unfiltered:?}");
    for enabled in 0..5 {
        let expected: Vec<Reported> =
            unfiltered.iter().filter(|(level, _)| *level <= enabled).cloned().collect();
        assert_eq!(reported_at(enabled), expected, "levels enabled down to {enabled}");
    }
}

/// Records the `stamina` events it sees.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<Reported>>>);

impl Capture {
    fn take(&self) -> Vec<Reported> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl<S: tracing::Subscriber> Layer<S> for Capture {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        let metadata = event.metadata();
        if metadata.target() != "stamina" {
            return;
        }
        let level = match *metadata.level() {
            tracing::Level::ERROR => 1,
            tracing::Level::WARN => 2,
            tracing::Level::INFO => 3,
            tracing::Level::DEBUG => 4,
            tracing::Level::TRACE => 5,
        };
        let mut message = Message::default();
        event.record(&mut message);
        self.0.lock().unwrap_or_else(PoisonError::into_inner).push((level, message.0));
    }
}

/// An event's message.
#[derive(Default)]
struct Message(String);

impl tracing::field::Visit for Message {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        }
    }
}

#[test]
fn the_tracing_sink_loses_no_event_a_subscriber_wants() {
    let _installed = install(TracingHook::new().into_hook());
    let filters = [
        LevelFilter::OFF,
        LevelFilter::ERROR,
        LevelFilter::WARN,
        LevelFilter::INFO,
        LevelFilter::DEBUG,
        LevelFilter::TRACE,
    ];
    assert_filtered_like_unfiltered(|enabled| {
        let capture = Capture::default();
        // The filter is the subscriber's level hint: what `tracing`'s
        // macros, and stamina's shortcut, check first.
        let subscriber = Registry::default().with(capture.clone().with_filter(filters[usize::from(enabled)]));
        tracing::subscriber::with_default(subscriber, every_event);
        capture.take()
    });
}

#[cfg(feature = "log")]
mod log_sink {
    use super::{Mutex, PoisonError, Reported, assert_filtered_like_unfiltered, every_event, install};
    use stamina::instrumentation::{IntoHook, LogHook};

    /// The process's logger: records the `stamina` records it is given.
    struct Capture(Mutex<Vec<Reported>>);

    static LOGGER: Capture = Capture(Mutex::new(Vec::new()));

    impl log::Log for Capture {
        fn enabled(&self, _: &log::Metadata<'_>) -> bool {
            true
        }

        fn log(&self, record: &log::Record<'_>) {
            if record.target() == "stamina" {
                let level = record.level() as u8;
                let message = record.args().to_string();
                self.0.lock().unwrap_or_else(PoisonError::into_inner).push((level, message));
            }
        }

        fn flush(&self) {}
    }

    #[test]
    fn the_log_sink_loses_no_record_a_logger_wants() {
        let _installed = install(LogHook::new().into_hook());
        log::set_logger(&LOGGER).expect("the only logger");
        let filters = [
            log::LevelFilter::Off,
            log::LevelFilter::Error,
            log::LevelFilter::Warn,
            log::LevelFilter::Info,
            log::LevelFilter::Debug,
            log::LevelFilter::Trace,
        ];
        assert_filtered_like_unfiltered(|enabled| {
            // The maximum level: what `log`'s macros, and stamina's shortcut,
            // check first.
            log::set_max_level(filters[usize::from(enabled)]);
            every_event();
            std::mem::take(&mut *LOGGER.0.lock().unwrap_or_else(PoisonError::into_inner))
        });
        log::set_max_level(log::LevelFilter::Off);
    }
}
