//! The drivers: the loops that run attempts and hand each outcome to
//! [`RetryState::settle`](super::RetryState::settle). The callers and
//! `retry_context` use them; the macros emit the same loop inline (see the
//! module documentation of [`engine`](super) for why).

use core::fmt::Debug;
use core::future::Future;

use super::sleep::Sleeper;
use super::timed::Timed;
use super::{RetryState, Settled, Site};
use crate::Attempt;
use crate::RetryPolicy;
use crate::instrumentation::ErrorView;
use crate::on::IntoDecision;

/// What the drivers hand each attempt: an [`Attempt`] for blocks, nothing for
/// callers, whose operations do not take one, so that they do not pay for
/// computing it.
pub(crate) trait AttemptArg {
    /// The argument for the attempt `state` is about to run, with the loop's
    /// `clock` for what reads one (an [`Attempt`]'s elapsed time). One method
    /// only: an attempt made without the loop's clock tells no elapsed time.
    fn for_attempt_at(state: &RetryState, policy: &RetryPolicy, clock: fn() -> super::Stamp) -> Self;
}

impl AttemptArg for Attempt {
    #[inline]
    fn for_attempt_at(state: &RetryState, policy: &RetryPolicy, clock: fn() -> super::Stamp) -> Self {
        state.attempt_at(policy, clock)
    }
}

impl AttemptArg for () {
    #[inline]
    fn for_attempt_at(_: &RetryState, _: &RetryPolicy, _: fn() -> super::Stamp) -> Self {}
}

/// What a driver returns when its loop ends: the result alone
/// ([`ResultOnly`]), or with how the call went ([`WithOutcome`]), so that one
/// loop per kind of waiting serves both. Implemented by zero-sized markers
/// the drivers take by value.
pub(crate) trait Report<T, E>: Copy {
    /// What the report keeps from the loop's start.
    type Started: Copy;
    /// What the driver returns.
    type Output;

    /// Starts the report of a loop whose clock is `now`. Only a report that
    /// measures the call reads it here; the state reads it only if a timeout
    /// applies.
    fn begin(now: impl FnOnce() -> super::Stamp) -> Self::Started;

    /// The start the loop's state is stamped with, if it needs one: the
    /// report's own reading where it took one, so that a call reads the clock
    /// once at its start.
    fn start(started: Self::Started, now: impl FnOnce() -> super::Stamp) -> super::Stamp;

    /// The driver's return value, from the state and `result` at the end.
    fn end(
        started: Self::Started,
        state: &RetryState,
        result: Result<T, E>,
        now: impl FnOnce() -> super::Stamp,
    ) -> Self::Output;
}

/// The plain drivers' [`Report`]: the last result, unchanged.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ResultOnly;

impl<T, E> Report<T, E> for ResultOnly {
    type Started = ();
    type Output = Result<T, E>;

    #[inline]
    fn begin(_: impl FnOnce() -> super::Stamp) {}

    #[inline]
    fn start((): (), now: impl FnOnce() -> super::Stamp) -> super::Stamp {
        now()
    }

    #[inline]
    fn end((): (), _: &RetryState, result: Result<T, E>, _: impl FnOnce() -> super::Stamp) -> Result<T, E> {
        result
    }
}

/// `call_with_outcome`'s [`Report`]: the result, with a
/// [`CallOutcome`](crate::CallOutcome) measured from the loop's start.
#[derive(Clone, Copy, Debug)]
pub(crate) struct WithOutcome;

impl<T, E> Report<T, E> for WithOutcome {
    type Started = super::Stamp;
    type Output = (Result<T, E>, crate::CallOutcome);

    #[inline]
    fn begin(now: impl FnOnce() -> super::Stamp) -> super::Stamp {
        now()
    }

    #[inline]
    fn start(started: super::Stamp, _: impl FnOnce() -> super::Stamp) -> super::Stamp {
        started
    }

    #[inline]
    fn end(
        started: super::Stamp,
        state: &RetryState,
        result: Result<T, E>,
        now: impl FnOnce() -> super::Stamp,
    ) -> (Result<T, E>, crate::CallOutcome) {
        let outcome = state.outcome(result.is_ok(), started, now());
        (result, outcome)
    }
}

