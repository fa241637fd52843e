//! Retrying callers: a reusable retry configuration, applied to one call at a
//! time, sync ([`RetryingCaller`]) and async ([`AsyncRetryingCaller`]), each
//! with a form that has its predicate bound.

use core::fmt;
use core::fmt::Debug;
use core::future::Future;
use core::marker::PhantomData;

use crate::RetryPolicy;
use crate::engine::{DefaultSleeper, ResultOnly, Site, Sleeper, run_async, run_sync};
use crate::instrumentation::{CallableName, ErrorView, NoErrorView};
use crate::on::IntoDecision;
use crate::policy::policy_setters;

use super::cancel::Uncancelled;

/// Retries sync calls with one configuration; reusable, `Copy` and cheap.
///
/// ```
/// use std::time::Duration;
/// use stamina::RetryingCaller;
///
/// #[derive(Debug)]
/// enum DbError { Busy, Corrupt }
/// fn is_busy(error: &DbError) -> bool { matches!(error, DbError::Busy) }
///
/// let caller = RetryingCaller::new().attempts(3).wait_max(Duration::ZERO);
///
/// let mut calls = 0;
/// let result = caller.call(is_busy, || {
///     calls += 1;
///     if calls < 3 { Err(DbError::Busy) } else { Ok(calls) }
/// });
/// assert_eq!(result.unwrap(), 3);
///
/// // Bind the predicate once, call many times.
/// let on_busy = caller.on(is_busy);
/// assert!(matches!(on_busy.call(|| Err::<(), _>(DbError::Corrupt)), Err(DbError::Corrupt)));
/// ```
///
/// Hooks see its errors by their `Debug`, capped; made with
/// [`with_dyn_error`](Self::with_dyn_error) (`RetryingCaller<DynErrorView>`)
/// they see them as `std::error::Error`s, by their `Display` and sources
/// (see [`DynErrorView`](crate::DynErrorView)).
#[derive(Clone, Copy, Default, PartialEq)]
pub struct RetryingCaller<W = NoErrorView> {
    pub(super) policy: RetryPolicy,
    pub(super) name: CallableName,
    /// How hooks see the errors: zero-sized.
    pub(super) view: W,
}

impl RetryingCaller {
    /// A caller with stamina's defaults.
    ///
    /// ```
    /// let caller = stamina::RetryingCaller::new();
    /// assert_eq!(caller.get_policy(), &stamina::RetryPolicy::new());
    /// ```
    pub const fn new() -> Self {
        Self { policy: RetryPolicy::new(), name: CallableName::CONTEXT_BLOCK, view: NoErrorView }
    }
}

impl<W> RetryingCaller<W> {
    policy_setters!();

    /// Calls `op` until it succeeds, `on` rejects its error, or a limit is
    /// reached; returns the last result unchanged. Hooks see the caller's
    /// [`name`](Self::name), `<context block>` by default.
    ///
    /// A closure passed as `on` needs its argument type written out.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let caller = stamina::RetryingCaller::new().attempts(2).wait_max(Duration::ZERO);
    /// let not_found = std::io::ErrorKind::NotFound;
    /// let result = caller.call(|e: &std::io::Error| e.kind() != not_found, || std::fs::read("/does/not/exist"));
    /// assert_eq!(result.unwrap_err().kind(), not_found); // not retried
    /// ```
    #[inline]
    pub fn call<T, E, P, D, F>(&self, on: P, mut op: F) -> Result<T, E>
    where
        E: Debug,
        P: Fn(&E) -> D,
        D: IntoDecision,
        F: FnMut() -> Result<T, E>,
        W: ErrorView<E> + Copy,
    {
        run_sync(Site { policy: &self.policy, name: &self.name }, on, self.view, ResultOnly, |()| op())
    }

    /// Binds the predicate `on`, for calls with [`BoundRetryingCaller::call`].
    ///
    /// ```
    /// fn is_interrupted(error: &std::io::Error) -> bool {
    ///     error.kind() == std::io::ErrorKind::Interrupted
    /// }
    ///
    /// let on_interrupted = stamina::RetryingCaller::new().on(is_interrupted);
    /// assert_eq!(on_interrupted.call(|| Ok::<_, std::io::Error>(1)).unwrap(), 1);
    /// ```
    pub fn on<P>(&self, on: P) -> BoundRetryingCaller<P, W>
    where
        W: Copy,
    {
        BoundRetryingCaller { caller: *self, on }
    }
}

// Without the view: zero-sized, it holds nothing, and is in the type.
#[allow(clippy::missing_fields_in_debug)]
impl<W> Debug for RetryingCaller<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryingCaller")
            .field("name", &self.name.path())
            .field("policy", &self.policy)
            .finish()
    }
}

