//! The drivers: the loops that run attempts and hand each outcome to
//! [`RetryState::settle`](super::RetryState::settle). The callers and
//! `retry_context` use them; the macros emit the same loop inline (see the
//! module documentation of [`engine`](super) for why).

use core::fmt::Debug;
use core::future::Future;

use super::sleep::Sleeper;
use super::timed::{FromAttemptTimedOut, Timed};
use super::{RetryState, Settled, Site};
use crate::Attempt;
use crate::RetryPolicy;
use crate::instrumentation::ErrorView;
use crate::on::IntoDecision;

/// What the drivers hand each attempt: an [`Attempt`] for blocks, nothing for
/// callers, whose operations do not take one, so that they do not pay for
/// computing it.
#[doc(hidden)]
pub trait AttemptArg {
    /// The argument for the attempt `state` is about to run.
    fn for_attempt(state: &RetryState, policy: &RetryPolicy) -> Self;

    /// The same, with the loop's `clock` for what reads one (an
    /// [`Attempt`]'s elapsed time).
    #[inline]
    fn for_attempt_at(state: &RetryState, policy: &RetryPolicy, clock: fn() -> super::Stamp) -> Self
    where
        Self: Sized,
    {
        let _ = clock;
        Self::for_attempt(state, policy)
    }
}

impl AttemptArg for Attempt {
    #[inline]
    fn for_attempt(state: &RetryState, policy: &RetryPolicy) -> Self {
        state.attempt(policy)
    }

    #[inline]
    fn for_attempt_at(state: &RetryState, policy: &RetryPolicy, clock: fn() -> super::Stamp) -> Self {
        state.attempt_at(policy, clock)
    }
}

impl AttemptArg for () {
    #[inline]
    fn for_attempt(_: &RetryState, _: &RetryPolicy) -> Self {}
}

/// Retries the sync operation `op` at `site`. `on` is taken by value, as
/// [`run_async`] takes it (a reference to a predicate is one too). `view`
/// shows the errors to hooks: `NoErrorView`, or the runtime API's
/// `DynErrorView` (`.with_dyn_error()`); a zero-sized value either way.
#[doc(hidden)]
#[inline]
pub fn run_sync<T, E, P, D, A, F, W>(site: Site<'_>, on: P, view: W, mut op: F) -> Result<T, E>
where
    E: Debug,
    W: ErrorView<E> + Copy,
    P: Fn(&E) -> D,
    D: IntoDecision,
    A: AttemptArg,
    F: FnMut(A) -> Result<T, E>,
{
    let mut state = RetryState::new(site.policy, super::clock::coarse_stamp);
    loop {
        let outcome = op(A::for_attempt_at(&state, site.policy, super::clock::coarse_stamp));
        match state.settle(site, outcome, &on, super::clock::coarse_stamp, view) {
            Settled::Done(result) => return result,
            Settled::Wait(pause) => pause.sleep_sync(),
        }
    }
}

/// Retries the async operation `op` at `site`, sleeping on `sleeper`.
///
/// `on` is taken by value, so that the callers can return this future as their
/// own instead of wrapping it in another one that would hold their arguments
/// a second time. It is a plain fn returning an `async move` block, not an
/// `async fn`: an `async fn` moves its arguments into locals on its first poll
/// (a second copy in its state), a block uses what it captured in place.
#[doc(hidden)]
#[inline]
#[allow(clippy::manual_async_fn)] // on purpose, see above
pub fn run_async<T, E, P, D, A, F, Fut, S, W>(
    site: Site<'_>,
    on: P,
    view: W,
    sleeper: &S,
    mut op: F,
) -> impl Future<Output = Result<T, E>>
where
    E: Debug,
    P: Fn(&E) -> D,
    D: IntoDecision,
    A: AttemptArg,
    F: FnMut(A) -> Fut,
    Fut: Future<Output = Result<T, E>>,
    S: Sleeper,
    W: ErrorView<E> + Copy,
{
    async move {
        let mut state = RetryState::new(site.policy, || sleeper.stamp());
        loop {
            // Pinned where it is built: the call writes the attempt's future
            // into this future's state, and the await holds only a pointer to
            // it (measured: moving a just-built future into the await's slot
            // stalls on store forwarding, about 8 ns). The block drops it as
            // soon as it is done, before the hooks and the wait, as a plain
            // `.await` would: what it holds (a connection, a permit) is not
            // kept through the backoff.
            let outcome = {
                let attempt = core::pin::pin!(op(A::for_attempt_at(&state, site.policy, sleeper.clock())));
                attempt.await
            };
            // The match ends before the wait: its temporaries are not kept
            // alive (and stored in this future) while it sleeps.
            let pause = match state.settle(site, outcome, &on, || sleeper.stamp(), view) {
                Settled::Done(result) => return result,
                Settled::Wait(pause) => pause,
            };
            if let Some(sleeping) = pause.sleep_async(sleeper) {
                sleeping.await;
            }
        }
    }
}

/// [`run_async`] for loops that may cancel an attempt: with an attempt
/// timeout or a strict deadline, each attempt races a timer of `sleeper`, and
/// one that loses is dropped and fails with the converted
/// [`AttemptTimedOut`](super::AttemptTimedOut). Without either, it runs as
/// [`run_async`] does, with no timer. A separate driver because only here
/// the error type must convert from the timeout's.
#[doc(hidden)]
#[inline]
#[allow(clippy::manual_async_fn)] // as `run_async`
pub fn run_async_limited<T, E, P, D, A, F, Fut, S, W>(
    site: Site<'_>,
    on: P,
    view: W,
    sleeper: &S,
    mut op: F,
) -> impl Future<Output = Result<T, E>>
where
    E: Debug + FromAttemptTimedOut,
    P: Fn(&E) -> D,
    D: IntoDecision,
    A: AttemptArg,
    F: FnMut(A) -> Fut,
    Fut: Future<Output = Result<T, E>>,
    S: Sleeper,
    W: ErrorView<E> + Copy,
{
    async move {
        let mut state = RetryState::new(site.policy, || sleeper.stamp());
        loop {
            let outcome = {
                let attempt = core::pin::pin!(op(A::for_attempt_at(&state, site.policy, sleeper.clock())));
                match state.attempt_limit(site.policy, || sleeper.stamp()) {
                    None => attempt.await,
                    Some(limit) => {
                        let raced = Timed::new(attempt, limit, sleeper).await;
                        state.outcome_within(raced)
                    }
                }
            };
            let pause = match state.settle(site, outcome, &on, || sleeper.stamp(), view) {
                Settled::Done(result) => return result,
                Settled::Wait(pause) => pause,
            };
            if let Some(sleeping) = pause.sleep_async(sleeper) {
                sleeping.await;
            }
        }
    }
}

/// Whether an async loop races its attempts against their limits, by the kind
/// of caller or context that runs it: one that may cancel converts the
/// timeout into its error type `E`; one that may not never asks for a limit.
/// Implemented by the markers `Uncancelled` and `Cancelling`.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`{E}` cannot hold a timed-out attempt, which `attempt_timeout` and a strict deadline need",
    label = "the error type must convert from `stamina::AttemptTimedOut`",
    note = "add `impl From<stamina::AttemptTimedOut> for {E}` (a variant that holds it), or use an error type that has it, such as `std::io::Error`"
)]
pub trait AttemptCancel<E> {
    /// The next attempt's limit, with how to make the error of an attempt
    /// that runs out of it; `None` to await the attempt as it is.
    fn limit(
        state: &RetryState,
        policy: &RetryPolicy,
        now: impl FnOnce() -> super::Stamp,
    ) -> Option<(super::AttemptLimit, TimedOutError<E>)>;
}

