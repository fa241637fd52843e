//! What hooks learn: one struct per event of a retry loop.

use core::fmt::{self, Debug};
use core::time::Duration;
use std::error::Error;

/// A scheduled retry: an attempt failed with a retryable error, the limits
/// allow another attempt, and the loop is about to wait `wait_for`.
///
/// Hooks see it once per scheduled retry, before the wait. They never see it
/// on success, for an error `on` rejects, or when the loop gives up.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use std::time::Duration;
///
/// use stamina::instrumentation::{RetryDetails, set_on_retry_hooks};
///
/// let seen = Arc::new(Mutex::new(Vec::new()));
/// let sink = Arc::clone(&seen);
/// set_on_retry_hooks((move |details: &RetryDetails<'_>| {
///     sink.lock().unwrap().push((details.name.to_owned(), details.retry_num, details.wait_for));
/// },));
///
/// let caller = stamina::RetryingCaller::new()
///     .attempts(3)
///     .wait_initial(Duration::from_millis(1))
///     .wait_jitter(Duration::ZERO)
///     .name("fetch_repo");
/// let _ = caller.call(|_: &std::fmt::Error| true, || Err::<(), _>(std::fmt::Error));
///
/// let ms = Duration::from_millis;
/// assert_eq!(*seen.lock().unwrap(), [("fetch_repo".to_owned(), 1, ms(1)), ("fetch_repo".to_owned(), 2, ms(2))]);
/// # set_on_retry_hooks(None);
/// ```
#[derive(Clone, Copy)]
#[non_exhaustive]
pub struct RetryDetails<'a> {
    /// The retried callable's name: the path of a `#[stamina::retry]` fn
    /// (`my_app::client::fetch`, `my_app::Client::get` for methods), or
    /// `<context block>` for `retry_block!`,
    /// [`retry_context`](crate::retry_context) and the retrying callers unless
    /// they were given a name (`name = "..."`, `.name(..)`).
    pub name: &'a str,
    /// The number of the attempt that just failed: 1 after the first failure.
    pub retry_num: u32,
    /// The planned wait before the next attempt.
    pub wait_for: Duration,
    /// The sum of the earlier planned waits of this loop (planned, not measured).
    pub waited_so_far: Duration,
    /// The error that caused the retry, as its `Debug` form. Logs should show
    /// [`error_summary`](Self::error_summary) instead: `Debug` forms carry what
    /// `Display` leaves out (headers, tokens, backtraces).
    pub caused_by: &'a dyn Debug,
    /// The same error as a `std::error::Error`, when the code that started the
    /// loop could tell that it is one (see the module documentation); `None`
    /// otherwise.
    pub error: Option<&'a (dyn Error + 'static)>,
    /// The error's type name, as [`core::any::type_name`] spells it
    /// (`std::io::error::Error`, `my_app::ApiError`); empty for an `Ok` value
    /// that a result predicate retried (`call_on_result`, the adapters):
    /// there is no error, and `caused_by` names the value (`HTTP 503 Service
    /// Unavailable`).
    pub error_type: &'static str,
}

impl Debug for RetryDetails<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryDetails")
            .field("name", &self.name)
            .field("retry_num", &self.retry_num)
            .field("wait_for", &self.wait_for)
            .field("waited_so_far", &self.waited_so_far)
            .field("caused_by", &format_args!("{}", self.error_summary()))
            .field("error_type", &self.error_type)
            .finish_non_exhaustive()
    }
}

impl<'a> RetryDetails<'a> {
    /// The error as the built-in sinks log it; see [`ErrorSummary`].
    ///
    /// ```
    /// use stamina::instrumentation::{RetryDetails, set_on_retry_hooks};
    ///
    /// set_on_retry_hooks((|details: &RetryDetails<'_>| {
    ///     eprintln!("{} failed: {}", details.name, details.error_summary());
    /// },));
    /// # set_on_retry_hooks(None);
    /// ```
    pub fn error_summary(&self) -> ErrorSummary<'a> {
        ErrorSummary { caused_by: self.caused_by, error: self.error }
    }
}

