//! The backoff formula: exponential growth, additive jitter, a cap, and no overflow.

use core::cell::RefCell;
use core::hash::{BuildHasher, Hasher};
use core::time::Duration;
use std::hash::RandomState;

use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};

use crate::RetryPolicy;
use crate::engine::saturating_nanos;

/// The wait after failed attempt `attempt` (1-based) with `jitter_nanos` already
/// drawn, in nanoseconds: `min(wait_max, wait_initial * wait_exp_base^(attempt - 1)
/// + jitter)`.
///
/// Saturates to `wait_max` (and `wait_max` to 584 years) for any attempt number
/// or parameter that would overflow, and never panics. Loop-free and inline,
/// with no call the compiler cannot see through: a block that never asks
/// [`Attempt::next_wait`](crate::Attempt::next_wait) pays nothing for the
/// floor computed for it, which the compiler drops as dead code (callgrind,
/// `retry_context` sync retry3 with the default hooks and its failure paths
/// inlined: 269 -> 230 instructions, as many as the caller's).
// Nanoseconds as f64 lose precision only beyond 2^53 ns (104 days), far above
// any sensible wait, and the result is capped by an exact integer anyway.
#[inline]
#[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation, clippy::cast_sign_loss)]
pub(crate) fn backoff_nanos(policy: &RetryPolicy, attempt: u32, jitter_nanos: u64) -> u64 {
    let cap = saturating_nanos(policy.get_wait_max());
    if let Some(wait) = integer_backoff(policy, attempt, jitter_nanos, cap) {
        return wait;
    }
    // Exponents past i32::MAX saturate the power to 0 or infinity anyway.
    let exponent = i32::try_from(attempt.saturating_sub(1)).unwrap_or(i32::MAX);
    // Nanoseconds in f64 keep integer schedules exact (100 ms * 2 = 200 ms).
    let initial = nanos_f64(policy.get_wait_initial());
    let grown = if initial == 0.0 {
        0.0 // avoids 0 * inf = NaN for huge exponents
    } else {
        initial * policy.get_wait_exp_base().powi(exponent)
    };
    let total = (grown + jitter_nanos as f64).round();
    // Anything but "less than the cap" (including NaN and infinity) is the cap.
    if total.partial_cmp(&(cap as f64)) != Some(core::cmp::Ordering::Less) {
        return cap;
    }
    // A whole, non-negative number below the cap, which is at most
    // `u64::MAX`: the cast is exact (it saturates, for the rounding of the
    // cap to f64).
    (total as u64).min(cap)
}

/// [`backoff_nanos`] in integer nanoseconds, where that is exact: an integral
/// base (the default 2 is one) and a `wait_max` below 584 years, so that every
/// value at or under the cap fits a `u64`. Any overflow is above the cap, so it
/// is the cap. `None` for the other policies, which take the `f64` path.
///
/// A few multiplications, where the `f64` path's power costs several
/// nanoseconds per attempt.
#[inline]
fn integer_backoff(policy: &RetryPolicy, attempt: u32, jitter_nanos: u64, cap: u64) -> Option<u64> {
    let integral = policy.integral_exp_base();
    if cap == u64::MAX || integral == 0 {
        return None;
    }
    let initial = saturating_nanos(policy.get_wait_initial());
    let grown = if initial == 0 {
        Some(0) // zero grows to nothing, however large the power
    } else {
        checked_power(integral, attempt.saturating_sub(1)).and_then(|power| initial.checked_mul(power))
    };
    let total = grown.and_then(|grown| grown.checked_add(jitter_nanos));
    Some(total.map_or(cap, |total| total.min(cap)))
}

/// `base^exponent`, `None` past `u64::MAX`: what `u64::checked_pow` gives,
/// with its loop bounded to six rounds (past 0 and 1, an exponent of 64 or
/// more overflows any base), which the compiler unrolls into straight code
/// that it can drop when the result is not used.
#[inline]
fn checked_power(base: u32, exponent: u32) -> Option<u64> {
    if exponent == 0 || base == 1 {
        return Some(1);
    }
    if base == 0 {
        return Some(0);
    }
    if exponent >= 64 {
        return None;
    }
    let mut power = 1u64;
    let mut square = u64::from(base);
    let mut rest = exponent;
    for _ in 0..6 {
        if rest & 1 == 1 {
            power = power.checked_mul(square)?;
        }
        rest >>= 1;
        if rest == 0 {
            break;
        }
        square = square.checked_mul(square)?;
    }
    Some(power)
}