/// Makes the error of an attempt that ran out of its limit (see
/// [`RetryState::timed_out`]).
#[doc(hidden)]
pub type TimedOutError<E> = fn(&mut RetryState, super::AttemptLimit) -> E;

/// [`run_sync`], returning how the call went too.
#[doc(hidden)]
#[inline]
pub fn run_sync_with_outcome<T, E, P, D, A, F, W>(
    site: Site<'_>,
    on: P,
    view: W,
    mut op: F,
) -> (Result<T, E>, crate::CallOutcome)
where
    E: Debug,
    P: Fn(&E) -> D,
    D: IntoDecision,
    A: AttemptArg,
    F: FnMut(A) -> Result<T, E>,
    W: ErrorView<E> + Copy,
{
    let started = super::clock::coarse_stamp();
    let mut state = RetryState::new(site.policy, || started);
    loop {
        let outcome = op(A::for_attempt_at(&state, site.policy, super::clock::coarse_stamp));
        match state.settle(site, outcome, &on, super::clock::coarse_stamp, view) {
            Settled::Done(result) => {
                let outcome = state.outcome(result.is_ok(), started, super::clock::coarse_stamp());
                return (result, outcome);
            }
            Settled::Wait(pause) => pause.sleep_sync(),
        }
    }
}

/// [`run_async`] and [`run_async_limited`] (by `C`), returning how the call
/// went too.
#[doc(hidden)]
#[inline]
#[allow(clippy::manual_async_fn)] // as `run_async`
pub fn run_async_with_outcome<T, E, P, D, A, F, Fut, S, C, W>(
    site: Site<'_>,
    on: P,
    view: W,
    sleeper: &S,
    mut op: F,
) -> impl Future<Output = (Result<T, E>, crate::CallOutcome)>
where
    E: Debug,
    P: Fn(&E) -> D,
    D: IntoDecision,
    A: AttemptArg,
    F: FnMut(A) -> Fut,
    Fut: Future<Output = Result<T, E>>,
    S: Sleeper,
    C: AttemptCancel<E>,
    W: ErrorView<E> + Copy,
{
    async move {
        let started = sleeper.stamp();
        let mut state = RetryState::new(site.policy, || started);
        loop {
            let outcome = {
                let attempt = core::pin::pin!(op(A::for_attempt_at(&state, site.policy, sleeper.clock())));
                match C::limit(&state, site.policy, || sleeper.stamp()) {
                    None => attempt.await,
                    Some((limit, timed_out)) => match Timed::new(attempt, limit, sleeper).await {
                        Ok(outcome) => outcome,
                        Err(limit) => Err(timed_out(&mut state, limit)),
                    },
                }
            };
            let pause = match state.settle(site, outcome, &on, || sleeper.stamp(), view) {
                Settled::Done(result) => {
                    let outcome = state.outcome(result.is_ok(), started, sleeper.stamp());
                    return (result, outcome);
                }
                Settled::Wait(pause) => pause,
            };
            if let Some(sleeping) = pause.sleep_async(sleeper) {
                sleeping.await;
            }
        }
    }
}
