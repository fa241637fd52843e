//! The process-wide and thread-local switches: active or not, testing or not.
//!
//! The global state is one `AtomicU64`, so a retry loop reads every switch with a
//! single atomic load plus one read of a `const`-initialised thread-local cell:
//! no lock, no allocation.

use core::cell::Cell;
use core::sync::atomic::{AtomicU64, Ordering};

use crate::testing::TestMode;

// Layout of a packed switch word:
// bit 0: inactive; bit 1: testing; bit 2: testing caps attempts;
// bits 32..64: testing attempts.
const INACTIVE: u64 = 1;
const TESTING: u64 = 1 << 1;
const CAP: u64 = 1 << 2;
const ATTEMPTS_SHIFT: u32 = 32;
const TESTING_BITS: u64 = TESTING | CAP | (u64::MAX << ATTEMPTS_SHIFT);

static GLOBAL: AtomicU64 = AtomicU64::new(0);

// Thread-local overrides; `NO_OVERRIDE` means "use the global value".
const NO_OVERRIDE: u64 = u64::MAX;

thread_local! {
    static LOCAL_ACTIVE: Cell<u64> = const { Cell::new(NO_OVERRIDE) };
    static LOCAL_TESTING: Cell<u64> = const { Cell::new(NO_OVERRIDE) };
}

/// The switches in force for one retry loop, read once when it starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// `set_active(false)`: one attempt, `on` not asked, no hooks.
    Inactive,
    /// Testing mode: no waits, no timeout, attempts from the [`TestMode`].
    Testing(TestMode),
    /// Normal operation.
    Normal,
}

pub(crate) fn encode_testing(mode: Option<TestMode>) -> u64 {
    match mode {
        None => 0,
        Some(mode) => {
            TESTING
                | if mode.is_capped() { CAP } else { 0 }
                | (u64::from(mode.get_attempts()) << ATTEMPTS_SHIFT)
        }
    }
}

#[allow(clippy::inline_always)] // measured: without it the success path calls it
#[inline(always)]
fn decode_testing(word: u64) -> Option<TestMode> {
    if word & TESTING == 0 {
        return None;
    }
    #[allow(clippy::cast_possible_truncation)] // the shift leaves 32 bits
    let attempts = (word >> ATTEMPTS_SHIFT) as u32;
    Some(TestMode::new(attempts.max(1)).cap(word & CAP != 0))
}

/// The mode in force on this thread now.
#[allow(clippy::inline_always)] // measured: without it the success path calls it
#[inline(always)]
pub(crate) fn current_mode() -> Mode {
    let global = GLOBAL.load(Ordering::Relaxed);
    let local_active = LOCAL_ACTIVE.with(Cell::get);
    let inactive = if local_active == NO_OVERRIDE { global & INACTIVE != 0 } else { local_active == 0 };
    if inactive {
        return Mode::Inactive;
    }
    let local_testing = LOCAL_TESTING.with(Cell::get);
    let testing = if local_testing == NO_OVERRIDE { global & TESTING_BITS } else { local_testing };
    match decode_testing(testing) {
        Some(mode) => Mode::Testing(mode),
        None => Mode::Normal,
    }
}

pub(crate) fn set_global_active(active: bool) -> bool {
    let previous = if active {
        GLOBAL.fetch_and(!INACTIVE, Ordering::Relaxed)
    } else {
        GLOBAL.fetch_or(INACTIVE, Ordering::Relaxed)
    };
    previous & INACTIVE == 0
}

pub(crate) fn set_global_testing(mode: Option<TestMode>) -> Option<TestMode> {
    let bits = encode_testing(mode);
    let previous = GLOBAL
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |word| Some((word & !TESTING_BITS) | bits))
        .unwrap_or_else(|word| word);
    decode_testing(previous & TESTING_BITS)
}

/// Sets this thread's active override; returns the previous raw override.
pub(crate) fn replace_local_active(active: Option<bool>) -> u64 {
    LOCAL_ACTIVE.with(|cell| cell.replace(active.map_or(NO_OVERRIDE, u64::from)))
}

pub(crate) fn restore_local_active(raw: u64) {
    LOCAL_ACTIVE.with(|cell| cell.set(raw));
}

/// Sets this thread's testing override; returns the previous raw override.
pub(crate) fn replace_local_testing(mode: Option<TestMode>) -> u64 {
    LOCAL_TESTING.with(|cell| cell.replace(encode_testing(mode)))
}

pub(crate) fn restore_local_testing(raw: u64) {
    LOCAL_TESTING.with(|cell| cell.set(raw));
}

/// Switches retrying on or off for the whole process.
///
/// While inactive, every retry loop runs its operation exactly once and returns
/// its result: `on` is not asked, no hook runs, nothing sleeps, and
/// [`Attempt::next_wait`](crate::Attempt::next_wait) is zero. Use it to make a
/// test suite fail fast; [`testing::deactivated`](crate::testing::deactivated)
/// is the per-thread form for tests that run in parallel.
///
/// ```
/// stamina_core::set_active(false);
/// assert!(!stamina_core::is_active());
/// stamina_core::set_active(true);
/// assert!(stamina_core::is_active());
/// ```
pub fn set_active(active: bool) {
    set_global_active(active);
}

/// Whether retrying is active on this thread (the process-wide switch, unless a
/// thread-local scope overrides it).
pub fn is_active() -> bool {
    current_mode() != Mode::Inactive
}

/// The global testing setting, ignoring thread-local overrides.
pub(crate) fn global_testing() -> Option<TestMode> {
    decode_testing(GLOBAL.load(Ordering::Relaxed) & TESTING_BITS)
}

/// The testing setting in force on this thread.
pub(crate) fn current_testing() -> Option<TestMode> {
    let local = LOCAL_TESTING.with(Cell::get);
    if local == NO_OVERRIDE { global_testing() } else { decode_testing(local) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn testing_round_trips_through_the_packed_word() {
        for mode in
            [None, Some(TestMode::new(1)), Some(TestMode::new(7).cap(true)), Some(TestMode::new(u32::MAX))]
        {
            assert_eq!(decode_testing(encode_testing(mode)), mode);
        }
    }
}
