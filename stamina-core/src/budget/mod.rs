//! Retry budgets: a bound on how many retries all the calls of a process may
//! make together, so that a dependency that goes down is not hit by a storm.
//!
//! # Why
//!
//! Each call's own limit (`attempts = 10`) bounds what one call does, not what
//! all of them do together. When a dependency fails hard, N clients retrying
//! up to 10 times each send it 10 × N requests at the worst moment, and keep
//! it down. A budget shared by the calls of a process caps the retries as a
//! whole: when it is spent, a loop gives up at once instead of retrying, and
//! returns its last error unchanged.
//!
//! # Policies
//!
//! | policy | spend | earn | bound | copied from |
//! |---|---|---|---|---|
//! | [`RetryBudget::token_quota`] | a retry costs tokens (more after a timeout, less after throttling) | a first-try success adds 1; a success after retries refunds its last retry's cost | never more than `capacity` tokens' worth of retries between refills | the AWS SDKs' standard retry quota |
//! | [`RetryBudget::ratio`] | a retry costs 1000 tokens | a call deposits `ratio × 1000` | within any `ttl`: `granted ≤ ratio × calls + min_per_sec × ttl`, counting the calls of that `ttl` and the one before | Finagle's `RetryBudget`, tower's `TpsBudget` (without tower#857) |
//!
//! Presets with the anchors' numbers: [`RetryBudget::aws_standard`],
//! [`RetryBudget::aws_retries_2_1`] and [`RetryBudget::finagle`].
//!
//! Choosing: a ratio budget follows the traffic (20 % more load at most, with
//! 10 retries a second for quiet times), which suits a service with steady
//! calls; a token quota is a fixed allowance that successes refill, which
//! suits clients with bursts and few calls.
//!
//! Every operation is a few atomic operations: no lock, no allocation.
//! [`KeyedBudget`] gives each key (a host, a partition) a budget of its own,
//! for a bounded number of keys.
//!
//! # Sharing: `&'static`, not `Arc`
//!
//! A budget is process state, like a metrics registry, and policies name it
//! by `&'static`: a policy stays `Copy` and a constant (the attribute's policy
//! is one, and costs no allocation or reference-count write per call), and
//! the metric sinks keep reporting every budget a loop used for the life of
//! the process, which they could not do for one an `Arc` might free. A budget
//! known when the code is written is a `static`; one built at run time (from
//! configuration) is made once at start-up and [leaked](RetryBudget::leak),
//! and then shared by every loop and thread that names it like a `static`.
//!
//! ```
//! use stamina::budget::{Charge, RetryBudget};
//!
//! static GITHUB: RetryBudget = RetryBudget::aws_standard();
//!
//! // 500 tokens, 5 a retry: 100 retries from full, then none until
//! // successes refill the bucket.
//! let granted = (0..1000).filter(|_| GITHUB.try_retry(Charge::Failure)).count();
//! assert_eq!(granted, 100);
//! GITHUB.call_succeeded(None); // a first-try success adds 1 token
//! assert_eq!(GITHUB.level(), 1);
//! ```

mod keyed;
mod quota;
mod ratio;

use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

pub use keyed::KeyedBudget;
use quota::Quota;
pub use quota::QuotaParams;
use ratio::Ratio;
pub use ratio::RatioParams;

/// What kind of failure a retry follows: budgets may charge them differently,
/// as the AWS SDKs do.
///
/// ```
/// use stamina::Decision;
/// use stamina::budget::{Charge, QuotaParams};
///
/// assert_eq!(Decision::Throttled(None).charge(), Charge::Throttling); // what `on` said
/// assert_eq!(QuotaParams::AWS_STANDARD.cost(Charge::Timeout), 10);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Charge {
    /// An ordinary retryable failure.
    Failure,
    /// An attempt that timed out.
    Timeout,
    /// The server said to slow down: [`Decision::Throttled`](crate::Decision::Throttled),
    /// which [`RetryOnStatus`](https://docs.rs/stamina/latest/stamina/http/struct.RetryOnStatus.html)
    /// returns for an HTTP 429. A 5xx with a `Retry-After`
    /// ([`Decision::RetryAfter`](crate::Decision::RetryAfter)) is charged as a
    /// [`Failure`](Self::Failure).
    Throttling,
}

