//! The clock that timeouts are measured on, read once per loop start and once
//! per failure.
//!
//! A precise monotonic read (`std::time::Instant::now`) costs 20 to 40 ns on
//! virtual machines, several times a whole successful retry loop. Timeouts are
//! soft limits of seconds, so a loop reads the kernel's coarse monotonic clock
//! instead (`CLOCK_MONOTONIC_COARSE` on Linux, through `coarsetime`: about 8 ns
//! here, with the resolution of a scheduler tick, 1 to 4 ms).
//!
//! Measured and not taken: calling the vDSO directly through `rustix` reads it
//! in about 4 ns, but adds 1.4 s to the runtime's clean build (3.4 to 4.8 s).
//!
//! The coarse clock is the `coarse-clock` feature (on by default). Without it,
//! timeouts are measured on `std::time::Instant`.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The coarse monotonic clock in nanoseconds since an arbitrary start.
#[cfg(feature = "coarse-clock")]
#[inline]
pub(crate) fn coarse_nanos() -> u64 {
    // `now_without_cache_update` skips coarsetime's shared cache: no store to a
    // cache line that every thread would contend on.
    let ticks = coarsetime::Instant::now_without_cache_update().as_ticks();
    coarsetime::Duration::from_ticks(ticks).as_nanos()
}

/// A precise and a coarse reading taken together, to map one onto the other.
#[cfg(feature = "coarse-clock")]
static BASE: OnceLock<(Instant, u64)> = OnceLock::new();

/// Now, on the coarse monotonic clock, as a `std::time::Instant`. Without the
/// `coarse-clock` feature, the precise clock.
#[cfg(not(feature = "coarse-clock"))]
#[inline]
pub(crate) fn coarse_now() -> Instant {
    Instant::now()
}

/// Now, on the coarse monotonic clock, as a stamp. Without the `coarse-clock`
/// feature, the precise clock.
#[cfg(not(feature = "coarse-clock"))]
#[inline]
pub(crate) fn coarse_stamp() -> Stamp {
    Stamp::of(Instant::now())
}

/// Now, on the coarse monotonic clock, as a `std::time::Instant`.
#[cfg(feature = "coarse-clock")]
#[inline]
pub(crate) fn coarse_now() -> Instant {
    let (precise, coarse) = *BASE.get_or_init(|| (Instant::now(), coarse_nanos()));
    precise + Duration::from_nanos(coarse_nanos().saturating_sub(coarse))
}

/// A reading of a monotonic clock as signed nanoseconds from a process-wide
/// base: 8 bytes, where an `Instant` takes 16, in every retried future.
///
/// Signed, because tokio's paused clocks (one per runtime) can read earlier
/// than the base taken from another runtime's clock.
///
/// Not public API: it appears in [`Sleeper::stamp`](crate::Sleeper::stamp),
/// which only the crate calls.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp(i64);

static STAMP_BASE: OnceLock<Instant> = OnceLock::new();

impl Stamp {
    /// How many of the lowest values no reading takes: readings are clamped
    /// above them.
    const RESERVED: i64 = 4;

    /// A value that is not a reading, for "no clock was read".
    pub(crate) const NONE: Self = Self::reserved(0);

    /// The clock of a loop that has none to offer (a `Sleeper` of the user's,
    /// whose `now` needs `&self`): a reserved value, which measures nothing.
    pub(crate) fn none() -> Self {
        Self::NONE
    }

    /// A value that is not a reading: `n` in `0..4`. The retry state stores
    /// its mode in them (see `engine::start`), so that the mode and the start
    /// share 8 bytes.
    pub(crate) const fn reserved(n: i64) -> Self {
        assert!(n >= 0 && n < Self::RESERVED);
        Self(i64::MIN + n)
    }

