//! The decision core: one retry loop's progress, and what happens after each
//! attempt.
//!
//! Every way of retrying drives a [`RetryState`], and every decision is made
//! in [`RetryState::settle`]. Three drivers run the loop around it, and differ
//! only in how they wait ([`Pause::sleep_sync`], [`Pause::sleep_async`]):
//! [`run_sync`] and [`run_async`] (used by the callers and `retry_context`;
//! zero-sized markers say whether they return an outcome too, and
//! [`run_async_limited`] races attempts against their limits), and the loop
//! the macros emit inline. The macros cannot call `run_*`: they
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
//! The time limits beyond Python's (a strict deadline, an attempt timeout)
//! are decided here too: `schedule` refuses a wait that would pass a strict
//! deadline; [`RetryState::attempt_limit`] gives an async driver the time an
//! attempt may take, and [`RetryState::timed_out`] turns one that ran out into
//! the loop's error, noted for `settle` (a deadline's ends the loop, a
//! budget charges the retry as a timeout). The drivers that race attempts are
//! [`run_async_limited`] (the `Cancelling` callers and contexts, and every
//! `call_with_outcome`) and the macros' loop when a limit key is given.
//!
//! # Layout, and why
//!
//! | what | representation | size | why | pinned by |
//! |---|---|---|---|---|
//! | [`RetryState`] | `Start` + planned nanos (56 bits; above them the give-up reason, 4 bits, whether the attempt ran out of time and of the deadline, 2, and the last retry's budget charge, 2) + two `u32`s | 24 B | it lives in every retried future | `tests::the_state_stays_small`, `tests::planned_waits_keep_the_charge_and_saturate` |
//! | a time-limited attempt ([`Timed`]) | the pinned attempt's pointer, the boxed timer, the [`AttemptLimit`] (nanos and the deadline bit) | 24 B, only in loops with `attempt_timeout` or a strict deadline | a loop without either awaits the attempt as it is: no timer, no room | `tests/` future-size and allocation tests |
//! | [`Start`](start::Start) | a clock reading, or one of three reserved values for the modes that need no clock | 8 B | the mode and the start share a word; no clock read without a timeout (about 8 ns a read) | `start::tests` |
//! | the attempt limit | `Option<NonZeroU32>`, testing mode applied at the start | 4 B | no sentinel, same size as a `u32` | `tests::the_state_stays_small` |
//! | [`Pause`] | the wait as inverted nanoseconds in a `NonZeroU64`, and the hooks' guards | 16 B, and `Option<Pause>` too | returned in two registers after every failure (perf: a stall when it went through memory) | `pause::tests::a_pause_is_two_words` |
//! | [`Sleeping`] | the sleeper's future, boxed | 16 B | a tokio `Sleep` is 112 B, which every retried future would carry for a wait of milliseconds; zero waits allocate nothing | `pause::tests::a_pause_is_two_words`, `tests/` allocation tests |
//!
//! After a failure, the checks every failure needs (the switches, the
//! predicate, the attempt limit) and a retry that nothing observes are inlined
//! into the loop ([`RetryState::settle`]), so that such a retry makes no call
//! but the predicate's and the attempt's; the rest (backoff, timeout, budget,
//! hooks) is in `schedule`, out of line. Measured over eight code layouts
//! (`stamina/benches/layouts.sh`), sync retry3 with the default hooks, against
//! backon with a `warn!`: `#[retry]` and `retry_block!` went from 0.9-1.2 to
//! 0.6-0.7 when their failure paths left their own functions, `retry_context`
//! from 1.0-1.2 to 0.8-0.9, and the success paths stayed within the layouts'
//! spread.

mod clock;
mod drive;
mod pause;
mod sleep;
mod start;
mod timed;

use core::fmt::Debug;
use core::marker::PhantomData;
use core::num::NonZeroU32;
use core::time::Duration;

pub use clock::Stamp;
#[cfg(all(feature = "coarse-clock", not(feature = "test-util")))]
pub(crate) use clock::coarse_nanos;
#[cfg(not(any(feature = "test-util", feature = "coarse-clock")))]
pub(crate) use clock::coarse_now;
pub(crate) use clock::{coarse_stamp, saturating_nanos};
pub use drive::{AttemptCancel, TimedOutError};
pub(crate) use drive::{ResultOnly, WithOutcome, run_async, run_async_limited, run_sync};
use pause::WaitNanos;
pub use pause::{Pause, Sleeping};
#[cfg(feature = "tokio")]
pub use sleep::TokioSleeper;
pub use sleep::{DefaultSleeper, Sleeper};
use start::Start;
pub use timed::{AttemptLimit, AttemptTimedOut, FromAttemptTimedOut, Timed};