/// A retry budget shared by every loop that names it; see the
/// [module documentation](self). Create it once, as a `static`:
///
/// ```
/// use std::time::Duration;
/// use stamina::budget::{Charge, RatioParams, RetryBudget};
///
/// static SEARCH: RetryBudget =
///     RetryBudget::ratio(RatioParams { retry_ratio: 0.1, min_per_sec: 2, ttl: Duration::from_secs(10) });
///
/// // No calls yet: the reserve allows 2/s × 10 s = 20 retries.
/// let granted = (0..100).filter(|_| SEARCH.try_retry(Charge::Failure)).count();
/// assert_eq!(granted, 20);
/// ```
#[derive(Debug)]
pub struct RetryBudget {
    policy: Policy,
    name: &'static str,
    refused: AtomicU64,
    /// Whether a loop has used it, and it is listed for the metric sinks.
    listed: AtomicBool,
}

#[derive(Debug)]
enum Policy {
    Quota(Quota),
    Ratio(Ratio),
}

impl RetryBudget {
    /// A token quota with `params`; see [`QuotaParams`].
    ///
    /// ```
    /// use stamina::budget::{Charge, QuotaParams, RetryBudget};
    ///
    /// let budget = RetryBudget::token_quota(QuotaParams { capacity: 10, ..QuotaParams::AWS_STANDARD });
    /// assert!(budget.try_retry(Charge::Failure)); // 10 - 5
    /// assert!(!budget.try_retry(Charge::Timeout)); // 5 < 10
    /// assert!(budget.try_retry(Charge::Throttling)); // 5 - 5
    /// assert_eq!(budget.level(), 0);
    /// ```
    pub const fn token_quota(params: QuotaParams) -> Self {
        Self::with_policy(Policy::Quota(Quota::new(params)))
    }

    const fn with_policy(policy: Policy) -> Self {
        Self { policy, name: "unnamed", refused: AtomicU64::new(0), listed: AtomicBool::new(false) }
    }

