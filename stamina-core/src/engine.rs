//! The decision core: one retry loop's state, and what happens after each attempt.
//!
//! Every way of retrying (the callers, `retry_context`, the macros' generated
//! code) drives a [`RetryState`]. The sync and async drivers differ only in how
//! they sleep; every decision is made here, in [`RetryState::settle`].

use core::fmt::Debug;
use core::ops::ControlFlow;
use core::time::Duration;
use std::time::Instant;

use crate::backoff::{backoff_with_jitter, jittered_backoff};
use crate::decision::{Decision, IntoDecision, decide};
use crate::instrumentation::{self, ErrorView, GiveUpReason, HookGuards, NoErrorView};
use crate::sleep::Sleeper;
use crate::switches::{Mode, current_mode};
use crate::{Attempt, CallableName, RetryPolicy};

/// The state of one retry loop: which attempt it is on, when it started, how
/// long it has planned to wait so far, and the switches it read when it started.
///
/// Not public API: the macros' generated code drives it through
/// `stamina::__private`.
#[doc(hidden)]
#[derive(Debug)]
pub struct RetryState<'p, V = NoErrorView> {
    policy: &'p RetryPolicy,
    name: CallableName,
    mode: Mode,
    /// The number of the attempt that runs next or is running, from 1.
    num: u32,
    /// When the first attempt started; only taken when a timeout applies.
    started: Option<Instant>,
    waited: Duration,
    /// Shows the error to hooks as `&dyn Error` where the loop's creator knew how.
    error_view: V,
}

/// What the loop does after an attempt.
#[doc(hidden)]
#[derive(Debug)]
pub enum Settled<T, E> {
    /// Return this result.
    Done(Result<T, E>),
    /// Wait this long, then drop the hook guards and run the next attempt.
    Wait(Duration, HookGuards),
}

impl<'p> RetryState<'p> {
    /// Starts a loop: reads the switches (atomic loads), and the clock only when
    /// a timeout applies.
    #[inline]
    pub fn new(policy: &'p RetryPolicy, name: CallableName, now: impl FnOnce() -> Instant) -> Self {
        let mode = current_mode();
        let started = match mode {
            Mode::Normal if policy.get_timeout().is_some() => Some(now()),
            _ => None,
        };
        Self { policy, name, mode, num: 1, started, waited: Duration::ZERO, error_view: NoErrorView }
    }

    /// Shows the errors of this loop to hooks through `error_view` (the macros
    /// pass `macro_support::error_view::<E>()`).
    #[inline]
    pub fn error_view<V>(self, error_view: V) -> RetryState<'p, V> {
        let Self { policy, name, mode, num, started, waited, error_view: NoErrorView } = self;
        RetryState { policy, name, mode, num, started, waited, error_view }
    }
}

