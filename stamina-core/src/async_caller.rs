//! Async retrying callers.

use core::fmt;
use core::fmt::Debug;
use core::future::Future;

use crate::CallableName;
use crate::RetryPolicy;
use crate::decision::IntoDecision;
use crate::engine::{Site, run_async};
use crate::params::policy_setters;
use crate::sleep::{DefaultSleeper, Sleeper};

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
/// use stamina_core::AsyncRetryingCaller;
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
    sleeper: S,
}

impl AsyncRetryingCaller {
    /// A caller with stamina's defaults and the default sleeper.
    pub fn new() -> Self {
        Self { policy: RetryPolicy::new(), sleeper: DefaultSleeper::default() }
    }
}

impl<S> AsyncRetryingCaller<S> {
    policy_setters!();

    /// Waits with `sleeper` instead, and measures the timeout on its clock.
    #[must_use]
    pub fn sleeper<S2: Sleeper>(self, sleeper: S2) -> AsyncRetryingCaller<S2> {
        AsyncRetryingCaller { policy: self.policy, sleeper }
    }

    /// Calls `op` and awaits its future until it succeeds, `on` rejects its
    /// error, or a limit is reached; returns the last result unchanged. Hooks
    /// see the name `<context block>`.
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
        run_async(
            Site { policy: &self.policy, name: &CallableName::CONTEXT_BLOCK },
            on,
            &self.sleeper,
            move |()| op(),
        )
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