    fn offset(at: Instant) -> i64 {
        let base = *STAMP_BASE.get_or_init(|| at);
        let nanos = |d: Duration| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX);
        if at >= base { nanos(at - base) } else { -nanos(base - at) }
    }

    /// The stamp of `at`.
    pub fn of(at: Instant) -> Self {
        Self(Self::offset(at).max(i64::MIN + Self::RESERVED))
    }

    /// Whether this is a reserved value rather than a reading.
    pub(crate) fn is_reserved(self) -> bool {
        self.0 < i64::MIN + Self::RESERVED
    }

    /// The nanoseconds from this stamp to `later`, zero if `later` is
    /// earlier. Nanoseconds, not a `Duration`: the timeout check compares
    /// them with the planned waits' nanoseconds (callgrind: 11 instructions
    /// per failure fewer than through `Duration`s).
    #[inline]
    pub(crate) fn nanos_to(self, later: Stamp) -> u64 {
        u64::try_from(later.0.saturating_sub(self.0)).unwrap_or(0)
    }

    /// The nanoseconds from this reading to `later`, modulo 2^64: exact when
    /// `later` is not earlier, and at least 2^63 when it is (by less than
    /// 292 years, as any two readings of one process's clock are). Two
    /// instructions, where [`Self::nanos_to`] takes six, for a check that
    /// hands the rare large span to an exact one.
    #[inline]
    #[allow(clippy::cast_sign_loss)] // the point: the span modulo 2^64
    pub(crate) const fn wrapping_nanos_to(self, later: Stamp) -> u64 {
        (later.0 as u64).wrapping_sub(self.0 as u64)
    }
}

/// Now, on the coarse monotonic clock, as a stamp: the cheapest reading there
/// is (no mapping onto `Instant`). Stamps from here compare only with each
/// other, which is all one retry loop needs.
#[cfg(feature = "coarse-clock")]
#[inline]
pub(crate) fn coarse_stamp() -> Stamp {
    Stamp(i64::try_from(coarse_nanos()).unwrap_or(i64::MAX).max(i64::MIN + Stamp::RESERVED))
}

/// A duration in whole nanoseconds, saturating at `u64::MAX` (584 years),
/// without `as_nanos`'s 128-bit multiplication.
#[inline]
pub(crate) const fn saturating_nanos(duration: Duration) -> u64 {
    match duration.as_secs().checked_mul(1_000_000_000) {
        Some(nanos) => nanos.saturating_add(duration.subsec_nanos() as u64),
        None => u64::MAX,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_measure_elapsed_time_in_both_directions_of_the_base() {
        let now = Instant::now();
        let earlier = now.checked_sub(Duration::from_millis(5)).unwrap();
        let later = now + Duration::from_secs(3600);
        let _ = Stamp::of(now); // may or may not set the base; either way:
        assert_eq!(Stamp::of(earlier).nanos_to(Stamp::of(later)), 3_600_005_000_000);
        assert_eq!(Stamp::of(later).nanos_to(Stamp::of(now)), 0);
        assert!(!Stamp::of(earlier).is_reserved());
        assert!(Stamp::reserved(3).is_reserved());
    }

    #[test]
    fn a_wrapping_span_is_exact_forward_and_huge_backward() {
        let start = Stamp(-7);
        assert_eq!(start.wrapping_nanos_to(Stamp(5)), 12);
        assert_eq!(start.wrapping_nanos_to(start), 0);
        assert!(start.wrapping_nanos_to(Stamp(-8)) >= 1 << 63);
        let earliest = Stamp(i64::MIN + Stamp::RESERVED);
        assert_eq!(earliest.wrapping_nanos_to(Stamp(i64::MAX)), u64::MAX - 4);
        assert!(Stamp(i64::MAX).wrapping_nanos_to(Stamp(1)) >= 1 << 63);
    }

    #[test]
    fn nanoseconds_saturate() {
        assert_eq!(saturating_nanos(Duration::new(3, 7)), 3_000_000_007);
        assert_eq!(saturating_nanos(Duration::from_nanos(u64::MAX)), u64::MAX);
        assert_eq!(saturating_nanos(Duration::new(u64::MAX / 1_000_000_000, 999_999_999)), u64::MAX);
        assert_eq!(saturating_nanos(Duration::MAX), u64::MAX);
    }

    #[test]
    fn coarse_stamps_follow_real_time() {
        let first = coarse_stamp();
        std::thread::sleep(Duration::from_millis(30));
        let elapsed = Duration::from_nanos(first.nanos_to(coarse_stamp()));
        assert!(elapsed >= Duration::from_millis(20) && elapsed < Duration::from_secs(5), "{elapsed:?}");
    }

    #[test]
    fn coarse_time_is_monotonic_and_follows_real_time() {
        let first = coarse_now();
        std::thread::sleep(Duration::from_millis(30));
        let second = coarse_now();
        let elapsed = second.duration_since(first);
        // A coarse tick is at most 10 ms on any common kernel configuration.
        assert!(elapsed >= Duration::from_millis(20), "{elapsed:?}");
        assert!(coarse_now() >= second);
    }
}
