//! The retry parameters ([`RetryPolicy`]): how many attempts, how long in
//! total, and how to back off; the backoff formula over them; and the builder
//! methods every type that carries a policy shares.

mod backoff;
mod limits;
mod setters;

use core::fmt;
use core::time::Duration;

use crate::budget::RetryBudget;

pub(crate) use backoff::{backoff_floor, jittered_backoff, known_backoff};
pub use limits::TimeoutMode;
pub(crate) use setters::policy_setters;

/// The parameters of a retry loop, with Python stamina's defaults.
///
/// | parameter | default | meaning |
/// |---|---|---|
/// | [`attempts`](Self::attempts) | `Some(10)` | total attempts, including the first; `None` for no limit |
/// | [`timeout`](Self::timeout) | `Some(45 s)` | total time budget, measured from the start of the first attempt; `None` for no limit |
/// | [`wait_initial`](Self::wait_initial) | 100 ms | backoff after the first failure, before jitter. The default 1 s jitter swamps a small value (50 ms waits 0.05 to 1.05 s): set [`wait_jitter`](Self::wait_jitter) to 10 ms, or zero, with it |
/// | [`wait_max`](Self::wait_max) | 5 s | cap on every computed backoff |
/// | [`wait_jitter`](Self::wait_jitter) | 1 s | a uniform random `[0, wait_jitter]` added before the cap |
/// | [`wait_exp_base`](Self::wait_exp_base) | 2 | growth factor of the backoff |
/// | [`timeout_mode`](Self::timeout_mode) | [`Soft`](TimeoutMode::Soft) | Python's soft timeout, or a [strict deadline](TimeoutMode::Strict) that no wait passes and that cancels an async attempt |
/// | [`attempt_timeout`](Self::attempt_timeout) | `None` | async only: an attempt not done in time is dropped and fails with [`AttemptTimedOut`](crate::AttemptTimedOut) |
///
/// The wait after failed attempt `n` is
/// `min(wait_max, wait_initial * wait_exp_base^(n-1) + U[0, wait_jitter])`.
/// The [crate documentation](https://docs.rs/stamina/latest/stamina/#parameters)
/// has the same parameters as the macros take them.
///
/// Getters are named `get_*`: the builder methods own the bare names.
///
/// Setters validate their input and panic with a message that names the fix on
/// invalid configuration (zero attempts, a zero timeout, a non-finite or
/// non-positive exponent base): such a policy would silently never retry or retry
/// forever, and a panic at construction is the safer failure.
///
/// ```
/// use std::time::Duration;
/// use stamina::RetryPolicy;
///
/// let policy = RetryPolicy::new()
///     .attempts(3)
///     .timeout(Duration::from_secs(30))
///     .wait_initial(Duration::from_millis(250));
/// assert_eq!(policy.get_attempts(), Some(3));
/// assert_eq!(policy.get_timeout(), Some(Duration::from_secs(30)));
///
/// // `None` switches a limit off. With both off, a retry loop retries forever.
/// let unbounded = RetryPolicy::new().attempts(None).timeout(None);
/// assert_eq!(unbounded.get_attempts(), None);
/// ```
#[derive(Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    attempts: Option<u32>,
    timeout: Option<Duration>,
    wait_initial: Duration,
    wait_max: Duration,
    wait_jitter: Duration,
    wait_exp_base: f64,
    /// `wait_exp_base` when it is a whole number that fits a `u32`, else 0:
    /// the backoff then grows in exact integer nanoseconds, with no float
    /// operation per attempt. Derived from `wait_exp_base`, so comparing it
    /// adds nothing to equality.
    integral_exp_base: u32,
    /// `min(wait_initial, wait_max)` in nanoseconds (saturating): the first
    /// attempt's [`Attempt::next_wait`](crate::Attempt::next_wait), which every
    /// block computes on its success path. Derived, like `integral_exp_base`.
    first_floor_nanos: u64,
    /// Whether every attempt's `next_wait` is the first one's: a base of 1, or
    /// a base of 1 or more that starts at the cap (`wait_max = 0`). Derived.
    flat_floor: bool,
    /// Whether `wait_max` is zero, which makes every backoff wait known to be
    /// zero: one byte to test per failure, where the `Duration` takes two
    /// fields. Derived.
    zero_waits: bool,
    /// The timeout in nanoseconds (saturating) when it is Python's soft one
    /// and no budget is set, else 0 (a zero timeout is refused): the one
    /// number a timed failure compares when nothing else can stop the retry.
    /// Derived, like `integral_exp_base`.
    plain_soft_timeout_nanos: u64,
    /// The retry budget shared with other loops, if any.
    budget: Option<BudgetRef>,
    /// How long one async attempt may run, if limited (see `limits`).
    attempt_timeout: Option<Duration>,
    /// Whether `timeout` is Python's soft limit or a strict deadline.
    timeout_mode: TimeoutMode,
}

