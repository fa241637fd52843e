//! One attempt of a retry loop, as the retried code sees it.

use core::fmt;
use core::time::Duration;

/// The attempt a retried block is running: its number and the wait that follows
/// if it fails.
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
    // Nanoseconds (saturating at 584 years), not a `Duration`: 16 bytes in
    // every retried block's future instead of 24.
    next_wait_nanos: u64,
}

impl Attempt {
    #[cfg(test)]
    pub(crate) fn new(num: u32, next_wait: Duration) -> Self {
        Self::from_nanos(num, crate::engine::saturating_nanos(next_wait))
    }

    #[inline]
    pub(crate) const fn from_nanos(num: u32, next_wait_nanos: u64) -> Self {
        Self { num, next_wait_nanos }
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
}

// `next_wait` as a `Duration`, as the public accessor shows it.
#[allow(clippy::missing_fields_in_debug)]
impl fmt::Debug for Attempt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Attempt").field("num", &self.num).field("next_wait", &self.next_wait()).finish()
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
        assert_eq!(size_of::<Attempt>(), 16);
    }
}