/// A [`RetryingCaller`] with its predicate bound; made by [`RetryingCaller::on`].
///
/// `Copy` when the predicate is (fns and closures that capture only `Copy`
/// values are), so one can be built once and handed around.
///
/// ```
/// use std::time::Duration;
/// use stamina::{BoundRetryingCaller, RetryingCaller};
///
/// #[derive(Debug)]
/// enum DbError { Busy, Corrupt }
///
/// fn is_busy(error: &DbError) -> bool {
///     matches!(error, DbError::Busy)
/// }
///
/// fn on_busy() -> BoundRetryingCaller<impl Fn(&DbError) -> bool> {
///     RetryingCaller::new().attempts(3).wait_max(Duration::ZERO).on(is_busy)
/// }
///
/// let mut calls = 0;
/// let rows = on_busy().call(|| {
///     calls += 1;
///     if calls < 3 { Err(DbError::Busy) } else { Ok(calls) }
/// });
/// assert_eq!(rows.unwrap(), 3);
/// assert!(matches!(on_busy().call(|| Err::<(), _>(DbError::Corrupt)), Err(DbError::Corrupt)));
/// ```
#[derive(Clone, Copy)]
pub struct BoundRetryingCaller<P, W = NoErrorView> {
    pub(super) caller: RetryingCaller<W>,
    pub(super) on: P,
}

impl<P, W> BoundRetryingCaller<P, W> {
    /// Calls `op` with the bound predicate, like [`RetryingCaller::call`].
    ///
    /// ```
    /// let caller = stamina::RetryingCaller::new().on(|_: &std::fmt::Error| true);
    /// assert_eq!(caller.call(|| Ok::<_, std::fmt::Error>("done")).unwrap(), "done");
    /// ```
    #[inline]
    pub fn call<T, E, D, F>(&self, op: F) -> Result<T, E>
    where
        E: Debug,
        P: Fn(&E) -> D,
        D: IntoDecision,
        F: FnMut() -> Result<T, E>,
        W: ErrorView<E> + Copy,
    {
        self.caller.call(&self.on, op)
    }
}

impl<P, W> Debug for BoundRetryingCaller<P, W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BoundRetryingCaller")
            .field("on", &core::any::type_name::<P>())
            .field("caller", &self.caller)
            .finish()
    }
}

/// Retries async calls with one configuration; reusable and cheap to clone.
///
/// The operation is a closure that returns a future, called once per attempt.
/// The returned future is `Send` when the operation's future is, and dropping it
/// cancels the loop cleanly, also in the middle of a wait.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use std::sync::atomic::{AtomicU32, Ordering};
/// use std::time::Duration;
/// use stamina::AsyncRetryingCaller;
///
/// let calls = AtomicU32::new(0);
/// let caller = AsyncRetryingCaller::new().attempts(3).wait_max(Duration::ZERO);
/// let result = caller
///     .call(|e: &std::io::Error| e.kind() == std::io::ErrorKind::ConnectionReset, || async {
///         if calls.fetch_add(1, Ordering::Relaxed) == 0 {
///             Err(std::io::ErrorKind::ConnectionReset.into())
///         } else {
///             Ok("body")
///         }
///     })
///     .await;
/// assert_eq!(result.unwrap(), "body");
/// assert_eq!(calls.load(Ordering::Relaxed), 2);
/// # }
/// ```
///
/// Without the `tokio` feature, give it a [`Sleeper`] with
/// [`sleeper`](Self::sleeper).
///
/// An [`attempt_timeout`](Self::attempt_timeout) or a strict
/// [`timeout_mode`](Self::timeout_mode) makes it a caller that cancels
/// attempts (`AsyncRetryingCaller<S, Cancelling>`), whose operations' error
/// types convert from [`AttemptTimedOut`](crate::AttemptTimedOut). A policy
/// given whole with [`policy`](Self::policy) keeps the caller's kind: set the
/// limits on the caller for its attempts to be cancelled.
///
/// Hooks see its errors by their `Debug`, capped, unless it is made with
/// [`with_dyn_error`](Self::with_dyn_error), as [`RetryingCaller`]'s.
#[derive(Clone, Copy, Default, PartialEq)]
pub struct AsyncRetryingCaller<S = DefaultSleeper, C = Uncancelled, W = NoErrorView> {
    pub(super) policy: RetryPolicy,
    pub(super) name: CallableName,
    pub(super) sleeper: S,
    pub(super) cancel: PhantomData<C>,
    /// How hooks see the errors: zero-sized.
    pub(super) view: W,
}

impl AsyncRetryingCaller {
    /// A caller with stamina's defaults and the default sleeper.
    ///
    /// ```
    /// let caller = stamina::AsyncRetryingCaller::new();
    /// assert_eq!(caller.get_name(), "<context block>");
    /// ```
    pub fn new() -> Self {
        Self {
            policy: RetryPolicy::new(),
            name: CallableName::CONTEXT_BLOCK,
            sleeper: DefaultSleeper::default(),
            cancel: PhantomData,
            view: NoErrorView,
        }
    }
}

impl<S, C, W> AsyncRetryingCaller<S, C, W> {
    policy_setters!();