/// A budget in a policy: compared by identity, since two budgets with the
/// same parameters are still two allowances.
#[derive(Clone, Copy)]
struct BudgetRef(&'static RetryBudget);

impl PartialEq for BudgetRef {
    fn eq(&self, other: &Self) -> bool {
        core::ptr::eq(self.0, other.0)
    }
}

impl RetryPolicy {
    /// Python stamina's default number of attempts: 10.
    ///
    /// ```
    /// assert_eq!(stamina::RetryPolicy::DEFAULT_ATTEMPTS, 10);
    /// ```
    pub const DEFAULT_ATTEMPTS: u32 = 10;
    /// Python stamina's default timeout: 45 seconds.
    ///
    /// ```
    /// assert_eq!(stamina::RetryPolicy::DEFAULT_TIMEOUT.as_secs(), 45);
    /// ```
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(45);
    /// Python stamina's default first backoff: 100 milliseconds.
    ///
    /// ```
    /// assert_eq!(stamina::RetryPolicy::DEFAULT_WAIT_INITIAL.as_millis(), 100);
    /// ```
    pub const DEFAULT_WAIT_INITIAL: Duration = Duration::from_millis(100);
    /// Python stamina's default backoff cap: 5 seconds.
    ///
    /// ```
    /// assert_eq!(stamina::RetryPolicy::DEFAULT_WAIT_MAX.as_secs(), 5);
    /// ```
    pub const DEFAULT_WAIT_MAX: Duration = Duration::from_secs(5);
    /// Python stamina's default maximum jitter: 1 second.
    ///
    /// ```
    /// assert_eq!(stamina::RetryPolicy::DEFAULT_WAIT_JITTER.as_secs(), 1);
    /// ```
    pub const DEFAULT_WAIT_JITTER: Duration = Duration::from_secs(1);
    /// Python stamina's default exponent base: 2.
    ///
    /// ```
    /// assert_eq!(stamina::RetryPolicy::DEFAULT_WAIT_EXP_BASE, 2.0);
    /// ```
    pub const DEFAULT_WAIT_EXP_BASE: f64 = 2.0;

    /// A policy with stamina's defaults (see the table on [`RetryPolicy`]).
    ///
    /// ```
    /// use stamina::RetryPolicy;
    ///
    /// assert_eq!(RetryPolicy::new(), RetryPolicy::default());
    /// assert_eq!(RetryPolicy::new().get_attempts(), Some(RetryPolicy::DEFAULT_ATTEMPTS));
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Self {
            attempts: Some(Self::DEFAULT_ATTEMPTS),
            timeout: Some(Self::DEFAULT_TIMEOUT),
            wait_initial: Self::DEFAULT_WAIT_INITIAL,
            wait_max: Self::DEFAULT_WAIT_MAX,
            wait_jitter: Self::DEFAULT_WAIT_JITTER,
            wait_exp_base: Self::DEFAULT_WAIT_EXP_BASE,
            integral_exp_base: 0,
            first_floor_nanos: 0,
            flat_floor: false,
            zero_waits: false,
            plain_soft_timeout_nanos: 0,
            budget: None,
            attempt_timeout: None,
            timeout_mode: TimeoutMode::Soft,
        }
        .derive()
    }

    /// Sets the total number of attempts, including the first; `None` means no limit.
    ///
    /// # Panics
    ///
    /// On `Some(0)`: zero attempts would never run the operation. Use `1` for a
    /// single attempt without retries, or `None` for no limit.
    ///
    /// ```
    /// # use stamina::RetryPolicy;
    /// assert_eq!(RetryPolicy::new().attempts(3).get_attempts(), Some(3));
    /// assert_eq!(RetryPolicy::new().attempts(None).get_attempts(), None);
    /// ```
    #[must_use]
    #[track_caller]
    pub fn attempts(self, attempts: impl Into<Option<u32>>) -> Self {
        self.with_attempts(attempts.into())
    }

    /// The `const` form of [`attempts`](Self::attempts), which the macros' generated
    /// code calls. Not public API.
    ///
    /// # Panics
    ///
    /// On `Some(0)`, like [`attempts`](Self::attempts).
    #[doc(hidden)]
    #[must_use]
    #[track_caller]
    pub const fn with_attempts(mut self, attempts: Option<u32>) -> Self {
        if let Some(0) = attempts {
            panic!(
                "stamina: `attempts` must be at least 1 (it counts the first attempt too); \
                 use 1 for no retries or `None` for no limit"
            );
        }
        self.attempts = attempts;
        self
    }

    /// Sets the total time budget; `None` means no limit.
    ///
    /// The clock starts when the first attempt starts. The limit is soft: it is
    /// checked after each retryable failure, and a retry that was scheduled before
    /// the deadline still runs, even if its wait carries past it. A
    /// [strict](TimeoutMode::Strict) [`timeout_mode`](Self::timeout_mode)
    /// makes it a deadline that holds.
    ///
    /// # Panics
    ///
    /// On `Some(Duration::ZERO)`: a zero timeout would never retry. Use `None` to
    /// switch the timeout off, or `attempts(1)` for no retries.
    ///
    /// ```
    /// use std::time::Duration;
    /// use stamina::RetryPolicy;
    ///
    /// let policy = RetryPolicy::new().timeout(Duration::from_secs(10));
    /// assert_eq!(policy.get_timeout(), Some(Duration::from_secs(10)));
    /// assert_eq!(RetryPolicy::new().timeout(None).get_timeout(), None);
    /// ```
    #[must_use]
    #[track_caller]
    pub fn timeout(self, timeout: impl Into<Option<Duration>>) -> Self {
        self.with_timeout(timeout.into())
    }

    /// The `const` form of [`timeout`](Self::timeout), which the macros' generated
    /// code calls. Not public API.
    ///
    /// # Panics
    ///
    /// On `Some(Duration::ZERO)`, like [`timeout`](Self::timeout).
    #[doc(hidden)]
    #[must_use]
    #[track_caller]
    pub const fn with_timeout(mut self, timeout: Option<Duration>) -> Self {
        if let Some(timeout) = timeout {
            assert!(
                !timeout.is_zero(),
                "stamina: a zero `timeout` means no retries would ever be attempted; \
                 use `None` to switch the timeout off, or `attempts(1)` for no retries"
            );
        }
        self.timeout = timeout;
        self.derive()
    }

    /// Sets the backoff after the first failure (before jitter).
    ///
    /// The default jitter, up to 1 s, is added to every computed wait, so it
    /// swamps a small `wait_initial`: give one a small jitter too.
    ///
    /// ```
    /// use std::time::Duration;
    /// use stamina::RetryPolicy;
    ///
    /// let policy = RetryPolicy::new()
    ///     .wait_initial(Duration::from_millis(50))
    ///     .wait_jitter(Duration::from_millis(10)); // waits of 50 to 60 ms, then 100 to 110 ms, ...
    /// assert_eq!(policy.get_wait_initial(), Duration::from_millis(50));
    /// ```
    #[must_use]
    pub const fn wait_initial(mut self, wait_initial: Duration) -> Self {
        self.wait_initial = wait_initial;
        self.derive()
    }

    /// Sets the cap on every computed backoff. Jitter is added before the cap, so
    /// no wait computed by the backoff formula exceeds it. (A wait that the `on`
    /// predicate returns itself is not capped.)
    ///
    /// ```
    /// use std::time::Duration;
    /// use stamina::RetryPolicy;
    ///
    /// // Zero: retry at once, without waiting.
    /// assert_eq!(RetryPolicy::new().wait_max(Duration::ZERO).get_wait_max(), Duration::ZERO);
    /// ```
    #[must_use]
    pub const fn wait_max(mut self, wait_max: Duration) -> Self {
        self.wait_max = wait_max;
        self.derive()
    }

    /// Sets the maximum random jitter added to each backoff; zero switches jitter off.
    ///
    /// ```
    /// use std::time::Duration;
    /// use stamina::RetryPolicy;
    ///
    /// let exact = RetryPolicy::new().wait_jitter(Duration::ZERO); // 100 ms, 200 ms, 400 ms, ...
    /// assert_eq!(exact.get_wait_jitter(), Duration::ZERO);
    /// ```
    #[must_use]
    pub const fn wait_jitter(mut self, wait_jitter: Duration) -> Self {
        self.wait_jitter = wait_jitter;
        self
    }

    /// Sets the growth factor of the backoff.
    ///
    /// # Panics
    ///
    /// When `base` is not a finite number greater than zero (NaN, infinite, zero or
    /// negative): such a base makes the backoff meaningless. Use `1.0` for a
    /// constant backoff.
    ///
    /// ```
    /// use stamina::RetryPolicy;
    ///
    /// let constant = RetryPolicy::new().wait_exp_base(1.0); // 100 ms between all attempts, plus jitter
    /// assert_eq!(constant.get_wait_exp_base(), 1.0);
    /// ```
    #[must_use]
    #[track_caller]
    pub const fn wait_exp_base(mut self, base: f64) -> Self {
        assert!(
            base.is_finite() && base > 0.0,
            "stamina: `wait_exp_base` must be a finite number greater than zero; \
             use 2.0 for doubling waits or 1.0 for constant waits"
        );
        self.wait_exp_base = base;
        self.derive()
    }

    /// The total number of attempts, `None` for no limit.
    ///
    /// ```
    /// assert_eq!(stamina::RetryPolicy::new().get_attempts(), Some(10));
    /// ```
    pub const fn get_attempts(&self) -> Option<u32> {
        self.attempts
    }

    /// The total time budget, `None` for no limit.
    ///
    /// ```
    /// # use std::time::Duration;
    /// assert_eq!(stamina::RetryPolicy::new().get_timeout(), Some(Duration::from_secs(45)));
    /// ```
    pub const fn get_timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// The backoff after the first failure, before jitter.
    ///
    /// ```
    /// # use std::time::Duration;
    /// assert_eq!(stamina::RetryPolicy::new().get_wait_initial(), Duration::from_millis(100));
    /// ```
    pub const fn get_wait_initial(&self) -> Duration {
        self.wait_initial
    }

    /// The cap on computed backoffs.
    ///
    /// ```
    /// # use std::time::Duration;
    /// assert_eq!(stamina::RetryPolicy::new().get_wait_max(), Duration::from_secs(5));
    /// ```
    pub const fn get_wait_max(&self) -> Duration {
        self.wait_max
    }

    /// The maximum jitter.
    ///
    /// ```
    /// # use std::time::Duration;
    /// assert_eq!(stamina::RetryPolicy::new().get_wait_jitter(), Duration::from_secs(1));
    /// ```
    pub const fn get_wait_jitter(&self) -> Duration {
        self.wait_jitter
    }

    /// The exponent base.
    ///
    /// ```
    /// assert_eq!(stamina::RetryPolicy::new().get_wait_exp_base(), 2.0);
    /// ```
    pub const fn get_wait_exp_base(&self) -> f64 {
        self.wait_exp_base
    }

    /// Shares `budget` with every other loop that names it: a retry it refuses
    /// is not made, and the loop gives up at once with
    /// [`GiveUpReason::BudgetExhausted`](crate::instrumentation::GiveUpReason::BudgetExhausted),
    /// returning the last error. See [`budget`](crate::budget).
    ///
    /// ```
    /// use std::time::Duration;
    /// use stamina::budget::{QuotaParams, RetryBudget};
    /// use stamina::RetryPolicy;
    ///
    /// static TIGHT: RetryBudget = RetryBudget::token_quota(QuotaParams { capacity: 10, ..QuotaParams::AWS_STANDARD });
    /// let policy = RetryPolicy::new().budget(&TIGHT);
    /// assert!(policy.get_budget().is_some());
    /// ```
    #[must_use]
    pub const fn budget(mut self, budget: &'static RetryBudget) -> Self {
        self.budget = Some(BudgetRef(budget));
        self.derive()
    }

    /// The retry budget, if one was set.
    ///
    /// ```
    /// use stamina::RetryPolicy;
    /// use stamina::budget::{QuotaParams, RetryBudget};
    ///
    /// static SHARED: RetryBudget = RetryBudget::token_quota(QuotaParams::AWS_STANDARD);
    /// assert!(RetryPolicy::new().get_budget().is_none());
    /// let budget = RetryPolicy::new().budget(&SHARED).get_budget().unwrap();
    /// assert!(std::ptr::eq(budget, &SHARED));
    /// ```
    pub const fn get_budget(&self) -> Option<&'static RetryBudget> {
        match self.budget {
            Some(BudgetRef(budget)) => Some(budget),
            None => None,
        }
    }

    /// The base as a whole number, 0 when it is not one (see the field).
    pub(crate) const fn integral_exp_base(&self) -> u32 {
        self.integral_exp_base
    }

    /// `min(wait_initial, wait_max)` in nanoseconds (see the field).
    pub(crate) const fn first_floor_nanos(&self) -> u64 {
        self.first_floor_nanos
    }

    /// Whether `wait_max` is zero (see the field).
    pub(crate) const fn zero_waits(&self) -> bool {
        self.zero_waits
    }

    /// The soft timeout's nanoseconds where no budget is set, else 0 (see the
    /// field).
    pub(crate) const fn plain_soft_timeout_nanos(&self) -> u64 {
        self.plain_soft_timeout_nanos
    }

    /// Whether every attempt's floor is the first one's (see the field).
    pub(crate) const fn flat_floor(&self) -> bool {
        self.flat_floor
    }

    /// Recomputes the derived fields; every setter of the backoff, the
    /// timeout, its mode and the budget ends here.
    const fn derive(mut self) -> Self {
        let initial = crate::engine::saturating_nanos(self.wait_initial);
        let cap = crate::engine::saturating_nanos(self.wait_max);
        self.integral_exp_base = integral(self.wait_exp_base);
        self.first_floor_nanos = if initial < cap { initial } else { cap };
        self.flat_floor = self.integral_exp_base == 1 || (self.integral_exp_base != 0 && initial >= cap);
        self.zero_waits = cap == 0;
        self.plain_soft_timeout_nanos = match (self.timeout, self.timeout_mode, self.budget) {
            (Some(timeout), TimeoutMode::Soft, None) => crate::engine::saturating_nanos(timeout),
            _ => 0,
        };
        self
    }
}