    /// Makes a budget built at run time `&'static`, so that policies can name
    /// it: call it once (at start-up, from configuration), not per call, since
    /// the budget is never freed. See [sharing](self#sharing-static-not-arc).
    ///
    /// ```
    /// use std::time::Duration;
    /// use stamina::budget::{QuotaParams, RetryBudget};
    ///
    /// let capacity_from_config = 50;
    /// let budget =
    ///     RetryBudget::token_quota(QuotaParams { capacity: capacity_from_config, ..QuotaParams::AWS_STANDARD })
    ///         .leak();
    /// let caller = stamina::RetryingCaller::new().wait_max(Duration::ZERO).budget(budget);
    /// let other = stamina::RetryingCaller::new().wait_max(Duration::ZERO).budget(budget);
    ///
    /// // 50 tokens at 5 a retry: the two callers share 10 retries.
    /// let always_fails = || Err::<(), _>("unavailable");
    /// for caller in [&caller, &other] {
    ///     let _ = caller.call(|_: &&str| true, always_fails);
    /// }
    /// assert_eq!(budget.level(), 0);
    /// assert!(budget.refusals() >= 1);
    /// ```
    #[must_use]
    pub fn leak(self) -> &'static Self {
        Box::leak(Box::new(self))
    }

    /// Names the budget for the metric sinks (the `budget` label of
    /// `stamina_budget_refusals_total` and `stamina_budget_level`); `unnamed`
    /// without.
    ///
    /// ```
    /// use stamina::budget::RetryBudget;
    ///
    /// static GITHUB: RetryBudget = RetryBudget::aws_standard().named("github");
    /// assert_eq!(GITHUB.name(), "github");
    /// ```
    #[must_use]
    pub const fn named(mut self, name: &'static str) -> Self {
        self.name = name;
        self
    }

    /// The name the metric sinks show.
    ///
    /// ```
    /// assert_eq!(stamina::budget::RetryBudget::finagle().name(), "unnamed");
    /// ```
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// How many retries it refused so far.
    ///
    /// ```
    /// use stamina::budget::{Charge, QuotaParams, RetryBudget};
    ///
    /// let budget = RetryBudget::token_quota(QuotaParams { capacity: 5, ..QuotaParams::AWS_STANDARD });
    /// assert!(budget.try_retry(Charge::Failure));
    /// assert!(!budget.try_retry(Charge::Failure));
    /// assert_eq!(budget.refusals(), 1);
    /// ```
    pub fn refusals(&self) -> u64 {
        self.refused.load(Ordering::Relaxed)
    }

    /// The AWS SDKs' standard retry quota ("retries 2.0"): 500 tokens, 5 a
    /// retry, 10 after a timeout, +1 per first-try success.
    ///
    /// ```
    /// assert_eq!(stamina::budget::RetryBudget::aws_standard().level(), 500);
    /// ```
    pub const fn aws_standard() -> Self {
        Self::token_quota(QuotaParams::AWS_STANDARD)
    }

    /// The AWS SDKs' "retries 2.1" quota: 500 tokens, 14 a retry, 5 after
    /// throttling.
    ///
    /// ```
    /// use stamina::budget::{Charge, RetryBudget};
    ///
    /// let budget = RetryBudget::aws_retries_2_1();
    /// let granted = (0..1000).filter(|_| budget.try_retry(Charge::Failure)).count();
    /// assert_eq!(granted, 35); // 500 / 14
    /// ```
    pub const fn aws_retries_2_1() -> Self {
        Self::token_quota(QuotaParams::AWS_RETRIES_2_1)
    }

    /// A ratio budget over a sliding window with `params`; see
    /// [`RatioParams`].
    ///
    /// # Panics
    ///
    /// When a parameter is out of range (a `ttl` outside 1 to 60 s, a ratio
    /// outside 0 to 1000, or a budget that allows nothing), with a message
    /// that names the fix; in a `static`, at compile time.
    ///
    /// ```
    /// use stamina::budget::{Charge, RatioParams, RetryBudget};
    ///
    /// let budget = RetryBudget::ratio(RatioParams { min_per_sec: 0, ..RatioParams::FINAGLE });
    /// for _ in 0..10 {
    ///     budget.call_started();
    /// }
    /// // 20 % of 10 calls.
    /// assert_eq!((0..10).filter(|_| budget.try_retry(Charge::Failure)).count(), 2);
    /// ```
    #[track_caller]
    pub const fn ratio(params: RatioParams) -> Self {
        Self::with_policy(Policy::Ratio(Ratio::new(params)))
    }

    /// Finagle's default budget: 20 % of the calls of the last 10 seconds,
    /// plus 10 retries a second.
    ///
    /// ```
    /// assert_eq!(stamina::budget::RetryBudget::finagle().level(), 100); // the reserve: 10/s × 10 s
    /// ```
    pub const fn finagle() -> Self {
        Self::ratio(RatioParams::FINAGLE)
    }

    /// A call started: a ratio budget deposits its share. A token quota does
    /// nothing.
    ///
    /// ```
    /// let budget = stamina::budget::RetryBudget::finagle();
    /// budget.call_started();
    /// ```
    #[inline]
    pub fn call_started(&self) {
        if let Policy::Ratio(ratio) = &self.policy {
            ratio.deposit(ratio.epoch(now_nanos()));
        }
    }

    /// Asks for one retry after a failure of kind `charge`: `true` and the
    /// retry is paid for, or `false` and the loop should give up.
    ///
    /// ```
    /// use stamina::budget::{Charge, RetryBudget};
    ///
    /// assert!(RetryBudget::aws_standard().try_retry(Charge::Failure));
    /// ```
    pub fn try_retry(&self, charge: Charge) -> bool {
        let granted = match &self.policy {
            Policy::Quota(quota) => quota.try_withdraw(charge),
            Policy::Ratio(ratio) => ratio.try_withdraw(ratio.epoch(now_nanos())),
        };
        if !granted {
            self.refused.fetch_add(1, Ordering::Relaxed);
        }
        #[cfg(feature = "metrics")]
        self.report_to_metrics(granted);
        granted
    }

    /// The `metrics` facade's view, kept on the retry path only: the level
    /// after each retry asked for, and each refusal.
    #[cfg(feature = "metrics")]
    #[cold]
    fn report_to_metrics(&self, granted: bool) {
        #[allow(clippy::cast_precision_loss)] // a gauge
        metrics::gauge!("stamina_budget_level", "budget" => self.name).set(self.level() as f64);
        if !granted {
            metrics::counter!("stamina_budget_refusals_total", "budget" => self.name).increment(1);
        }
    }

    /// Lists the budget for the metric sinks, once: every loop that uses it
    /// calls this (one load after the first time).
    #[inline]
    pub(crate) fn list(&'static self) {
        if !self.listed.load(Ordering::Relaxed) {
            self.list_slow();
        }
    }

    #[cold]
    fn list_slow(&'static self) {
        let mut listed = LISTED.lock().unwrap_or_else(PoisonError::into_inner);
        if !self.listed.swap(true, Ordering::Relaxed) {
            listed.push(self);
        }
    }

    /// A call succeeded, on its first attempt (`None`), or after retries, the
    /// last of which followed a failure of kind `last_retry`. A token quota
    /// refills; a ratio budget does nothing (it counted the call when it
    /// started).
    ///
    /// ```
    /// use stamina::budget::{Charge, QuotaParams, RetryBudget};
    ///
    /// let budget = RetryBudget::token_quota(QuotaParams { capacity: 5, ..QuotaParams::AWS_STANDARD });
    /// assert!(budget.try_retry(Charge::Failure));
    /// assert_eq!(budget.level(), 0);
    /// budget.call_succeeded(Some(Charge::Failure)); // the retry worked: refunded
    /// assert_eq!(budget.level(), 5);
    /// ```
    #[inline]
    pub fn call_succeeded(&self, last_retry: Option<Charge>) {
        if let Policy::Quota(quota) = &self.policy {
            quota.deposit_success(last_retry);
        }
    }

    /// What is left, in retries for a ratio budget (at the last expiry) and in
    /// tokens for a token quota: what a gauge shows.
    ///
    /// ```
    /// assert_eq!(stamina::budget::RetryBudget::aws_standard().level(), 500);
    /// ```
    pub fn level(&self) -> u64 {
        match &self.policy {
            Policy::Quota(quota) => quota.level(),
            Policy::Ratio(ratio) => ratio.balance_retries(),
        }
    }

    /// The token quota's parameters, if it is one.
    ///
    /// ```
    /// use stamina::budget::{QuotaParams, RetryBudget};
    /// assert_eq!(RetryBudget::aws_standard().quota_params(), Some(&QuotaParams::AWS_STANDARD));
    /// ```
    pub const fn quota_params(&self) -> Option<&QuotaParams> {
        match &self.policy {
            Policy::Quota(quota) => Some(quota.params()),
            Policy::Ratio(_) => None,
        }
    }

    /// The ratio budget's parameters, if it is one.
    ///
    /// ```
    /// use stamina::budget::{RatioParams, RetryBudget};
    /// assert_eq!(RetryBudget::finagle().ratio_params(), Some(&RatioParams::FINAGLE));
    /// ```
    pub const fn ratio_params(&self) -> Option<&RatioParams> {
        match &self.policy {
            Policy::Quota(_) => None,
            Policy::Ratio(ratio) => Some(ratio.params()),
        }
    }
}

