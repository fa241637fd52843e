//! `.with_dyn_error()`: the runtime API's opt-in to show hooks its errors as
//! `std::error::Error`s, so that the built-in sinks log an error's `Display`
//! and `source()` chain instead of its `Debug`.
//!
//! The callers and `retry_context` are generic over `E: Debug`, and without
//! specialization a generic fn cannot ask whether `E: Error` (the macros can,
//! by autoref specialization on the concrete type they see, in
//! `macro_support::ErrorViewProbe`). So the choice is the user's, made once on
//! the caller or context, and kept in its type: `W` is [`NoErrorView`] by
//! default and [`DynErrorView`] after `.with_dyn_error()`, whose calls then
//! require `E: Error + 'static`. Both are zero-sized: the loops and their
//! futures are the same size either way, and the success path is unchanged.

use std::error::Error;

use crate::instrumentation::{ErrorView, NoErrorView};
use crate::{
    AsyncRetryingCaller, BoundAsyncRetryingCaller, BoundRetryingCaller, RetryContext, RetryingCaller,
};

/// How the callers, `retry_context` and the retried streams show hooks an
/// error known to be a [`std::error::Error`]: as one
/// ([`RetryDetails::error`](crate::instrumentation::RetryDetails::error)), so
/// the built-in sinks log its `Display` and `source()` chain, never its
/// `Debug` (which for an HTTP client's error holds the request's headers).
/// Made by `.with_dyn_error()` on each of them; zero-sized.
///
/// ```
/// use std::time::Duration;
/// use stamina::{DynErrorView, RetryingCaller};
///
/// let caller: RetryingCaller<DynErrorView> = RetryingCaller::new().wait_max(Duration::ZERO).with_dyn_error();
/// // Its calls need an `Error`: `std::io::Error` is one.
/// let result = caller.call(|_: &std::io::Error| false, || std::fs::read("/does/not/exist"));
/// assert!(result.is_err());
/// assert_eq!(std::mem::size_of::<DynErrorView>(), 0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct DynErrorView;

impl<E: Error + 'static> ErrorView<E> for DynErrorView {
    #[inline]
    fn view<'e>(&self, error: &'e E) -> Option<&'e (dyn Error + 'static)> {
        Some(error)
    }
}

impl RetryingCaller<NoErrorView> {
    /// Shows the hooks each error as a `std::error::Error`, so the built-in
    /// sinks log its `Display` and `source()` chain instead of its capped
    /// `Debug`; the calls then need `E: std::error::Error + 'static`. See
    /// [`DynErrorView`] for why this is not the default.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let caller = stamina::RetryingCaller::new().attempts(2).wait_max(Duration::ZERO).with_dyn_error();
    /// let result = caller.call(|_: &std::io::Error| true, || Err::<(), _>(std::io::Error::other("busy")));
    /// assert_eq!(result.unwrap_err().to_string(), "busy"); // logged as `caused_by=busy`
    /// ```
    #[must_use]
    pub fn with_dyn_error(self) -> RetryingCaller<DynErrorView> {
        RetryingCaller { policy: self.policy, name: self.name, view: DynErrorView }
    }
}

impl<P> BoundRetryingCaller<P, NoErrorView> {
    /// [`RetryingCaller::with_dyn_error`], for a caller with its predicate
    /// bound.
    ///
    /// ```
    /// fn is_interrupted(error: &std::io::Error) -> bool {
    ///     error.kind() == std::io::ErrorKind::Interrupted
    /// }
    ///
    /// let on_interrupted = stamina::RetryingCaller::new().on(is_interrupted).with_dyn_error();
    /// assert_eq!(on_interrupted.call(|| Ok::<_, std::io::Error>(1)).unwrap(), 1);
    /// ```
    #[must_use]
    pub fn with_dyn_error(self) -> BoundRetryingCaller<P, DynErrorView> {
        BoundRetryingCaller { caller: self.caller.with_dyn_error(), on: self.on }
    }
}

impl<S, C> AsyncRetryingCaller<S, C, NoErrorView> {
    /// Shows the hooks each error as a `std::error::Error`, as
    /// [`RetryingCaller::with_dyn_error`] does; the calls then need
    /// `E: std::error::Error + 'static`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use std::time::Duration;
    ///
    /// let caller = stamina::AsyncRetryingCaller::new().attempts(2).wait_max(Duration::ZERO).with_dyn_error();
    /// let result = caller.call(|_: &std::io::Error| true, || async { Err::<(), _>(std::io::Error::other("busy")) }).await;
    /// assert!(result.is_err());
    /// # }
    /// ```
    #[must_use]
    pub fn with_dyn_error(self) -> AsyncRetryingCaller<S, C, DynErrorView> {
        AsyncRetryingCaller {
            policy: self.policy,
            name: self.name,
            sleeper: self.sleeper,
            cancel: self.cancel,
            view: DynErrorView,
        }
    }
}

impl<P, S, C> BoundAsyncRetryingCaller<P, S, C, NoErrorView> {
    /// [`AsyncRetryingCaller::with_dyn_error`], for a caller with its
    /// predicate bound.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let on_any = stamina::AsyncRetryingCaller::new().on(|_: &std::io::Error| true).with_dyn_error();
    /// assert_eq!(on_any.call(|| async { Ok::<_, std::io::Error>(7) }).await.unwrap(), 7);
    /// # }
    /// ```
    #[must_use]
    pub fn with_dyn_error(self) -> BoundAsyncRetryingCaller<P, S, C, DynErrorView> {
        BoundAsyncRetryingCaller { caller: self.caller.with_dyn_error(), on: self.on }
    }
}

impl<P, S, C> RetryContext<P, S, C, NoErrorView> {
    /// Shows the hooks each error of its blocks as a `std::error::Error`, as
    /// [`RetryingCaller::with_dyn_error`] does; the blocks' error types then
    /// need `std::error::Error + 'static`. The retried streams and iterators
    /// it makes keep it, as if made with
    /// [`RetryingStream::with_dyn_error`](crate::RetryingStream::with_dyn_error).
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let text = stamina::retry_context(|e: &std::io::Error| e.kind() == std::io::ErrorKind::Interrupted)
    ///     .wait_max(Duration::ZERO)
    ///     .with_dyn_error()
    ///     .call(|attempt| {
    ///         if attempt.num() == 1 {
    ///             return Err(std::io::ErrorKind::Interrupted.into());
    ///         }
    ///         Ok("done")
    ///     });
    /// assert_eq!(text.unwrap(), "done");
    /// ```
    #[must_use]
    pub fn with_dyn_error(self) -> RetryContext<P, S, C, DynErrorView> {
        RetryContext {
            policy: self.policy,
            name: self.name,
            on: self.on,
            sleeper: self.sleeper,
            cancel: self.cancel,
            view: DynErrorView,
        }
    }
}
