//! The budgets' arithmetic under any sequence of operations and any
//! parameters: the token quota exactly as its reference model (the rules as
//! they read, `QuotaModel` in stamina-core/src/budget/quota_model.rs), and the
//! ratio budget within its bound (never more retries than its reserve and the
//! calls' deposits pay for). Never a panic.
#![no_main]

use std::time::Duration;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use stamina_core::budget::{Charge, QuotaParams, RatioParams, RetryBudget};

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Op {
    Started,
    Retry(u8),
    Succeeded(Option<u8>),
}

#[derive(Arbitrary, Debug)]
struct Input {
    quota: (u64, u64, u64, u64, u64),
    ratio_permille: u16,
    min_per_sec: u16,
    ttl_secs: u8,
    ops: Vec<Op>,
}

fn charge(n: u8) -> Charge {
    [Charge::Failure, Charge::Timeout, Charge::Throttling][usize::from(n % 3)]
}

// The budget's own reference model, shared with its unit tests.
#[path = "../../src/budget/quota_model.rs"]
mod quota_model;
use quota_model::QuotaModel;

fuzz_target!(|input: Input| {
    let (capacity, retry_cost, timeout_cost, throttling_cost, first_try_refill) = input.quota;
    let params = QuotaParams { capacity, retry_cost, timeout_cost, throttling_cost, first_try_refill };
    let quota = RetryBudget::token_quota(params);
    let mut model = QuotaModel { params, level: capacity };

    let ratio_params = RatioParams {
        retry_ratio: f64::from(input.ratio_permille) / 1000.0,
        // Zero and zero never allows a retry: the constructor refuses it.
        min_per_sec: u32::from(input.min_per_sec).max(u32::from(input.ratio_permille == 0)),
        ttl: Duration::from_secs(u64::from(input.ttl_secs % 60) + 1),
    };
    let ratio = RetryBudget::ratio(ratio_params);
    let (mut calls, mut granted) = (0u64, 0u64);

    for op in input.ops.iter().take(4096) {
        match *op {
            Op::Started => {
                quota.call_started();
                ratio.call_started();
                calls += 1;
            }
            Op::Retry(n) => {
                assert_eq!(quota.try_retry(charge(n)), model.try_withdraw(charge(n)));
                granted += u64::from(ratio.try_retry(charge(n)));
            }
            Op::Succeeded(last) => {
                quota.call_succeeded(last.map(charge));
                model.deposit_success(last.map(charge));
                ratio.call_succeeded(last.map(charge));
            }
        }
        assert_eq!(quota.level(), model.level);
        assert!(quota.level() <= capacity);
    }
    // A run lasts far less than a window: nothing expired, so every retry was
    // paid by the reserve or a call's deposit (in thousandths of a retry).
    let reserve = u64::from(ratio_params.min_per_sec) * ratio_params.ttl.as_secs() * 1000;
    let deposits = u64::from(ratio_params.retry_permille()) * calls;
    assert!(granted * 1000 <= reserve + deposits, "{granted} retries for {calls} calls");
});