/// The budgets loops have used, for the metric sinks.
static LISTED: Mutex<Vec<&'static RetryBudget>> = Mutex::new(Vec::new());

/// Every budget a retry loop has used so far, in the order of first use.
#[cfg_attr(not(feature = "prometheus"), allow(dead_code))]
pub(crate) fn listed() -> Vec<&'static RetryBudget> {
    LISTED.lock().unwrap_or_else(PoisonError::into_inner).clone()
}

/// Nanoseconds on a monotonic clock: the coarse one (the cheapest read, and
/// a window's slots are 100 ms or more), else `Instant` since a process-wide
/// base. With the `test-util` feature, inside a tokio runtime, tokio's clock
/// since a base an hour before the first read (tokio's paused clocks may read
/// a little earlier than the real one): paused time moves the window.
#[cfg(all(feature = "coarse-clock", not(feature = "test-util")))]
#[inline]
fn now_nanos() -> u64 {
    crate::engine::coarse_nanos()
}

#[cfg(not(all(feature = "coarse-clock", not(feature = "test-util"))))]
fn now_nanos() -> u64 {
    use std::sync::OnceLock;
    use std::time::Instant;

    static BASE: OnceLock<Instant> = OnceLock::new();
    #[cfg(feature = "test-util")]
    let now = tokio::time::Instant::now().into_std();
    #[cfg(not(feature = "test-util"))]
    let now = crate::engine::coarse_now();
    let base = *BASE.get_or_init(|| now.checked_sub(core::time::Duration::from_secs(3600)).unwrap_or(now));
    crate::engine::saturating_nanos(now.saturating_duration_since(base))
}

#[cfg(all(test, stamina_loom))]
mod loom_tests;
#[cfg(test)]
mod tests;
