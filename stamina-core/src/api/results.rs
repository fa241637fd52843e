//! Retrying on a whole result: a predicate over `&Result<T, E>` (a result
//! predicate) instead of `&E`, so that an `Ok` value (an HTTP client's
//! `Ok(response)` with a 503) can be retried like an error.
//!
//! The decision core ([`RetryState::settle`]) decides on an error: here, an
//! attempt's result that the predicate asks to retry (an `Ok` or an `Err`),
//! or an error it does not, is handed to it as the error, [`Carried`] with
//! the predicate's decision, so that the predicate runs once per attempt and
//! every limit, the budget, testing mode and the hooks work as they do for
//! errors. When the loop ends the result is unwrapped: the last result is
//! returned unchanged, an `Ok(503)` stays an `Ok(503)`. An `Ok` the predicate
//! does not retry is a success, as any `Ok` is for an error predicate.
//!
//! Hooks see a retried `Ok` with a `caused_by` that names it (the
//! adapters: `HTTP 503 Service Unavailable`; the callers, which know nothing
//! of `T`: `Ok(<T's type name>)`, never `T`'s `Debug`, which may hold a
//! response's headers) and an empty `error_type`: there is no error.

use core::fmt::{self, Debug};
use core::future::Future;
use std::error::Error;

use super::{
    AsyncRetryingCaller, BoundAsyncRetryingCaller, BoundRetryingCaller, RetryContext, RetryingCaller,
};
use crate::Attempt;
use crate::engine::{RetryState, Settled, Site, Sleeper, Stamp, coarse_stamp};
use crate::instrumentation::ErrorView;
use crate::on::{Decision, IntoDecision};

/// How a retried `Ok` value is shown to hooks as `caused_by`.
pub(crate) type DescribeOk<T> = fn(&T, &mut fmt::Formatter<'_>) -> fmt::Result;

/// The `caused_by` of a retried `Ok` where nothing is known of `T`: its type
/// name only, since its `Debug` may carry what logs must not (headers,
/// tokens) and is unbounded.
fn ok_type_name<T>(_: &T, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    write!(f, "Ok({})", core::any::type_name::<T>())
}

/// The error a result predicate's loop hands the decision core: an attempt's
/// whole result, and what the predicate decided about it.
pub(crate) struct Carried<T, E> {
    pub(crate) result: Result<T, E>,
    pub(crate) decision: Decision,
    pub(crate) describe_ok: DescribeOk<T>,
}

impl<T, E: Debug> Debug for Carried<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.result {
            Ok(value) => (self.describe_ok)(value, f),
            Err(error) => Debug::fmt(error, f),
        }
    }
}

/// Shows a [`Carried`] to hooks: its error through `V`, a retried `Ok` as no
/// error at all, with no error type.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct CarriedView<V>(pub(crate) V);

impl<T, E, V: ErrorView<E>> ErrorView<Carried<T, E>> for CarriedView<V> {
    #[inline]
    fn view<'e>(&self, carried: &'e Carried<T, E>) -> Option<&'e (dyn Error + 'static)> {
        match &carried.result {
            Ok(_) => None,
            Err(error) => self.0.view(error),
        }
    }

    #[inline]
    fn error_type(&self, carried: &Carried<T, E>) -> &'static str {
        match &carried.result {
            Ok(_) => "",
            Err(error) => self.0.error_type(error),
        }
    }
}

/// How a result predicate's loop shows its results to hooks.
pub(crate) struct Shown<T, V> {
    pub(crate) describe_ok: DescribeOk<T>,
    pub(crate) view: CarriedView<V>,
}

// Not derived: a fn pointer and a view are `Copy` whatever `T` is.
impl<T, V: Copy> Clone for Shown<T, V> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T, V: Copy> Copy for Shown<T, V> {}

impl<T, V> Shown<T, V> {
    /// `T` by its type name, errors through `view` (the macros' choice, or
    /// the callers' and `retry_context`'s: `NoErrorView`, or `DynErrorView`
    /// once `.with_dyn_error()`).
    pub(crate) fn with_view(view: V) -> Self {
        Self { describe_ok: ok_type_name::<T>, view: CarriedView(view) }
    }
}

