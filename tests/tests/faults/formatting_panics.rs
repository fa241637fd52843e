//! An error whose `Display` (and `Debug`) panics, logged by the built-in
//! sinks through a real `tracing` subscriber and a real `log` logger: the
//! retry goes on, and the event says what the error wrote, followed by
//! `FORMATTING_PANICKED`, instead of the panic crashing the loop.

use std::fmt;
#[cfg(feature = "tracing")]
use std::sync::{Arc, Mutex};

#[cfg(feature = "log")]
use stamina::instrumentation::LogHook;
#[cfg(feature = "tracing")]
use stamina::instrumentation::TracingHook;
use stamina::instrumentation::{ErrorSummary, FORMATTING_PANICKED};

#[cfg(any(feature = "tracing", feature = "log"))]
use crate::support::isolated_with;

/// An error type with a bug: its `Display` writes half a message and
/// panics; its `Debug` panics at once.
struct Hostile;

impl fmt::Display for Hostile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("half a message")?;
        panic!("Hostile's Display");
    }
}

impl fmt::Debug for Hostile {
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        panic!("Hostile's Debug");
    }
}

impl std::error::Error for Hostile {}

/// Runs `f` with the panic hook silenced: the panics below are expected, and
/// the default hook would print each one.
fn quietly<T>(f: impl FnOnce() -> T) -> T {
    static HOOK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _serial = HOOK.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    std::panic::set_hook(previous);
    result.unwrap_or_else(|payload| std::panic::resume_unwind(payload))
}

#[test]
fn a_summary_of_an_error_whose_formatting_panics_says_so() {
    let summary = quietly(|| ErrorSummary::new(&Hostile, Some(&Hostile)).to_string());
    assert_eq!(summary, format!("half a message{FORMATTING_PANICKED}"));
    let summary = quietly(|| ErrorSummary::new(&Hostile, None).to_string());
    assert_eq!(summary, FORMATTING_PANICKED);
}

/// A `tracing_subscriber::fmt()` subscriber that writes into a buffer.
#[cfg(feature = "tracing")]
fn fmt_subscriber() -> (impl tracing::Subscriber + Send + Sync, Arc<Mutex<Vec<u8>>>) {
    #[derive(Clone)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buffer = Arc::new(Mutex::new(Vec::new()));
    let writer = Buffer(Arc::clone(&buffer));
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .without_time()
        .with_max_level(tracing::Level::TRACE)
        .finish();
    (subscriber, buffer)
}

#[cfg(feature = "tracing")]
fn lines(buffer: &Mutex<Vec<u8>>) -> Vec<String> {
    String::from_utf8(buffer.lock().unwrap().clone()).unwrap().lines().map(str::to_owned).collect()
}

#[cfg(feature = "tracing")]
#[test]
fn the_tracing_sink_logs_a_placeholder_when_display_panics() {
    let _hooks = isolated_with((TracingHook::new(),));
    let (subscriber, buffer) = fmt_subscriber();
    let mut attempts = 0;
    // The macros show an `Error` by `Display`.
    let result: Result<(), Hostile> = quietly(|| {
        tracing::subscriber::with_default(subscriber, || {
            stamina::retry_block!(on = |_| true, attempts = 3, wait_max = 0, |_| {
                attempts += 1;
                Err(Hostile)
            })
        })
    });
    assert!(result.is_err());
    assert_eq!(attempts, 3);
    let lines = lines(&buffer);
    assert_eq!(lines.len(), 3, "{lines:#?}");
    let caused_by = format!("caused_by=half a message{FORMATTING_PANICKED}");
    assert!(lines.iter().all(|line| line.contains(&caused_by)), "{lines:#?}");
    assert!(lines[2].contains("stamina.gave_up"), "{lines:#?}");
}

#[cfg(feature = "tracing")]
#[test]
fn the_tracing_sink_logs_a_placeholder_when_debug_panics() {
    let _hooks = isolated_with((TracingHook::new(),));
    let (subscriber, buffer) = fmt_subscriber();
    let mut attempts = 0;
    // The callers show any error by `Debug`.
    let result = quietly(|| {
        tracing::subscriber::with_default(subscriber, || {
            stamina::RetryingCaller::new().attempts(2).wait_max(std::time::Duration::ZERO).call(
                |_: &Hostile| true,
                || {
                    attempts += 1;
                    Err::<(), _>(Hostile)
                },
            )
        })
    });
    assert!(result.is_err());
    assert_eq!(attempts, 2);
    let lines = lines(&buffer);
    assert_eq!(lines.len(), 2, "{lines:#?}");
    let caused_by = format!("caused_by={FORMATTING_PANICKED}");
    assert!(lines.iter().all(|line| line.contains(&caused_by)), "{lines:#?}");
}

#[cfg(feature = "log")]
#[test]
fn the_log_sink_logs_a_placeholder_when_display_panics() {
    use std::sync::Mutex;

    static LINES: Mutex<Vec<String>> = Mutex::new(Vec::new());
    /// Formats every record's message and key-values, as a real logger does.
    struct Formatting;
    struct Line(String);
    impl<'kvs> log::kv::VisitSource<'kvs> for Line {
        fn visit_pair(
            &mut self,
            key: log::kv::Key<'kvs>,
            value: log::kv::Value<'kvs>,
        ) -> Result<(), log::kv::Error> {
            use std::fmt::Write as _;
            let _ = write!(self.0, " {key}={value}");
            Ok(())
        }
    }
    impl log::Log for Formatting {
        fn enabled(&self, _: &log::Metadata<'_>) -> bool {
            true
        }
        fn log(&self, record: &log::Record<'_>) {
            let mut line = Line(format!("{}", record.args()));
            record.key_values().visit(&mut line).unwrap();
            LINES.lock().unwrap().push(line.0);
        }
        fn flush(&self) {}
    }
    // The only logger of this binary.
    log::set_logger(&Formatting).unwrap();
    log::set_max_level(log::LevelFilter::Trace);

    let _hooks = isolated_with((LogHook::new(),));
    let mut attempts = 0;
    let result: Result<(), Hostile> = quietly(|| {
        stamina::retry_block!(on = |_| true, attempts = 2, wait_max = 0, |_| {
            attempts += 1;
            Err(Hostile)
        })
    });
    assert!(result.is_err());
    assert_eq!(attempts, 2);
    let lines = std::mem::take(&mut *LINES.lock().unwrap());
    assert_eq!(lines.len(), 2, "{lines:#?}");
    let caused_by = format!("caused_by=half a message{FORMATTING_PANICKED}");
    assert!(lines.iter().all(|line| line.contains(&caused_by)), "{lines:#?}");
}