/// Retries the sync operation `op` at `site`, and returns what `R` makes of
/// the end (see [`Report`]). `on` is taken by value, as [`run_async`] takes it
/// (a reference to a predicate is one too). `view` shows the errors to hooks:
/// `NoErrorView`, or the runtime API's `DynErrorView` (`.with_dyn_error()`);
/// a zero-sized value either way.
#[inline]
pub(crate) fn run_sync<T, E, P, D, A, F, W, R>(site: Site<'_>, on: P, view: W, _: R, mut op: F) -> R::Output
where
    E: Debug,
    W: ErrorView<E> + Copy,
    P: Fn(&E) -> D,
    D: IntoDecision,
    A: AttemptArg,
    F: FnMut(A) -> Result<T, E>,
    R: Report<T, E>,
{
    let started = R::begin(super::clock::coarse_stamp);
    let mut state = RetryState::new(site.policy, || R::start(started, super::clock::coarse_stamp));
    loop {
        let outcome = op(A::for_attempt_at(&state, site.policy, super::clock::coarse_stamp));
        match state.settle(site, outcome, &on, super::clock::coarse_stamp, view) {
            Settled::Done(result) => return R::end(started, &state, result, super::clock::coarse_stamp),
            Settled::Wait(pause) => pause.sleep_sync(),
        }
    }
}

/// Retries the async operation `op` at `site`, sleeping on `sleeper`, and
/// returns what `R` makes of the end (see [`Report`]). Its attempts are
/// awaited as they are: no timer, and no room for one in the future (see
/// [`run_async_limited`] for the loops that may cancel one).
///
/// `on` is taken by value, so that the callers can return this future as their
/// own instead of wrapping it in another one that would hold their arguments
/// a second time. It is a plain fn returning an `async move` block, not an
/// `async fn`: an `async fn` moves its arguments into locals on its first poll
/// (a second copy in its state), a block uses what it captured in place.
#[inline]
#[allow(clippy::manual_async_fn)] // on purpose, see above
pub(crate) fn run_async<T, E, P, D, A, F, Fut, S, W, R>(
    site: Site<'_>,
    on: P,
    view: W,
    _: R,
    sleeper: &S,
    mut op: F,
) -> impl Future<Output = R::Output>
where
    E: Debug,
    P: Fn(&E) -> D,
    D: IntoDecision,
    A: AttemptArg,
    F: FnMut(A) -> Fut,
    Fut: Future<Output = Result<T, E>>,
    S: Sleeper,
    W: ErrorView<E> + Copy,
    R: Report<T, E>,
{
    async move {
        let started = R::begin(|| sleeper.stamp());
        let mut state = RetryState::new(site.policy, || R::start(started, || sleeper.stamp()));
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
                Settled::Done(result) => return R::end(started, &state, result, || sleeper.stamp()),
                Settled::Wait(pause) => pause,
            };
            if let Some(sleeping) = pause.sleep_async(sleeper) {
                sleeping.await;
            }
        }
    }
}

/// [`run_async`] for the loops that may cancel an attempt, by `C`: with
/// [`Cancelling`](crate::Cancelling) and an attempt timeout or a strict
/// deadline, each attempt races a timer of `sleeper`, and one that loses is
/// dropped and fails with the converted
/// [`AttemptTimedOut`](super::AttemptTimedOut); otherwise it is awaited as it
/// is, with no timer. A driver of its own because the race takes room in the
/// future, which a loop that never cancels does not carry.
#[inline]
#[allow(clippy::manual_async_fn)] // as `run_async`
#[allow(clippy::too_many_arguments)] // the call's own, and two zero-sized choices
pub(crate) fn run_async_limited<T, E, P, D, A, F, Fut, S, C, W, R>(
    site: Site<'_>,
    on: P,
    view: W,
    _: core::marker::PhantomData<C>,
    _: R,
    sleeper: &S,
    mut op: F,
) -> impl Future<Output = R::Output>
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
    R: Report<T, E>,
{
    async move {
        let started = R::begin(|| sleeper.stamp());
        let mut state = RetryState::new(site.policy, || R::start(started, || sleeper.stamp()));
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
                Settled::Done(result) => return R::end(started, &state, result, || sleeper.stamp()),
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