impl<T, V: Copy> Shown<T, V> {
    /// Hands one attempt's `result` and the predicate's answer about it to the
    /// decision core.
    #[inline]
    pub(crate) fn settle<E, D>(
        self,
        state: &mut RetryState,
        site: Site<'_>,
        result: Result<T, E>,
        decision: D,
        now: impl FnOnce() -> Stamp,
    ) -> Settled<T, Carried<T, E>>
    where
        E: Debug,
        D: IntoDecision,
        V: ErrorView<E>,
    {
        let decision = decision.into_decision();
        let outcome = match result {
            Ok(value) if !decision.retries() => Ok(value),
            result => Err(Carried { result, decision, describe_ok: self.describe_ok }),
        };
        state.settle(site, outcome, &|carried: &Carried<T, E>| carried.decision, now, self.view)
    }
}

/// What `on_result` says about `result`; not asked when retrying is off, as
/// no predicate is.
#[inline]
pub(crate) fn decide<T, E, P, D>(state: &RetryState, on_result: &P, result: &Result<T, E>) -> Decision
where
    P: Fn(&Result<T, E>) -> D,
    D: IntoDecision,
{
    if state.retrying() { on_result(result).into_decision() } else { Decision::NoRetry }
}

/// The last result, unwrapped.
#[inline]
pub(crate) fn unwrap<T, E>(outcome: Result<T, Carried<T, E>>) -> Result<T, E> {
    match outcome {
        Ok(value) => Ok(value),
        Err(carried) => carried.result,
    }
}

/// Retries the sync `block` at `site` while `on_result` asks to.
#[inline]
pub(crate) fn run_result_sync<T, E, P, D, V, F>(
    site: Site<'_>,
    on_result: &P,
    shown: Shown<T, V>,
    mut block: F,
) -> Result<T, E>
where
    E: Debug,
    P: Fn(&Result<T, E>) -> D,
    D: IntoDecision,
    V: ErrorView<E> + Copy,
    F: FnMut(Attempt) -> Result<T, E>,
{
    let mut state = RetryState::new(site.policy, coarse_stamp);
    loop {
        let result = block(state.attempt_at(site.policy, coarse_stamp));
        let decision = decide(&state, on_result, &result);
        match shown.settle(&mut state, site, result, decision, coarse_stamp) {
            Settled::Done(outcome) => return unwrap(outcome),
            Settled::Wait(pause) => pause.sleep_sync(),
        }
    }
}

/// Retries the async `block` at `site` while `on_result` asks to, sleeping
/// on `sleeper`. A plain fn returning an `async move` block, as
/// [`run_async`](crate::engine::run_async) is, for the same reason.
#[inline]
#[allow(clippy::manual_async_fn)] // on purpose, see above
pub(crate) fn run_result_async<T, E, P, D, V, F, Fut, S>(
    site: Site<'_>,
    on_result: P,
    shown: Shown<T, V>,
    sleeper: &S,
    mut block: F,
) -> impl Future<Output = Result<T, E>>
where
    E: Debug,
    P: Fn(&Result<T, E>) -> D,
    D: IntoDecision,
    V: ErrorView<E> + Copy,
    F: FnMut(Attempt) -> Fut,
    Fut: Future<Output = Result<T, E>>,
    S: Sleeper,
{
    async move {
        let mut state = RetryState::new(site.policy, || sleeper.stamp());
        loop {
            let result = {
                let attempt = core::pin::pin!(block(state.attempt_at(site.policy, sleeper.clock())));
                attempt.await
            };
            let decision = decide(&state, &on_result, &result);
            let pause = match shown.settle(&mut state, site, result, decision, || sleeper.stamp()) {
                Settled::Done(outcome) => return unwrap(outcome),
                Settled::Wait(pause) => pause,
            };
            if let Some(sleeping) = pause.sleep_async(sleeper) {
                sleeping.await;
            }
        }
    }
}