/// A loop succeeded after at least one retry. Loops that succeed on their first
/// attempt report nothing.
///
/// ```
/// use std::sync::Arc;
/// use std::sync::atomic::{AtomicU32, Ordering};
/// use std::time::Duration;
///
/// use stamina::instrumentation::{SuccessDetails, set_on_retry_hooks, success_hook};
///
/// let attempts = Arc::new(AtomicU32::new(0));
/// let sink = Arc::clone(&attempts);
/// set_on_retry_hooks((success_hook(move |details: &SuccessDetails<'_>| {
///     sink.store(details.attempts, Ordering::Relaxed);
/// }),));
///
/// let mut calls = 0;
/// let caller = stamina::RetryingCaller::new().wait_max(Duration::ZERO);
/// let _ = caller.call(|_: &()| true, || {
///     calls += 1;
///     if calls < 3 { Err(()) } else { Ok(()) }
/// });
/// assert_eq!(attempts.load(Ordering::Relaxed), 3);
/// # set_on_retry_hooks(None);
/// ```
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct SuccessDetails<'a> {
    /// The retried callable's name, as in [`RetryDetails::name`].
    pub name: &'a str,
    /// How many attempts it took, including the successful one (at least 2).
    pub attempts: u32,
    /// The sum of the planned waits.
    pub waited: Duration,
}

/// Why a retry loop gave up and returned an error.
///
/// ```
/// use stamina::testing::Recorder;
/// use stamina::instrumentation::GiveUpReason;
///
/// let recorder = Recorder::new();
/// let _recording = recorder.thread_scope();
/// let _ = stamina::RetryingCaller::new().call(|_: &()| false, || Err::<(), _>(()));
/// assert_eq!(recorder.give_ups(), [GiveUpReason::NotRetryable]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum GiveUpReason {
    /// The last allowed attempt failed with a retryable error.
    AttemptsExhausted,
    /// The timeout had passed when an attempt failed with a retryable error.
    Timeout,
    /// `on` said the error is not retryable; this can happen on the first
    /// attempt, before any retry.
    NotRetryable,
    /// The loop's [retry budget](crate::budget) refused the retry.
    BudgetExhausted,
    /// The attempt failed with a retryable result, but the request could not
    /// be copied for another attempt (a streaming body): an adapter (tower,
    /// reqwest-middleware) sent it once and returns that attempt's result.
    RequestNotCloneable,
    /// A committed stream (`stream = "commit"`, `stream_committed`,
    /// `iter_committed`) failed with a retryable error after its first item:
    /// a retry would repeat what it already yielded, so the error is its last
    /// item.
    StreamCommitted,
}

impl GiveUpReason {
    /// The reason in snake case, as the built-in sinks report it:
    /// `attempts_exhausted`, `timeout`, `not_retryable`, `budget_exhausted`,
    /// `request_not_cloneable`, `stream_committed`.
    /// `Display` writes the same.
    ///
    /// ```
    /// use stamina::instrumentation::GiveUpReason;
    ///
    /// assert_eq!(GiveUpReason::AttemptsExhausted.as_str(), "attempts_exhausted");
    /// assert_eq!(GiveUpReason::BudgetExhausted.as_str(), "budget_exhausted");
    /// assert_eq!(GiveUpReason::Timeout.to_string(), "timeout");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::AttemptsExhausted => "attempts_exhausted",
            Self::Timeout => "timeout",
            Self::NotRetryable => "not_retryable",
            Self::BudgetExhausted => "budget_exhausted",
            Self::RequestNotCloneable => "request_not_cloneable",
            Self::StreamCommitted => "stream_committed",
        }
    }

    /// Every reason, for tests that must cover each: a reason added to the
    /// enum goes here too (`every_reason_round_trips_through_its_code` counts
    /// the codes `from_code` knows against it).
    #[cfg(test)]
    pub(crate) const ALL: [Self; 6] = [
        Self::AttemptsExhausted,
        Self::Timeout,
        Self::NotRetryable,
        Self::BudgetExhausted,
        Self::RequestNotCloneable,
        Self::StreamCommitted,
    ];

    /// The reason as a small number, for state that packs it into a few
    /// bits: 1 to 15, never 0, which stays free for "no reason".
    pub(crate) const fn code(self) -> u8 {
        match self {
            Self::AttemptsExhausted => 1,
            Self::Timeout => 2,
            Self::NotRetryable => 3,
            Self::BudgetExhausted => 4,
            Self::RequestNotCloneable => 5,
            Self::StreamCommitted => 6,
        }
    }

    /// The reason whose [`code`](Self::code) is `code`; `None` for 0 and for
    /// numbers no reason has.
    pub(crate) const fn from_code(code: u8) -> Option<Self> {
        match code {
            1 => Some(Self::AttemptsExhausted),
            2 => Some(Self::Timeout),
            3 => Some(Self::NotRetryable),
            4 => Some(Self::BudgetExhausted),
            5 => Some(Self::RequestNotCloneable),
            6 => Some(Self::StreamCommitted),
            _ => None,
        }
    }
}

