//! The callers' and `retry_context`'s time limits beyond Python's: a strict
//! [`timeout_mode`](crate::TimeoutMode), and an `attempt_timeout` for async
//! attempts.
//!
//! Cancelling an attempt needs an error for it, so an async caller or context
//! that may cancel is a type of its own, `..., Cancelling>`, whose `call`s
//! require `E: From<AttemptTimedOut>`; the default, [`Uncancelled`], takes
//! any error type and awaits every attempt to its end. Setting either limit
//! makes the switch, so a call that compiles is one that can be cancelled.

use core::fmt::Debug;
use core::future::Future;
use core::marker::PhantomData;
use core::time::Duration;

use crate::engine::{FromAttemptTimedOut, ResultOnly, Site, Sleeper, run_async_limited};
use crate::instrumentation::ErrorView;
use crate::on::IntoDecision;
use crate::{
    AsyncRetryingCaller, Attempt, BoundAsyncRetryingCaller, RetryContext, RetryingCaller, TimeoutMode,
};

/// The kind of async caller or context that awaits each attempt to its end:
/// the default. Its error types need no conversion.
///
/// ```
/// use stamina::{AsyncRetryingCaller, DefaultSleeper, Uncancelled};
///
/// // Any error type, here one without `From<AttemptTimedOut>`.
/// let caller: AsyncRetryingCaller<DefaultSleeper, Uncancelled> = AsyncRetryingCaller::new();
/// let result = futures_lite::future::block_on(caller.call(|_: &&str| false, || async { Err::<(), _>("no") }));
/// assert_eq!(result, Err("no"));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Uncancelled;

/// The kind of async caller or context that cancels an attempt at its
/// `attempt_timeout` or at a strict deadline; made by their
/// `attempt_timeout` and `timeout_mode`. Its error types convert from
/// [`AttemptTimedOut`](crate::AttemptTimedOut).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use std::time::Duration;
///
/// use stamina::{AsyncRetryingCaller, Cancelling, DefaultSleeper};
///
/// let caller: AsyncRetryingCaller<DefaultSleeper, Cancelling> =
///     AsyncRetryingCaller::new().attempts(1).attempt_timeout(Duration::from_millis(10));
/// // An attempt that would never end is cancelled, as `std::io::Error`'s
/// // `From<AttemptTimedOut>` error.
/// let result = caller.call(|_: &std::io::Error| true, || std::future::pending::<std::io::Result<()>>()).await;
/// assert_eq!(result.unwrap_err().kind(), std::io::ErrorKind::TimedOut);
/// # }
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cancelling;

impl<W> RetryingCaller<W> {
    /// Sets when the timeout is enforced; see
    /// [`RetryPolicy::timeout_mode`](crate::RetryPolicy::timeout_mode). Sync
    /// code cannot be cancelled: under a [strict](TimeoutMode::Strict)
    /// deadline no wait passes it, and the attempt running at the deadline
    /// runs to its end.
    ///
    /// ```
    /// use std::time::Duration;
    /// use stamina::{RetryingCaller, TimeoutMode};
    ///
    /// let caller = RetryingCaller::new()
    ///     .timeout(Duration::from_millis(250))
    ///     .timeout_mode(TimeoutMode::Strict)
    ///     .wait_initial(Duration::from_secs(1));
    /// // The first wait (1 s or more) would end past the deadline: no retry.
    /// let mut calls = 0;
    /// let result = caller.call(|_: &()| true, || { calls += 1; Err::<(), _>(()) });
    /// assert_eq!((result, calls), (Err(()), 1));
    /// ```
    #[must_use]
    pub fn timeout_mode(mut self, mode: TimeoutMode) -> Self {
        self.policy = self.policy.timeout_mode(mode);
        self
    }
}

impl<S, C, W> AsyncRetryingCaller<S, C, W> {
    /// Limits each attempt to `limit`: one not finished in time is dropped
    /// and fails with [`AttemptTimedOut`](crate::AttemptTimedOut), converted
    /// into the operation's error type, which `on` is asked about like any
    /// other. See [`RetryPolicy::attempt_timeout`](crate::RetryPolicy::attempt_timeout).
    ///
    /// # Panics
    ///
    /// On `Some(Duration::ZERO)`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)] async fn main() {
    /// use std::time::Duration;
    /// use tokio::time::Instant;
    ///
    /// let caller = stamina::AsyncRetryingCaller::new()
    ///     .attempts(3)
    ///     .wait_initial(Duration::from_millis(100))
    ///     .wait_jitter(Duration::ZERO)
    ///     .attempt_timeout(Duration::from_secs(2));
    /// let started = Instant::now();
    /// let result: Result<(), std::io::Error> = caller.call(|_: &std::io::Error| true, || std::future::pending()).await;
    /// assert_eq!(result.unwrap_err().kind(), std::io::ErrorKind::TimedOut);
    /// // Three attempts of 2 s, and waits of 100 and 200 ms.
    /// assert_eq!(started.elapsed(), Duration::from_millis(6_300));
    /// # }
    /// ```
    #[must_use]
    #[track_caller]
    pub fn attempt_timeout(
        self,
        limit: impl Into<Option<Duration>>,
    ) -> AsyncRetryingCaller<S, Cancelling, W> {
        let policy = self.policy.attempt_timeout(limit);
        self.cancelling(policy)
    }

