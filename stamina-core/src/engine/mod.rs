//! The decision core: one retry loop's progress, and what happens after each
//! attempt.
//!
//! Every way of retrying drives a [`RetryState`], and every decision is made
//! in [`RetryState::settle`]. Three drivers run the loop around it, and differ
//! only in how they wait ([`Pause::sleep_sync`], [`Pause::sleep_async`]):
//! [`run_sync`] and [`run_async`] (used by the callers and `retry_context`),
//! and the loop the macros emit inline. The macros cannot call `run_*`: they
//! choose how hooks see the error ([`ErrorView`]) where the error type is
//! concrete, and an inline loop keeps the retried fn's future 8 bytes smaller
//! (measured) than a call to `run_async` would.
//!
//! The state holds only what changes during one call (the attempt number, the
//! start, the planned waits so far); the configuration (a [`Site`]: the policy
//! and the name) is handed in at each step. The timeout counts the larger of
//! the clock's elapsed time and the planned waits: in real time they agree (a
//! wait lasts at least its plan), and in paused time, where the waits pass on
//! a virtual clock, the plan stops the loop where its schedule says. The macros make both `'static`
//! constants, so a retried async fn's future carries 24 bytes of retry state
//! and nothing else.
//!
//! # Layout, and why
//!
//! | what | representation | size | why | pinned by |
//! |---|---|---|---|---|
//! | [`RetryState`] | `Start` + planned nanos + two `u32`s | 24 B | it lives in every retried future | `tests::the_state_stays_small` |
//! | [`Start`](start::Start) | a clock reading, or one of three reserved values for the modes that need no clock | 8 B | the mode and the start share a word; no clock read without a timeout (about 8 ns a read) | `start::tests` |
//! | the attempt limit | `Option<NonZeroU32>`, testing mode applied at the start | 4 B | no sentinel, same size as a `u32` | `tests::the_state_stays_small` |
//! | [`Pause`] | the wait as inverted nanoseconds in a `NonZeroU64`, and the hooks' guards | 16 B, and `Option<Pause>` too | returned in two registers after every failure (perf: a stall when it went through memory) | `pause::tests::a_pause_is_two_words` |
//! | [`Sleeping`] | the sleeper's future, boxed | 16 B | a tokio `Sleep` is 112 B, which every retried future would carry for a wait of milliseconds; zero waits allocate nothing | `pause::tests::a_pause_is_two_words`, `tests/` allocation tests |
//!
//! After a failure, [`RetryState::after_failure`] makes the checks every
//! failure needs and calls nothing but the predicate, so it saves no
//! registers; the rest (backoff, timeout, hooks) is in `schedule`, called last
//! (callgrind: 57 -> 37 instructions per failure, as many as backon's).

mod clock;
mod drive;
mod pause;
mod sleep;
mod start;

use core::fmt::Debug;
use core::num::NonZeroU32;
use core::time::Duration;

pub use clock::Stamp;
pub(crate) use clock::{coarse_stamp, saturating_nanos};
pub use drive::{run_async, run_sync};
use pause::WaitNanos;
pub use pause::{Pause, Sleeping};
#[cfg(feature = "tokio")]
pub use sleep::TokioSleeper;
pub use sleep::{DefaultSleeper, Sleeper};
use start::Start;

use crate::instrumentation::{self, CallableName, ErrorView, Event, GiveUpReason, HookGuards};
use crate::on::{Decision, IntoDecision, decide};
use crate::policy::{backoff_floor, jittered_backoff, known_backoff};
use crate::switches::{Mode, current_mode};
use crate::{Attempt, RetryPolicy};

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
    /// When the first attempt started, if a timeout applies; otherwise the
    /// mode that needs no clock.
    start: Start,
    /// The sum of the planned waits, in nanoseconds (saturating: 584 years).
    waited_nanos: u64,
    /// The number of the attempt that runs next or is running, from 1.
    num: u32,
    /// The last attempt allowed, `None` for no limit; testing mode already
    /// applied.
    max_attempts: Option<NonZeroU32>,
}

/// What the loop does after an attempt.
#[doc(hidden)]
#[derive(Debug)]
pub enum Settled<T, E> {
    /// Return this result.
    Done(Result<T, E>),
    /// Wait, then run the next attempt.
    Wait(Pause),
}

impl RetryState {
    /// Starts a loop: reads the switches (atomic loads), and the clock only when
    /// a timeout applies.
    #[allow(clippy::inline_always)] // measured: without it the success path calls it
    #[inline(always)]
    pub fn new(policy: &RetryPolicy, now: impl FnOnce() -> Stamp) -> Self {
        let (start, max_attempts) = match current_mode() {
            Mode::Inactive => (Start::INACTIVE, NonZeroU32::new(1)),
            Mode::Testing(testing) => {
                (Start::TESTING, NonZeroU32::new(testing.effective_attempts(policy.get_attempts())))
            }
            Mode::Normal => {
                let start = if policy.get_timeout().is_some() { Start::at(now()) } else { Start::UNTIMED };
                (start, policy.get_attempts().and_then(NonZeroU32::new))
            }
        };
        Self { start, waited_nanos: 0, num: 1, max_attempts }
    }

    fn waited(&self) -> Duration {
        Duration::from_nanos(self.waited_nanos)
    }