/// The wait after failed attempt `attempt` without jitter, in nanoseconds
/// (saturating at 584 years): the lower bound that
/// [`Attempt::next_wait`](crate::Attempt::next_wait) shows.
///
/// Blocks compute it before every attempt, so the common cases are read from
/// the policy: the first attempt's floor, `min(wait_initial, wait_max)` whatever
/// the base, is every attempt's floor for a base of 1, or for a base of 1 or
/// more that starts at the cap (`wait_max = 0` says "no waits"). Neither costs
/// a power.
#[inline]
pub(crate) fn backoff_floor(policy: &RetryPolicy, attempt: u32) -> u64 {
    if attempt <= 1 || policy.flat_floor() {
        return policy.first_floor_nanos();
    }
    backoff_nanos(policy, attempt, 0)
}

/// A duration in nanoseconds as `f64`, without the slow `u128` conversion.
#[inline]
#[allow(clippy::cast_precision_loss)] // exact below 2^53 s; waits are far shorter
fn nanos_f64(duration: Duration) -> f64 {
    duration.as_secs() as f64 * 1e9 + f64::from(duration.subsec_nanos())
}

thread_local! {
    /// Jitter needs spread, not secrecy: a small fast generator per thread,
    /// seeded from std's per-process random hasher keys, so that the runtime
    /// builds no cryptographic RNG and no OS entropy crate.
    static JITTER_RNG: RefCell<SmallRng> = RefCell::new(SmallRng::seed_from_u64(random_seed()));
}

fn random_seed() -> u64 {
    // Each `RandomState` has fresh keys (random per process, then incremented).
    RandomState::new().build_hasher().finish()
}

/// Draws a uniform jitter in `[0, max]`.
pub(crate) fn draw_jitter(max: Duration) -> Duration {
    if max.is_zero() {
        return Duration::ZERO;
    }
    let fraction: f64 = JITTER_RNG.with(|rng| rng.borrow_mut().random::<f64>()); // [0, 1)
    // Scaling [0, 1) by max gives [0, max); the closed upper bound of Python's
    // `random.uniform` is a measure-zero difference.
    max.mul_f64(fraction)
}

/// The wait after any failure, when it is known without computing: zero
/// when `wait_max` is zero (a common way to say "no waits": tests, benches).
/// The retry loop asks this first, inline, and calls [`jittered_backoff`]
/// only for `None`.
#[inline]
pub(crate) fn known_backoff(policy: &RetryPolicy) -> Option<u64> {
    // A byte the policy derives, where testing the `Duration` takes two
    // loads, two `or`s and a `sete` (callgrind, caller sync retry3 with the
    // default timeout: 9 instructions fewer, 3 without one).
    policy.zero_waits().then_some(0)
}

