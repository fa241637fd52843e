//! What the `tracing` sink writes through a real fmt subscriber, as lines,
//! for the tests that check what a log line carries about an error.

use std::io;
use std::sync::{Arc, Mutex, PoisonError};

use stamina::instrumentation::{TracingHook, set_on_retry_hooks};

use crate::support::isolated;

/// A `MakeWriter` that collects what the fmt subscriber writes.
#[derive(Clone, Default)]
struct Output(Arc<Mutex<Vec<u8>>>);

impl io::Write for Output {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Output {
    type Writer = Self;
    fn make_writer(&'a self) -> Self {
        self.clone()
    }
}

/// The log lines the fmt subscriber writes while `run` runs, with only the
/// `tracing` hook installed.
pub(crate) fn traced(run: impl FnOnce()) -> Vec<String> {
    let _isolated = isolated();
    set_on_retry_hooks((TracingHook::new(),));
    let output = Output::default();
    let subscriber = tracing_subscriber::fmt().with_writer(output.clone()).with_ansi(false).finish();
    tracing::subscriber::with_default(subscriber, run);
    let text = String::from_utf8(output.0.lock().unwrap_or_else(PoisonError::into_inner).clone()).unwrap();
    text.lines().map(str::to_owned).collect()
}

/// The `caused_by` field of a retry or give-up line.
pub(crate) fn caused_by(line: &str) -> &str {
    let start = line.find("caused_by=").expect("a caused_by field") + "caused_by=".len();
    let rest = &line[start..];
    let end = rest.find(" wait_for=").or_else(|| rest.find(" waited=")).unwrap_or(rest.len());
    &rest[..end]
}

/// An HTTP client's error, as reqwest's looks: a `Display` without secrets,
/// a source, and a derived `Debug` that holds the request's headers.
#[derive(Debug)]
pub(crate) struct RequestError {
    pub(crate) status: u16,
    #[allow(dead_code)] // shown by the derived `Debug` only: what must not be logged
    pub(crate) headers: Vec<(&'static str, &'static str)>,
    pub(crate) source: io::Error,
}

impl std::fmt::Display for RequestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "request failed with status {}", self.status)
    }
}

impl std::error::Error for RequestError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// A 503 whose `Debug` holds secret headers (`SECRET-TOKEN`, `SECRET-COOKIE`).
pub(crate) fn request_error() -> RequestError {
    RequestError {
        status: 503,
        headers: vec![("authorization", "Bearer SECRET-TOKEN"), ("cookie", "session=SECRET-COOKIE")],
        source: io::Error::new(io::ErrorKind::ConnectionReset, "connection reset by peer"),
    }
}
