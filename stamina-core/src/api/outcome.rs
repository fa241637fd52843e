//! How a call went, without changing its result: the `*_with_outcome` forms
//! of the callers and `retry_context` return a [`CallOutcome`] beside the
//! result, which stays the last attempt's, unchanged, as in Python.
//! `#[retry]` fns return their own result only.
//!
//! Only these forms read the clock for the elapsed time and build the
//! outcome; the plain `call`s are unchanged.

use core::fmt::Debug;
use core::future::Future;
use core::time::Duration;

use crate::engine::{AttemptCancel, Site, Sleeper, WithOutcome, run_async_limited, run_sync};
use crate::instrumentation::{ErrorView, GiveUpReason};
use crate::on::IntoDecision;
use crate::{
    AsyncRetryingCaller, Attempt, BoundAsyncRetryingCaller, BoundRetryingCaller, RetryContext, RetryingCaller,
};

/// How a call went: the attempts it ran, the waits it planned, the time it
/// took, and for an error why it gave up, in the names hooks, sinks and
/// metric labels use ([`GiveUpReason`]).
///
/// ```
/// use std::time::Duration;
/// use stamina::instrumentation::GiveUpReason;
///
/// let caller = stamina::RetryingCaller::new().attempts(3).wait_max(Duration::ZERO);
/// let mut calls = 0;
/// let (result, outcome) = caller.call_with_outcome(|_: &&str| true, || {
///     calls += 1;
///     if calls < 2 { Err("busy") } else { Ok(calls) }
/// });
/// assert_eq!(result, Ok(2));
/// assert_eq!((outcome.attempts(), outcome.gave_up()), (2, None));
///
/// let (result, outcome) = caller.call_with_outcome(|_: &&str| true, || Err::<(), _>("down"));
/// assert_eq!(result, Err("down"));
/// assert_eq!((outcome.attempts(), outcome.gave_up()), (3, Some(GiveUpReason::AttemptsExhausted)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CallOutcome {
    attempts: u32,
    waited: Duration,
    elapsed: Duration,
    gave_up: Option<GiveUpReason>,
}

impl CallOutcome {
    pub(crate) const fn new(
        attempts: u32,
        waited: Duration,
        elapsed: Duration,
        gave_up: Option<GiveUpReason>,
    ) -> Self {
        Self { attempts, waited, elapsed, gave_up }
    }

    /// The attempts run, the first included.
    ///
    /// ```
    /// let (_, outcome) = stamina::RetryingCaller::new().call_with_outcome(|_: &()| true, || Ok::<_, ()>(1));
    /// assert_eq!(outcome.attempts(), 1);
    /// ```
    pub const fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The waits planned between the attempts, in total: what hooks see as
    /// `waited`. Zero in testing mode, which sleeps none.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let caller = stamina::RetryingCaller::new().attempts(3).wait_initial(Duration::from_millis(1)).wait_jitter(Duration::ZERO);
    /// let (_, outcome) = caller.call_with_outcome(|_: &()| true, || Err::<(), _>(()));
    /// assert_eq!(outcome.waited(), Duration::from_millis(3)); // 1 ms, then 2 ms
    /// ```
    pub const fn waited(&self) -> Duration {
        self.waited
    }

    /// The time from the start of the first attempt to the end of the last,
    /// on the loop's clock (an async loop's sleeper's, so paused time drives
    /// it), never less than [`waited`](Self::waited).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)] async fn main() {
    /// use std::time::Duration;
    ///
    /// let caller = stamina::AsyncRetryingCaller::new().attempts(2).wait_initial(Duration::from_secs(1)).wait_jitter(Duration::ZERO);
    /// let (_, outcome) = caller.call_with_outcome(|_: &()| true, || async { Err::<(), _>(()) }).await;
    /// // The 1 s wait. Time spent inside attempts counts too, on tokio's
    /// // paused clock with stamina's `test-util` feature.
    /// assert_eq!(outcome.elapsed(), Duration::from_secs(1));
    /// # }
    /// ```
    pub const fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// Why the loop gave up and returned the error; `None` after a success.
    /// While retrying is inactive (one attempt), an error reports
    /// [`AttemptsExhausted`](GiveUpReason::AttemptsExhausted).
    ///
    /// ```
    /// use stamina::instrumentation::GiveUpReason;
    ///
    /// let (_, outcome) = stamina::RetryingCaller::new().call_with_outcome(|_: &()| false, || Err::<(), _>(()));
    /// assert_eq!(outcome.gave_up(), Some(GiveUpReason::NotRetryable));
    /// ```
    pub const fn gave_up(&self) -> Option<GiveUpReason> {
        self.gave_up
    }
}

impl<W> RetryingCaller<W> {
    /// [`call`](Self::call), returning how the call went too.
    ///
    /// ```
    /// let (result, outcome) = stamina::RetryingCaller::new().call_with_outcome(|_: &()| true, || Ok::<_, ()>("done"));
    /// assert_eq!((result, outcome.attempts()), (Ok("done"), 1));
    /// ```
    #[inline]
    pub fn call_with_outcome<T, E, P, D, F>(&self, on: P, mut op: F) -> (Result<T, E>, CallOutcome)
    where
        E: Debug,
        P: Fn(&E) -> D,
        D: IntoDecision,
        F: FnMut() -> Result<T, E>,
        W: ErrorView<E> + Copy,
    {
        run_sync(Site { policy: &self.policy, name: &self.name }, on, self.view, WithOutcome, |()| op())
    }
}

