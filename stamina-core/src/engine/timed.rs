//! Limits on an async attempt: the attempt timeout and, under a strict
//! deadline, the time left. The attempt races a timer of the loop's sleeper;
//! when the timer wins, the attempt is dropped and fails with
//! [`AttemptTimedOut`].
//!
//! Nothing here runs unless a limit is set: without `attempt_timeout` and a
//! strict deadline, the drivers and the macros' loops await the attempt
//! itself, with no timer and no room for one.

use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use core::time::Duration;

/// An attempt that did not finish in time: its
/// [`attempt_timeout`](crate::RetryPolicy::attempt_timeout) passed, or the
/// [strict deadline](crate::TimeoutMode::Strict) came while it ran. The loop
/// dropped it and made this its error, converted with `From` into the
/// operation's error type.
///
/// `std::io::Error` has the conversion (as [`ErrorKind::TimedOut`](std::io::ErrorKind::TimedOut)),
/// and so do `Box<dyn Error + Send + Sync>` and `anyhow::Error`, which take
/// any error; for an error type of your own, add a variant:
///
/// ```
/// # #[tokio::main(flavor = "current_thread", start_paused = true)] async fn main() {
/// use std::time::Duration;
/// use stamina::AttemptTimedOut;
///
/// #[derive(Debug)]
/// enum FetchError {
///     TimedOut(AttemptTimedOut),
///     NotFound,
/// }
///
/// impl From<AttemptTimedOut> for FetchError {
///     fn from(timed_out: AttemptTimedOut) -> Self {
///         FetchError::TimedOut(timed_out)
///     }
/// }
///
/// #[stamina::retry(on = |e| matches!(e, FetchError::TimedOut(_)), attempts = 2, attempt_timeout = "1s", wait_jitter = 0)]
/// async fn fetch() -> Result<String, FetchError> {
///     std::future::pending().await // hangs
/// }
///
/// let Err(FetchError::TimedOut(timed_out)) = fetch().await else { panic!() };
/// assert_eq!(timed_out.limit(), Duration::from_secs(1));
/// assert_eq!(timed_out.to_string(), "the attempt did not finish within its attempt timeout of 1s");
/// # }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AttemptTimedOut {
    limit: Duration,
    at_deadline: bool,
}

impl AttemptTimedOut {
    /// How long the attempt was given: the attempt timeout, or the time left
    /// before the strict deadline when that was shorter.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)] async fn main() {
    /// use std::time::Duration;
    ///
    /// let caller = stamina::AsyncRetryingCaller::new().attempts(1).attempt_timeout(Duration::from_millis(300));
    /// let error: std::io::Error = caller.call(|_: &std::io::Error| true, || std::future::pending::<Result<(), _>>()).await.unwrap_err();
    /// let timed_out = error.get_ref().and_then(|e| e.downcast_ref::<stamina::AttemptTimedOut>()).unwrap();
    /// assert_eq!(timed_out.limit(), Duration::from_millis(300));
    /// # }
    /// ```
    pub const fn limit(&self) -> Duration {
        self.limit
    }

    /// Whether the strict deadline stopped it (then the loop gave up with
    /// [`GiveUpReason::Timeout`](crate::instrumentation::GiveUpReason::Timeout)),
    /// rather than its own attempt timeout.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)] async fn main() {
    /// use std::time::Duration;
    /// use stamina::TimeoutMode;
    ///
    /// let caller = stamina::AsyncRetryingCaller::new()
    ///     .timeout(Duration::from_secs(30))
    ///     .timeout_mode(TimeoutMode::Strict);
    /// let error: std::io::Error = caller.call(|_: &std::io::Error| true, || std::future::pending::<Result<(), _>>()).await.unwrap_err();
    /// let timed_out = error.get_ref().and_then(|e| e.downcast_ref::<stamina::AttemptTimedOut>()).unwrap();
    /// assert!(timed_out.is_deadline());
    /// # }
    /// ```
    pub const fn is_deadline(&self) -> bool {
        self.at_deadline
    }
}

impl fmt::Display for AttemptTimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.at_deadline {
            write!(f, "the attempt was cancelled at the strict deadline, after {:?}", self.limit)
        } else {
            write!(f, "the attempt did not finish within its attempt timeout of {:?}", self.limit)
        }
    }
}

impl std::error::Error for AttemptTimedOut {}

impl From<AttemptTimedOut> for std::io::Error {
    fn from(timed_out: AttemptTimedOut) -> Self {
        Self::new(std::io::ErrorKind::TimedOut, timed_out)
    }
}

