//! The decision core: one retry loop's progress, and what happens after each
//! attempt.
//!
//! Every way of retrying (the callers, `retry_context`, the macros' generated
//! code) drives a [`RetryState`]. The sync and async drivers differ only in how
//! they sleep ([`Pause::sleep_sync`], [`Pause::sleep_async`]); every decision
//! is made here, in [`RetryState::settle`].
//!
//! The state holds only what changes during one call (the attempt number, the
//! start time, the planned waits so far); the configuration (a [`Site`]: the
//! policy and the name) is handed in at each step. The macros make both
//! `'static` constants, so a retried async fn's future carries 24 bytes of
//! retry state and nothing else.

use core::fmt::Debug;
use core::future::Future;
use core::num::NonZeroU64;
use core::pin::Pin;
use core::task::{Context, Poll};
use core::time::Duration;

use crate::backoff::{backoff_floor, jittered_backoff, known_backoff};
use crate::clock::Stamp;
use crate::decision::{Decision, IntoDecision, decide};
use crate::instrumentation::{self, ErrorView, GiveUpReason, HookGuards, NoErrorView};
use crate::sleep::Sleeper;
use crate::switches::{Mode, current_mode};
use crate::{Attempt, CallableName, RetryPolicy};

/// Where a retry loop runs: its policy and the name hooks see.
///
/// Not public API.
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub struct Site<'a> {
    /// The parameters.
    pub policy: &'a RetryPolicy,
    /// The name hooks see.
    pub name: &'a CallableName,
}

/// The progress of one retry loop: which attempt it is on, when it started,
/// how long it has planned to wait so far, and what the switches said when it
/// started.
///
/// Not public API: the macros' generated code drives it through
/// `stamina::__private`.
#[doc(hidden)]
#[derive(Debug)]
pub struct RetryState {
    /// When the first attempt started, if a timeout applies; otherwise a
    /// marker of the mode (see [`NO_TIMEOUT`], [`TESTING`], [`INACTIVE`]).
    /// Sharing one word keeps the state at 24 bytes.
    started: Stamp,
    /// The sum of the planned waits, in nanoseconds (saturating: 584 years).
    waited_nanos: u64,
    /// The number of the attempt that runs next or is running, from 1.
    num: u32,
    /// The last attempt allowed, 0 for no limit; testing mode already applied.
    max_attempts: u32,
}

/// Normal operation without a timeout.
const NO_TIMEOUT: Stamp = Stamp::marker(0);
/// Testing mode: no waits, no timeout.
const TESTING: Stamp = Stamp::marker(1);
/// `set_active(false)`: one attempt, `on` not asked, no hooks.
const INACTIVE: Stamp = Stamp::marker(2);

/// What the loop does after an attempt.
#[doc(hidden)]
#[derive(Debug)]
pub enum Settled<T, E> {
    /// Return this result.
    Done(Result<T, E>),
    /// Wait, then run the next attempt.
    Wait(Pause),
}

/// The wait before the next attempt, with the guards the hooks returned, which
/// are dropped when the wait is over, right before the next attempt.
///
/// Two words, and `Option<Pause>` too (the wait has a niche), so that what
/// follows a failure comes back in registers, not through memory.
#[doc(hidden)]
#[derive(Debug)]
#[must_use = "a pause does nothing unless slept"]
pub struct Pause {
    wait: WaitNanos,
    guards: HookGuards,
}

/// A wait in nanoseconds (at most `u64::MAX - 1`: 584 years), kept inverted
/// in a `NonZeroU64` to give `Option<Pause>` its niche.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct WaitNanos(NonZeroU64);

impl WaitNanos {
    const ZERO: Self = Self(NonZeroU64::MAX);

    /// `nanos`, saturating one nanosecond short of `u64::MAX`.
    #[inline]
    fn new(nanos: u64) -> Self {
        Self(NonZeroU64::new(!nanos).unwrap_or(NonZeroU64::MIN))
    }

