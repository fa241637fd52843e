//! What an `on` predicate answers: retry, retry after a given wait, or don't.

use core::time::Duration;

/// The answer of an `on` predicate about one error.
///
/// A predicate may also return a plain `bool` (`true` is [`Decision::Retry`],
/// `false` is [`Decision::NoRetry`]) or a [`Duration`] (which is
/// [`Decision::RetryAfter`]).
///
/// ```
/// use std::time::Duration;
/// use stamina::Decision;
///
/// #[derive(Debug)]
/// enum ApiError { RateLimited { retry_after: Duration }, Unavailable, NotFound }
///
/// fn on_api_error(error: &ApiError) -> Decision {
///     match error {
///         ApiError::RateLimited { retry_after } => Decision::RetryAfter(*retry_after),
///         ApiError::Unavailable => Decision::Retry,
///         ApiError::NotFound => Decision::NoRetry,
///     }
/// }
/// assert_eq!(on_api_error(&ApiError::NotFound), Decision::NoRetry);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Decision {
    /// Retry with the policy's exponential backoff and jitter.
    Retry,
    /// Retry after exactly this wait: no cap by `wait_max`, no jitter. It still
    /// counts as an attempt, and testing mode still turns it into zero. A zero
    /// wait means an immediate retry, not "don't retry".
    RetryAfter(Duration),
    /// Do not retry: the error is returned at once, unchanged.
    NoRetry,
    /// Retry, and the server said to slow down (HTTP 429): after the wait it
    /// asked for, exactly as [`RetryAfter`](Self::RetryAfter), or with the
    /// policy's backoff when it named none. A [retry budget](crate::budget)
    /// charges such a retry as [`Charge::Throttling`](crate::budget::Charge).
    Throttled(Option<Duration>),
}

impl Decision {
    /// Whether this decision retries at all.
    ///
    /// ```
    /// use std::time::Duration;
    /// use stamina::Decision;
    ///
    /// assert!(Decision::Retry.retries());
    /// assert!(Decision::RetryAfter(Duration::ZERO).retries()); // an immediate retry
    /// assert!(Decision::Throttled(None).retries());
    /// assert!(!Decision::NoRetry.retries());
    /// ```
    pub const fn retries(self) -> bool {
        !matches!(self, Self::NoRetry)
    }

    /// What a budget charges for the retry this decision asks for.
    ///
    /// ```
    /// use stamina::Decision;
    /// use stamina::budget::Charge;
    ///
    /// assert_eq!(Decision::Retry.charge(), Charge::Failure);
    /// assert_eq!(Decision::Throttled(None).charge(), Charge::Throttling);
    /// ```
    pub const fn charge(self) -> crate::budget::Charge {
        match self {
            Self::Throttled(_) => crate::budget::Charge::Throttling,
            Self::Retry | Self::RetryAfter(_) | Self::NoRetry => crate::budget::Charge::Failure,
        }
    }
}

/// A value an `on` predicate may return: `bool`, [`Duration`], [`Decision`], or
/// `Option<Duration>` (`None` is no retry, `Some(wait)` a retry after `wait`).
///
/// Implement it for an answer of your own:
///
/// ```
/// use std::time::Duration;
/// use stamina::{Decision, IntoDecision};
///
/// /// What the API's error body says to do.
/// enum Advice { Retry, WaitSeconds(u64), GiveUp }
///
/// impl IntoDecision for Advice {
///     fn into_decision(self) -> Decision {
///         match self {
///             Advice::Retry => Decision::Retry,
///             Advice::WaitSeconds(seconds) => Decision::RetryAfter(Duration::from_secs(seconds)),
///             Advice::GiveUp => Decision::NoRetry,
///         }
///     }
/// }
///
/// assert_eq!(true.into_decision(), Decision::Retry);
/// assert_eq!(None::<Duration>.into_decision(), Decision::NoRetry);
/// assert_eq!(Advice::WaitSeconds(2).into_decision(), Decision::RetryAfter(Duration::from_secs(2)));
///
/// let caller = stamina::RetryingCaller::new().attempts(2).wait_max(Duration::ZERO);
/// assert!(caller.call(|_: &()| Advice::GiveUp, || Err::<(), _>(())).is_err());
/// # let _ = Advice::Retry;
/// ```
#[diagnostic::on_unimplemented(
    message = "an `on` predicate must return `bool`, `Duration`, `Option<Duration>` or `stamina::Decision`, not `{Self}`",
    label = "this predicate returns `{Self}`",
    note = "return `true` to retry with backoff, `false` to give up, a `Duration` to retry after exactly that wait, \
            `Option<Duration>` (`None` to give up, `Some(wait)` as a `Duration`), or a `stamina::Decision`"
)]
pub trait IntoDecision {
    /// Converts the predicate's answer.
    fn into_decision(self) -> Decision;
}

impl IntoDecision for Decision {
    #[inline]
    fn into_decision(self) -> Decision {
        self
    }
}

impl IntoDecision for bool {
    #[inline]
    fn into_decision(self) -> Decision {
        if self { Decision::Retry } else { Decision::NoRetry }
    }
}

impl IntoDecision for Duration {
    #[inline]
    fn into_decision(self) -> Decision {
        Decision::RetryAfter(self)
    }
}

impl IntoDecision for Option<Duration> {
    #[inline]
    fn into_decision(self) -> Decision {
        self.map_or(Decision::NoRetry, Decision::RetryAfter)
    }
}

/// Asks the predicate `on` about `error`.
#[inline]
pub(crate) fn decide<E: ?Sized, P, D>(on: &P, error: &E) -> Decision
where
    P: Fn(&E) -> D,
    D: IntoDecision,
{
    on(error).into_decision()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions() {
        assert_eq!(true.into_decision(), Decision::Retry);
        assert_eq!(false.into_decision(), Decision::NoRetry);
        assert_eq!(Duration::ZERO.into_decision(), Decision::RetryAfter(Duration::ZERO));
        assert_eq!(None::<Duration>.into_decision(), Decision::NoRetry);
        assert_eq!(
            Some(Duration::from_secs(1)).into_decision(),
            Decision::RetryAfter(Duration::from_secs(1))
        );
        assert!(Decision::RetryAfter(Duration::ZERO).retries());
        assert!(Decision::Throttled(Some(Duration::ZERO)).retries());
        assert!(!Decision::NoRetry.retries());
    }

    #[test]
    fn closures_are_predicates() {
        assert_eq!(decide(&|e: &i32| *e > 0, &1), Decision::Retry);
        assert_eq!(decide(&|e: &i32| *e > 0, &0), Decision::NoRetry);
        assert_eq!(
            decide(&|_: &i32| Duration::from_millis(5), &1),
            Decision::RetryAfter(Duration::from_millis(5))
        );
    }
}