impl fmt::Display for GiveUpReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A loop gave up: it returns `caused_by` to its caller unchanged.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use std::time::Duration;
///
/// use stamina::instrumentation::{GiveUpDetails, GiveUpReason, give_up_hook, set_on_retry_hooks};
///
/// let seen = Arc::new(Mutex::new(None));
/// let sink = Arc::clone(&seen);
/// set_on_retry_hooks((give_up_hook(move |details: &GiveUpDetails<'_>| {
///     *sink.lock().unwrap() = Some((details.reason, details.attempts, details.error_summary().to_string()));
/// }),));
///
/// let caller = stamina::RetryingCaller::new().attempts(2).wait_max(Duration::ZERO);
/// let _ = caller.call(|_: &&str| true, || Err::<(), _>("unavailable"));
/// assert_eq!(
///     *seen.lock().unwrap(),
///     Some((GiveUpReason::AttemptsExhausted, 2, r#""unavailable""#.to_owned())) // a `Debug` form, quoted
/// );
/// # set_on_retry_hooks(None);
/// ```
#[derive(Clone, Copy)]
#[non_exhaustive]
pub struct GiveUpDetails<'a> {
    /// The retried callable's name, as in [`RetryDetails::name`].
    pub name: &'a str,
    /// Why the loop gave up.
    pub reason: GiveUpReason,
    /// How many attempts ran, including the last one.
    pub attempts: u32,
    /// The sum of the planned waits.
    pub waited: Duration,
    /// The error that is returned, as its `Debug` form. Logs should show
    /// [`error_summary`](Self::error_summary) instead, as for
    /// [`RetryDetails::caused_by`].
    pub caused_by: &'a dyn Debug,
    /// The same error as a `std::error::Error`, when known (as in
    /// [`RetryDetails::error`]).
    pub error: Option<&'a (dyn Error + 'static)>,
    /// The error's type name; empty for an `Ok` value a result predicate
    /// retried, as in [`RetryDetails::error_type`].
    pub error_type: &'static str,
}

impl Debug for GiveUpDetails<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GiveUpDetails")
            .field("name", &self.name)
            .field("reason", &self.reason)
            .field("attempts", &self.attempts)
            .field("waited", &self.waited)
            .field("caused_by", &format_args!("{}", self.error_summary()))
            .field("error_type", &self.error_type)
            .finish_non_exhaustive()
    }
}

impl<'a> GiveUpDetails<'a> {
    /// The error as the built-in sinks log it; see [`ErrorSummary`].
    ///
    /// ```
    /// use stamina::instrumentation::{GiveUpDetails, give_up_hook, set_on_retry_hooks};
    ///
    /// set_on_retry_hooks((give_up_hook(|details: &GiveUpDetails<'_>| {
    ///     eprintln!("{} gave up ({}): {}", details.name, details.reason, details.error_summary());
    /// }),));
    /// # set_on_retry_hooks(None);
    /// ```
    pub fn error_summary(&self) -> ErrorSummary<'a> {
        ErrorSummary { caused_by: self.caused_by, error: self.error }
    }
}

