//! The budgets against reference models written with plain integers, one
//! thread, and the most direct reading of their rules; and against their
//! documented bounds, also from eight threads at once.
// Counts here stay far below 2^52: the casts are exact.
#![allow(
    clippy::cast_possible_wrap,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss
)]

use core::time::Duration;
use std::sync::Arc;

use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};

use super::quota::{Quota, QuotaParams};
use super::ratio::{RETRY_TOKENS, Ratio, RatioParams, SLOTS};
use super::{Charge, RetryBudget};

const OPERATIONS: usize = 1_000_000;

const CHARGES: [Charge; 3] = [Charge::Failure, Charge::Timeout, Charge::Throttling];

#[path = "quota_model.rs"]
mod quota_model;
use quota_model::QuotaModel;

/// The ratio budget as its rules read: the calls and retries of each epoch;
/// what is available is the reserve plus the calls' deposits minus the
/// retries' withdrawals of the last `SLOTS` epochs.
struct RatioModel {
    permille: i64,
    reserve: i64,
    /// Epoch -> (calls, retries granted), for the last `2 × SLOTS` epochs.
    epochs: std::collections::BTreeMap<u32, (u64, u64)>,
}

impl RatioModel {
    fn new(params: RatioParams) -> Self {
        let reserve = i64::from(params.min_per_sec) * i64::try_from(params.ttl.as_millis()).unwrap() / 1000
            * RETRY_TOKENS;
        Self {
            permille: i64::from(params.retry_permille()),
            reserve,
            epochs: std::collections::BTreeMap::new(),
        }
    }

    /// Calls and retries of the epochs in `(now - epochs, now]`.
    fn totals(&mut self, now: u32, epochs: u32) -> (u64, u64) {
        self.epochs.retain(|at, _| now - at < 2 * SLOTS);
        self.epochs
            .range(now.saturating_sub(epochs - 1)..=now)
            .fold((0, 0), |(calls, retries), (_, (c, r))| (calls + c, retries + r))
    }

    fn available(&mut self, now: u32) -> i64 {
        let (calls, retries) = self.totals(now, SLOTS);
        self.reserve + self.permille * calls as i64 - RETRY_TOKENS * retries as i64
    }

    fn deposit(&mut self, now: u32) {
        self.epochs.entry(now).or_default().0 += 1;
    }

    fn try_withdraw(&mut self, now: u32) -> bool {
        if self.available(now) < RETRY_TOKENS {
            return false;
        }
        self.epochs.entry(now).or_default().1 += 1;
        true
    }
}

#[test]
fn the_quota_grants_exactly_what_its_model_grants() {
    let mut rng = SmallRng::seed_from_u64(7);
    for (capacity, retry_cost, timeout_cost, throttling_cost, refill) in [
        (1, 1, 1, 1, 1),
        (500, 5, 10, 5, 1),
        (500, 14, 14, 5, 1),
        (10_000, 20, 20, 1, 3),
        (37, 3, 7, 2, 0),
        (2, 20, 1, 20, 2),
    ] {
        let params =
            QuotaParams { capacity, retry_cost, timeout_cost, throttling_cost, first_try_refill: refill };
        let quota = Quota::new(params);
        let mut model = QuotaModel { params, level: capacity };
        let (mut granted, mut refunds) = (0u64, 0u64);
        for _ in 0..OPERATIONS {
            let charge = CHARGES[rng.random_range(0..3)];
            match rng.random_range(0..4) {
                0 | 1 => {
                    let got = quota.try_withdraw(charge);
                    assert_eq!(got, model.try_withdraw(charge), "{params:?}");
                    granted += u64::from(got) * params.cost(charge);
                }
                2 => {
                    quota.deposit_success(None);
                    model.deposit_success(None);
                    refunds += refill;
                }
                _ => {
                    quota.deposit_success(Some(charge));
                    model.deposit_success(Some(charge));
                    refunds += params.cost(charge);
                }
            }
            assert_eq!(quota.level(), model.level, "{params:?}");
        }
        // The documented bound: never more than the capacity plus what was
        // earned back.
        assert!(granted <= capacity + refunds, "{params:?}: {granted} > {capacity} + {refunds}");
    }
}

