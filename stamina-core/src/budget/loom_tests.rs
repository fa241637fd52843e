//! Every interleaving (loom) of two or three threads withdrawing from and
//! depositing into a budget: never more retries granted than the tokens
//! allow, nothing lost, the level never above the capacity.
//!
//! Run with `RUSTFLAGS="--cfg stamina_loom" cargo test -p stamina-core --lib
//! --release loom` (the README's "Contributing" part).

use loom::sync::Arc;
use loom::thread;

use super::Charge;
use super::quota::{Quota, QuotaParams};
use super::ratio::{Ratio, RatioParams};

const SMALL: QuotaParams =
    QuotaParams { capacity: 10, retry_cost: 5, timeout_cost: 10, throttling_cost: 5, first_try_refill: 1 };

#[test]
fn three_withdrawals_from_two_retries_worth_grant_two() {
    loom::model(|| {
        let quota = Arc::new(Quota::new(SMALL));
        quota.level(); // creates its loom atomic here (see `crate::sync`)
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let quota = Arc::clone(&quota);
                thread::spawn(move || quota.try_withdraw(Charge::Failure))
            })
            .collect();
        let mine = quota.try_withdraw(Charge::Throttling);
        let granted =
            threads.into_iter().map(|t| t.join().unwrap()).filter(|&g| g).count() + usize::from(mine);
        assert_eq!(granted, 2);
        assert_eq!(quota.level(), 0);
    });
}

#[test]
fn withdrawals_racing_deposits_never_over_grant_nor_overfill() {
    loom::model(|| {
        let quota = Arc::new(Quota::new(SMALL));
        quota.level(); // creates its loom atomic here (see `crate::sync`)
        // A 10-token withdrawal and a 5-token one race a refund of 5 and a
        // first-try refill of 1, from a full bucket of 10.
        let big = {
            let quota = Arc::clone(&quota);
            thread::spawn(move || quota.try_withdraw(Charge::Timeout))
        };
        let refund = {
            let quota = Arc::clone(&quota);
            thread::spawn(move || {
                quota.deposit_success(Some(Charge::Failure));
                quota.deposit_success(None);
            })
        };
        let small = quota.try_withdraw(Charge::Failure);
        let big = big.join().unwrap();
        refund.join().unwrap();
        let taken = u64::from(big) * 10 + u64::from(small) * 5;
        // What was granted was there: at most the capacity plus the deposits.
        assert!(taken <= 10 + 6, "{taken}");
        // Every grant and deposit accounted for: deposits into a full bucket
        // are dropped, so the level is at most what the arithmetic says.
        assert!(quota.level() <= 10);
        assert!(quota.level() + taken <= 10 + 6);
        // A timeout retry can only have been granted on a full bucket.
        if big && small {
            assert!(quota.level() <= 6);
        }
    });
}

/// One retry of reserve (1 a second for 1 s), and one retry per call.
const RATIO: RatioParams =
    RatioParams { retry_ratio: 1.0, min_per_sec: 1, ttl: core::time::Duration::from_secs(1) };

#[test]
fn ratio_withdrawals_racing_a_deposit_grant_only_what_was_there() {
    let mut model = loom::model::Builder::new();
    model.preemption_bound = Some(3);
    model.check(|| {
        let ratio = Arc::new(Ratio::new(RATIO));
        ratio.touch_atomics();
        // A call deposits one retry while two retries withdraw, all in the
        // budget's first epoch (no slot to expire: the window's moves are the
        // next model's): the first is paid by the reserve, the second only if
        // the deposit came first.
        let call = {
            let ratio = Arc::clone(&ratio);
            thread::spawn(move || ratio.deposit(0))
        };
        let retry = {
            let ratio = Arc::clone(&ratio);
            thread::spawn(move || ratio.try_withdraw(0))
        };
        let mine = ratio.try_withdraw(0);
        call.join().unwrap();
        let granted = usize::from(retry.join().unwrap()) + usize::from(mine);
        assert!((1..=2).contains(&granted), "{granted}");
        // Nothing lost: the balance is the reserve plus the deposit minus the
        // grants, exactly.
        assert_eq!(ratio.balance_retries(), 2 - granted as u64);
    });
}

#[test]
fn a_window_moving_during_a_withdrawal_expires_each_slot_once() {
    let mut model = loom::model::Builder::new();
    model.preemption_bound = Some(3);
    model.check(|| {
        let ratio = Arc::new(Ratio::new(RATIO));
        ratio.touch_atomics();
        ratio.deposit(0); // the reserve and one retry of deposits
        // A retry in epoch 0 races a call ten epochs later, whose deposit
        // expires epoch 0's slot (the window is ten slots).
        let later = {
            let ratio = Arc::clone(&ratio);
            thread::spawn(move || ratio.deposit(10))
        };
        let granted = ratio.try_withdraw(0);
        later.join().unwrap();
        assert!(granted, "the reserve alone pays for one retry");
        // After the window moved: epoch 0's deposit expired exactly once,
        // and the retry's withdrawal either expired with it (it was recorded
        // in epoch 0) or counts in the new window: what is left is the
        // reserve and the new call's retry at most, less the retry if it
        // still counts.
        let balance = ratio.balance_retries();
        assert!((1..=2).contains(&balance), "{balance}");
        assert!(ratio.try_withdraw(10));
    });
}
