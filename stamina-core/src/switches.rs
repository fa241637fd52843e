//! The stored mode: whether retrying is active, and testing mode, for the
//! process and as a per-thread override; and how a retry loop reads it.
//!
//! This is the model; [`testing`](crate::testing) is the public API over it.
//! A retry loop reads the mode in force with one read of a
//! `const`-initialised thread-local cell and, when the thread has no
//! override, one relaxed atomic load: no lock, no allocation.
//!
//! A mode is packed into one word:
//!
//! | bits | meaning |
//! |---|---|
//! | 0 | inactive (`set_active(false)`); wins over the testing bits |
//! | 1 | testing |
//! | 2 | testing caps each loop's own attempts |
//! | 32..64 | testing attempts |
//!
//! The process word keeps the two switches of Python stamina independent
//! (`set_active(false)` then `set_active(true)` leaves testing as it was), so it
//! may hold both the inactive bit and testing bits; a thread's override is one
//! whole mode, or [`NO_OVERRIDE`].

#[cfg(not(stamina_loom))]
use crate::sync::AtomicU64;
use crate::sync::Ordering;
use core::cell::Cell;
use core::fmt;

const INACTIVE: u64 = 1;
const TESTING: u64 = 1 << 1;
const CAP: u64 = 1 << 2;
const ATTEMPTS_SHIFT: u32 = 32;
const TESTING_BITS: u64 = TESTING | CAP | (u64::MAX << ATTEMPTS_SHIFT);

/// A thread's override meaning "use the process's mode". No encoded mode has
/// all bits set: the inactive bit is never stored with testing bits in an
/// override.
const NO_OVERRIDE: u64 = u64::MAX;

#[cfg(not(stamina_loom))]
static PROCESS: AtomicU64 = AtomicU64::new(0);

// Reset by loom between the executions of a model (see `crate::sync`).
#[cfg(stamina_loom)]
loom::lazy_static! {
    static ref PROCESS: loom::sync::atomic::AtomicU64 = loom::sync::atomic::AtomicU64::new(0);
}

thread_local! {
    static THREAD_OVERRIDE: Cell<u64> = const { Cell::new(NO_OVERRIDE) };
}

/// How retry loops behave: normally, in testing mode, or not retrying at all.
///
/// Set it for the process, the process until a guard drops, this thread, or one
/// future: see the table in [`testing`](crate::testing).
///
/// ```
/// use stamina::testing::{Mode, TestMode};
///
/// assert_eq!(Mode::from(TestMode::new(3)), Mode::Testing(TestMode::new(3)));
/// assert_eq!(Mode::default(), Mode::Normal);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Normal operation: the policy's attempts, waits and timeout.
    #[default]
    Normal,
    /// Testing mode: the retry logic runs, the waits do not. Every wait is zero,
    /// the timeout is ignored, and the attempts come from the [`TestMode`].
    /// Hooks still run.
    Testing(TestMode),
    /// Retrying is off: one attempt, its result returned as it is; `on` is not
    /// asked, no hook runs, nothing sleeps.
    Inactive,
}

impl From<TestMode> for Mode {
    fn from(testing: TestMode) -> Self {
        Self::Testing(testing)
    }
}

/// `Some(testing)` is testing mode, `None` normal operation.
impl From<Option<TestMode>> for Mode {
    fn from(testing: Option<TestMode>) -> Self {
        testing.map_or(Self::Normal, Self::Testing)
    }
}

/// How testing mode limits attempts.
///
/// `TestMode::new(n)` makes every retry loop run exactly `n` attempts at most,
/// even where the loop's own `attempts` is lower (Python stamina's default).
/// `.cap(true)` makes `n` an upper bound instead: a loop with a lower
/// `attempts` keeps its own, and a loop without a limit gets `n`.
///
/// ```
/// use stamina::testing::TestMode;
///
/// let mode = TestMode::new(3).cap(true);
/// assert_eq!(mode.get_attempts(), 3);
/// assert!(mode.is_capped());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TestMode {
    attempts: u32,
    cap: bool,
}