#[test]
fn the_ratio_budget_grants_exactly_what_its_model_grants_and_never_more_than_its_bound() {
    let mut rng = SmallRng::seed_from_u64(11);
    for retry_ratio in [0.01, 0.1, 0.3, 0.6, 0.9, 2.0] {
        for (min_per_sec, ttl_secs) in [(0, 10), (10, 10), (1, 1)] {
            let params = RatioParams { retry_ratio, min_per_sec, ttl: Duration::from_secs(ttl_secs) };
            let ratio = Ratio::new(params);
            let mut model = RatioModel::new(params);
            // Time moves forward by whole epochs now and then, sometimes far.
            let mut epoch = 1_000u32;
            let (mut granted, mut deposits) = (0u64, 0u64);
            let reserve = u64::from(min_per_sec) * ttl_secs;
            // 10^6 operations per ratio, over its three reserves.
            for _ in 0..OPERATIONS / 3 {
                match rng.random_range(0..1000) {
                    0 => epoch += 1,
                    1 => epoch += rng.random_range(2..30),
                    n if n < 500 => {
                        ratio.deposit(epoch);
                        model.deposit(epoch);
                        deposits += 1;
                        assert_eq!(
                            ratio.balance_retries() as i64,
                            model.available(epoch).max(0) / RETRY_TOKENS
                        );
                    }
                    _ => {
                        let got = ratio.try_withdraw(epoch);
                        assert_eq!(got, model.try_withdraw(epoch), "{params:?} at epoch {epoch}");
                        granted += u64::from(got);
                        assert_eq!(
                            ratio.balance_retries() as i64,
                            model.available(epoch).max(0) / RETRY_TOKENS
                        );
                        // The documented bound: the retries granted within a
                        // ttl are at most the ratio of the calls of that ttl
                        // and the one before, plus the reserve.
                        let (_, retries) = model.totals(epoch, SLOTS);
                        let (calls, _) = model.totals(epoch, 2 * SLOTS);
                        let bound = (retry_ratio * calls as f64).ceil() as u64 + reserve;
                        assert!(retries <= bound, "{params:?}: {retries} > {bound}");
                    }
                }
            }
            assert!(deposits > 0 && granted > 0, "{params:?}");
        }
    }
}

#[test]
fn a_whole_window_later_everything_has_expired() {
    let params = RatioParams { retry_ratio: 0.5, min_per_sec: 1, ttl: Duration::from_secs(10) };
    let ratio = Ratio::new(params);
    for _ in 0..100 {
        ratio.deposit(50);
    }
    assert_eq!(ratio.balance_retries(), 50 + 10);
    // Still inside the window.
    assert!(ratio.try_withdraw(59));
    assert_eq!(ratio.balance_retries(), 59);
    // Ten epochs (one ttl) after the deposits: only the reserve is left, and
    // the withdrawal from epoch 59 still counts against it.
    assert!(ratio.try_withdraw(60));
    assert_eq!(ratio.balance_retries(), 8);
    // A ttl after that withdrawal, the whole reserve is back.
    assert!(ratio.try_withdraw(70));
    assert_eq!(ratio.balance_retries(), 9);
}

/// Eight threads, 10^5 mixed operations each, one budget: the total granted
/// never exceeds the bound, and the final level is what the totals say.
#[test]
fn concurrent_operations_never_over_grant() {
    const THREADS: u64 = 8;
    const PER_THREAD: usize = 100_000;

    let ratio =
        Arc::new(Ratio::new(RatioParams { retry_ratio: 0.3, min_per_sec: 5, ttl: Duration::from_secs(10) }));
    let quota = Arc::new(Quota::new(QuotaParams::AWS_STANDARD));
    let threads: Vec<_> = (0..THREADS)
        .map(|seed| {
            let (ratio, quota) = (Arc::clone(&ratio), Arc::clone(&quota));
            std::thread::spawn(move || {
                let mut rng = SmallRng::seed_from_u64(seed);
                let (mut deposits, mut granted, mut quota_granted, mut quota_refunded) =
                    (0u64, 0u64, 0u64, 0u64);
                for _ in 0..PER_THREAD {
                    // One epoch: nothing expires, so the totals decide.
                    if rng.random_bool(0.5) {
                        ratio.deposit(42);
                        deposits += 1;
                    } else {
                        granted += u64::from(ratio.try_withdraw(42));
                    }
                    let charge = CHARGES[rng.random_range(0..3)];
                    if quota.try_withdraw(charge) {
                        quota_granted += QuotaParams::AWS_STANDARD.cost(charge);
                        // Half of the retries succeed and are refunded.
                        if rng.random_bool(0.5) {
                            quota.deposit_success(Some(charge));
                            quota_refunded += QuotaParams::AWS_STANDARD.cost(charge);
                        }
                    }
                }
                (deposits, granted, quota_granted, quota_refunded)
            })
        })
        .collect();
    let (mut deposits, mut granted, mut quota_granted, mut quota_refunded) = (0, 0, 0, 0);
    for thread in threads {
        let totals = thread.join().unwrap();
        deposits += totals.0;
        granted += totals.1;
        quota_granted += totals.2;
        quota_refunded += totals.3;
    }
    let reserve = 5 * 10;
    assert!(granted <= (0.3 * deposits as f64).ceil() as u64 + reserve, "{granted} of {deposits}");
    // Exactly what the totals leave: reserve + 300 per deposit - 1000 per grant.
    let balance = reserve as i64 * 1000 + 300 * deposits as i64 - 1000 * granted as i64;
    assert_eq!(ratio.balance_retries() as i64, balance / 1000);
    // The deposits outnumber what the bound lets through: the budget was the
    // limit, not the demand.
    assert!(granted + 50 >= (0.3 * deposits as f64) as u64, "{granted} of {deposits}");
    assert_eq!(quota.level(), 500 + quota_refunded - quota_granted);
}