use crate::budget::{Charge, RetryBudget};
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
    /// The sum of the planned waits, in nanoseconds (low 56 bits, saturating at
    /// 833 days), in the top two bits what a budget charged for the last
    /// retry, for its refund on success (see [`CHARGE_SHIFT`]), in the two
    /// below them whether the attempt being settled ran out of its time
    /// ([`TIMED_OUT`], [`DEADLINE_PASSED`]), and in the four below those why
    /// the loop gave up, once it has ([`REASON_SHIFT`]).
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

/// Where the last retry's budget charge sits in `RetryState::waited_nanos`:
/// the two bits above the 62 of planned nanoseconds. Only loops with a budget
/// set them; they clear them before adding a wait.
const CHARGE_SHIFT: u32 = 62;
/// The budget charge's bits of `RetryState::waited_nanos`.
const CHARGE_MASK: u64 = 0b11 << CHARGE_SHIFT;
/// Set in `RetryState::waited_nanos` when the attempt being settled was
/// dropped at the strict deadline: the loop gives up with the timeout reason,
/// whatever a clock that lags the timer says. Cleared by the next retry.
const DEADLINE_PASSED: u64 = 1 << 61;
/// Set in `RetryState::waited_nanos` when the attempt being settled ran out
/// of its time (its attempt timeout or the deadline): a budget charges the
/// retry as a timeout (AWS's `RETRY_TIMEOUT_COST`), hooks see the error's
/// type as `stamina::AttemptTimedOut`. Cleared by the next retry.
const TIMED_OUT: u64 = 1 << 60;
/// Where `RetryState::waited_nanos` keeps why the loop gave up: 0 while it
/// has not, else the reason's [`GiveUpReason::code`] (at most 15), for the
/// outcome the `*_with_outcome` forms return.
const REASON_SHIFT: u32 = 56;
const REASON_MASK: u64 = 0xF << REASON_SHIFT;
/// The planned nanoseconds of `RetryState::waited_nanos`.
const WAITED_MASK: u64 = (1 << REASON_SHIFT) - 1;
/// The `error_type` hooks, sinks and metrics see for a timed-out attempt.
const TIMED_OUT_TYPE: &str = "stamina::AttemptTimedOut";

const fn charge_bits(charge: Charge) -> u64 {
    (match charge {
        Charge::Failure => 0,
        Charge::Timeout => 1,
        Charge::Throttling => 2,
    }) << CHARGE_SHIFT
}