impl TestMode {
    /// At most `attempts` attempts per retry loop, without waits.
    ///
    /// # Panics
    ///
    /// On `0`: zero attempts would never run the operation; use `1` for no
    /// retries.
    ///
    /// ```
    /// assert_eq!(stamina::testing::TestMode::new(2).get_attempts(), 2);
    /// ```
    #[must_use]
    #[track_caller]
    pub const fn new(attempts: u32) -> Self {
        assert!(attempts != 0, "stamina: testing attempts must be at least 1; use 1 for no retries");
        Self { attempts, cap: false }
    }

    /// With `true`, the attempts are a cap on each loop's own `attempts` rather
    /// than a replacement for it.
    ///
    /// ```
    /// assert!(stamina::testing::TestMode::new(2).cap(true).is_capped());
    /// ```
    #[must_use]
    pub const fn cap(mut self, cap: bool) -> Self {
        self.cap = cap;
        self
    }

    /// The configured attempts.
    ///
    /// ```
    /// assert_eq!(stamina::testing::TestMode::default().get_attempts(), 1);
    /// ```
    pub const fn get_attempts(&self) -> u32 {
        self.attempts
    }

    /// Whether the attempts cap each loop's own.
    ///
    /// ```
    /// assert!(!stamina::testing::TestMode::new(5).is_capped());
    /// ```
    pub const fn is_capped(&self) -> bool {
        self.cap
    }

    /// The attempts a loop whose own limit is `user_attempts` makes in this mode.
    ///
    /// ```
    /// use stamina::testing::TestMode;
    ///
    /// assert_eq!(TestMode::new(2).effective_attempts(Some(1)), 2);
    /// assert_eq!(TestMode::new(2).cap(true).effective_attempts(Some(1)), 1);
    /// assert_eq!(TestMode::new(2).cap(true).effective_attempts(Some(3)), 2);
    /// assert_eq!(TestMode::new(100).cap(true).effective_attempts(None), 100);
    /// ```
    pub const fn effective_attempts(&self, user_attempts: Option<u32>) -> u32 {
        match (self.cap, user_attempts) {
            (true, Some(user)) if user < self.attempts => user,
            _ => self.attempts,
        }
    }
}

impl Default for TestMode {
    /// One attempt, not capped: what `set_testing(true)` uses.
    fn default() -> Self {
        Self::new(1)
    }
}

impl fmt::Debug for TestMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestMode").field("attempts", &self.attempts).field("cap", &self.cap).finish()
    }
}

/// A mode as a word.
fn encode(mode: Mode) -> u64 {
    match mode {
        Mode::Normal => 0,
        Mode::Inactive => INACTIVE,
        Mode::Testing(testing) => encode_testing(testing),
    }
}

fn encode_testing(testing: TestMode) -> u64 {
    TESTING
        | if testing.is_capped() { CAP } else { 0 }
        | (u64::from(testing.get_attempts()) << ATTEMPTS_SHIFT)
}

#[allow(clippy::inline_always)] // measured: without it the success path calls it
#[inline(always)]
fn decode(word: u64) -> Mode {
    if word & INACTIVE != 0 {
        return Mode::Inactive;
    }
    if word & TESTING == 0 {
        return Mode::Normal;
    }
    #[allow(clippy::cast_possible_truncation)] // the shift leaves 32 bits
    let attempts = (word >> ATTEMPTS_SHIFT) as u32;
    Mode::Testing(TestMode::new(attempts.max(1)).cap(word & CAP != 0))
}

/// The mode in force on this thread now: its override, or the process's.
#[allow(clippy::inline_always)] // measured: without it the success path calls it
#[inline(always)]
pub(crate) fn current_mode() -> Mode {
    let thread = THREAD_OVERRIDE.with(Cell::get);
    decode(if thread == NO_OVERRIDE { PROCESS.load(Ordering::Relaxed) } else { thread })
}

/// Python's `is_testing`: whether testing mode is set, in this thread's
/// override or else in the process word, whatever the process's inactive bit
/// says (Python's two switches are independent, and `is_testing` reads only
/// its own). An override is a whole mode, so an inactive one is not testing.
pub(crate) fn testing_set() -> bool {
    let thread = THREAD_OVERRIDE.with(Cell::get);
    let word = if thread == NO_OVERRIDE { PROCESS.load(Ordering::Relaxed) } else { thread };
    word & TESTING != 0
}