/// The wait after failed attempt `attempt`, with a fresh jitter, in
/// nanoseconds (saturating at 584 years), as the retry loop keeps its waits.
///
/// Out of line: a wait that follows costs milliseconds anyway.
#[inline(never)]
pub(crate) fn jittered_backoff(policy: &RetryPolicy, attempt: u32) -> u64 {
    // Once the exponential term alone reaches the cap, jitter cannot change the
    // result: skip drawing it (the RNG is the costliest part of a retry).
    let floor = backoff_floor(policy, attempt);
    if floor >= saturating_nanos(policy.get_wait_max()) {
        return floor;
    }
    backoff_nanos(policy, attempt, saturating_nanos(draw_jitter(policy.get_wait_jitter())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A policy with these waits and base, and the default jitter.
    fn waits(initial: Duration, max: Duration, base: f64) -> RetryPolicy {
        RetryPolicy::new().wait_initial(initial).wait_max(max).wait_exp_base(base)
    }

    fn no_jitter(policy: &RetryPolicy, attempt: u32) -> Duration {
        backoff_with_jitter(policy, attempt, Duration::ZERO)
    }

    /// [`backoff_nanos`] in `Duration`s, as the tests write waits.
    fn backoff_with_jitter(policy: &RetryPolicy, attempt: u32, jitter: Duration) -> Duration {
        Duration::from_nanos(backoff_nanos(policy, attempt, saturating_nanos(jitter)))
    }

    #[test]
    fn the_unrolled_power_is_checked_pow() {
        for base in 0..=40u32 {
            for exponent in 0..200 {
                assert_eq!(
                    checked_power(base, exponent),
                    u64::from(base).checked_pow(exponent),
                    "{base}^{exponent}"
                );
            }
        }
        for exponent in [u32::MAX, 1 << 31, 64, 63] {
            for base in [0, 1, 2, u32::MAX] {
                assert_eq!(
                    checked_power(base, exponent),
                    u64::from(base).checked_pow(exponent),
                    "{base}^{exponent}"
                );
            }
        }
    }

    #[test]
    fn default_schedule_without_jitter() {
        let p = RetryPolicy::new();
        let waits: Vec<u128> = (1..=9).map(|n| no_jitter(&p, n).as_millis()).collect();
        assert_eq!(waits, [100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000]);
    }

    #[test]
    fn exact_nanoseconds_for_integer_schedules() {
        let p = RetryPolicy::new();
        assert_eq!(no_jitter(&p, 2), Duration::from_millis(200));
        assert_eq!(no_jitter(&p, 3), Duration::from_millis(400));
    }

    #[test]
    fn clamps_to_wait_max() {
        let p = RetryPolicy::new().wait_max(Duration::from_millis(420));
        for n in 1..=9 {
            assert!(no_jitter(&p, n) <= Duration::from_millis(420));
            assert!(jittered_backoff(&p, n) <= 420_000_000);
        }
    }

    #[test]
    fn a_known_backoff_is_what_the_formula_gives() {
        for base in [0.5, 1.0, 2.0, 2.5] {
            let none = RetryPolicy::new().wait_max(Duration::ZERO).wait_exp_base(base);
            assert_eq!(known_backoff(&none), Some(0));
            for n in [1, 2, 9, u32::MAX] {
                assert_eq!(jittered_backoff(&none, n), 0);
            }
            assert_eq!(known_backoff(&RetryPolicy::new().wait_exp_base(base)), None);
        }
    }

    #[test]
    fn no_overflow_on_high_attempt_numbers() {
        for base in [2.0, 2.5, 10.0, 1e300] {
            let p = RetryPolicy::new().wait_exp_base(base);
            for n in [1025, 2000, 10_000, u32::MAX] {
                assert_eq!(no_jitter(&p, n), Duration::from_secs(5));
                assert!(jittered_backoff(&p, n) <= 5_000_000_000);
            }
        }
    }

    #[test]
    fn huge_parameters_saturate() {
        let p =
            RetryPolicy::new().wait_initial(Duration::MAX).wait_max(Duration::MAX).wait_jitter(Duration::MAX);
        assert_eq!(jittered_backoff(&p, 7), u64::MAX);
        let zero = RetryPolicy::new().wait_initial(Duration::ZERO).wait_jitter(Duration::ZERO);
        assert_eq!(no_jitter(&zero, u32::MAX), Duration::ZERO);
    }

    #[test]
    fn shrinking_base_tends_to_zero() {
        let p = RetryPolicy::new().wait_exp_base(0.5);
        assert_eq!(no_jitter(&p, 2), Duration::from_millis(50));
        assert_eq!(no_jitter(&p, u32::MAX), Duration::ZERO);
    }

    #[test]
    fn jitter_is_added_before_the_cap() {
        let p = RetryPolicy::new().wait_max(Duration::from_millis(150));
        assert_eq!(backoff_with_jitter(&p, 1, Duration::from_millis(30)), Duration::from_millis(130));
        assert_eq!(backoff_with_jitter(&p, 1, Duration::from_millis(90)), Duration::from_millis(150));
    }

    proptest! {
        #[test]
        fn jittered_wait_stays_in_its_bounds(
            attempt in 1u32..64,
            initial_ms in 0u64..10_000,
            max_ms in 0u64..100_000,
            jitter_ms in 0u64..5_000,
            base in 0.1f64..10.0,
        ) {
            let p = waits(Duration::from_millis(initial_ms), Duration::from_millis(max_ms), base)
                .wait_jitter(Duration::from_millis(jitter_ms));
            let floor = no_jitter(&p, attempt);
            let wait = Duration::from_nanos(jittered_backoff(&p, attempt));
            prop_assert!(wait <= p.get_wait_max());
            prop_assert!(wait >= floor);
            // Jitter adds at most `wait_jitter` (plus a nanosecond of rounding).
            prop_assert!(wait <= floor + p.get_wait_jitter() + Duration::from_nanos(1));
        }

        #[test]
        fn the_floor_taken_directly_is_the_formula(
            attempt in 0u32..80,
            initial_ns in 0u64..20_000_000_000,
            max_ns in 0u64..20_000_000_000,
            base in prop_oneof![0.1f64..10.0, (1u32..12).prop_map(f64::from)],
        ) {
            let p = waits(Duration::from_nanos(initial_ns), Duration::from_nanos(max_ns), base);
            let by_formula = saturating_nanos(no_jitter(&p, attempt.max(1)));
            let direct = backoff_floor(&p, attempt);
            // The float formula goes through f64 nanoseconds: it may be a
            // nanosecond off, and a relative hair for large powers.
            let tolerance = 1.max(by_formula / 1_000_000_000);
            prop_assert!(direct.abs_diff(by_formula) <= tolerance, "{direct} vs {by_formula}");
        }

        #[test]
        fn integer_and_float_formulas_agree(
            attempt in 1u32..80,
            initial_ns in 0u64..20_000_000_000,
            max_ns in 0u64..100_000_000_000,
            jitter_ns in 0u64..5_000_000_000,
            base in 1u32..12,
        ) {
            let p = waits(Duration::from_nanos(initial_ns), Duration::from_nanos(max_ns), f64::from(base));
            let jitter = Duration::from_nanos(jitter_ns);
            let cap = saturating_nanos(p.get_wait_max());
            let exact = Duration::from_nanos(integer_backoff(&p, attempt, saturating_nanos(jitter), cap).unwrap());
            // The float path, with the integer path out of the way: a base a
            // hair above the integer changes nothing below the cap at these sizes.
            let float = backoff_with_jitter(&p.wait_exp_base(f64::from(base) + 1e-12), attempt, jitter);
            let tolerance = Duration::from_nanos(2).max(exact / 1_000_000);
            prop_assert!(exact.abs_diff(float) <= tolerance, "{exact:?} vs {float:?}");
        }

        #[test]
        fn drawn_jitter_is_within_zero_and_max(max_ms in 0u64..100_000) {
            let max = Duration::from_millis(max_ms);
            let j = draw_jitter(max);
            prop_assert!(j <= max);
        }
    }

    #[test]
    fn every_thread_seeds_its_own_jitter() {
        assert_ne!(random_seed(), random_seed());
        let draws = || (0..4).map(|_| draw_jitter(Duration::from_secs(1))).collect::<Vec<_>>();
        let here = draws();
        let there = std::thread::spawn(draws).join().unwrap();
        assert_ne!(here, there);
    }

    #[test]
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // j is in [0, 1)
    fn jitter_is_spread_over_its_range() {
        // 2000 draws of U[0, 1s): every tenth of the range is hit, and the mean is
        // near 0.5 s. A constant or badly scaled jitter fails this.
        let max = Duration::from_secs(1);
        let mut buckets = [0u32; 10];
        let mut sum = 0.0;
        for _ in 0..2000 {
            let j = draw_jitter(max).as_secs_f64();
            sum += j;
            buckets[(j * 10.0) as usize] += 1;
        }
        assert!(buckets.iter().all(|&b| b > 100), "{buckets:?}");
        let mean = sum / 2000.0;
        assert!((0.45..0.55).contains(&mean), "mean {mean}");
    }
}