/// `base` as a `u32` when it is exactly one (1, 2, 3, ...), else 0.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::float_cmp)] // the cast saturates; exactness is the point
const fn integral(base: f64) -> u32 {
    let whole = base as u32;
    if whole as f64 == base { whole } else { 0 }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::new()
    }
}

// The derived fields (see `derive`) follow from fields that are shown.
#[allow(clippy::missing_fields_in_debug)]
impl fmt::Debug for RetryPolicy {
    // Keys in alphabetical order, as Python stamina's reprs print them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("RetryPolicy");
        debug
            .field("attempts", &self.attempts)
            .field("timeout", &self.timeout)
            .field("wait_exp_base", &self.wait_exp_base)
            .field("wait_initial", &self.wait_initial)
            .field("wait_jitter", &self.wait_jitter)
            .field("wait_max", &self.wait_max);
        // Shown only when set: a policy without one reads as Python's.
        if let Some(budget) = self.get_budget() {
            debug.field("budget", budget);
        }
        if let Some(attempt_timeout) = self.attempt_timeout {
            debug.field("attempt_timeout", &attempt_timeout);
        }
        if self.timeout_mode != TimeoutMode::Soft {
            debug.field("timeout_mode", &self.timeout_mode);
        }
        debug.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_bases_are_recognised_for_integer_backoffs() {
        assert_eq!(RetryPolicy::new().integral_exp_base(), 2);
        for (base, whole) in [(1.0, 1), (3.0, 3), (4_294_967_295.0, u32::MAX), (2.5, 0), (0.5, 0), (1e20, 0)]
        {
            assert_eq!(RetryPolicy::new().wait_exp_base(base).integral_exp_base(), whole, "{base}");
        }
    }