    /// Sets when the timeout is enforced; under a
    /// [strict](TimeoutMode::Strict) deadline, no wait passes it and the
    /// attempt running at the deadline is dropped (it fails with
    /// [`AttemptTimedOut`](crate::AttemptTimedOut), and the loop gives up).
    /// See [`RetryPolicy::timeout_mode`](crate::RetryPolicy::timeout_mode).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)] async fn main() {
    /// use std::time::Duration;
    /// use stamina::TimeoutMode;
    /// use tokio::time::Instant;
    ///
    /// let caller = stamina::AsyncRetryingCaller::new()
    ///     .timeout(Duration::from_secs(30))
    ///     .timeout_mode(TimeoutMode::Strict);
    /// let started = Instant::now();
    /// let hung: Result<(), std::io::Error> = caller.call(|_: &std::io::Error| true, || std::future::pending()).await;
    /// assert!(hung.is_err());
    /// assert_eq!(started.elapsed(), Duration::from_secs(30));
    /// # }
    /// ```
    #[must_use]
    pub fn timeout_mode(self, mode: TimeoutMode) -> AsyncRetryingCaller<S, Cancelling, W> {
        let policy = self.policy.timeout_mode(mode);
        self.cancelling(policy)
    }

    /// This caller with `policy`, as one that cancels attempts.
    fn cancelling(self, policy: crate::RetryPolicy) -> AsyncRetryingCaller<S, Cancelling, W> {
        AsyncRetryingCaller {
            policy,
            name: self.name,
            sleeper: self.sleeper,
            cancel: PhantomData,
            view: self.view,
        }
    }
}

impl<S, W> AsyncRetryingCaller<S, Cancelling, W> {
    /// Calls `op` and awaits its future until it succeeds, `on` rejects its
    /// error, or a limit is reached, like
    /// [`AsyncRetryingCaller::call`]; an attempt that runs out of its time is
    /// dropped and fails with `E::from(AttemptTimedOut)`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)] async fn main() {
    /// use std::time::Duration;
    ///
    /// let caller = stamina::AsyncRetryingCaller::new().attempts(2).attempt_timeout(Duration::from_secs(1));
    /// let mut calls = 0;
    /// let body = caller
    ///     .call(|_: &std::io::Error| true, || {
    ///         calls += 1;
    ///         let hang = calls == 1;
    ///         async move {
    ///             if hang {
    ///                 std::future::pending::<()>().await;
    ///             }
    ///             Ok::<_, std::io::Error>("body")
    ///         }
    ///     })
    ///     .await;
    /// assert_eq!(body.unwrap(), "body");
    /// # }
    /// ```
    #[inline]
    pub fn call<T, E, P, D, F, Fut>(&self, on: P, mut op: F) -> impl Future<Output = Result<T, E>>
    where
        E: Debug + FromAttemptTimedOut,
        P: Fn(&E) -> D,
        D: IntoDecision,
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, E>>,
        S: Sleeper,
        W: ErrorView<E> + Copy,
    {
        run_async_limited(
            Site { policy: &self.policy, name: &self.name },
            on,
            self.view,
            self.cancel,
            ResultOnly,
            &self.sleeper,
            move |()| op(),
        )
    }
}

impl<P, S, W> BoundAsyncRetryingCaller<P, S, Cancelling, W> {
    /// Calls `op` with the bound predicate, like
    /// [`AsyncRetryingCaller::<S, Cancelling>::call`](AsyncRetryingCaller::call).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)] async fn main() {
    /// use std::time::Duration;
    ///
    /// let on_any = stamina::AsyncRetryingCaller::new()
    ///     .attempts(1)
    ///     .attempt_timeout(Duration::from_secs(1))
    ///     .on(|_: &std::io::Error| true);
    /// let hung: Result<(), _> = on_any.call(|| std::future::pending()).await;
    /// assert_eq!(hung.unwrap_err().kind(), std::io::ErrorKind::TimedOut);
    /// # }
    /// ```
    #[inline]
    pub fn call<T, E, D, F, Fut>(&self, op: F) -> impl Future<Output = Result<T, E>>
    where
        E: Debug + FromAttemptTimedOut,
        P: Fn(&E) -> D,
        D: IntoDecision,
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, E>>,
        S: Sleeper,
        W: ErrorView<E> + Copy,
    {
        self.caller.call(&self.on, op)
    }
}