impl<W> RetryingCaller<W> {
    /// Calls `op` until `on_result` no longer asks to retry its result, or a
    /// limit is reached; returns the last result unchanged. Unlike
    /// [`call`](Self::call)'s predicate, `on_result` sees the whole result,
    /// so an `Ok` value can be retried too (an `Ok(503)` stays an `Ok(503)`
    /// if the loop gives up).
    ///
    /// Hooks see a retried `Ok` as `caused_by` `Ok(<its type name>)` (its
    /// `Debug` form is never logged) with an empty `error_type`.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let caller = stamina::RetryingCaller::new().attempts(3).wait_max(Duration::ZERO);
    ///
    /// // A status code that comes back as `Ok`: retry the 503s.
    /// let mut statuses = [503, 503, 200].into_iter();
    /// let status = caller.call_on_result(
    ///     |result: &Result<u16, std::io::Error>| matches!(result, Ok(503)),
    ///     || Ok(statuses.next().unwrap()),
    /// );
    /// assert_eq!(status.unwrap(), 200);
    ///
    /// // Given up: the last `Ok` is returned as it is.
    /// let status = caller.call_on_result(|result: &Result<u16, ()>| matches!(result, Ok(503)), || Ok(503));
    /// assert_eq!(status, Ok(503));
    /// ```
    #[inline]
    pub fn call_on_result<T, E, P, D, F>(&self, on_result: P, mut op: F) -> Result<T, E>
    where
        E: Debug,
        P: Fn(&Result<T, E>) -> D,
        D: IntoDecision,
        F: FnMut() -> Result<T, E>,
        W: ErrorView<E> + Copy,
    {
        run_result_sync(
            Site { policy: &self.policy, name: &self.name },
            &on_result,
            Shown::with_view(self.view),
            |_| op(),
        )
    }
}

impl<S, W> AsyncRetryingCaller<S, super::Uncancelled, W> {
    /// Calls `op` and awaits its future until `on_result` no longer asks to
    /// retry the result, or a limit is reached; returns the last result
    /// unchanged. The async form of [`RetryingCaller::call_on_result`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use std::sync::atomic::{AtomicU32, Ordering};
    /// use std::time::Duration;
    ///
    /// let calls = AtomicU32::new(0);
    /// let caller = stamina::AsyncRetryingCaller::new().attempts(3).wait_max(Duration::ZERO);
    /// let status = caller
    ///     .call_on_result(
    ///         |result: &Result<u16, std::io::Error>| matches!(result, Ok(500..=599)),
    ///         || async { Ok(if calls.fetch_add(1, Ordering::Relaxed) == 0 { 502 } else { 200 }) },
    ///     )
    ///     .await;
    /// assert_eq!(status.unwrap(), 200);
    /// assert_eq!(calls.load(Ordering::Relaxed), 2);
    /// # }
    /// ```
    #[inline]
    pub fn call_on_result<T, E, P, D, F, Fut>(
        &self,
        on_result: P,
        mut op: F,
    ) -> impl Future<Output = Result<T, E>>
    where
        E: Debug,
        P: Fn(&Result<T, E>) -> D,
        D: IntoDecision,
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, E>>,
        S: Sleeper,
        W: ErrorView<E> + Copy,
    {
        run_result_async(
            Site { policy: &self.policy, name: &self.name },
            on_result,
            Shown::with_view(self.view),
            &self.sleeper,
            move |_| op(),
        )
    }
}

