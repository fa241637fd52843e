//! The time limits beyond Python's: a strict mode of `timeout`, and a limit on
//! each async attempt. The [manual's page on time
//! limits](https://docs.rs/stamina/latest/stamina/docs/time_limits/index.html)
//! compares the three.

use core::time::Duration;

use super::RetryPolicy;

/// When the [`timeout`](RetryPolicy::timeout) is enforced.
///
/// A mode of the one `timeout`, not a second limit beside it: the same
/// duration, measured from the same start (the first attempt), checked at
/// more points. A separate `deadline` would let a loop have two total limits
/// and leave users to work out which one wins.
///
/// ```
/// use std::time::Duration;
/// use stamina::{RetryPolicy, TimeoutMode};
///
/// let policy = RetryPolicy::new().timeout(Duration::from_secs(30)).timeout_mode(TimeoutMode::Strict);
/// assert_eq!(policy.get_timeout_mode(), TimeoutMode::Strict);
/// assert_eq!(RetryPolicy::new().get_timeout_mode(), TimeoutMode::Soft); // Python's
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum TimeoutMode {
    /// Python stamina's: checked after each retryable failure only. A retry
    /// scheduled before the timeout runs even if its wait ends past it, and an
    /// attempt that hangs is not stopped.
    #[default]
    Soft,
    /// A deadline that holds: a wait that would end at or past it is not
    /// started (the loop gives up at once, with
    /// [`GiveUpReason::Timeout`](crate::instrumentation::GiveUpReason::Timeout)),
    /// and an async attempt still running when it comes is dropped and fails
    /// with [`AttemptTimedOut`](crate::AttemptTimedOut), which ends the loop.
    /// A sync attempt cannot be cancelled: it runs to its end, and only the
    /// waits are bounded. Like the soft timeout, it is ignored in testing mode.
    Strict,
}

impl RetryPolicy {
    /// Sets when the [`timeout`](Self::timeout) is enforced: Python's
    /// [`Soft`](TimeoutMode::Soft) timeout (the default), or a
    /// [`Strict`](TimeoutMode::Strict) deadline. Without a timeout, the mode
    /// does nothing.
    ///
    /// ```
    /// use std::time::Duration;
    /// use stamina::{RetryPolicy, TimeoutMode};
    ///
    /// let strict = RetryPolicy::new().timeout(Duration::from_secs(45)).timeout_mode(TimeoutMode::Strict);
    /// assert_eq!(strict.get_timeout_mode(), TimeoutMode::Strict);
    /// ```
    #[must_use]
    pub const fn timeout_mode(mut self, mode: TimeoutMode) -> Self {
        self.timeout_mode = mode;
        self.derive()
    }

    /// When the timeout is enforced.
    ///
    /// ```
    /// assert_eq!(stamina::RetryPolicy::new().get_timeout_mode(), stamina::TimeoutMode::Soft);
    /// ```
    pub const fn get_timeout_mode(&self) -> TimeoutMode {
        self.timeout_mode
    }

    /// Limits each async attempt to `limit`; `None` (the default) for no limit.
    ///
    /// An attempt not finished in time is dropped (cancelled, as dropping a
    /// future does) and fails with the error
    /// [`AttemptTimedOut`](crate::AttemptTimedOut) converted into the
    /// operation's error type, which `on` is asked about like any other error.
    /// Measured on the loop's sleeper's clock, so paused time drives it. It
    /// applies in every mode (an attempt is limited also in testing mode and
    /// when retrying is inactive): it bounds the operation, not the retrying.
    ///
    /// Sync loops ignore it: sync code cannot be cancelled (the macros reject
    /// it on a sync fn); give the operation its own timeout (an HTTP client's,
    /// a socket's).
    ///
    /// # Panics
    ///
    /// On `Some(Duration::ZERO)`: no attempt could ever finish.
    ///
    /// ```
    /// use std::time::Duration;
    /// use stamina::RetryPolicy;
    ///
    /// let policy = RetryPolicy::new().attempt_timeout(Duration::from_secs(2));
    /// assert_eq!(policy.get_attempt_timeout(), Some(Duration::from_secs(2)));
    /// assert_eq!(RetryPolicy::new().get_attempt_timeout(), None);
    /// ```
    #[must_use]
    #[track_caller]
    pub fn attempt_timeout(self, limit: impl Into<Option<Duration>>) -> Self {
        self.with_attempt_timeout(limit.into())
    }

    /// The `const` form of [`attempt_timeout`](Self::attempt_timeout), which
    /// the macros' generated code calls. Not public API.
    ///
    /// # Panics
    ///
    /// On `Some(Duration::ZERO)`.
    #[doc(hidden)]
    #[must_use]
    #[track_caller]
    pub const fn with_attempt_timeout(mut self, limit: Option<Duration>) -> Self {
        if let Some(limit) = limit {
            assert!(
                !limit.is_zero(),
                "stamina: a zero `attempt_timeout` would fail every attempt; \
                 use `None` for no limit on an attempt"
            );
        }
        self.attempt_timeout = limit;
        self
    }

    /// How long one async attempt may run, `None` for no limit.
    ///
    /// ```
    /// assert_eq!(stamina::RetryPolicy::new().get_attempt_timeout(), None);
    /// ```
    pub const fn get_attempt_timeout(&self) -> Option<Duration> {
        self.attempt_timeout
    }

    /// Whether the timeout is a strict deadline that applies (one is set).
    #[inline]
    pub(crate) const fn strict_deadline(&self) -> Option<Duration> {
        match (self.timeout, self.timeout_mode) {
            (Some(timeout), TimeoutMode::Strict) => Some(timeout),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_off_by_default_and_shown_only_when_set() {
        let policy = RetryPolicy::new();
        assert_eq!(policy.get_attempt_timeout(), None);
        assert_eq!(policy.strict_deadline(), None);
        assert!(!format!("{policy:?}").contains("attempt_timeout"));
        let set = policy.attempt_timeout(Duration::from_secs(2)).timeout_mode(TimeoutMode::Strict);
        assert_eq!(set.strict_deadline(), Some(Duration::from_secs(45)));
        assert!(format!("{set:?}").ends_with("attempt_timeout: 2s, timeout_mode: Strict }"), "{set:?}");
        assert_eq!(set.timeout(None).strict_deadline(), None);
    }

    #[test]
    #[should_panic(expected = "zero `attempt_timeout`")]
    fn a_zero_attempt_timeout_panics() {
        let _ = RetryPolicy::new().attempt_timeout(Duration::ZERO);
    }
}
