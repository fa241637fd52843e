//! `retry_context`: retry a block of code and see which attempt it is on.

use core::fmt;
use core::fmt::Debug;
use core::future::Future;
use core::marker::PhantomData;

use crate::engine::{DefaultSleeper, ResultOnly, Site, Sleeper, run_async, run_sync};
use crate::instrumentation::{CallableName, ErrorView, NoErrorView};
use crate::on::IntoDecision;
use crate::policy::policy_setters;
use crate::{Attempt, RetryPolicy};

use super::cancel::Uncancelled;

/// Starts a retry context for the predicate `on`: set parameters with the
/// builder methods, then run a block with [`call`](RetryContext::call) (sync) or
/// [`call_async`](RetryContext::call_async), which hand it the current
/// [`Attempt`]. The Rust form of Python's `for attempt in retry_context(on=...)`.
///
/// ```
/// use std::time::Duration;
/// use stamina::retry_context;
///
/// fn is_transient(error: &std::io::Error) -> bool {
///     error.kind() == std::io::ErrorKind::Interrupted
/// }
///
/// let text = retry_context(is_transient)
///     .attempts(3)
///     .wait_initial(Duration::ZERO)
///     .wait_jitter(Duration::ZERO)
///     .call(|attempt| {
///         if attempt.num() == 1 {
///             return Err(std::io::ErrorKind::Interrupted.into());
///         }
///         Ok(format!("done on attempt {}", attempt.num()))
///     })
///     .unwrap();
/// assert_eq!(text, "done on attempt 2");
/// ```
pub fn retry_context<P>(on: P) -> RetryContext<P> {
    RetryContext {
        policy: RetryPolicy::new(),
        name: CallableName::CONTEXT_BLOCK,
        on,
        sleeper: DefaultSleeper::default(),
        cancel: PhantomData,
        view: NoErrorView,
    }
}

/// A retry configuration with its predicate, ready to run blocks. Made by
/// [`retry_context`].
///
/// Its blocks see each [`Attempt`]; the builder methods take the parameters
/// and a [`name`](Self::name) for hooks. `Copy` when the predicate is, so one
/// can be kept and reused.
///
/// ```
/// use std::time::Duration;
/// use stamina::{RetryContext, retry_context};
///
/// fn seat_context() -> RetryContext<impl Fn(&&'static str) -> bool> {
///     retry_context(|error: &&str| *error == "busy").attempts(3).wait_max(Duration::ZERO).name("reserve_seat")
/// }
///
/// let context = seat_context();
/// assert_eq!(context.get_name(), "reserve_seat");
///
/// let seat = context.call(|attempt| if attempt.num() < 2 { Err("busy") } else { Ok(12) });
/// assert_eq!(seat, Ok(12));
/// let full = context.call(|_| Err::<u32, _>("full")); // not retried
/// assert_eq!(full, Err("full"));
/// ```
///
/// An [`attempt_timeout`](Self::attempt_timeout) or a strict
/// [`timeout_mode`](Self::timeout_mode) makes it a context whose async blocks
/// are cancelled (`RetryContext<P, S, Cancelling>`); their error types
/// convert from [`AttemptTimedOut`](crate::AttemptTimedOut).
///
/// Hooks see its errors by their `Debug`, capped; made with
/// [`with_dyn_error`](Self::with_dyn_error) (`RetryContext<P, S, C,
/// DynErrorView>`) they see them as `std::error::Error`s, by their `Display`
/// and sources (see [`DynErrorView`](crate::DynErrorView)).
#[derive(Clone, Copy)]
pub struct RetryContext<P, S = DefaultSleeper, C = Uncancelled, W = NoErrorView> {
    pub(super) policy: RetryPolicy,
    pub(super) name: CallableName,
    pub(super) on: P,
    pub(super) sleeper: S,
    pub(super) cancel: PhantomData<C>,
    /// How hooks see the errors: zero-sized.
    pub(super) view: W,
}

impl<P, S, C, W> RetryContext<P, S, C, W> {
    policy_setters!();

    /// Waits with `sleeper` in [`call_async`](Self::call_async).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use std::time::Duration;
    ///
    /// let result = stamina::retry_context(|_: &()| true)
    ///     .attempts(2)
    ///     .wait_initial(Duration::from_millis(1))
    ///     .wait_jitter(Duration::ZERO)
    ///     .sleeper(tokio::time::sleep) // your executor's timer here
    ///     .call_async(async |attempt| if attempt.num() < 2 { Err(()) } else { Ok(attempt.num()) })
    ///     .await;
    /// assert_eq!(result, Ok(2));
    /// # }
    /// ```
    #[must_use]
    pub fn sleeper<S2: Sleeper>(self, sleeper: S2) -> RetryContext<P, S2, C, W> {
        RetryContext {
            policy: self.policy,
            name: self.name,
            on: self.on,
            sleeper,
            cancel: PhantomData,
            view: self.view,
        }
    }

    /// Runs `block` once per attempt until it succeeds, `on` rejects its error,
    /// or a limit is reached; returns the last result unchanged.
    ///
    /// ```
    /// let result = stamina::retry_context(|_: &&str| true)
    ///     .wait_max(std::time::Duration::ZERO)
    ///     .call(|attempt| if attempt.num() < 3 { Err("not yet") } else { Ok(attempt.num()) });
    /// assert_eq!(result, Ok(3));
    /// ```
    #[inline]
    pub fn call<T, E, D, F>(&self, block: F) -> Result<T, E>
    where
        E: Debug,
        P: Fn(&E) -> D,
        D: IntoDecision,
        F: FnMut(Attempt) -> Result<T, E>,
        W: ErrorView<E> + Copy,
    {
        run_sync(Site { policy: &self.policy, name: &self.name }, &self.on, self.view, ResultOnly, block)
    }
}

impl<P, S, W> RetryContext<P, S, Uncancelled, W> {
    /// Calls `block` and awaits its future once per attempt, like
    /// [`call`](Self::call).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// async fn get(attempt: u32) -> Result<&'static str, std::io::Error> {
    ///     if attempt < 2 { Err(std::io::ErrorKind::TimedOut.into()) } else { Ok("body") }
    /// }
    ///
    /// let body = stamina::retry_context(|e: &std::io::Error| e.kind() == std::io::ErrorKind::TimedOut)
    ///     .wait_max(std::time::Duration::ZERO)
    ///     .call_async(async |attempt| get(attempt.num()).await)
    ///     .await;
    /// assert_eq!(body.unwrap(), "body");
    /// # }
    /// ```
    #[inline]
    pub fn call_async<T, E, D, F, Fut>(&self, block: F) -> impl Future<Output = Result<T, E>>
    where
        E: Debug,
        P: Fn(&E) -> D,
        D: IntoDecision,
        F: FnMut(Attempt) -> Fut,
        Fut: Future<Output = Result<T, E>>,
        S: Sleeper,
        W: ErrorView<E> + Copy,
    {
        run_async(
            Site { policy: &self.policy, name: &self.name },
            &self.on,
            self.view,
            ResultOnly,
            &self.sleeper,
            block,
        )
    }
}

impl<P, S, W> RetryContext<P, S, Uncancelled, W> {
    /// The policy, the name, the predicate, the sleeper and the view, for the
    /// retried streams and iterators (`api/stream.rs`).
    pub(super) fn into_parts(self) -> (RetryPolicy, CallableName, P, S, W) {
        (self.policy, self.name, self.on, self.sleeper, self.view)
    }
}

impl<P, S, C, W> Debug for RetryContext<P, S, C, W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryContext")
            .field("on", &core::any::type_name::<P>())
            .field("name", &self.name.path())
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}
