//! The adapters' decision core: a retry loop over a request that sending
//! consumes, so each attempt sends a copy, made before it. [`Replaying`] is
//! what every adapter's driver shares, a thin layer over the decision core as
//! `api::results`' drivers are: the async [`run_replaying`]
//! (reqwest-middleware, whose trait boxes its future anyway) and the tower
//! layer's hand-written `ResponseFuture`, which allocates nothing.

use core::fmt::Debug;
#[cfg(feature = "reqwest-middleware")]
use core::future::Future;
use core::time::Duration;
use std::error::Error;

use crate::RetryPolicy;
use crate::api::results::{Carried, Shown, unwrap};
#[cfg(feature = "reqwest-middleware")]
use crate::engine::Sleeper;
use crate::engine::{Pause, RetryState, Settled, Site, Stamp};
use crate::instrumentation::{self, CallableName, ErrorView, GiveUpReason};
use crate::on::Decision;
use crate::switches::{Mode, current_mode};

/// Shows an error that is a `std::error::Error` as one: the adapters know
/// their error types, so hooks and sinks log their `Display`.
#[derive(Clone, Copy, Debug, Default)]
#[cfg_attr(not(feature = "reqwest-middleware"), allow(dead_code))]
pub(crate) struct AsError;

impl<E: Error + 'static> ErrorView<E> for AsError {
    #[inline]
    fn view<'e>(&self, error: &'e E) -> Option<&'e (dyn Error + 'static)> {
        Some(error)
    }
}

/// One adapter loop's progress: the decision core's state, and whether this
/// request may be retried at all.
///
/// Before each send, a copy is made for the attempt after it ([`copy`]),
/// since sending consumes the request. When no copy can be made (a streaming
/// body) and the result would have been retried, the loop ends there and
/// hooks hear that it gave up with [`GiveUpReason::RequestNotCloneable`]: the
/// request is never sent again without its body, and never silently not
/// retried. `may_retry` false (a POST, say) sends once and copies nothing.
///
/// [`copy`]: Self::copy
#[derive(Debug)]
pub(crate) struct Replaying {
    state: RetryState,
    may_retry: bool,
}

/// What follows one attempt of an adapter's loop.
#[derive(Debug)]
pub(crate) enum AfterAttempt<Req, T, E> {
    /// Return this result.
    Done(Result<T, E>),
    /// Wait, then send this request: the copy made before the attempt.
    Retry(Pause, Req),
}

impl Replaying {
    /// Starts a loop (reads the switches): `may_retry` is the adapter's
    /// answer for this request. Retrying off makes it false, so that the one
    /// attempt copies nothing and asks no predicate.
    #[inline]
    pub(crate) fn start(policy: &RetryPolicy, may_retry: bool, now: impl FnOnce() -> Stamp) -> Self {
        let state = RetryState::new(policy, now);
        let may_retry = may_retry && state.retrying();
        Self { state, may_retry }
    }

    /// The copy of `request` for the attempt after the one about to send it,
    /// if this request may be retried at all.
    #[inline]
    pub(crate) fn copy<Req>(&self, request: &Req, clone: impl FnOnce(&Req) -> Option<Req>) -> Option<Req> {
        if self.may_retry { clone(request) } else { None }
    }

    /// The attempt now running, or about to.
    #[cfg_attr(not(feature = "tower"), allow(dead_code))]
    #[inline]
    pub(crate) fn attempt(&self, policy: &RetryPolicy) -> u32 {
        self.state.attempt(policy).num()
    }