    #[inline]
    fn get(self) -> u64 {
        !self.0.get()
    }

    /// As a `Duration`, for a sleep.
    #[inline]
    fn duration(self) -> Duration {
        Duration::from_nanos(self.get())
    }
}

impl Pause {
    /// Sleeps on this thread; a zero wait does not sleep at all.
    #[inline]
    pub fn sleep_sync(self) {
        if self.wait.get() != 0 {
            std::thread::sleep(self.wait.duration());
        }
        self.guards.release();
    }

    /// Starts sleeping on `sleeper`: `None` when there is nothing to wait for,
    /// so that a zero wait costs no future, no poll and no timer, and the loop
    /// goes straight on (`if let Some(sleeping) = pause.sleep_async(..) {
    /// sleeping.await }`). The guards of a zero wait are released here.
    ///
    /// The sleeper's future is boxed: a timer such as tokio's `Sleep` (112
    /// bytes) would otherwise make every retried future that much larger, for
    /// a wait that lasts milliseconds anyway. Zero waits (testing mode,
    /// `wait_max = 0`, `on` returning zero) allocate nothing.
    #[inline]
    pub fn sleep_async<S: Sleeper>(self, sleeper: &S) -> Option<Sleeping<S::Sleep>> {
        if self.wait.get() == 0 {
            self.guards.release();
            return None;
        }
        Some(Sleeping { sleep: Box::pin(sleeper.sleep(self.wait.duration())), guards: self.guards })
    }
}

/// The future of a non-zero wait from [`Pause::sleep_async`]: the boxed timer,
/// then the guards' release.
#[doc(hidden)]
#[derive(Debug)]
#[must_use = "futures do nothing unless awaited"]
pub struct Sleeping<F> {
    sleep: Pin<Box<F>>,
    guards: HookGuards,
}

impl<F: Future<Output = ()>> Future for Sleeping<F> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // Every field is `Unpin` (the timer is boxed), so no projection is needed.
        let this = self.get_mut();
        if this.sleep.as_mut().poll(cx).is_pending() {
            return Poll::Pending;
        }
        core::mem::take(&mut this.guards).release();
        Poll::Ready(())
    }
}

impl RetryState {
    /// Starts a loop: reads the switches (atomic loads), and the clock only when
    /// a timeout applies.
    #[allow(clippy::inline_always)] // measured: without it the success path calls it
    #[inline(always)]
    pub fn new(policy: &RetryPolicy, now: impl FnOnce() -> Stamp) -> Self {
        let (started, max_attempts) = match current_mode() {
            Mode::Inactive => (INACTIVE, 1),
            Mode::Testing(testing) => (TESTING, testing.effective_attempts(policy.get_attempts())),
            Mode::Normal => {
                let started = if policy.get_timeout().is_some() { now() } else { NO_TIMEOUT };
                (started, policy.get_attempts().unwrap_or(0))
            }
        };
        Self { started, waited_nanos: 0, num: 1, max_attempts }
    }

    fn waited(&self) -> Duration {
        Duration::from_nanos(self.waited_nanos)
    }

    /// The attempt about to run.
    #[inline]
    pub fn attempt(&self, policy: &RetryPolicy) -> Attempt {
        let next_wait_nanos = if self.started == TESTING || self.started == INACTIVE {
            0
        } else {
            backoff_floor(policy, self.num)
        };
        Attempt::from_nanos(self.num, next_wait_nanos)
    }