/// The error types a loop that cancels attempts can fail with: every type
/// with `From<AttemptTimedOut>`. Implemented for all of them; implement
/// `From`, not this.
///
/// ```
/// use stamina::{AttemptTimedOut, FromAttemptTimedOut};
///
/// #[derive(Debug)]
/// enum FetchError {
///     TimedOut(AttemptTimedOut),
/// }
///
/// impl From<AttemptTimedOut> for FetchError {
///     fn from(timed_out: AttemptTimedOut) -> Self {
///         Self::TimedOut(timed_out)
///     }
/// }
///
/// // `From` is all it takes: what a cancelling caller's `call` requires.
/// fn can_be_cancelled<E: FromAttemptTimedOut>() {}
/// can_be_cancelled::<FetchError>();
/// can_be_cancelled::<std::io::Error>();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot hold a timed-out attempt, which `attempt_timeout` and a strict deadline need",
    label = "the error type must convert from `stamina::AttemptTimedOut`",
    note = "add `impl From<stamina::AttemptTimedOut> for {Self}` (a variant that holds it), or use an error type that has it, such as `std::io::Error`"
)]
pub trait FromAttemptTimedOut {
    /// The error for `timed_out`.
    fn from_attempt_timed_out(timed_out: AttemptTimedOut) -> Self;
}

impl<E: From<AttemptTimedOut>> FromAttemptTimedOut for E {
    #[inline]
    fn from_attempt_timed_out(timed_out: AttemptTimedOut) -> Self {
        Self::from(timed_out)
    }
}

/// How long the next attempt may run, and whether the strict deadline, not
/// the attempt timeout, sets the limit: nanoseconds (saturating at 292
/// years) with the deadline in the top bit, one word in the racing future.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AttemptLimit(u64);

impl AttemptLimit {
    const AT_DEADLINE: u64 = 1 << 63;

    /// `nanos` (saturating), set by the deadline or not.
    pub(crate) const fn new(nanos: u64, at_deadline: bool) -> Self {
        let nanos = if nanos < Self::AT_DEADLINE { nanos } else { Self::AT_DEADLINE - 1 };
        Self(if at_deadline { nanos | Self::AT_DEADLINE } else { nanos })
    }

    /// The time the attempt is given, in nanoseconds.
    pub(crate) const fn nanos(self) -> u64 {
        self.0 & !Self::AT_DEADLINE
    }

    /// Whether the strict deadline sets it.
    pub(crate) const fn at_deadline(self) -> bool {
        self.0 & Self::AT_DEADLINE != 0
    }

    /// The error of an attempt that ran out of this limit.
    pub(crate) fn timed_out(self) -> AttemptTimedOut {
        AttemptTimedOut { limit: Duration::from_nanos(self.nanos()), at_deadline: self.at_deadline() }
    }
}

/// An attempt racing its limit's timer: the attempt's output, or the limit
/// when the timer finishes first. The attempt is polled first, so one that is
/// ready when the timer is wins.
///
/// The attempt is pinned where the loop holds it (`Pin<&mut _>`), and the
/// timer boxed, as the waits' are (see `Pause::sleep_async`): a tokio
/// `Sleep` is 112 bytes, which would otherwise take room in the retried
/// future for every attempt.
#[doc(hidden)]
#[derive(Debug)]
#[must_use = "futures do nothing unless awaited"]
pub struct Timed<F, S> {
    attempt: F,
    /// `None` when no time is left: the attempt gets one poll.
    timer: Option<Pin<Box<S>>>,
    limit: AttemptLimit,
}

impl<F, S> Timed<F, S> {
    /// `attempt` against `limit`, timed on `sleeper`.
    #[inline]
    pub fn new<Z>(attempt: F, limit: AttemptLimit, sleeper: &Z) -> Self
    where
        Z: super::Sleeper<Sleep = S>,
    {
        // A sleeper is never asked for a zero wait.
        let timer =
            (limit.nanos() != 0).then(|| Box::pin(sleeper.sleep(Duration::from_nanos(limit.nanos()))));
        Self { attempt, timer, limit }
    }
}

impl<F, S> Future for Timed<F, S>
where
    F: Future + Unpin,
    S: Future<Output = ()>,
{
    type Output = Result<F::Output, AttemptLimit>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // Every field is `Unpin` (the attempt is pinned elsewhere, the timer
        // boxed), so no projection is needed.
        let this = self.get_mut();
        if let Poll::Ready(output) = Pin::new(&mut this.attempt).poll(cx) {
            return Poll::Ready(Ok(output));
        }
        let running = this.timer.as_mut().is_some_and(|timer| timer.as_mut().poll(cx).is_pending());
        if running { Poll::Pending } else { Poll::Ready(Err(this.limit)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_says_which_limit_and_converts_to_io() {
        let own = AttemptLimit::new(2_000_000_000, false).timed_out();
        assert_eq!(own.to_string(), "the attempt did not finish within its attempt timeout of 2s");
        assert!(!own.is_deadline());
        let deadline = AttemptLimit::new(1_500_000, true).timed_out();
        assert_eq!(deadline.to_string(), "the attempt was cancelled at the strict deadline, after 1.5ms");
        let io = std::io::Error::from(own);
        assert_eq!(io.kind(), std::io::ErrorKind::TimedOut);
        assert_eq!(io.to_string(), own.to_string());
        assert_eq!(AttemptLimit::new(u64::MAX, true).nanos(), (1 << 63) - 1);
        assert!(AttemptLimit::new(u64::MAX, true).at_deadline());
        assert!(!AttemptLimit::new(u64::MAX, false).at_deadline());
        assert_eq!(size_of::<AttemptLimit>(), 8);
    }
}