const fn charge_of(waited_nanos: u64) -> Charge {
    match waited_nanos >> CHARGE_SHIFT {
        1 => Charge::Timeout,
        2 => Charge::Throttling,
        _ => Charge::Failure,
    }
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
        // A budget counts every call that may retry (a ratio budget's deposit).
        if let Some(budget) = policy.get_budget()
            && start != Start::INACTIVE
        {
            budget.list();
            budget.call_started();
        }
        Self { start, waited_nanos: 0, num: 1, max_attempts }
    }

    fn waited(&self) -> Duration {
        Duration::from_nanos(self.waited_nanos & WAITED_MASK)
    }

    /// Whether retrying is on for this loop: `false` when it started with
    /// retrying off (`set_active(false)`, `Mode::Inactive`), where no
    /// predicate is asked. The result-predicate drivers ask it before their
    /// predicate, which they call themselves.
    #[inline]
    pub fn retrying(&self) -> bool {
        self.start != Start::INACTIVE
    }

    /// Why the loop gave up, once it has: `None` while it runs, after a
    /// success, and when retrying is inactive (no reason is dispatched then).
    #[inline]
    pub fn gave_up(&self) -> Option<GiveUpReason> {
        let code = (self.waited_nanos & REASON_MASK) >> REASON_SHIFT;
        u8::try_from(code).ok().and_then(GiveUpReason::from_code)
    }

    /// How the loop went, once `settle` is done: `succeeded` says how it
    /// ended, `started` is when the driver started it, `now` when it ended.
    #[cold]
    pub(crate) fn outcome(&self, succeeded: bool, started: Stamp, now: Stamp) -> crate::CallOutcome {
        let waited = self.waited_nanos & WAITED_MASK;
        // Retrying inactive: one attempt allowed, and no reason dispatched.
        let gave_up =
            if succeeded { None } else { Some(self.gave_up().unwrap_or(GiveUpReason::AttemptsExhausted)) };
        crate::CallOutcome::new(
            self.num,
            Duration::from_nanos(waited),
            Duration::from_nanos(started.nanos_to(now).max(waited)),
            gave_up,
        )
    }

    /// The attempt about to run, able to tell the time since the first one
    /// started on `clock` (the loop's), which it reads only when asked
    /// ([`Attempt::elapsed`]): a block that does not ask pays no clock read.
    #[inline]
    pub fn attempt_at(&self, policy: &RetryPolicy, clock: fn() -> Stamp) -> Attempt {
        self.attempt(policy).measured_from(self.start.stamp(), self.waited_nanos & WAITED_MASK, clock)
    }

    /// How long the next async attempt may run: the attempt timeout, or
    /// under a strict deadline the time left when that is shorter; `None`
    /// without either, when the attempt is awaited as it is. Reads the clock
    /// only for a strict deadline after the first attempt.
    ///
    /// The attempt timeout applies in every mode; the deadline, as the soft
    /// timeout, only in normal operation (`start` is timed).
    #[inline]
    pub fn attempt_limit(&self, policy: &RetryPolicy, now: impl FnOnce() -> Stamp) -> Option<AttemptLimit> {
        let own = policy.get_attempt_timeout().map(saturating_nanos);
        let left = match (self.start.timed(), policy.strict_deadline()) {
            (Some(start), Some(timeout)) => {
                let spent = if self.num == 1 {
                    0
                } else {
                    start.nanos_to(now()).max(self.waited_nanos & WAITED_MASK)
                };
                Some(saturating_nanos(timeout).saturating_sub(spent))
            }
            _ => None,
        };
        match (own, left) {
            (Some(own), Some(left)) if left <= own => Some(AttemptLimit::new(left, true)),
            (Some(own), _) => Some(AttemptLimit::new(own, false)),
            (None, Some(left)) => Some(AttemptLimit::new(left, true)),
            (None, None) => None,
        }
    }

    /// The error of an attempt that ran out of `limit`, noted for the
    /// decision that follows: the retry is charged as a timeout, and a
    /// deadline's ends the loop.
    #[cold]
    pub fn timed_out<E: FromAttemptTimedOut>(&mut self, limit: AttemptLimit) -> E {
        self.waited_nanos |= if limit.at_deadline() { TIMED_OUT | DEADLINE_PASSED } else { TIMED_OUT };
        E::from_attempt_timed_out(limit.timed_out())
    }

    /// The outcome of an attempt raced against `limit`: its own, or the
    /// timed-out error (see [`Self::timed_out`]).
    #[inline]
    pub fn outcome_within<T, E: FromAttemptTimedOut>(
        &mut self,
        raced: Result<Result<T, E>, AttemptLimit>,
    ) -> Result<T, E> {
        match raced {
            Ok(outcome) => outcome,
            Err(limit) => Err(self.timed_out(limit)),
        }
    }

    /// The attempt about to run, for its number and next wait. Not for a
    /// block: it tells no elapsed time; blocks get [`Self::attempt_at`]'s.
    #[inline]
    pub fn attempt(&self, policy: &RetryPolicy) -> Attempt {
        let next_wait_nanos = if self.start == Start::TESTING || self.start == Start::INACTIVE {
            0
        } else {
            backoff_floor(policy, self.num)
        };
        Attempt::from_nanos(self.num, next_wait_nanos)
    }

    /// Decides what follows an attempt's `outcome`: a success ends the loop;
    /// an error `on` rejects is returned at once; else the attempt limit is
    /// checked, the wait computed, the timeout and the budget checked (the last
    /// error is returned unchanged if a limit stops the loop), the hooks are
    /// called, and the loop waits.
    ///
    /// `view` shows the error to hooks as `&dyn Error` where the caller knows
    /// it is one (the macros choose it by autoref specialization). It is taken
    /// by value because views are zero-sized.
    #[allow(clippy::inline_always)] // measured: without it the success path calls it
    #[inline(always)]
    #[allow(clippy::needless_pass_by_value)]
    pub fn settle<T, E, P, D, W, N>(
        &mut self,
        site: Site<'_>,
        outcome: Result<T, E>,
        on: &P,
        now: N,
        view: W,
    ) -> Settled<T, E>
    where
        E: Debug,
        W: ErrorView<E>,
        P: Fn(&E) -> D,
        D: IntoDecision,
        N: FnOnce() -> Stamp,
    {
        self.settle_as::<true, T, E, P, D, W, N>(site, outcome, on, now, view)
    }

    /// [`Self::settle`] for a loop whose policy has no timeout, which the
    /// macros know where `timeout = None` is written: no branch on the start
    /// after each failure (callgrind, `#[retry]` sync retry3: 264 -> 252
    /// instructions, its success 63 -> 60). `now` is never called: its type
    /// keeps the failure paths' code apart per loop, as `settle`'s does, which
    /// lets the compiler fold a constant policy into them.
    #[allow(clippy::inline_always)] // as `settle`
    #[inline(always)]
    pub fn settle_untimed<T, E, P, D, W, N>(
        &mut self,
        site: Site<'_>,
        outcome: Result<T, E>,
        on: &P,
        now: N,
        view: W,
    ) -> Settled<T, E>
    where
        E: Debug,
        W: ErrorView<E>,
        P: Fn(&E) -> D,
        D: IntoDecision,
        N: FnOnce() -> Stamp,
    {
        debug_assert!(site.policy.get_timeout().is_none(), "`settle_untimed` with a timeout");
        self.settle_as::<false, T, E, P, D, W, N>(site, outcome, on, now, view)
    }

    /// Both settles: `MAY_BE_TIMED` false leaves out the branch on the start.
    #[allow(clippy::inline_always)] // as `settle`
    #[inline(always)]
    #[allow(clippy::needless_pass_by_value)]
    fn settle_as<const MAY_BE_TIMED: bool, T, E, P, D, W, N>(
        &mut self,
        site: Site<'_>,
        outcome: Result<T, E>,
        on: &P,
        now: N,
        view: W,
    ) -> Settled<T, E>
    where
        E: Debug,
        W: ErrorView<E>,
        P: Fn(&E) -> D,
        D: IntoDecision,
        N: FnOnce() -> Stamp,
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
                if let Some(budget) = site.policy.get_budget() {
                    self.refill(budget);
                }
                Settled::Done(Ok(value))
            }
            Err(error) => {
                // A timeout's clock is read here, in the loop's own frame, where
                // the call saves no register, so that a timed failure's fast
                // path makes no call (callgrind, sync retry3 with the default
                // 45 s timeout: caller 591 -> 527 instructions, `#[retry]` 600 ->
                // 420). A failure that is not retried (`on` rejects it, the
                // attempts are used up) reads it too, once per call. Without a
                // timeout the start is never stamped, and nothing is read.
                let pause = if MAY_BE_TIMED && self.start.timed().is_some() {
                    self.timed_failure(site, &error, on, now(), PhantomData::<N>, &view)
                } else {
                    self.failure(site, &error, on, now, &view)
                };
                match pause {
                    Some(pause) => Settled::Wait(pause),
                    None => Settled::Done(Err(error)),
                }
            }
        }
    }

    /// A success refills the budget: after the first attempt, or after a last
    /// retry whose charge the state kept.
    #[cold]
    fn refill(&self, budget: &RetryBudget) {
        if self.start != Start::INACTIVE {
            budget.call_succeeded((self.num > 1).then(|| charge_of(self.waited_nanos)));
        }
    }

    #[cold]
    fn report_success(&self, site: Site<'_>) {
        // Retrying is off: nothing to report.
        if self.start != Start::INACTIVE {
            instrumentation::dispatch_success(*site.name, self.num, self.waited());
        }
    }

    /// After a failed attempt of a loop whose start was not stamped (no
    /// timeout, testing mode, retrying off): `Some(pause)` to retry, `None` to
    /// give up.
    ///
    /// What every failure needs is here: the switches, the predicate, the
    /// attempt limit. A retry whose wait is known without computing (testing
    /// mode, `wait_max = 0`, a wait from `on`), with no clock to read and
    /// nothing observing it (no hook, or only built-in log sinks nothing
    /// listens to, and no recorder), ends here too, in the loop's own code.
    /// Everything else goes on in [`Self::schedule`], called last, out of line.
    #[allow(clippy::inline_always)] // a retry that needs nothing more makes no call (module docs)
    #[inline(always)]
    fn failure<E, P, D, W>(
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
        let (wait_from_on, decision) = self.judge(site, error, on, view)?;
        if instrumentation::observers().ignore(Event::Retry) && site.policy.get_budget().is_none() {
            if self.start == Start::TESTING {
                return Some(self.advance(WaitNanos::ZERO, HookGuards::none()));
            }
            if let Some(wait) = wait_from_on.or_else(|| known_backoff(site.policy).map(WaitNanos::new)) {
                return Some(self.advance(wait, HookGuards::none()));
            }
        }
        let known_wait = wait_from_on.or_else(|| known_backoff(site.policy).map(WaitNanos::new));
        self.schedule(site, known_wait, decision.charge(), error, now, view)
    }

    /// [`Self::failure`] for a loop with a timeout, the clock read at `now`: a
    /// retry with a known wait, nothing observing it, no budget, and Python's
    /// soft timeout not reached ends here, in the loop's own code; everything
    /// else (a strict deadline's checks, the timeout's give-up) goes on in
    /// [`Self::schedule`]. `N` is the loop's clock, only for its type: it keeps
    /// `schedule`'s code apart per loop, with the loop's constant policy
    /// folded in (see [`Self::settle_untimed`]; callgrind, the macros' timed
    /// retry3 with a no-op hook: 66 instructions more with one `schedule` for
    /// all their loops).
    #[allow(clippy::inline_always)] // a retry that needs nothing more makes no call (module docs)
    #[inline(always)]
    #[allow(clippy::too_many_arguments)] // the failure, spelled out, as `schedule`'s
    fn timed_failure<E, P, D, W, N>(
        &mut self,
        site: Site<'_>,
        error: &E,
        on: &P,
        now: Stamp,
        _clock: PhantomData<N>,
        view: &W,
    ) -> Option<Pause>
    where
        E: Debug,
        W: ErrorView<E>,
        P: Fn(&E) -> D,
        D: IntoDecision,
    {
        let (wait_from_on, decision) = self.judge(site, error, on, view)?;
        let known_wait = wait_from_on.or_else(|| known_backoff(site.policy).map(WaitNanos::new));
        // One derived number says "soft, no budget" and holds the timeout,
        // and one comparison checks both spans, unmasked and unsaturated
        // (callgrind, sync retry3 with the default 45 s timeout: `#[retry]`
        // 420 -> 363 instructions, `retry_context` 529 -> 385). It can only send a
        // retry on to `schedule`'s exact check, never let one through that
        // the exact check refuses: `a | b` is at least `a` and at least `b`
        // (a retry past half the timeout may take the exact path), the bits
        // above the planned nanos only make them larger, and a clock reading
        // before the start wraps to a huge span.
        debug_assert!(self.start.timed().is_some(), "a timed failure of an untimed loop");
        let timeout = site.policy.plain_soft_timeout_nanos();
        if let Some(wait) = known_wait
            && instrumentation::observers().ignore(Event::Retry)
            && self.start.stamp().wrapping_nanos_to(now) | self.waited_nanos < timeout
        {
            return Some(self.advance(wait, HookGuards::none()));
        }
        self.schedule(site, known_wait, decision.charge(), error, move || now, view)
    }

    /// What both failure paths ask first: the predicate, then the attempt
    /// limit. `None` once the loop gave up (the hooks told); else the wait
    /// `on` asked for (`None`: the backoff's, which is looked up only where it
    /// is used: with a shorter live range, the fast paths save no register for
    /// it) and the decision.
    #[allow(clippy::inline_always)] // both failure paths' fast paths: measured without a call
    #[inline(always)]
    fn judge<E, P, D, W>(
        &mut self,
        site: Site<'_>,
        error: &E,
        on: &P,
        view: &W,
    ) -> Option<(Option<WaitNanos>, Decision)>
    where
        E: Debug,
        W: ErrorView<E>,
        P: Fn(&E) -> D,
        D: IntoDecision,
    {
        let decision = decide(on, error);
        let wait_from_on = match decision {
            Decision::NoRetry => {
                self.give_up(site, GiveUpReason::NotRetryable, error, view);
                return None;
            }
            Decision::Retry | Decision::Throttled(None) => None,
            // Saturated once, here: the hooks see the wait that is slept.
            Decision::RetryAfter(wait) | Decision::Throttled(Some(wait)) => {
                Some(WaitNanos::new(saturating_nanos(wait)))
            }
        };
        if let Some(max_attempts) = self.max_attempts
            && self.num >= max_attempts.get()
        {
            self.give_up(site, GiveUpReason::AttemptsExhausted, error, view);
            return None;
        }
        Some((wait_from_on, decision))
    }

    /// The nanoseconds spent at `now` and the timeout's, if one applies. The
    /// time spent is at least the waits planned so far: in real time a wait
    /// lasts at least its plan (and the coarse clock may lag it by a tick);
    /// in paused time, where the waits advance a virtual clock that the
    /// timeout is not measured on, the plan is what stops the loop.
    #[inline]
    fn against_timeout(&self, policy: &RetryPolicy, now: Stamp) -> Option<(u64, u64)> {
        let start = self.start.timed()?;
        let timeout = policy.get_timeout()?;
        Some((start.nanos_to(now).max(self.waited_nanos & WAITED_MASK), saturating_nanos(timeout)))
    }

    /// The rest of [`Self::failure`]: the backoff, the timeout, the
    /// budget, the hooks and the recorder.
    #[inline(never)]
    #[allow(clippy::too_many_arguments)] // the failure, spelled out: nothing to build on the caller's side
    fn schedule<E: Debug, W: ErrorView<E>>(
        &mut self,
        site: Site<'_>,
        known_wait: Option<WaitNanos>,
        charge: Charge,
        error: &E,
        now: impl FnOnce() -> Stamp,
        view: &W,
    ) -> Option<Pause> {
        let planned = known_wait.unwrap_or_else(|| WaitNanos::new(jittered_backoff(site.policy, self.num)));
        // The clock is read only if a timeout applies.
        if self.start.timed().is_some()
            && let Some((spent, timeout)) = self.against_timeout(site.policy, now())
        {
            // Python's soft check; then a strict deadline's: no wait that
            // would end at or past it is started (MongoDB's CSOT rule: "if
            // the delay exceeds the deadline, bail early").
            // (A deadline passed only in strict mode: one branch in soft mode.)
            if spent >= timeout
                || (site.policy.get_timeout_mode() == crate::TimeoutMode::Strict
                    && (self.waited_nanos & DEADLINE_PASSED != 0
                        || spent.saturating_add(planned.get()) >= timeout))
            {
                return self.give_up(site, GiveUpReason::Timeout, error, view);
            }
        }
        // Last, so that no retry the limits refuse is paid for. Testing mode
        // keeps the accounting.
        if let Some(budget) = site.policy.get_budget() {
            // A retry after an attempt that ran out of time costs what a
            // timeout costs (AWS: `RETRY_TIMEOUT_COST`); a throttle keeps its
            // own, cheaper charge.
            let charge = if self.waited_nanos & TIMED_OUT != 0 && charge == Charge::Failure {
                Charge::Timeout
            } else {
                charge
            };
            if !budget.try_retry(charge) {
                return self.give_up(site, GiveUpReason::BudgetExhausted, error, view);
            }
            self.waited_nanos = (self.waited_nanos & !CHARGE_MASK) | charge_bits(charge);
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
                self.error_type(error, view),
            )
        };
        Some(self.advance(wait, guards))
    }

    /// Counts a scheduled retry and its wait, keeping the charge bits and
    /// clearing the last attempt's.
    #[inline]
    fn advance(&mut self, wait: WaitNanos, guards: HookGuards) -> Pause {
        if wait == WaitNanos::ZERO {
            // Nothing to add: only the last attempt's bits to clear, in one
            // `and` (callgrind: 8 instructions fewer per zero-wait retry).
            self.waited_nanos &= WAITED_MASK | CHARGE_MASK;
        } else {
            let charge = self.waited_nanos & CHARGE_MASK;
            self.waited_nanos =
                ((self.waited_nanos & WAITED_MASK).saturating_add(wait.get()).min(WAITED_MASK)) | charge;
        }
        self.num = self.num.saturating_add(1);
        Pause::new(wait, guards)
    }

    /// The `error_type` hooks see: a timed-out attempt's error is reported as
    /// `stamina::AttemptTimedOut`, whatever type holds it; otherwise the
    /// view's (the type's path, empty for a retried `Ok`).
    fn error_type<E, W: ErrorView<E>>(&self, error: &E, view: &W) -> &'static str {
        if self.waited_nanos & TIMED_OUT != 0 { TIMED_OUT_TYPE } else { view.error_type(error) }
    }

    /// Ends the loop on `error` for `reason`, which the loop's own decisions
    /// do not reach (a committed stream's): the hooks hear it as any give-up.
    /// Nothing while retrying is off, as for every loop.
    #[cold]
    pub(crate) fn give_up_for<E: Debug, W: ErrorView<E>>(
        &mut self,
        site: Site<'_>,
        reason: GiveUpReason,
        error: &E,
        view: &W,
    ) {
        if self.start != Start::INACTIVE {
            self.give_up(site, reason, error, view);
        }
    }

    #[cold]
    fn give_up<E: Debug, W: ErrorView<E>>(
        &mut self,
        site: Site<'_>,
        reason: GiveUpReason,
        error: &E,
        view: &W,
    ) -> Option<Pause> {
        let code = u64::from(reason.code()) << REASON_SHIFT;
        debug_assert_eq!(code & !REASON_MASK, 0, "a reason's code fits the reason bits");
        self.waited_nanos = (self.waited_nanos & !REASON_MASK) | code;
        instrumentation::dispatch_give_up(
            *site.name,
            reason,
            self.num,
            self.waited(),
            error,
            view.view(error),
            self.error_type(error, view),
        );
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn planned_waits_keep_the_charge_and_saturate() {
        let policy = RetryPolicy::new();
        let mut state = RetryState::new(&policy, crate::engine::coarse_stamp);
        state.waited_nanos = charge_bits(Charge::Throttling);
        let _ = state.advance(WaitNanos::new(5), HookGuards::none());
        assert_eq!(state.waited(), Duration::from_nanos(5));
        assert_eq!(charge_of(state.waited_nanos), Charge::Throttling);
        let _ = state.advance(WaitNanos::new(u64::MAX), HookGuards::none());
        assert_eq!(state.waited(), Duration::from_nanos(WAITED_MASK));
        assert_eq!(charge_of(state.waited_nanos), Charge::Throttling);
        for charge in [Charge::Failure, Charge::Timeout, Charge::Throttling] {
            assert_eq!(charge_of(charge_bits(charge) | WAITED_MASK), charge);
        }
    }

    #[test]
    fn a_zero_wait_keeps_the_plan_and_the_charge_and_clears_the_attempts_bits() {
        let policy = RetryPolicy::new();
        let mut state = RetryState::new(&policy, crate::engine::coarse_stamp);
        state.waited_nanos = charge_bits(Charge::Timeout) | TIMED_OUT | DEADLINE_PASSED | 0x7;
        let _ = state.advance(WaitNanos::ZERO, HookGuards::none());
        assert_eq!(state.waited_nanos, charge_bits(Charge::Timeout) | 0x7);
        assert_eq!(state.num, 2);
        // A non-zero wait clears the same bits.
        state.waited_nanos |= TIMED_OUT;
        let _ = state.advance(WaitNanos::new(3), HookGuards::none());
        assert_eq!(state.waited_nanos, charge_bits(Charge::Timeout) | 0xa);
    }

    #[test]
    fn a_wait_from_on_is_planned_when_wait_max_is_zero() {
        // `wait_max = 0` makes the backoff's wait known (zero), but a wait
        // `on` asks for wins, on the fast path as on the slow one (which one
        // runs depends on what observes retries in this process).
        let policy = RetryPolicy::new().timeout(None).attempts(None).wait_max(Duration::ZERO);
        let site = Site { policy: &policy, name: &CallableName::new("engine::tests") };
        let mut state = RetryState::new(&policy, || panic!("no clock read"));
        let retry = |(): &()| true;
        let asks_7ms = |(): &()| Duration::from_millis(7);
        let settle = |state: &mut RetryState, asks: bool| {
            let outcome = Err::<(), _>(());
            let settled = if asks {
                state.settle(
                    site,
                    outcome,
                    &asks_7ms,
                    || panic!("no clock read"),
                    instrumentation::NoErrorView,
                )
            } else {
                state.settle(site, outcome, &retry, || panic!("no clock read"), instrumentation::NoErrorView)
            };
            assert!(matches!(settled, Settled::Wait(_)), "{settled:?}");
        };
        settle(&mut state, false);
        assert_eq!(state.waited(), Duration::ZERO);
        settle(&mut state, true);
        assert_eq!(state.waited(), Duration::from_millis(7));
        settle(&mut state, false);
        settle(&mut state, true);
        assert_eq!(state.waited(), Duration::from_millis(14));
    }

    #[test]
    fn only_a_zero_wait_max_makes_the_wait_known() {
        // The fast path's zero test is derived from both fields of
        // `wait_max`, by each setter.
        let with_max = |wait_max| known_backoff(&RetryPolicy::new().wait_max(wait_max));
        assert_eq!(with_max(Duration::ZERO), Some(0));
        let reset = RetryPolicy::new().wait_max(Duration::ZERO).wait_max(Duration::from_secs(1));
        assert_eq!(known_backoff(&reset), None);
        assert_eq!(known_backoff(&reset.wait_initial(Duration::ZERO)), None);
        for wait_max in
            [Duration::from_nanos(1), Duration::from_millis(500), Duration::from_secs(1), Duration::MAX]
        {
            assert_eq!(with_max(wait_max), None, "{wait_max:?}");
        }
    }

    #[test]
    fn the_state_stays_small() {
        // It lives in every retried async fn's future.
        assert!(size_of::<RetryState>() <= 24, "{}", size_of::<RetryState>());
    }

    /// The attempts a loop runs against a clock that stands still, as the
    /// real clock does for a loop whose waits pass in paused time.
    fn attempts_on_a_still_clock(policy: &RetryPolicy) -> u32 {
        let still = Stamp::of(std::time::Instant::now());
        attempts_on(policy, &|(): &()| true, still, still)
    }

    /// How many attempts a loop makes that always fails, `on` deciding, its
    /// clock reading `start` once and `at_failures` at every failure after.
    fn attempts_on<D: IntoDecision>(
        policy: &RetryPolicy,
        on: &impl Fn(&()) -> D,
        start: Stamp,
        at_failures: Stamp,
    ) -> u32 {
        let site = Site { policy, name: &CallableName::new("engine::tests") };
        let mut state = RetryState::new(policy, || start);
        let mut attempts = 0;
        loop {
            attempts += 1;
            assert!(attempts < 100, "the timeout did not stop the loop");
            match state.settle(site, Err::<(), _>(()), on, || at_failures, instrumentation::NoErrorView) {
                Settled::Done(result) => {
                    assert!(result.is_err());
                    return attempts;
                }
                Settled::Wait(pause) => drop(pause), // not slept: the clock stands still
            }
        }
    }

    #[test]
    fn the_timed_fast_path_stops_where_the_exact_check_does() {
        // Waits known without computing (`wait_max = 0`, a wait from `on`),
        // no budget, soft: the fast check `timed_failure` makes, where
        // nothing observes retries (here the default hooks of all features
        // may, and `schedule` decides; `faults/clocks.rs` runs both and
        // asserts they agree).
        let policy =
            RetryPolicy::new().attempts(None).timeout(Duration::from_secs(1)).wait_max(Duration::ZERO);
        let asks_400ms = |(): &()| Duration::from_millis(400);
        // Readings relative to an instant an hour from now, in nanoseconds:
        // `at(-5_000_000_000)` is 5 s before it.
        let origin = std::time::Instant::now() + Duration::from_secs(3600);
        let at = |nanos: i64| {
            let offset = Duration::from_nanos(nanos.unsigned_abs());
            Stamp::of(if nanos >= 0 { origin + offset } else { origin.checked_sub(offset).unwrap() })
        };
        let start = at(0);
        // On a still clock, the planned waits stop it, as in
        // `the_timeout_counts_the_planned_waits`.
        assert_eq!(attempts_on(&policy, &asks_400ms, start, start), 4);
        assert_eq!(attempts_on(&policy.timeout(Duration::from_millis(1200)), &asks_400ms, start, start), 4);
        assert_eq!(attempts_on(&policy.timeout(Duration::from_millis(1201)), &asks_400ms, start, start), 5);
        // The clock alone: at the timeout, the first failure gives up; just
        // before it, the waits decide.
        assert_eq!(attempts_on(&policy, &asks_400ms, start, at(1_000_000_000)), 1);
        assert_eq!(attempts_on(&policy, &asks_400ms, start, at(999_999_999)), 4);
        // A clock that reads before the start (tokio's paused clocks of two
        // runtimes can) counts no time: neither a give-up nor a storm.
        assert_eq!(attempts_on(&policy, &asks_400ms, start, at(-5_000_000_000)), 4);
        assert_eq!(attempts_on(&policy, &asks_400ms, start, at(-3_000_000_000_000)), 4);
    }

    #[test]
    fn a_cancel_at_the_deadline_ends_the_loop_on_a_clock_that_lags_the_timer() {
        // The timer fired, the clock (coarse, or another than the timer's)
        // has not moved: the loop still gives up, with the timeout reason.
        let policy = RetryPolicy::new()
            .timeout(Duration::from_secs(30))
            .timeout_mode(crate::TimeoutMode::Strict)
            .wait_max(Duration::ZERO);
        let still = Stamp::of(std::time::Instant::now());
        let site = Site { policy: &policy, name: &CallableName::new("engine::tests") };
        let mut state = RetryState::new(&policy, || still);
        let limit = state.attempt_limit(&policy, || still).expect("a deadline applies");
        assert_eq!(limit, AttemptLimit::new(30_000_000_000, true));
        let outcome: Result<(), std::io::Error> = Err(state.timed_out(limit));
        let retry_all = |_: &std::io::Error| true;
        match state.settle(site, outcome, &retry_all, || still, instrumentation::NoErrorView) {
            Settled::Done(Err(error)) => assert_eq!(error.kind(), std::io::ErrorKind::TimedOut),
            other => panic!("{other:?}"),
        }
        // The attempt timeout alone is retried, and its flag cleared.
        let policy = policy.timeout(None).attempt_timeout(Duration::from_secs(2));
        let site = Site { policy: &policy, name: &CallableName::new("engine::tests") };
        let mut state = RetryState::new(&policy, || still);
        let limit = state.attempt_limit(&policy, || still).expect("an attempt timeout applies");
        assert_eq!(limit, AttemptLimit::new(2_000_000_000, false));
        let outcome: Result<(), std::io::Error> = Err(state.timed_out(limit));
        assert!(matches!(
            state.settle(site, outcome, &retry_all, || still, instrumentation::NoErrorView),
            Settled::Wait(_)
        ));
        assert_eq!(state.waited_nanos & !WAITED_MASK, 0);
    }

    #[test]
    fn without_limits_no_attempt_is_timed() {
        let policy = RetryPolicy::new();
        let state = RetryState::new(&policy, crate::engine::coarse_stamp);
        assert_eq!(state.attempt_limit(&policy, || panic!("no clock read")), None);
        // Soft mode reads no clock for it either; strict reads none for the
        // first attempt.
        let strict = policy.timeout_mode(crate::TimeoutMode::Strict);
        assert!(state.attempt_limit(&strict, || panic!("no clock read")).is_some());
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