    /// Settles an attempt's `result` (`decide` asked only when the request
    /// may be retried); `next` is the copy [`copy`](Self::copy) made before
    /// it was sent.
    #[inline]
    pub(crate) fn settle<Req, T, E, V>(
        &mut self,
        site: Site<'_>,
        shown: Shown<T, V>,
        result: Result<T, E>,
        decide: impl FnOnce(&Result<T, E>) -> Decision,
        next: Option<Req>,
        now: impl FnOnce() -> Stamp,
    ) -> AfterAttempt<Req, T, E>
    where
        E: Debug,
        V: ErrorView<E> + Copy,
    {
        let decision = if self.may_retry { decide(&result) } else { Decision::NoRetry };
        let Some(next) = next else {
            if decision.retries() {
                let attempts = self.state.attempt(site.policy).num();
                return AfterAttempt::Done(report_not_cloneable(
                    *site.name, attempts, result, decision, shown,
                ));
            }
            // Not retried anyway: a success, or an error given up on as not
            // retryable, as any loop settles it.
            let Settled::Done(outcome) = shown.settle(&mut self.state, site, result, decision, now) else {
                unreachable!("the core retried a result its predicate did not retry")
            };
            return AfterAttempt::Done(unwrap(outcome));
        };
        match shown.settle(&mut self.state, site, result, decision, now) {
            Settled::Done(outcome) => AfterAttempt::Done(unwrap(outcome)),
            Settled::Wait(pause) => AfterAttempt::Retry(pause, next),
        }
    }
}

/// What the adapters' async driver, [`run_replaying`], needs of an adapter.
#[cfg(feature = "reqwest-middleware")]
pub(crate) trait Replay<Req, T, E> {
    /// A copy of `request` for another attempt, if it can be made.
    fn clone_request(&self, request: &Req) -> Option<Req>;
    /// The decision about an attempt's result.
    fn decide(&self, result: &Result<T, E>) -> Decision;
    /// Sends `request`: one attempt.
    fn send(&mut self, request: Req) -> impl Future<Output = Result<T, E>> + Send + '_;
}

/// Retries sending `request` at `site`, as [`Replaying`] says, sleeping on
/// `sleeper`.
#[cfg(feature = "reqwest-middleware")]
pub(crate) async fn run_replaying<Req, T, E, V, S, R>(
    site: Site<'_>,
    shown: Shown<T, V>,
    sleeper: &S,
    mut request: Req,
    may_retry: bool,
    mut adapter: R,
) -> Result<T, E>
where
    E: Debug,
    V: ErrorView<E> + Copy,
    S: Sleeper,
    R: Replay<Req, T, E>,
{
    let mut replaying = Replaying::start(site.policy, may_retry, || sleeper.stamp());
    loop {
        let next = replaying.copy(&request, |request| adapter.clone_request(request));
        let result = adapter.send(request).await;
        let pause;
        (pause, request) = match replaying.settle(
            site,
            shown,
            result,
            |result| adapter.decide(result),
            next,
            || sleeper.stamp(),
        ) {
            AfterAttempt::Done(result) => return result,
            AfterAttempt::Retry(pause, next) => (pause, next),
        };
        if let Some(sleeping) = pause.sleep_async(sleeper) {
            sleeping.await;
        }
    }
}

/// Tells hooks that the loop gave up after `attempts` because the request
/// that `result` would have been retried with could not be copied; returns
/// `result`. Nothing when retrying is off, as for every loop. The waits
/// planned so far are reported as zero: the loop can only know it has no copy
/// before its first attempt, unless the copier fails after once succeeding.
fn report_not_cloneable<T, E, V>(
    name: CallableName,
    attempts: u32,
    result: Result<T, E>,
    decision: Decision,
    shown: Shown<T, V>,
) -> Result<T, E>
where
    E: Debug,
    V: ErrorView<E> + Copy,
{
    if matches!(current_mode(), Mode::Inactive) {
        return result;
    }
    let carried = Carried { result, decision, describe_ok: shown.describe_ok };
    instrumentation::dispatch_give_up(
        name,
        GiveUpReason::RequestNotCloneable,
        attempts,
        Duration::ZERO,
        &carried,
        shown.view.view(&carried),
        shown.view.error_type(&carried),
    );
    carried.result
}
