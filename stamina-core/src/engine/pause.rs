//! What follows a failure that is retried: the wait, and the hook guards
//! that live across it.

use core::future::Future;
use core::num::NonZeroU64;
use core::pin::Pin;
use core::task::{Context, Poll};
use core::time::Duration;

use super::sleep::Sleeper;
use crate::instrumentation::HookGuards;

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
pub(crate) struct WaitNanos(NonZeroU64);

impl WaitNanos {
    pub(crate) const ZERO: Self = Self(NonZeroU64::MAX);

    /// `nanos`, saturating one nanosecond short of `u64::MAX`.
    #[inline]
    pub(crate) fn new(nanos: u64) -> Self {
        Self(NonZeroU64::new(!nanos).unwrap_or(NonZeroU64::MIN))
    }

    #[inline]
    pub(crate) fn get(self) -> u64 {
        !self.0.get()
    }

    /// As a `Duration`, for a sleep.
    #[inline]
    pub(crate) fn duration(self) -> Duration {
        Duration::from_nanos(self.get())
    }
}

impl Pause {
    /// Sleeps on this thread; a zero wait does not sleep at all.
    ///
    /// The sleep itself is out of line: inlined, its conversion to a
    /// `Duration` (a division) sat in every retry loop and took registers the
    /// loop then saved and moved around (callgrind, `#[retry]` and
    /// `retry_block!` sync retry3: 5 and 3 instructions fewer out of line).
    #[inline]
    pub fn sleep_sync(self) {
        if self.wait != WaitNanos::ZERO {
            sleep_for(self.wait);
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

/// Sleeps `wait` on this thread, out of line.
#[inline(never)]
fn sleep_for(wait: WaitNanos) {
    std::thread::sleep(wait.duration());
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

impl Pause {
    /// The wait `wait`, with the hooks' `guards`.
    #[inline]
    pub(crate) fn new(wait: WaitNanos, guards: HookGuards) -> Self {
        Self { wait, guards }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pause_is_two_words() {
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
