//! One attempt of a retry loop, as the retried code sees it.

use core::fmt;
use core::hash::{Hash, Hasher};
use core::time::Duration;

use crate::engine::Stamp;

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
#[derive(Clone, Copy)]
pub struct Attempt {
    num: u32,
    // Nanoseconds (saturating at 584 years), not a `Duration`: 8 bytes
    // where one takes 16.
    next_wait_nanos: u64,
    // What `elapsed` reads, when asked (and only then: a block that does not
    // ask pays no clock read): the loop's start (a reserved value when it
    // read no clock), the waits planned before this attempt, and the loop's
    // clock.
    start: Stamp,
    waited_nanos: u64,
    clock: fn() -> Stamp,
}

// Equal when what they are is equal (their number and next wait), as before
// they could tell the time: where and how they measure it is not compared
// (and fn pointers compare unreliably).
impl PartialEq for Attempt {
    fn eq(&self, other: &Self) -> bool {
        (self.num, self.next_wait_nanos) == (other.num, other.next_wait_nanos)
    }
}

impl Eq for Attempt {}

impl Hash for Attempt {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (self.num, self.next_wait_nanos).hash(state);
    }
}

impl Attempt {
    #[cfg(test)]
    pub(crate) fn new(num: u32, next_wait: Duration) -> Self {
        Self::from_nanos(num, crate::engine::saturating_nanos(next_wait))
    }

    #[inline]
    pub(crate) fn from_nanos(num: u32, next_wait_nanos: u64) -> Self {
        Self { num, next_wait_nanos, start: Stamp::NONE, waited_nanos: 0, clock: Stamp::none }
    }

    /// This attempt, of a loop that started at `start` (reserved: no clock
    /// was read) and planned `waited_nanos` of waits before it, whose clock
    /// is `clock`.
    #[inline]
    pub(crate) fn measured_from(self, start: Stamp, waited_nanos: u64, clock: fn() -> Stamp) -> Self {
        Self { start, waited_nanos, clock, ..self }
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

    /// The time since the first attempt started, read when asked: asked as
    /// an attempt starts, the time from the first attempt's start to this
    /// one's (zero for the first). Measured on the loop's clock (an async
    /// loop's sleeper's, so tokio's paused time drives it with stamina's
    /// `test-util` feature), and never less than the waits planned before
    /// this attempt.
    ///
    /// A loop without a timeout reads no clock at its start (that keeps its
    /// success path free of clock reads): there it is the waits planned
    /// before this attempt, a lower bound; so it is in testing mode (zero, no
    /// waits), while retrying is inactive, and with a [`Sleeper`](crate::Sleeper)
    /// of your own, whose clock needs `&self`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)] async fn main() {
    /// use std::time::Duration;
    ///
    /// let seen = std::cell::RefCell::new(Vec::new());
    /// let _ = stamina::retry_context(|_: &()| true)
    ///     .timeout(None) // no clock read: the planned waits, exactly
    ///     .attempts(3)
    ///     .wait_initial(Duration::from_millis(100))
    ///     .wait_jitter(Duration::ZERO)
    ///     .call_async(async |attempt| {
    ///         seen.borrow_mut().push(attempt.elapsed());
    ///         Err::<(), _>(())
    ///     })
    ///     .await;
    /// // Waits of 100 and 200 ms. With a timeout, time spent inside the
    /// // attempts counts too.
    /// assert_eq!(*seen.borrow(), [Duration::ZERO, Duration::from_millis(100), Duration::from_millis(300)]);
    /// # }
    /// ```
    pub fn elapsed(&self) -> Duration {
        let measured = if self.start.is_reserved() { 0 } else { self.start.nanos_to((self.clock)()) };
        Duration::from_nanos(measured.max(self.waited_nanos))
    }
}

// `next_wait` as a `Duration`, as the public accessor shows it.
impl fmt::Debug for Attempt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Not `elapsed`: showing an attempt reads no clock.
        f.debug_struct("Attempt")
            .field("num", &self.num)
            .field("next_wait", &self.next_wait())
            .finish_non_exhaustive()
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
        // Three words more since it tells the time elapsed: it is handed to
        // blocks, not kept in the retry state.
        assert_eq!(size_of::<Attempt>(), 40);
    }

    #[test]
    fn elapsed_reads_the_clock_only_when_there_is_a_start() {
        let attempt = Attempt::new(2, Duration::ZERO);
        assert_eq!(attempt.elapsed(), Duration::ZERO);
        let untimed = attempt.measured_from(Stamp::NONE, 7, || panic!("no clock read without a start"));
        assert_eq!(untimed.elapsed(), Duration::from_nanos(7));
        let start = crate::engine::coarse_stamp();
        let timed = attempt.measured_from(start, 0, crate::engine::coarse_stamp);
        assert!(timed.elapsed() < Duration::from_secs(5));
        // A clock that measures nothing leaves the planned waits.
        assert_eq!(attempt.measured_from(start, 9, Stamp::none).elapsed(), Duration::from_nanos(9));
        assert_eq!(timed, attempt, "what it measures from is not compared");
    }
}