#[test]
fn a_budget_in_a_static_is_shared() {
    static SHARED: RetryBudget =
        RetryBudget::token_quota(QuotaParams { capacity: 20, ..QuotaParams::AWS_STANDARD });
    let threads: Vec<_> = (0..4)
        .map(|_| std::thread::spawn(|| (0..10).filter(|_| SHARED.try_retry(Charge::Failure)).count()))
        .collect();
    let granted: usize = threads.into_iter().map(|thread| thread.join().unwrap()).sum();
    assert_eq!(granted, 4);
}

/// Eight threads racing for the last tokens: exactly as many retries are
/// granted as the tokens pay for, not one more.
#[test]
fn racing_threads_get_exactly_what_the_tokens_pay_for() {
    let ratio =
        Arc::new(Ratio::new(RatioParams { retry_ratio: 0.3, min_per_sec: 5, ttl: Duration::from_secs(10) }));
    for _ in 0..10_000 {
        ratio.deposit(42);
    }
    let quota = Arc::new(Quota::new(QuotaParams { capacity: 10_000, ..QuotaParams::AWS_STANDARD }));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let (ratio, quota) = (Arc::clone(&ratio), Arc::clone(&quota));
            std::thread::spawn(move || {
                let ratio_granted = (0..2_000).filter(|_| ratio.try_withdraw(42)).count();
                let quota_granted = (0..2_000).filter(|_| quota.try_withdraw(Charge::Failure)).count();
                (ratio_granted, quota_granted)
            })
        })
        .collect();
    let (mut ratio_granted, mut quota_granted) = (0, 0);
    for thread in threads {
        let (r, q) = thread.join().unwrap();
        ratio_granted += r;
        quota_granted += q;
    }
    assert_eq!(ratio_granted, 3_000 + 50); // 30 % of 10 000 calls, plus 5/s × 10 s
    assert_eq!(ratio.balance_retries(), 0);
    assert_eq!(quota_granted, 2_000); // 10 000 tokens at 5 each
    assert_eq!(quota.level(), 0);
}

/// With `test-util`, a ratio budget's window moves with tokio's paused clock.
#[cfg(feature = "test-util")]
#[tokio::test(start_paused = true)]
async fn the_window_moves_with_paused_time() {
    let budget =
        RetryBudget::ratio(RatioParams { retry_ratio: 1.0, min_per_sec: 0, ttl: Duration::from_secs(10) });
    for _ in 0..3 {
        budget.call_started();
    }
    tokio::time::sleep(Duration::from_secs(9)).await;
    assert!(budget.try_retry(Charge::Failure));
    assert_eq!(budget.level(), 2);
    // 10 s after the calls, their deposits have expired; the retry's
    // withdrawal (1 s later) has not.
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(!budget.try_retry(Charge::Failure));
    budget.call_started();
    assert!(!budget.try_retry(Charge::Failure), "the retry from 9 s still counts");
    tokio::time::sleep(Duration::from_secs(9)).await;
    assert!(budget.try_retry(Charge::Failure), "now only the new call counts");
}