    /// Decides what follows an attempt's `outcome`, in Python stamina's order:
    /// a success ends the loop; an error `on` rejects is returned at once; else
    /// the wait is computed, the limits are checked (and the last error returned
    /// unchanged if one is reached), the hooks are called, and the loop waits.
    ///
    /// `view` shows the error to hooks as `&dyn Error` where the caller knows
    /// it is one (the macros choose it by autoref specialization). It is taken
    /// by value because views are zero-sized or fn pointers.
    #[allow(clippy::inline_always)] // measured: without it the success path calls it
    #[inline(always)]
    #[allow(clippy::needless_pass_by_value)]
    pub fn settle<T, E, P, D, W>(
        &mut self,
        site: Site<'_>,
        outcome: Result<T, E>,
        on: &P,
        now: impl FnOnce() -> Stamp,
        view: W,
    ) -> Settled<T, E>
    where
        E: Debug,
        W: ErrorView<E>,
        P: Fn(&E) -> D,
        D: IntoDecision,
    {
        match outcome {
            Ok(value) => {
                // Checked here: without hooks, a success after retries costs no call.
                if self.num > 1 && instrumentation::hooks_installed() {
                    self.report_success(site);
                }
                Settled::Done(Ok(value))
            }
            Err(error) => match self.after_failure(site, &error, on, now, &view) {
                Some(pause) => Settled::Wait(pause),
                None => Settled::Done(Err(error)),
            },
        }
    }

    #[cold]
    fn report_success(&self, site: Site<'_>) {
        instrumentation::dispatch_success(*site.name, self.num, self.waited());
    }

    /// After a failed attempt: `Some(pause)` to retry, `None` to give up.
    ///
    /// What every failure needs is here: the switches, the predicate, the
    /// attempt limit. A retry whose wait is known without computing (testing
    /// mode, `wait_max = 0`, a wait from `on`), with no clock to read and no
    /// hook to call, ends here too. Everything else goes on in
    /// [`Self::schedule`], called last: nothing here is needed after a call, so
    /// this function saves and restores no registers (callgrind, retry3 without
    /// a timeout: 57 -> 37 instructions per failure, as many as backon's
    /// `next()`).
    #[inline(never)]
    fn after_failure<E, P, D, W>(
        &mut self,
        site: Site<'_>,
        error: &E,
        on: &P,
        now: impl FnOnce() -> Stamp,
        view: &W,
    ) -> Option<Pause>
    where
        E: Debug,
        W: ErrorView<E>,
        P: Fn(&E) -> D,
        D: IntoDecision,
    {
        if self.started == INACTIVE {
            return None;
        }
        // `None`: the backoff is to be computed.
        let known_wait = match decide(on, error) {
            Decision::NoRetry => return self.give_up(site, GiveUpReason::NotRetryable, error, view),
            _ if self.started == TESTING => Some(WaitNanos::ZERO),
            Decision::Retry => known_backoff(site.policy).map(WaitNanos::new),
            // Saturated once, here: the hooks see the wait that is slept.
            Decision::RetryAfter(wait) => Some(WaitNanos::new(crate::clock::saturating_nanos(wait))),
        };
        if self.max_attempts != 0 && self.num >= self.max_attempts {
            return self.give_up(site, GiveUpReason::AttemptsExhausted, error, view);
        }
        // A start was stamped only if a timeout applies: a marker says there
        // is none without looking at the policy.
        match known_wait {
            Some(wait) if self.started.is_marker() && !instrumentation::hooks_installed() => {
                Some(self.advance(wait, HookGuards::none()))
            }
            _ => self.schedule(site, known_wait, error, now, view),
        }
    }

    /// The rest of [`Self::after_failure`]: the backoff, the timeout, the hooks.
    #[inline(never)]
    fn schedule<E: Debug, W: ErrorView<E>>(
        &mut self,
        site: Site<'_>,
        known_wait: Option<WaitNanos>,
        error: &E,
        now: impl FnOnce() -> Stamp,
        view: &W,
    ) -> Option<Pause> {
        let wait = known_wait.unwrap_or_else(|| WaitNanos::new(jittered_backoff(site.policy, self.num)));
        if !self.started.is_marker()
            && let Some(timeout) = site.policy.get_timeout()
            && self.started.elapsed_to(now()) >= timeout
        {
            return self.give_up(site, GiveUpReason::Timeout, error, view);
        }
        // Without hooks, not even the details are prepared.
        let guards = if instrumentation::hooks_installed() {
            instrumentation::dispatch_retry(
                *site.name,
                self.num,
                wait.duration(),
                self.waited(),
                error,
                view.view(error),
            )
        } else {
            HookGuards::none()
        };
        Some(self.advance(wait, guards))
    }