/// An error as the built-in sinks log it (`caused_by`): for a
/// `std::error::Error` (or an `anyhow::Error`, a `Box<dyn Error>`), its
/// `Display` followed by each `source()`'s, separated by `": "` (what
/// `anyhow` prints for `{:#}`); for any other error, its `Debug` form. At most
/// [`MAX_ERROR_SUMMARY_BYTES`] bytes of it: a longer summary is cut at a
/// character boundary and ends in `…`.
///
/// A `Debug` form shows what `Display` leaves out: a derived `Debug` of an HTTP
/// client's error can hold the request's headers (tokens, cookies), and an
/// `anyhow::Error`'s holds its backtrace. So an error that can be shown by
/// `Display` is never logged by `Debug`.
///
/// Which one a loop can show depends on who started it: the macros know the
/// concrete error type and pick `Display` for errors; the callers and
/// [`retry_context`](crate::retry_context) are generic over any `E: Debug`
/// and cannot tell, so they log the (capped) `Debug` form. Give an error type
/// whose `Debug` may carry secrets a `Debug` that hides them, or retry it with
/// the macros.
///
/// ```
/// use std::fmt;
/// use stamina::instrumentation::{ErrorSummary, MAX_ERROR_SUMMARY_BYTES};
///
/// #[derive(Debug)]
/// struct Timeout;
/// impl fmt::Display for Timeout {
///     fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str("timed out") }
/// }
/// impl std::error::Error for Timeout {}
///
/// #[derive(Debug)]
/// struct Request { authorization: &'static str, cause: Timeout }
/// impl fmt::Display for Request {
///     fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str("request failed") }
/// }
/// impl std::error::Error for Request {
///     fn source(&self) -> Option<&(dyn std::error::Error + 'static)> { Some(&self.cause) }
/// }
///
/// let error = Request { authorization: "Bearer secret", cause: Timeout };
/// let summary = ErrorSummary::new(&error, Some(&error)).to_string();
/// assert_eq!(summary, "request failed: timed out");
///
/// let long = "x".repeat(10_000);
/// let summary = ErrorSummary::new(&long, None).to_string();
/// assert_eq!(summary.len(), MAX_ERROR_SUMMARY_BYTES + "…".len());
/// ```
#[derive(Clone, Copy)]
pub struct ErrorSummary<'a> {
    caused_by: &'a dyn Debug,
    error: Option<&'a (dyn Error + 'static)>,
}

/// The most bytes of an error that one log event carries, before the `…` that
/// marks a cut. See [`ErrorSummary`].
///
/// ```
/// use stamina::instrumentation::{ErrorSummary, MAX_ERROR_SUMMARY_BYTES};
///
/// let body = "<html>".repeat(1_000); // an error page, say
/// let summary = ErrorSummary::new(&body, None).to_string();
/// assert!(summary.ends_with('…'));
/// assert_eq!(summary.len(), MAX_ERROR_SUMMARY_BYTES + '…'.len_utf8());
/// ```
pub const MAX_ERROR_SUMMARY_BYTES: usize = 512;

/// How many `source()`s a summary follows at most: a chain that loops back on
/// itself still ends.
const MAX_SOURCES: usize = 16;