    #[test]
    fn the_first_floor_follows_both_of_its_setters_in_either_order() {
        let ms = Duration::from_millis;
        assert_eq!(RetryPolicy::new().first_floor_nanos(), 100_000_000);
        assert_eq!(RetryPolicy::new().wait_initial(ms(7)).wait_max(ms(3)).first_floor_nanos(), 3_000_000);
        assert_eq!(RetryPolicy::new().wait_max(ms(3)).wait_initial(ms(7)).first_floor_nanos(), 3_000_000);
        assert_eq!(RetryPolicy::new().wait_max(ms(3)).wait_initial(ms(1)).first_floor_nanos(), 1_000_000);
        assert_eq!(RetryPolicy::new().wait_initial(ms(1)).wait_max(ms(3)).first_floor_nanos(), 1_000_000);
        let huge = RetryPolicy::new().wait_initial(Duration::MAX).wait_max(Duration::MAX);
        assert_eq!(huge.first_floor_nanos(), u64::MAX);
    }

    #[test]
    fn the_plain_soft_timeout_is_derived_by_every_setter_it_depends_on() {
        static BUDGET: crate::budget::RetryBudget = crate::budget::RetryBudget::aws_standard();
        let secs = Duration::from_secs;
        assert_eq!(RetryPolicy::new().plain_soft_timeout_nanos(), 45_000_000_000);
        assert_eq!(RetryPolicy::new().timeout(secs(2)).plain_soft_timeout_nanos(), 2_000_000_000);
        assert_eq!(RetryPolicy::new().timeout(Duration::MAX).plain_soft_timeout_nanos(), u64::MAX);
        // Anything else that can stop a retry makes it 0, in either order.
        assert_eq!(RetryPolicy::new().timeout(None).plain_soft_timeout_nanos(), 0);
        assert_eq!(RetryPolicy::new().budget(&BUDGET).plain_soft_timeout_nanos(), 0);
        assert_eq!(RetryPolicy::new().budget(&BUDGET).timeout(secs(2)).plain_soft_timeout_nanos(), 0);
        let strict = RetryPolicy::new().timeout_mode(TimeoutMode::Strict);
        assert_eq!(strict.plain_soft_timeout_nanos(), 0);
        assert_eq!(strict.timeout(secs(2)).plain_soft_timeout_nanos(), 0);
        assert_eq!(strict.timeout_mode(TimeoutMode::Soft).plain_soft_timeout_nanos(), 45_000_000_000);
        assert_eq!(
            RetryPolicy::new().timeout(None).timeout(secs(3)).plain_soft_timeout_nanos(),
            3_000_000_000
        );
    }