    /// Counts a scheduled retry and its wait.
    #[inline]
    fn advance(&mut self, wait: WaitNanos, guards: HookGuards) -> Pause {
        self.waited_nanos = self.waited_nanos.saturating_add(wait.get());
        self.num = self.num.saturating_add(1);
        Pause { wait, guards }
    }

    #[cold]
    fn give_up<E: Debug, W: ErrorView<E>>(
        &self,
        site: Site<'_>,
        reason: GiveUpReason,
        error: &E,
        view: &W,
    ) -> Option<Pause> {
        instrumentation::dispatch_give_up(
            *site.name,
            reason,
            self.num,
            self.waited(),
            error,
            view.view(error),
        );
        None
    }
}

/// What the drivers hand each attempt: an [`Attempt`] for blocks, nothing for
/// callers, whose operations do not take one, so that they do not pay for
/// computing it.
#[doc(hidden)]
pub trait AttemptArg {
    /// The argument for the attempt `state` is about to run.
    fn for_attempt(state: &RetryState, policy: &RetryPolicy) -> Self;
}

impl AttemptArg for Attempt {
    #[inline]
    fn for_attempt(state: &RetryState, policy: &RetryPolicy) -> Self {
        state.attempt(policy)
    }
}

impl AttemptArg for () {
    #[inline]
    fn for_attempt(_: &RetryState, _: &RetryPolicy) -> Self {}
}

/// Retries the sync operation `op` at `site`. `on` is taken by value, as
/// [`run_async`] takes it (a reference to a predicate is one too).
#[doc(hidden)]
#[inline]
pub fn run_sync<T, E, P, D, A, F>(site: Site<'_>, on: P, mut op: F) -> Result<T, E>
where
    E: Debug,
    P: Fn(&E) -> D,
    D: IntoDecision,
    A: AttemptArg,
    F: FnMut(A) -> Result<T, E>,
{
    let mut state = RetryState::new(site.policy, crate::clock::coarse_stamp);
    loop {
        let outcome = op(A::for_attempt(&state, site.policy));
        match state.settle(site, outcome, &on, crate::clock::coarse_stamp, NoErrorView) {
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
pub fn run_async<T, E, P, D, A, F, Fut, S>(
    site: Site<'_>,
    on: P,
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
                let attempt = core::pin::pin!(op(A::for_attempt(&state, site.policy)));
                attempt.await
            };
            // The match ends before the wait: its temporaries are not kept
            // alive (and stored in this future) while it sleeps.
            let pause = match state.settle(site, outcome, &on, || sleeper.stamp(), NoErrorView) {
                Settled::Done(result) => return result,
                Settled::Wait(pause) => pause,
            };
            if let Some(sleeping) = pause.sleep_async(sleeper) {
                sleeping.await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_state_stays_small() {
        // It lives in every retried async fn's future.
        assert!(size_of::<RetryState>() <= 24, "{}", size_of::<RetryState>());
        assert!(size_of::<Sleeping<core::future::Ready<()>>>() <= 16);
        // Returned after every failure: two words, in registers.
        assert_eq!(size_of::<Option<Pause>>(), 16);
    }

    #[test]
    fn waits_keep_their_nanoseconds_and_saturate_short_of_the_niche() {
        for nanos in [0, 1, 999_999_999, 1_000_000_000, u64::MAX - 1] {
            assert_eq!(WaitNanos::new(nanos).get(), nanos);
        }
        assert_eq!(WaitNanos::new(u64::MAX).get(), u64::MAX - 1);
        assert_eq!(WaitNanos::new(1_500_000_000).duration(), Duration::from_millis(1500));
    }
}