impl<P, S, C, W> RetryContext<P, S, C, W> {
    /// Limits each async attempt ([`call_async`](RetryContext::call_async))
    /// to `limit`: one not finished in time is dropped and fails with
    /// [`AttemptTimedOut`](crate::AttemptTimedOut), converted into the
    /// block's error type. The sync [`call`](Self::call) cannot cancel and
    /// ignores it. See [`RetryPolicy::attempt_timeout`](crate::RetryPolicy::attempt_timeout).
    ///
    /// # Panics
    ///
    /// On `Some(Duration::ZERO)`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)] async fn main() {
    /// use std::time::Duration;
    ///
    /// let result: Result<u32, std::io::Error> = stamina::retry_context(|_: &std::io::Error| true)
    ///     .attempt_timeout(Duration::from_secs(1))
    ///     .call_async(async |attempt| {
    ///         if attempt.num() == 1 {
    ///             std::future::pending::<()>().await; // the first attempt hangs
    ///         }
    ///         Ok(attempt.num())
    ///     })
    ///     .await;
    /// assert_eq!(result.unwrap(), 2);
    /// # }
    /// ```
    #[must_use]
    #[track_caller]
    pub fn attempt_timeout(self, limit: impl Into<Option<Duration>>) -> RetryContext<P, S, Cancelling, W> {
        let policy = self.policy.attempt_timeout(limit);
        self.cancelling(policy)
    }

    /// Sets when the timeout is enforced; under a
    /// [strict](TimeoutMode::Strict) deadline, no wait passes it, and an
    /// async attempt running at the deadline is dropped (the sync
    /// [`call`](Self::call)'s runs to its end). See
    /// [`RetryPolicy::timeout_mode`](crate::RetryPolicy::timeout_mode).
    ///
    /// ```
    /// use std::time::Duration;
    /// use stamina::TimeoutMode;
    ///
    /// let context = stamina::retry_context(|_: &std::io::Error| true)
    ///     .timeout(Duration::from_secs(30))
    ///     .timeout_mode(TimeoutMode::Strict);
    /// assert_eq!(context.get_policy().get_timeout_mode(), TimeoutMode::Strict);
    /// ```
    #[must_use]
    pub fn timeout_mode(self, mode: TimeoutMode) -> RetryContext<P, S, Cancelling, W> {
        let policy = self.policy.timeout_mode(mode);
        self.cancelling(policy)
    }

    /// This context with `policy`, as one whose async blocks are cancelled.
    fn cancelling(self, policy: crate::RetryPolicy) -> RetryContext<P, S, Cancelling, W> {
        RetryContext {
            policy,
            name: self.name,
            on: self.on,
            sleeper: self.sleeper,
            cancel: PhantomData,
            view: self.view,
        }
    }
}

impl<P, S, W> RetryContext<P, S, Cancelling, W> {
    /// Calls `block` and awaits its future once per attempt, like
    /// [`RetryContext::call_async`]; an attempt that runs out of its time is
    /// dropped and fails with `E::from(AttemptTimedOut)`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)] async fn main() {
    /// use std::time::Duration;
    ///
    /// let result: Result<(), std::io::Error> = stamina::retry_context(|_: &std::io::Error| false)
    ///     .attempt_timeout(Duration::from_secs(1))
    ///     .call_async(async |_| std::future::pending().await)
    ///     .await;
    /// assert_eq!(result.unwrap_err().kind(), std::io::ErrorKind::TimedOut); // `on` said no retry
    /// # }
    /// ```
    #[inline]
    pub fn call_async<T, E, D, F, Fut>(&self, block: F) -> impl Future<Output = Result<T, E>>
    where
        E: Debug + FromAttemptTimedOut,
        P: Fn(&E) -> D,
        D: IntoDecision,
        F: FnMut(Attempt) -> Fut,
        Fut: Future<Output = Result<T, E>>,
        S: Sleeper,
        W: ErrorView<E> + Copy,
    {
        run_async_limited(
            Site { policy: &self.policy, name: &self.name },
            &self.on,
            self.view,
            self.cancel,
            ResultOnly,
            &self.sleeper,
            block,
        )
    }
}

impl<E> crate::engine::AttemptCancel<E> for Uncancelled {
    #[inline]
    fn limit(
        _: &crate::engine::RetryState,
        _: &crate::RetryPolicy,
        _: impl FnOnce() -> crate::engine::Stamp,
    ) -> Option<(
        crate::engine::AttemptLimit,
        fn(&mut crate::engine::RetryState, crate::engine::AttemptLimit) -> E,
    )> {
        None
    }
}

impl<E: FromAttemptTimedOut> crate::engine::AttemptCancel<E> for Cancelling {
    #[inline]
    fn limit(
        state: &crate::engine::RetryState,
        policy: &crate::RetryPolicy,
        now: impl FnOnce() -> crate::engine::Stamp,
    ) -> Option<(
        crate::engine::AttemptLimit,
        fn(&mut crate::engine::RetryState, crate::engine::AttemptLimit) -> E,
    )> {
        let timed_out: crate::engine::TimedOutError<E> = crate::engine::RetryState::timed_out::<E>;
        state.attempt_limit(policy, now).map(|limit| (limit, timed_out))
    }
}