impl<V> RetryState<'_, V> {

    /// The attempt about to run.
    #[inline]
    pub fn attempt(&self) -> Attempt {
        let next_wait = match self.mode {
            Mode::Normal => backoff_with_jitter(self.policy, self.num, Duration::ZERO),
            Mode::Testing(_) | Mode::Inactive => Duration::ZERO,
        };
        Attempt::new(self.num, next_wait)
    }

    /// Decides what follows an attempt's `outcome`, in Python stamina's order:
    /// a success ends the loop; an error `on` rejects is returned at once; else
    /// the wait is computed, the limits are checked (and the last error returned
    /// unchanged if one is reached), the hooks are called, and the loop waits.
    #[inline]
    pub fn settle<T, E, P, D>(
        &mut self,
        outcome: Result<T, E>,
        on: &P,
        now: impl FnOnce() -> Instant,
    ) -> Settled<T, E>
    where
        E: Debug,
        V: ErrorView<E>,
        P: Fn(&E) -> D,
        D: IntoDecision,
    {
        match outcome {
            Ok(value) => {
                if self.num > 1 {
                    self.report_success();
                }
                Settled::Done(Ok(value))
            }
            Err(error) => match self.after_failure(&error, on, now) {
                Some((wait, guards)) => Settled::Wait(wait, guards),
                None => Settled::Done(Err(error)),
            },
        }
    }

    #[cold]
    fn report_success(&self) {
        instrumentation::dispatch_success(self.name, self.num, self.waited);
    }

    /// After a failed attempt: `Some((wait, guards))` to retry, `None` to give up.
    fn after_failure<E, P, D>(
        &mut self,
        error: &E,
        on: &P,
        now: impl FnOnce() -> Instant,
    ) -> Option<(Duration, HookGuards)>
    where
        E: Debug,
        V: ErrorView<E>,
        P: Fn(&E) -> D,
        D: IntoDecision,
    {
        let max_attempts = match self.mode {
            Mode::Inactive => return None,
            Mode::Testing(testing) => Some(testing.effective_attempts(self.policy.get_attempts())),
            Mode::Normal => self.policy.get_attempts(),
        };
        let wait = match decide(on, error) {
            Decision::NoRetry => return self.give_up(GiveUpReason::NotRetryable, error),
            _ if matches!(self.mode, Mode::Testing(_)) => Duration::ZERO,
            Decision::Retry => jittered_backoff(self.policy, self.num),
            Decision::RetryAfter(wait) => wait,
        };
        if max_attempts.is_some_and(|max| self.num >= max) {
            return self.give_up(GiveUpReason::AttemptsExhausted, error);
        }
        if let (Some(started), Some(timeout)) = (self.started, self.policy.get_timeout())
            && now().saturating_duration_since(started) >= timeout
        {
            return self.give_up(GiveUpReason::Timeout, error);
        }
        let error_view = self.error_view.view(error);
        let guards = instrumentation::dispatch_retry(self.name, self.num, wait, self.waited, error, error_view);
        self.waited = self.waited.saturating_add(wait);
        self.num = self.num.saturating_add(1);
        Some((wait, guards))
    }

    #[cold]
    fn give_up<E: Debug>(&self, reason: GiveUpReason, error: &E) -> Option<(Duration, HookGuards)>
    where
        V: ErrorView<E>,
    {
        let error_view = self.error_view.view(error);
        instrumentation::dispatch_give_up(self.name, reason, self.num, self.waited, error, error_view);
        None
    }

    /// The sync driver's step: settles `outcome`, sleeping on this thread when
    /// the loop goes on. `Break` carries the loop's result.
    #[inline]
    pub fn decide_sync<T, E, P, D>(&mut self, outcome: Result<T, E>, on: &P) -> ControlFlow<Result<T, E>>
    where
        E: Debug,
        V: ErrorView<E>,
        P: Fn(&E) -> D,
        D: IntoDecision,
    {
        match self.settle(outcome, on, crate::clock::coarse_now) {
            Settled::Done(result) => ControlFlow::Break(result),
            Settled::Wait(wait, guards) => {
                if !wait.is_zero() {
                    std::thread::sleep(wait);
                }
                drop(guards);
                ControlFlow::Continue(())
            }
        }
    }

    /// The async driver's step: settles `outcome`, sleeping on `sleeper` when the
    /// loop goes on. Zero waits never reach the sleeper.
    #[inline]
    pub async fn decide_async<T, E, P, D, S>(
        &mut self,
        outcome: Result<T, E>,
        on: &P,
        sleeper: &S,
    ) -> ControlFlow<Result<T, E>>
    where
        E: Debug,
        V: ErrorView<E>,
        P: Fn(&E) -> D,
        D: IntoDecision,
        S: Sleeper,
    {
        match self.settle(outcome, on, || sleeper.now()) {
            Settled::Done(result) => ControlFlow::Break(result),
            Settled::Wait(wait, guards) => {
                if !wait.is_zero() {
                    sleeper.sleep(wait).await;
                }
                drop(guards);
                ControlFlow::Continue(())
            }
        }
    }
}

/// Retries the sync operation `op` under `policy`, reporting it as `name`.
#[doc(hidden)]
pub fn run_sync<T, E, P, D, F>(policy: &RetryPolicy, name: CallableName, on: &P, mut op: F) -> Result<T, E>
where
    E: Debug,
    P: Fn(&E) -> D,
    D: IntoDecision,
    F: FnMut(Attempt) -> Result<T, E>,
{
    let mut state = RetryState::new(policy, name, crate::clock::coarse_now);
    loop {
        let outcome = op(state.attempt());
        if let ControlFlow::Break(result) = state.decide_sync(outcome, on) {
            return result;
        }
    }
}

/// Retries the async operation `op` under `policy`, sleeping on `sleeper`.
#[doc(hidden)]
pub async fn run_async<T, E, P, D, F, Fut, S>(
    policy: &RetryPolicy,
    name: CallableName,
    on: &P,
    sleeper: &S,
    mut op: F,
) -> Result<T, E>
where
    E: Debug,
    P: Fn(&E) -> D,
    D: IntoDecision,
    F: FnMut(Attempt) -> Fut,
    Fut: Future<Output = Result<T, E>>,
    S: Sleeper,
{
    let mut state = RetryState::new(policy, name, || sleeper.now());
    loop {
        let outcome = op(state.attempt()).await;
        if let ControlFlow::Break(result) = state.decide_async(outcome, on, sleeper).await {
            return result;
        }
    }
}