    /// Waits with `sleeper` instead, and measures the timeout on its clock.
    ///
    /// Any `Fn(Duration) -> impl Future<Output = ()>` is a [`Sleeper`]:
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use std::time::Duration;
    ///
    /// let caller = stamina::AsyncRetryingCaller::new()
    ///     .attempts(2)
    ///     .wait_initial(Duration::from_millis(1))
    ///     .wait_jitter(Duration::ZERO)
    ///     .sleeper(tokio::time::sleep); // your executor's timer here
    /// let result = caller.call(|_: &()| true, || async { Err::<(), _>(()) }).await;
    /// assert!(result.is_err());
    /// # }
    /// ```
    #[must_use]
    pub fn sleeper<S2: Sleeper>(self, sleeper: S2) -> AsyncRetryingCaller<S2, C, W> {
        AsyncRetryingCaller {
            policy: self.policy,
            name: self.name,
            sleeper,
            cancel: PhantomData,
            view: self.view,
        }
    }

    /// Binds the predicate `on`, for calls with [`BoundAsyncRetryingCaller::call`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let on_any = stamina::AsyncRetryingCaller::new().on(|_: &std::io::Error| true);
    /// assert_eq!(on_any.call(|| async { Ok::<_, std::io::Error>(7) }).await.unwrap(), 7);
    /// # }
    /// ```
    pub fn on<P>(&self, on: P) -> BoundAsyncRetryingCaller<P, S, C, W>
    where
        S: Clone,
        C: Clone,
        W: Clone,
    {
        BoundAsyncRetryingCaller { caller: self.clone(), on }
    }
}

impl<S, W> AsyncRetryingCaller<S, Uncancelled, W> {
    /// Calls `op` and awaits its future until it succeeds, `on` rejects its
    /// error, or a limit is reached; returns the last result unchanged. Hooks
    /// see the caller's [`name`](Self::name), `<context block>` by default.
    ///
    /// `op` is called once per attempt and returns that attempt's future.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// async fn get(url: &str) -> Result<String, std::io::Error> {
    ///     Ok(format!("the body of {url}"))
    /// }
    ///
    /// let caller = stamina::AsyncRetryingCaller::new().attempts(3);
    /// let body = caller.call(|_: &std::io::Error| true, || get("/health")).await;
    /// assert_eq!(body.unwrap(), "the body of /health");
    /// # }
    /// ```
    // Not an `async fn`: the loop's own future is returned, not one more
    // future around it that would hold `on` and `op` a second time.
    #[inline]
    pub fn call<T, E, P, D, F, Fut>(&self, on: P, mut op: F) -> impl Future<Output = Result<T, E>>
    where
        E: Debug,
        P: Fn(&E) -> D,
        D: IntoDecision,
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, E>>,
        S: Sleeper,
        W: ErrorView<E> + Copy,
    {
        run_async(
            Site { policy: &self.policy, name: &self.name },
            on,
            self.view,
            ResultOnly,
            &self.sleeper,
            move |()| op(),
        )
    }
}

// Without the view: zero-sized, it holds nothing, and is in the type.
#[allow(clippy::missing_fields_in_debug)]
impl<S, C, W> Debug for AsyncRetryingCaller<S, C, W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncRetryingCaller")
            .field("name", &self.name.path())
            .field("policy", &self.policy)
            .field("sleeper", &core::any::type_name::<S>())
            .finish()
    }
}

/// An [`AsyncRetryingCaller`] with its predicate bound; made by
/// [`AsyncRetryingCaller::on`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use std::sync::atomic::{AtomicU32, Ordering};
/// use std::time::Duration;
///
/// fn is_reset(error: &std::io::Error) -> bool {
///     error.kind() == std::io::ErrorKind::ConnectionReset
/// }
///
/// let on_reset = stamina::AsyncRetryingCaller::new().attempts(3).wait_max(Duration::ZERO).on(is_reset);
///
/// let calls = AtomicU32::new(0);
/// let body = on_reset
///     .call(|| async {
///         if calls.fetch_add(1, Ordering::Relaxed) == 0 {
///             Err(std::io::ErrorKind::ConnectionReset.into())
///         } else {
///             Ok("body")
///         }
///     })
///     .await;
/// assert_eq!(body.unwrap(), "body");
/// assert_eq!(calls.load(Ordering::Relaxed), 2);
/// # }
/// ```
#[derive(Clone, Copy)]
pub struct BoundAsyncRetryingCaller<P, S = DefaultSleeper, C = Uncancelled, W = NoErrorView> {
    pub(super) caller: AsyncRetryingCaller<S, C, W>,
    pub(super) on: P,
}

impl<P, S, W> BoundAsyncRetryingCaller<P, S, Uncancelled, W> {
    /// Calls `op` with the bound predicate, like [`AsyncRetryingCaller::call`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let caller = stamina::AsyncRetryingCaller::new().on(|_: &std::fmt::Error| true);
    /// assert_eq!(caller.call(|| async { Ok::<_, std::fmt::Error>("done") }).await.unwrap(), "done");
    /// # }
    /// ```
    #[inline]
    pub fn call<T, E, D, F, Fut>(&self, op: F) -> impl Future<Output = Result<T, E>>
    where
        E: Debug,
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

impl<P, S, C, W> Debug for BoundAsyncRetryingCaller<P, S, C, W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BoundAsyncRetryingCaller")
            .field("on", &core::any::type_name::<P>())
            .field("caller", &self.caller)
            .finish()
    }
}