impl<P, S, W> RetryContext<P, S, super::Uncancelled, W> {
    /// Runs `block` once per attempt until the context's predicate, a result
    /// predicate here (over `&Result<T, E>`), no longer asks to retry its
    /// result, or a limit is reached; returns the last result unchanged. See
    /// [`RetryingCaller::call_on_result`].
    ///
    /// ```
    /// use std::time::Duration;
    /// use stamina::retry_context;
    ///
    /// // "Not ready yet" comes back as `Ok(None)`.
    /// let report = retry_context(|result: &Result<Option<&str>, std::io::Error>| matches!(result, Ok(None)))
    ///     .attempts(5)
    ///     .wait_max(Duration::ZERO)
    ///     .call_on_result(|attempt| Ok(if attempt.num() < 3 { None } else { Some("ready") }));
    /// assert_eq!(report.unwrap(), Some("ready"));
    /// ```
    #[inline]
    pub fn call_on_result<T, E, D, F>(&self, block: F) -> Result<T, E>
    where
        E: Debug,
        P: Fn(&Result<T, E>) -> D,
        D: IntoDecision,
        F: FnMut(Attempt) -> Result<T, E>,
        W: ErrorView<E> + Copy,
    {
        run_result_sync(
            Site { policy: &self.policy, name: &self.name },
            &self.on,
            Shown::with_view(self.view),
            block,
        )
    }

    /// Calls `block` and awaits its future once per attempt, like
    /// [`call_on_result`](Self::call_on_result).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use std::time::Duration;
    ///
    /// let status = stamina::retry_context(|result: &Result<u16, ()>| matches!(result, Ok(429)))
    ///     .attempts(2)
    ///     .wait_max(Duration::ZERO)
    ///     .call_async_on_result(async |_| Ok(429))
    ///     .await;
    /// assert_eq!(status, Ok(429)); // given up: the last result, unchanged
    /// # }
    /// ```
    #[inline]
    pub fn call_async_on_result<T, E, D, F, Fut>(&self, block: F) -> impl Future<Output = Result<T, E>>
    where
        E: Debug,
        P: Fn(&Result<T, E>) -> D,
        D: IntoDecision,
        F: FnMut(Attempt) -> Fut,
        Fut: Future<Output = Result<T, E>>,
        S: Sleeper,
        W: ErrorView<E> + Copy,
    {
        run_result_async(
            Site { policy: &self.policy, name: &self.name },
            &self.on,
            Shown::with_view(self.view),
            &self.sleeper,
            block,
        )
    }
}

impl<P, W> BoundRetryingCaller<P, W> {
    /// Calls `op` with the bound predicate, a result predicate here, like
    /// [`RetryingCaller::call_on_result`].
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let on_503 = stamina::RetryingCaller::new()
    ///     .attempts(2)
    ///     .wait_max(Duration::ZERO)
    ///     .on(|result: &Result<u16, ()>| matches!(result, Ok(503)));
    /// assert_eq!(on_503.call_on_result(|| Ok(503)), Ok(503)); // given up: the last result
    /// ```
    #[inline]
    pub fn call_on_result<T, E, D, F>(&self, op: F) -> Result<T, E>
    where
        E: Debug,
        P: Fn(&Result<T, E>) -> D,
        D: IntoDecision,
        F: FnMut() -> Result<T, E>,
        W: ErrorView<E> + Copy,
    {
        self.caller.call_on_result(&self.on, op)
    }
}

impl<P, S, W> BoundAsyncRetryingCaller<P, S, super::Uncancelled, W> {
    /// Calls `op` with the bound predicate, a result predicate here, like
    /// [`AsyncRetryingCaller::call_on_result`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use std::time::Duration;
    ///
    /// let on_503 = stamina::AsyncRetryingCaller::new()
    ///     .attempts(2)
    ///     .wait_max(Duration::ZERO)
    ///     .on(|result: &Result<u16, ()>| matches!(result, Ok(503)));
    /// assert_eq!(on_503.call_on_result(|| async { Ok(200) }).await, Ok(200));
    /// # }
    /// ```
    #[inline]
    pub fn call_on_result<T, E, D, F, Fut>(&self, op: F) -> impl Future<Output = Result<T, E>>
    where
        E: Debug,
        P: Fn(&Result<T, E>) -> D,
        D: IntoDecision,
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, E>>,
        S: Sleeper,
        W: ErrorView<E> + Copy,
    {
        self.caller.call_on_result(&self.on, op)
    }
}
