//! Retrying callers: a reusable retry configuration, applied to one call at a
//! time, sync ([`RetryingCaller`]) and async ([`AsyncRetryingCaller`]), each
//! with a form that has its predicate bound.

use core::fmt;
use core::fmt::Debug;
use core::future::Future;

use crate::RetryPolicy;
use crate::engine::{DefaultSleeper, Site, Sleeper, run_async, run_sync};
use crate::instrumentation::CallableName;
use crate::on::IntoDecision;
use crate::policy::policy_setters;

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
#[derive(Clone, Copy, Default, PartialEq)]
pub struct RetryingCaller {
    policy: RetryPolicy,
    name: CallableName,
}

impl RetryingCaller {
    /// A caller with stamina's defaults.
    pub const fn new() -> Self {
        Self { policy: RetryPolicy::new(), name: CallableName::CONTEXT_BLOCK }
    }

    policy_setters!();

    /// Calls `op` until it succeeds, `on` rejects its error, or a limit is
    /// reached; returns the last result unchanged. Hooks see the caller's
    /// [`name`](Self::name), `<context block>` by default.
    #[inline]
    pub fn call<T, E, P, D, F>(&self, on: P, mut op: F) -> Result<T, E>
    where
        E: Debug,
        P: Fn(&E) -> D,
        D: IntoDecision,
        F: FnMut() -> Result<T, E>,
    {
        run_sync(Site { policy: &self.policy, name: &self.name }, on, |()| op())
    }

    /// Binds the predicate `on`, for calls with [`BoundRetryingCaller::call`].
    pub fn on<P>(&self, on: P) -> BoundRetryingCaller<P> {
        BoundRetryingCaller { caller: *self, on }
    }
}

impl Debug for RetryingCaller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryingCaller")
            .field("name", &self.name.path())
            .field("policy", &self.policy)
            .finish()
    }
}

/// A [`RetryingCaller`] with its predicate bound; made by [`RetryingCaller::on`].
#[derive(Clone, Copy)]
pub struct BoundRetryingCaller<P> {
    caller: RetryingCaller,
    on: P,
}

impl<P> BoundRetryingCaller<P> {
    /// Calls `op` with the bound predicate, like [`RetryingCaller::call`].
    #[inline]
    pub fn call<T, E, D, F>(&self, op: F) -> Result<T, E>
    where
        E: Debug,
        P: Fn(&E) -> D,
        D: IntoDecision,
        F: FnMut() -> Result<T, E>,
    {
        self.caller.call(&self.on, op)
    }
}

impl<P> Debug for BoundRetryingCaller<P> {
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
#[derive(Clone, Copy, Default, PartialEq)]
pub struct AsyncRetryingCaller<S = DefaultSleeper> {
    policy: RetryPolicy,
    name: CallableName,
    sleeper: S,
}

impl AsyncRetryingCaller {
    /// A caller with stamina's defaults and the default sleeper.
    pub fn new() -> Self {
        Self {
            policy: RetryPolicy::new(),
            name: CallableName::CONTEXT_BLOCK,
            sleeper: DefaultSleeper::default(),
        }
    }
}

impl<S> AsyncRetryingCaller<S> {
    policy_setters!();

    /// Waits with `sleeper` instead, and measures the timeout on its clock.
    #[must_use]
    pub fn sleeper<S2: Sleeper>(self, sleeper: S2) -> AsyncRetryingCaller<S2> {
        AsyncRetryingCaller { policy: self.policy, name: self.name, sleeper }
    }

    /// Calls `op` and awaits its future until it succeeds, `on` rejects its
    /// error, or a limit is reached; returns the last result unchanged. Hooks
    /// see the caller's [`name`](Self::name), `<context block>` by default.
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
    {
        run_async(Site { policy: &self.policy, name: &self.name }, on, &self.sleeper, move |()| op())
    }

    /// Binds the predicate `on`, for calls with [`BoundAsyncRetryingCaller::call`].
    pub fn on<P>(&self, on: P) -> BoundAsyncRetryingCaller<P, S>
    where
        S: Clone,
    {
        BoundAsyncRetryingCaller { caller: self.clone(), on }
    }
}

impl<S> Debug for AsyncRetryingCaller<S> {
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
#[derive(Clone, Copy)]
pub struct BoundAsyncRetryingCaller<P, S = DefaultSleeper> {
    caller: AsyncRetryingCaller<S>,
    on: P,
}

impl<P, S> BoundAsyncRetryingCaller<P, S> {
    /// Calls `op` with the bound predicate, like [`AsyncRetryingCaller::call`].
    #[inline]
    pub fn call<T, E, D, F, Fut>(&self, op: F) -> impl Future<Output = Result<T, E>>
    where
        E: Debug,
        P: Fn(&E) -> D,
        D: IntoDecision,
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, E>>,
        S: Sleeper,
    {
        self.caller.call(&self.on, op)
    }
}

impl<P, S> Debug for BoundAsyncRetryingCaller<P, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BoundAsyncRetryingCaller")
            .field("on", &core::any::type_name::<P>())
            .field("caller", &self.caller)
            .finish()
    }
}
