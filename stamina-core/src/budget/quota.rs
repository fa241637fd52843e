//! A token quota in the style of the AWS SDKs' standard retry quota: a bucket
//! that retries draw from and successes refill.

use crate::sync::{AtomicU64, Ordering};

use super::Charge;

/// The parameters of a [`TokenQuota`](super::RetryBudget::token_quota).
///
/// | field | meaning | AWS retries 2.0 | AWS retries 2.1 |
/// |---|---|---|---|
/// | `capacity` | tokens when full, and at the start | 500 | 500 |
/// | `retry_cost` | a retry after an ordinary failure | 5 | 14 |
/// | `timeout_cost` | a retry after a timed-out attempt | 10 | 14 |
/// | `throttling_cost` | a retry after the server said to slow down ([`Decision::Throttled`](crate::Decision::Throttled): an HTTP 429) | 5 | 5 |
/// | `first_try_refill` | added by a call that succeeded on its first attempt | 1 | 1 |
///
/// A call that succeeds after retries gives back what its last retry cost
/// (the AWS SDKs drop that retry's permit); a call that gives up gives back
/// nothing. The level never exceeds `capacity`.
///
/// ```
/// use stamina::budget::QuotaParams;
///
/// assert_eq!(QuotaParams::AWS_STANDARD.capacity, 500);
/// assert_eq!(QuotaParams::AWS_RETRIES_2_1.retry_cost, 14);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct QuotaParams {
    /// Tokens when full, and at the start.
    pub capacity: u64,
    /// What a retry after an ordinary failure costs.
    pub retry_cost: u64,
    /// What a retry after a timed-out attempt costs.
    pub timeout_cost: u64,
    /// What a retry after throttling costs.
    pub throttling_cost: u64,
    /// What a call that succeeded on its first attempt adds.
    pub first_try_refill: u64,
}

impl QuotaParams {
    /// The AWS SDKs' standard retry quota, "retries 2.0" (smithy-rs
    /// `token_bucket.rs`: `DEFAULT_CAPACITY`, `DEFAULT_RETRY_COST`,
    /// `DEFAULT_RETRY_TIMEOUT_COST`, `PERMIT_REGENERATION_AMOUNT`): after a
    /// cold outage, 100 retries (50 after timeouts) until successes refill it.
    ///
    /// ```
    /// use stamina::budget::QuotaParams;
    ///
    /// let params = QuotaParams::AWS_STANDARD;
    /// assert_eq!(params.capacity / params.retry_cost, 100);
    /// ```
    pub const AWS_STANDARD: Self =
        Self { capacity: 500, retry_cost: 5, timeout_cost: 10, throttling_cost: 5, first_try_refill: 1 };

    /// The AWS SDKs' "retries 2.1" revision (smithy-rs#4638): an ordinary or
    /// timed-out retry costs 14, a throttled one 5 (the server asked
    /// explicitly): 35 ordinary retries, or 100 throttled ones, from full.
    ///
    /// ```
    /// use stamina::budget::QuotaParams;
    ///
    /// let params = QuotaParams::AWS_RETRIES_2_1;
    /// assert_eq!((params.capacity / params.retry_cost, params.capacity / params.throttling_cost), (35, 100));
    /// ```
    pub const AWS_RETRIES_2_1: Self =
        Self { capacity: 500, retry_cost: 14, timeout_cost: 14, throttling_cost: 5, first_try_refill: 1 };

    /// What a retry after `charge` costs.
    ///
    /// ```
    /// use stamina::budget::{Charge, QuotaParams};
    ///
    /// assert_eq!(QuotaParams::AWS_RETRIES_2_1.cost(Charge::Throttling), 5);
    /// ```
    pub const fn cost(&self, charge: Charge) -> u64 {
        match charge {
            Charge::Failure => self.retry_cost,
            Charge::Timeout => self.timeout_cost,
            Charge::Throttling => self.throttling_cost,
        }
    }
}

/// The bucket itself: one atomic word.
#[derive(Debug)]
pub(super) struct Quota {
    params: QuotaParams,
    level: AtomicU64,
}

impl Quota {
    pub(super) const fn new(params: QuotaParams) -> Self {
        Self { params, level: AtomicU64::new(params.capacity) }
    }

    pub(super) const fn params(&self) -> &QuotaParams {
        &self.params
    }

    /// Takes what a retry after `charge` costs, if the bucket holds it.
    pub(super) fn try_withdraw(&self, charge: Charge) -> bool {
        let cost = self.params.cost(charge);
        self.level.fetch_update(Ordering::AcqRel, Ordering::Acquire, |level| level.checked_sub(cost)).is_ok()
    }

    /// A call succeeded: on its first attempt, or after a last retry that
    /// followed `last_retry`.
    pub(super) fn deposit_success(&self, last_retry: Option<Charge>) {
        let amount = match last_retry {
            None => self.params.first_try_refill,
            Some(charge) => self.params.cost(charge),
        };
        if amount == 0 {
            return;
        }
        let capacity = self.params.capacity;
        // A full bucket (the steady state of a healthy dependency) is only
        // read: no write, so no cache line bounces between the callers.
        let _ = self.level.fetch_update(Ordering::AcqRel, Ordering::Acquire, |level| {
            (level < capacity).then(|| level.saturating_add(amount).min(capacity))
        });
    }

    pub(super) fn level(&self) -> u64 {
        self.level.load(Ordering::Acquire)
    }
}
