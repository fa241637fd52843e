//! What hooks learn: one struct per event of a retry loop.

use core::fmt::{self, Debug};
use core::time::Duration;
use std::error::Error;

/// A scheduled retry: an attempt failed with a retryable error, the limits
/// allow another attempt, and the loop is about to wait `wait_for`.
///
/// Hooks see it once per scheduled retry, before the wait. They never see it
/// on success, for an error `on` rejects, or when the loop gives up.
#[derive(Clone, Copy)]
#[non_exhaustive]
pub struct RetryDetails<'a> {
    /// The retried callable's name: the path of a `#[stamina::retry]` fn
    /// (`my_app::client::fetch`, `my_app::Client::get` for methods), or
    /// `<context block>` for [`retry_context`](crate::retry_context) and the
    /// retrying callers.
    pub name: &'a str,
    /// The number of the attempt that just failed: 1 after the first failure.
    pub retry_num: u32,
    /// The planned wait before the next attempt.
    pub wait_for: Duration,
    /// The sum of the earlier planned waits of this loop (planned, not measured).
    pub waited_so_far: Duration,
    /// The error that caused the retry, as its `Debug` form.
    pub caused_by: &'a dyn Debug,
    /// The same error as a `std::error::Error`, when the code that started the
    /// loop could tell that it is one (see the module documentation); `None`
    /// otherwise.
    pub error: Option<&'a (dyn Error + 'static)>,
    /// The error's type name, as [`core::any::type_name`] spells it
    /// (`std::io::error::Error`, `my_app::ApiError`).
    pub error_type: &'static str,
}

impl Debug for RetryDetails<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryDetails")
            .field("name", &self.name)
            .field("retry_num", &self.retry_num)
            .field("wait_for", &self.wait_for)
            .field("waited_so_far", &self.waited_so_far)
            .field("caused_by", &self.caused_by)
            .field("error_type", &self.error_type)
            .finish_non_exhaustive()
    }
}

/// A loop succeeded after at least one retry. Loops that succeed on their first
/// attempt report nothing.
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
}

impl GiveUpReason {
    /// The reason in snake case, as the built-in sinks report it:
    /// `attempts_exhausted`, `timeout`, `not_retryable`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::AttemptsExhausted => "attempts_exhausted",
            Self::Timeout => "timeout",
            Self::NotRetryable => "not_retryable",
        }
    }
}

impl fmt::Display for GiveUpReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A loop gave up: it returns `caused_by` to its caller unchanged.
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
    /// The error that is returned, as its `Debug` form.
    pub caused_by: &'a dyn Debug,
    /// The same error as a `std::error::Error`, when known (as in
    /// [`RetryDetails::error`]).
    pub error: Option<&'a (dyn Error + 'static)>,
    /// The error's type name.
    pub error_type: &'static str,
}

impl Debug for GiveUpDetails<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GiveUpDetails")
            .field("name", &self.name)
            .field("reason", &self.reason)
            .field("attempts", &self.attempts)
            .field("waited", &self.waited)
            .field("caused_by", &self.caused_by)
            .field("error_type", &self.error_type)
            .finish_non_exhaustive()
    }
}

/// A duration in seconds rounded to two decimals, the way Python stamina's
/// log hooks report `wait_for` and `waited_so_far`.
#[cfg(any(feature = "tracing", feature = "log"))]
pub(crate) fn rounded_secs(duration: Duration) -> f64 {
    (duration.as_secs_f64() * 100.0).round() / 100.0
}