/// The process's mode, as a word to restore later.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ProcessWord(u64);

impl ProcessWord {
    /// The mode this word holds (inactive wins over testing bits).
    pub(crate) fn mode(self) -> Mode {
        decode(self.0)
    }
}

/// Sets the process's whole mode; returns what it was, to restore exactly.
pub(crate) fn replace_process_mode(mode: Mode) -> ProcessWord {
    ProcessWord(PROCESS.swap(encode(mode), Ordering::Relaxed))
}

pub(crate) fn restore_process_mode(previous: ProcessWord) {
    PROCESS.store(previous.0, Ordering::Relaxed);
}

/// Python's `set_active`: the inactive bit of the process word alone.
pub(crate) fn set_process_active(active: bool) {
    if active {
        PROCESS.fetch_and(!INACTIVE, Ordering::Relaxed);
    } else {
        PROCESS.fetch_or(INACTIVE, Ordering::Relaxed);
    }
}

/// Python's `set_testing`: the testing bits of the process word alone.
pub(crate) fn set_process_testing(testing: Option<TestMode>) {
    let bits = testing.map_or(0, encode_testing);
    // `fetch_update` with a closure that always returns `Some` cannot fail.
    let _ = PROCESS
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |word| Some((word & !TESTING_BITS) | bits));
}

/// This thread's override, as a word to restore later.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ThreadWord(u64);

/// Sets this thread's override to `mode`; returns the previous override.
pub(crate) fn replace_thread_mode(mode: Mode) -> ThreadWord {
    ThreadWord(THREAD_OVERRIDE.with(|cell| cell.replace(encode(mode))))
}

pub(crate) fn restore_thread_mode(previous: ThreadWord) {
    THREAD_OVERRIDE.with(|cell| cell.set(previous.0));
}

#[cfg(all(test, stamina_loom))]
mod loom_tests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_round_trip_through_the_packed_word() {
        for mode in [
            Mode::Normal,
            Mode::Inactive,
            Mode::Testing(TestMode::new(1)),
            Mode::Testing(TestMode::new(7).cap(true)),
            Mode::Testing(TestMode::new(u32::MAX)),
            Mode::Testing(TestMode::new(u32::MAX).cap(true)),
        ] {
            assert_eq!(decode(encode(mode)), mode);
            assert_ne!(encode(mode), NO_OVERRIDE);
        }
    }

    #[test]
    fn inactive_wins_over_testing_bits_in_the_process_word() {
        assert_eq!(decode(INACTIVE | encode_testing(TestMode::new(3))), Mode::Inactive);
        let testing = encode_testing(TestMode::new(3));
        assert_eq!(decode(testing), Mode::Testing(TestMode::new(3)));
    }

    #[test]
    fn cap_rules() {
        assert_eq!(TestMode::new(2).cap(true).effective_attempts(Some(1)), 1);
        assert_eq!(TestMode::new(2).cap(true).effective_attempts(Some(3)), 2);
        assert_eq!(TestMode::new(2).effective_attempts(Some(1)), 2);
        assert_eq!(TestMode::new(2).effective_attempts(Some(3)), 2);
        assert_eq!(TestMode::new(2).effective_attempts(None), 2);
        assert_eq!(TestMode::new(100).cap(true).effective_attempts(None), 100);
        assert_eq!(TestMode::new(4).cap(true).effective_attempts(Some(2)), 2);
        assert_eq!(TestMode::new(4).cap(true).effective_attempts(Some(10)), 4);
    }

    #[test]
    fn default_is_one_uncapped_attempt() {
        assert_eq!(TestMode::default(), TestMode::new(1));
        assert!(!TestMode::default().is_capped());
    }

    #[test]
    #[should_panic(expected = "testing attempts must be at least 1")]
    fn zero_testing_attempts_panics() {
        let _ = TestMode::new(0);
    }
}