impl<P, W> BoundRetryingCaller<P, W> {
    /// [`call`](Self::call), returning how the call went too.
    ///
    /// ```
    /// let caller = stamina::RetryingCaller::new().on(|_: &()| true);
    /// let (result, outcome) = caller.call_with_outcome(|| Ok::<_, ()>(7));
    /// assert_eq!((result, outcome.gave_up()), (Ok(7), None));
    /// ```
    #[inline]
    pub fn call_with_outcome<T, E, D, F>(&self, op: F) -> (Result<T, E>, CallOutcome)
    where
        E: Debug,
        P: Fn(&E) -> D,
        D: IntoDecision,
        F: FnMut() -> Result<T, E>,
        W: ErrorView<E> + Copy,
    {
        self.caller.call_with_outcome(&self.on, op)
    }
}

impl<S, C, W> AsyncRetryingCaller<S, C, W> {
    /// [`call`](Self::call), returning how the call went too.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)] async fn main() {
    /// use std::time::Duration;
    /// use stamina::instrumentation::GiveUpReason;
    ///
    /// let caller = stamina::AsyncRetryingCaller::new().attempts(2).attempt_timeout(Duration::from_secs(1));
    /// let (result, outcome) = caller.call_with_outcome(|_: &std::io::Error| true, || std::future::pending::<Result<(), _>>()).await;
    /// assert!(result.is_err());
    /// assert_eq!(outcome.attempts(), 2);
    /// assert_eq!(outcome.gave_up(), Some(GiveUpReason::AttemptsExhausted));
    /// # }
    /// ```
    #[inline]
    pub fn call_with_outcome<T, E, P, D, F, Fut>(
        &self,
        on: P,
        mut op: F,
    ) -> impl Future<Output = (Result<T, E>, CallOutcome)>
    where
        E: Debug,
        P: Fn(&E) -> D,
        D: IntoDecision,
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, E>>,
        S: Sleeper,
        C: AttemptCancel<E>,
        W: ErrorView<E> + Copy,
    {
        run_async_limited(
            Site { policy: &self.policy, name: &self.name },
            on,
            self.view,
            self.cancel,
            WithOutcome,
            &self.sleeper,
            move |()| op(),
        )
    }
}

impl<P, S, C, W> BoundAsyncRetryingCaller<P, S, C, W> {
    /// [`call`](Self::call), returning how the call went too.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let caller = stamina::AsyncRetryingCaller::new().on(|_: &()| true);
    /// let (result, outcome) = caller.call_with_outcome(|| async { Ok::<_, ()>(7) }).await;
    /// assert_eq!((result, outcome.attempts()), (Ok(7), 1));
    /// # }
    /// ```
    #[inline]
    pub fn call_with_outcome<T, E, D, F, Fut>(
        &self,
        op: F,
    ) -> impl Future<Output = (Result<T, E>, CallOutcome)>
    where
        E: Debug,
        P: Fn(&E) -> D,
        D: IntoDecision,
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, E>>,
        S: Sleeper,
        C: AttemptCancel<E>,
        W: ErrorView<E> + Copy,
    {
        self.caller.call_with_outcome(&self.on, op)
    }
}

impl<P, S, C, W> RetryContext<P, S, C, W> {
    /// [`call`](Self::call), returning how the call went too.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let context = stamina::retry_context(|_: &()| true).wait_max(Duration::ZERO);
    /// let (result, outcome) = context.call_with_outcome(|attempt| if attempt.num() < 3 { Err(()) } else { Ok(attempt.num()) });
    /// assert_eq!((result, outcome.attempts()), (Ok(3), 3));
    /// ```
    #[inline]
    pub fn call_with_outcome<T, E, D, F>(&self, block: F) -> (Result<T, E>, CallOutcome)
    where
        E: Debug,
        P: Fn(&E) -> D,
        D: IntoDecision,
        F: FnMut(Attempt) -> Result<T, E>,
        W: ErrorView<E> + Copy,
    {
        run_sync(Site { policy: &self.policy, name: &self.name }, &self.on, self.view, WithOutcome, block)
    }

    /// [`call_async`](Self::call_async), returning how the call went too.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)] async fn main() {
    /// use std::time::Duration;
    /// use stamina::{TimeoutMode, instrumentation::GiveUpReason};
    ///
    /// let context = stamina::retry_context(|_: &std::io::Error| Duration::from_secs(60)) // "Retry-After: 60"
    ///     .timeout(Duration::from_secs(45))
    ///     .timeout_mode(TimeoutMode::Strict);
    /// let (result, outcome) = context
    ///     .call_async_with_outcome(async |_| Err::<(), _>(std::io::Error::other("busy")))
    ///     .await;
    /// assert!(result.is_err());
    /// // 60 s would pass the deadline: given up at once, without sleeping.
    /// assert_eq!(outcome.gave_up(), Some(GiveUpReason::Timeout));
    /// assert_eq!(outcome.elapsed(), Duration::ZERO);
    /// # }
    /// ```
    #[inline]
    pub fn call_async_with_outcome<T, E, D, F, Fut>(
        &self,
        block: F,
    ) -> impl Future<Output = (Result<T, E>, CallOutcome)>
    where
        E: Debug,
        P: Fn(&E) -> D,
        D: IntoDecision,
        F: FnMut(Attempt) -> Fut,
        Fut: Future<Output = Result<T, E>>,
        S: Sleeper,
        C: AttemptCancel<E>,
        W: ErrorView<E> + Copy,
    {
        run_async_limited(
            Site { policy: &self.policy, name: &self.name },
            &self.on,
            self.view,
            self.cancel,
            WithOutcome,
            &self.sleeper,
            block,
        )
    }
}
