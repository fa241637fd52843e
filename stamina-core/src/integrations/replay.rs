//! The adapters' driver: a retry loop over a request that sending consumes,
//! so each attempt sends a copy, made before it; a thin driver of the
//! decision core, as `api::results`' are.

use core::fmt::Debug;
use core::future::Future;
use core::time::Duration;
use std::error::Error;

use crate::api::results::{Carried, Shown, unwrap};
use crate::engine::{RetryState, Settled, Site, Sleeper};
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

/// What the adapters' driver, [`run_replaying`], needs of an adapter.
pub(crate) trait Replay<Req, T, E> {
    /// A copy of `request` for another attempt, if it can be made.
    fn clone_request(&self, request: &Req) -> Option<Req>;
    /// The decision about an attempt's result.
    fn decide(&self, result: &Result<T, E>) -> Decision;
    /// Sends `request`: one attempt.
    fn send(&mut self, request: Req) -> impl Future<Output = Result<T, E>> + Send + '_;
}

/// Retries sending `request` at `site` (the adapters' driver): before each
/// send, a copy is made for the attempt after it, since sending consumes the
/// request. When no copy can be made (a streaming body) and the result would
/// have been retried, the loop ends there and hooks hear that it gave up with
/// [`GiveUpReason::RequestNotCloneable`]: the request is never sent again
/// without its body, and never silently not retried. `may_retry` false (a
/// POST, say) sends once and copies nothing.
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
    let mut state = RetryState::new(site.policy, || sleeper.stamp());
    // Retrying off: one attempt, nothing copied, no predicate asked.
    let may_retry = may_retry && state.retrying();
    loop {
        let next = if may_retry { adapter.clone_request(&request) } else { None };
        let result = adapter.send(request).await;
        let decision = if may_retry { adapter.decide(&result) } else { Decision::NoRetry };
        let Some(next) = next else {
            if decision.retries() {
                return report_not_cloneable(
                    *site.name,
                    state.attempt(site.policy).num(),
                    result,
                    decision,
                    shown,
                );
            }
            // Not retried anyway: a success, or an error given up on as not
            // retryable, as any loop settles it.
            let Settled::Done(outcome) = shown.settle(&mut state, site, result, decision, || sleeper.stamp())
            else {
                unreachable!("the core retried a result its predicate did not retry")
            };
            return unwrap(outcome);
        };
        let pause = match shown.settle(&mut state, site, result, decision, || sleeper.stamp()) {
            Settled::Done(outcome) => return unwrap(outcome),
            Settled::Wait(pause) => pause,
        };
        request = next;
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