    #[test]
    fn the_floor_is_flat_for_a_base_of_one_or_a_start_at_the_cap() {
        let ms = Duration::from_millis;
        assert!(!RetryPolicy::new().flat_floor());
        assert!(RetryPolicy::new().wait_exp_base(1.0).flat_floor());
        assert!(RetryPolicy::new().wait_max(Duration::ZERO).flat_floor());
        assert!(RetryPolicy::new().wait_initial(ms(5)).wait_max(ms(5)).flat_floor());
        // A shrinking or fractional base moves away from the cap.
        assert!(!RetryPolicy::new().wait_max(Duration::ZERO).wait_exp_base(0.5).flat_floor());
        assert!(!RetryPolicy::new().wait_exp_base(2.5).flat_floor());
        // Either order of the setters.
        assert!(!RetryPolicy::new().wait_max(Duration::ZERO).wait_max(ms(9_000)).flat_floor());
        assert!(RetryPolicy::new().wait_exp_base(3.0).wait_initial(ms(9)).wait_max(ms(2)).flat_floor());
    }

    #[test]
    fn defaults_are_pythons() {
        let p = RetryPolicy::default();
        assert_eq!(p.get_attempts(), Some(10));
        assert_eq!(p.get_timeout(), Some(Duration::from_secs(45)));
        assert_eq!(p.get_wait_initial(), Duration::from_millis(100));
        assert_eq!(p.get_wait_max(), Duration::from_secs(5));
        assert_eq!(p.get_wait_jitter(), Duration::from_secs(1));
        assert!((p.get_wait_exp_base() - 2.0).abs() < f64::EPSILON);
    }

    #[test]
    #[should_panic(expected = "`attempts` must be at least 1")]
    fn zero_attempts_panics() {
        let _ = RetryPolicy::new().attempts(0);
    }

    #[test]
    #[should_panic(expected = "zero `timeout`")]
    fn zero_timeout_panics() {
        let _ = RetryPolicy::new().timeout(Duration::ZERO);
    }

    #[test]
    fn bad_bases_panic() {
        for base in [0.0, -1.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let result = std::panic::catch_unwind(|| RetryPolicy::new().wait_exp_base(base));
            assert!(result.is_err(), "base {base} was accepted");
        }
        assert!((RetryPolicy::new().wait_exp_base(0.5).get_wait_exp_base() - 0.5).abs() < 1e-12);
    }

    #[test]
    fn debug_lists_sorted_parameters() {
        let text = format!("{:?}", RetryPolicy::new().attempts(3));
        assert_eq!(
            text,
            "RetryPolicy { attempts: Some(3), timeout: Some(45s), wait_exp_base: 2.0, \
             wait_initial: 100ms, wait_jitter: 1s, wait_max: 5s }"
        );
    }
}