impl<'a> ErrorSummary<'a> {
    /// The summary of `caused_by`, shown through `error` when it is the same
    /// error as a `std::error::Error`. Hooks get it from
    /// [`RetryDetails::error_summary`] and [`GiveUpDetails::error_summary`].
    ///
    /// ```
    /// use stamina::instrumentation::ErrorSummary;
    ///
    /// let error = std::fmt::Error;
    /// assert_eq!(ErrorSummary::new(&error, Some(&error)).to_string(), "an error occurred when formatting an argument");
    /// assert_eq!(ErrorSummary::new(&error, None).to_string(), "Error"); // its `Debug` form
    /// ```
    pub fn new(caused_by: &'a dyn Debug, error: Option<&'a (dyn Error + 'static)>) -> Self {
        Self { caused_by, error }
    }
}

/// What a summary shows, after whatever the error had written, when
/// formatting the error panicked.
///
/// ```
/// use std::fmt;
/// use stamina::instrumentation::{ErrorSummary, FORMATTING_PANICKED};
///
/// struct Hostile;
/// impl fmt::Debug for Hostile {
///     fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
///         f.write_str("half of it, then ")?;
///         panic!("a bug in the error type")
///     }
/// }
///
/// # let hook = std::panic::take_hook();
/// # std::panic::set_hook(Box::new(|_| {})); // keep the doc test's output clean
/// let summary = ErrorSummary::new(&Hostile, None).to_string();
/// # std::panic::set_hook(hook);
/// assert_eq!(summary, format!("half of it, then {FORMATTING_PANICKED}"));
/// ```
pub const FORMATTING_PANICKED: &str = "<formatting the error panicked>";

impl fmt::Display for ErrorSummary<'_> {
    /// Writes the summary. An error whose `Display` (or `Debug`, or
    /// `source()`) panics gets [`FORMATTING_PANICKED`] after what it wrote:
    /// the summary is written while a retry is being logged, and a bug in an
    /// error type's formatting must not turn a retry into a crash of the loop
    /// (or of the subscriber's thread). The panic still reaches the panic
    /// hook, which prints it by default; with `panic = "abort"` nothing can
    /// be caught and the process aborts as it would anywhere else.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write as _;
        let mut out = Capped { out: f, left: MAX_ERROR_SUMMARY_BYTES, cut: false };
        let written = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.write_to(&mut out)));
        written.unwrap_or_else(|_payload| out.write_str(FORMATTING_PANICKED))
    }
}

impl ErrorSummary<'_> {
    fn write_to(&self, out: &mut Capped<'_, '_>) -> fmt::Result {
        use fmt::Write as _;
        match self.error {
            Some(error) => {
                write!(out, "{error}")?;
                let mut source = error.source();
                for _ in 0..MAX_SOURCES {
                    let Some(cause) = source else { break };
                    write!(out, ": {cause}")?;
                    source = cause.source();
                }
            }
            None => write!(out, "{:?}", self.caused_by)?,
        }
        Ok(())
    }
}

impl Debug for ErrorSummary<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", format_args!("{self}"))
    }
}

/// Writes at most `left` bytes through to `out`, then `…` once.
struct Capped<'a, 'f> {
    out: &'a mut fmt::Formatter<'f>,
    left: usize,
    cut: bool,
}

impl fmt::Write for Capped<'_, '_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        if self.cut {
            return Ok(());
        }
        if text.len() <= self.left {
            self.left -= text.len();
            return self.out.write_str(text);
        }
        let mut end = self.left;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        self.cut = true;
        self.left = 0;
        self.out.write_str(&text[..end])?;
        self.out.write_str("…")
    }
}

/// A duration in seconds rounded to two decimals, the way Python stamina's
/// log hooks report `wait_for` and `waited_so_far`.
#[cfg(any(feature = "tracing", feature = "log"))]
pub(crate) fn rounded_secs(duration: Duration) -> f64 {
    (duration.as_secs_f64() * 100.0).round() / 100.0
}

#[cfg(test)]
mod reason_code_tests {
    use super::GiveUpReason;

    #[test]
    fn every_reason_round_trips_through_its_code() {
        for reason in GiveUpReason::ALL {
            assert_eq!(GiveUpReason::from_code(reason.code()), Some(reason));
            // The engine keeps it in four bits, and 0 means "none".
            assert!((1..=15).contains(&reason.code()), "{reason:?}");
        }
        let known = (0..=u8::MAX).filter_map(GiveUpReason::from_code).inspect(|reason| {
            assert!(GiveUpReason::ALL.contains(reason), "{reason:?} is missing from GiveUpReason::ALL");
        });
        assert_eq!(known.count(), GiveUpReason::ALL.len());
        assert_eq!(GiveUpReason::from_code(0), None);
    }
}
