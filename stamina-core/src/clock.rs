//! The clock that timeouts are measured on, read once per loop start and once
//! per failure.
//!
//! A precise monotonic read (`std::time::Instant::now`) costs about 20 ns here,
//! several times a whole successful retry loop. Timeouts are soft limits of
//! seconds, so a loop reads the kernel's coarse monotonic clock instead
//! (`CLOCK_MONOTONIC_COARSE` on Linux: a few nanoseconds, with the resolution
//! of a scheduler tick, 1 to 4 ms). Readings are mapped onto
//! `std::time::Instant` so the rest of the crate, and user sleepers, speak one
//! type.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// A precise and a coarse reading taken together, to map one onto the other.
static BASE: OnceLock<(Instant, coarsetime::Instant)> = OnceLock::new();

/// Now, on the coarse monotonic clock, as a `std::time::Instant`.
#[inline]
pub(crate) fn coarse_now() -> Instant {
    let (precise, coarse) =
        *BASE.get_or_init(|| (Instant::now(), coarsetime::Instant::now_without_cache_update()));
    // `now_without_cache_update` skips coarsetime's shared cache: no store to a
    // cache line that every thread would contend on.
    let since: Duration = coarsetime::Instant::now_without_cache_update().duration_since(coarse).into();
    precise + since
}

#[cfg(test)]
mod tests {
    use super::*;

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
