//! One attempt of a retry loop, as the retried code sees it.

use core::fmt;
use core::time::Duration;

/// The attempt a retried block is running: its number, the wait that follows
/// if it fails, and the time since the first attempt started.
///
/// Handed to the closures of [`retry_context`](crate::retry_context) and
/// `stamina::retry_block!`, the Rust counterpart of Python's
/// `for attempt in stamina.retry_context(...)`.
///
/// ```
/// use stamina::{retry_context, Attempt};
///
/// let mut seen = Vec::new();
/// let result: Result<u32, &str> = retry_context(|_: &&str| true)
///     .attempts(3)
///     .wait_max(std::time::Duration::ZERO)
///     .call(|attempt: Attempt| {
///         seen.push(attempt.num());
///         if attempt.num() < 3 { Err("not yet") } else { Ok(attempt.num()) }
///     });
/// assert_eq!(result, Ok(3));
/// assert_eq!(seen, [1, 2, 3]);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Attempt {
    num: u32,
    // Nanoseconds (saturating at 584 years), not `Duration`s: 24 bytes
    // where they would take 40.
    next_wait_nanos: u64,
    elapsed_nanos: u64,
}

impl Attempt {
    #[cfg(test)]
    pub(crate) fn new(num: u32, next_wait: Duration) -> Self {
        Self::from_nanos(num, crate::engine::saturating_nanos(next_wait))
    }

    #[inline]
    pub(crate) const fn from_nanos(num: u32, next_wait_nanos: u64) -> Self {
        Self { num, next_wait_nanos, elapsed_nanos: 0 }
    }

    /// This attempt, started `elapsed` after the first.
    #[inline]
    pub(crate) fn with_elapsed(self, elapsed: Duration) -> Self {
        Self { elapsed_nanos: crate::engine::saturating_nanos(elapsed), ..self }
    }

    /// The number of this attempt, starting at 1.
    ///
    /// ```
    /// let nums = std::cell::RefCell::new(Vec::new());
    /// let _ = stamina::retry_context(|_: &()| true)
    ///     .attempts(3)
    ///     .wait_max(std::time::Duration::ZERO)
    ///     .call(|attempt| {
    ///         nums.borrow_mut().push(attempt.num());
    ///         Err::<(), _>(())
    ///     });
    /// assert_eq!(*nums.borrow(), [1, 2, 3]);
    /// ```
    pub const fn num(&self) -> u32 {
        self.num
    }

    /// The wait that follows if this attempt fails, without jitter: a lower bound
    /// of the real wait. Zero in testing mode and while retrying is inactive. It
    /// knows nothing of a wait that `on` may return.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let waits = std::cell::RefCell::new(Vec::new());
    /// let _ = stamina::retry_context(|_: &()| true)
    ///     .attempts(3)
    ///     .wait_initial(Duration::from_millis(1))
    ///     .wait_jitter(Duration::ZERO)
    ///     .call(|attempt| {
    ///         waits.borrow_mut().push(attempt.next_wait());
    ///         Err::<(), _>(())
    ///     });
    /// // Doubling from 1 ms. The third attempt shows 4 ms too, though no wait
    /// // follows the last attempt.
    /// assert_eq!(*waits.borrow(), [Duration::from_millis(1), Duration::from_millis(2), Duration::from_millis(4)]);
    /// ```
    pub const fn next_wait(&self) -> Duration {
        Duration::from_nanos(self.next_wait_nanos)
    }

    /// The time from the start of the first attempt to the start of this one:
    /// zero for the first. Measured on the loop's clock (an async loop's
    /// sleeper's, so paused time drives it), and never less than the waits
    /// planned so far. A loop without a timeout reads no clock (that keeps its
    /// first attempt free of clock reads), so there it is the waits planned
    /// so far, a lower bound; so it is in testing mode (zero: no waits) and
    /// while retrying is inactive.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)] async fn main() {
    /// use std::time::Duration;
    ///
    /// let seen = std::cell::RefCell::new(Vec::new());
    /// let _ = stamina::retry_context(|_: &()| true)
    ///     .attempts(3)
    ///     .wait_initial(Duration::from_millis(100))
    ///     .wait_jitter(Duration::ZERO)
    ///     .call_async(async |attempt| {
    ///         seen.borrow_mut().push(attempt.elapsed());
    ///         Err::<(), _>(())
    ///     })
    ///     .await;
    /// // Waits of 100 and 200 ms. Time spent inside an attempt counts too, on
    /// // tokio's paused clock with stamina's `test-util` feature.
    /// assert_eq!(*seen.borrow(), [Duration::ZERO, Duration::from_millis(100), Duration::from_millis(300)]);
    /// # }
    /// ```
    pub const fn elapsed(&self) -> Duration {
        Duration::from_nanos(self.elapsed_nanos)
    }
}

// `next_wait` as a `Duration`, as the public accessor shows it.
#[allow(clippy::missing_fields_in_debug)]
impl fmt::Debug for Attempt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Attempt")
            .field("num", &self.num)
            .field("next_wait", &self.next_wait())
            .field("elapsed", &self.elapsed())
            .finish()
    }
}

impl fmt::Display for Attempt {
    /// Python stamina's repr: `<Attempt num=1, next_wait=0.1>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<Attempt num={}, next_wait={:?}>", self.num, self.next_wait().as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_matches_python_repr() {
        assert_eq!(Attempt::new(1, Duration::ZERO).to_string(), "<Attempt num=1, next_wait=0.0>");
        assert_eq!(Attempt::new(2, Duration::from_millis(100)).to_string(), "<Attempt num=2, next_wait=0.1>");
    }

    #[test]
    fn next_wait_round_trips_and_saturates() {
        let wait = Duration::new(5, 123_456_789);
        assert_eq!(Attempt::new(3, wait).next_wait(), wait);
        assert_eq!(Attempt::new(3, Duration::MAX).next_wait(), Duration::from_nanos(u64::MAX));
        // A word more since it tells the time elapsed: it is handed to
        // blocks, not kept in the retry state.
        assert_eq!(size_of::<Attempt>(), 24);
        assert_eq!(
            Attempt::new(2, wait).with_elapsed(Duration::MAX).elapsed(),
            Duration::from_nanos(u64::MAX)
        );
    }
}