    /// The attempt about to run.
    #[inline]
    pub fn attempt(&self, policy: &RetryPolicy) -> Attempt {
        let next_wait_nanos = if self.start == Start::TESTING || self.start == Start::INACTIVE {
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
                // Checked here, with one load: unobserved, a success costs no
                // call. Hooks hear of successes after retries, a recorder of
                // every success.
                let observers = instrumentation::observers();
                if observers.recorders() || (self.num > 1 && !observers.ignore(Event::Success)) {
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
        // Retrying is off: nothing to report.
        if self.start != Start::INACTIVE {
            instrumentation::dispatch_success(*site.name, self.num, self.waited());
        }
    }

    /// After a failed attempt: `Some(pause)` to retry, `None` to give up.
    ///
    /// What every failure needs is here: the switches, the predicate, the
    /// attempt limit. A retry whose wait is known without computing (testing
    /// mode, `wait_max = 0`, a wait from `on`), with no clock to read and
    /// nothing observing it (no hook, or only built-in log sinks nothing
    /// listens to, and no recorder), ends here too. Everything else goes on in
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
        if self.start == Start::INACTIVE {
            return None;
        }
        // The planned wait; `None`: the backoff is to be computed.
        let known_wait = match decide(on, error) {
            Decision::NoRetry => return self.give_up(site, GiveUpReason::NotRetryable, error, view),
            Decision::Retry => known_backoff(site.policy).map(WaitNanos::new),
            // Saturated once, here: the hooks see the wait that is slept.
            Decision::RetryAfter(wait) => Some(WaitNanos::new(saturating_nanos(wait))),
        };
        if let Some(max_attempts) = self.max_attempts
            && self.num >= max_attempts.get()
        {
            return self.give_up(site, GiveUpReason::AttemptsExhausted, error, view);
        }
        // A start was stamped only if a timeout applies: without one, there is
        // no timeout to check, without looking at the policy.
        if self.start.timed().is_none() && instrumentation::observers().ignore(Event::Retry) {
            if self.start == Start::TESTING {
                return Some(self.advance(WaitNanos::ZERO, HookGuards::none()));
            }
            if let Some(wait) = known_wait {
                return Some(self.advance(wait, HookGuards::none()));
            }
        }
        self.schedule(site, known_wait, error, now, view)
    }

    /// The rest of [`Self::after_failure`]: the backoff, the timeout, the hooks
    /// and the recorder.
    #[inline(never)]
    fn schedule<E: Debug, W: ErrorView<E>>(
        &mut self,
        site: Site<'_>,
        known_wait: Option<WaitNanos>,
        error: &E,
        now: impl FnOnce() -> Stamp,
        view: &W,
    ) -> Option<Pause> {
        let planned = known_wait.unwrap_or_else(|| WaitNanos::new(jittered_backoff(site.policy, self.num)));
        // The time spent is at least the waits planned so far: in real time a
        // wait lasts at least its plan (and the coarse clock may lag it by a
        // tick); in paused time, where the waits advance a virtual clock that
        // the timeout is not measured on, the plan is what stops the loop.
        if let Some(start) = self.start.timed()
            && let Some(timeout) = site.policy.get_timeout()
            && start.nanos_to(now()).max(self.waited_nanos) >= saturating_nanos(timeout)
        {
            return self.give_up(site, GiveUpReason::Timeout, error, view);
        }
        // Testing mode keeps the plan (for hooks' and recorders' eyes) and
        // sleeps none of it.
        let wait = if self.start == Start::TESTING { WaitNanos::ZERO } else { planned };
        // Unobserved, not even the details are prepared.
        let guards = if instrumentation::observers().ignore(Event::Retry) {
            HookGuards::none()
        } else {
            instrumentation::dispatch_retry(
                *site.name,
                self.num,
                wait.duration(),
                planned.duration(),
                self.waited(),
                error,
                view.view(error),
            )
        };
        Some(self.advance(wait, guards))
    }

    /// Counts a scheduled retry and its wait.
    #[inline]
    fn advance(&mut self, wait: WaitNanos, guards: HookGuards) -> Pause {
        self.waited_nanos = self.waited_nanos.saturating_add(wait.get());
        self.num = self.num.saturating_add(1);
        Pause::new(wait, guards)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_state_stays_small() {
        // It lives in every retried async fn's future.
        assert!(size_of::<RetryState>() <= 24, "{}", size_of::<RetryState>());
    }

    /// The attempts a loop runs against a clock that stands still, as the
    /// real clock does for a loop whose waits pass in paused time.
    fn attempts_on_a_still_clock(policy: &RetryPolicy) -> u32 {
        let still = Stamp::of(std::time::Instant::now());
        let site = Site { policy, name: &CallableName::new("engine::tests") };
        let mut state = RetryState::new(policy, || still);
        let mut attempts = 0;
        loop {
            attempts += 1;
            assert!(attempts < 100, "the timeout did not stop the loop");
            match state.settle(
                site,
                Err::<(), _>(()),
                &|(): &()| true,
                || still,
                instrumentation::NoErrorView,
            ) {
                Settled::Done(result) => {
                    assert!(result.is_err());
                    return attempts;
                }
                Settled::Wait(pause) => drop(pause), // not slept: the clock stands still
            }
        }
    }

    #[test]
    fn the_timeout_counts_the_planned_waits() {
        let policy = RetryPolicy::new()
            .attempts(None)
            .timeout(Duration::from_secs(1))
            .wait_initial(Duration::from_millis(400))
            .wait_exp_base(1.0)
            .wait_jitter(Duration::ZERO);
        // Waits of 400, 800, 1200 ms planned so far when attempts 2, 3, 4
        // fail: the fourth failure is past the timeout.
        assert_eq!(attempts_on_a_still_clock(&policy), 4);
        assert_eq!(attempts_on_a_still_clock(&policy.timeout(Duration::from_millis(1200))), 4);
        assert_eq!(attempts_on_a_still_clock(&policy.timeout(Duration::from_millis(1201))), 5);
    }
}
