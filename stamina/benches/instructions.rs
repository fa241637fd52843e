//! Instruction counts of every API's paths, counted by callgrind: exact where
//! times are noisy, so CI can pin them (`instructions.sh`, beside this file).
//!
//! Each case is a fn of its own, so that callgrind's inclusive count of it is
//! that case alone. `main` warms each case up (the first retry after
//! `set_on_retry_hooks` resolves the hooks, the first event registers its
//! `tracing` callsite), then runs it again inside [`measure`], the only fn
//! callgrind counts in (`--toggle-collect`). One process runs every case
//! with one hook setting (`--hooks=`): none, the default hooks (with no
//! `tracing` subscriber installed, as in a service that does not collect
//! stamina's events), or one hook of the user's that does nothing.
//!
//! Run it under callgrind with `stamina/benches/instructions.sh`; run alone
//! (`cargo bench -p stamina --bench instructions`), it runs every case once.

mod support;

use std::cell::Cell;
use std::hint::black_box;
use std::time::Duration;

use stamina::instrumentation::{RetryDetails, set_on_retry_hooks};
use support::{
    Transient, async_operation, backon_notify_configured_operation, backon_notify_configured_operation_sync,
    backon_notify_fn_pointer_operation_sync, backon_notify_operation, backon_notify_operation_sync,
    backon_operation, backon_operation_sync, configured_backon, operation, poll_once,
    retried_async_operation, retried_async_operation_no_timeout, retried_operation,
    retried_operation_no_timeout, retryable,
};

/// A case: its name, and the fn that runs it so many times.
type Case = (&'static str, fn(u64));

/// Runs `$body` `$runs` times, each time after setting the failures to come.
macro_rules! repeat {
    ($runs:expr, $failures:expr, |$left:ident| $body:expr) => {{
        let $left = Cell::new(0);
        for _ in 0..$runs {
            $left.set($failures);
            black_box($body);
        }
    }};
}

/// The 16 stamina cases of one configuration: each API, sync and async,
/// success and 3 failures then a success.
macro_rules! stamina_cases {
    ($module:ident, $attribute:ident, $async_attribute:ident, timeout: $timeout:expr, block: [$($block:tt)*]) => {
        mod $module {
            use super::*;

            fn caller() -> stamina::RetryingCaller {
                stamina::RetryingCaller::new().wait_max(Duration::ZERO).timeout($timeout)
            }

            fn async_caller() -> stamina::AsyncRetryingCaller {
                stamina::AsyncRetryingCaller::new().wait_max(Duration::ZERO).timeout($timeout)
            }

            // The predicate as users pass it, and as the peers get it: a fn
            // item, which the loop can inline.
            fn context() -> stamina::RetryContext<impl Fn(&Transient) -> bool + Copy> {
                stamina::retry_context(retryable).wait_max(Duration::ZERO).timeout($timeout)
            }

            // A context kept where its type must be named (a struct field):
            // the predicate is a fn pointer, an opaque call per failure.
            fn context_fn_pointer() -> stamina::RetryContext<fn(&Transient) -> bool> {
                stamina::retry_context(retryable as fn(&Transient) -> bool).wait_max(Duration::ZERO).timeout($timeout)
            }

            #[inline(never)]
            pub(crate) fn attribute_sync_success(runs: u64) {
                repeat!(runs, 0, |left| $attribute(&left).unwrap());
            }
            #[inline(never)]
            pub(crate) fn attribute_sync_retry3(runs: u64) {
                repeat!(runs, 3, |left| $attribute(&left).unwrap());
            }
            #[inline(never)]
            pub(crate) fn attribute_async_success(runs: u64) {
                repeat!(runs, 0, |left| poll_once($async_attribute(&left)).unwrap());
            }
            #[inline(never)]
            pub(crate) fn attribute_async_retry3(runs: u64) {
                repeat!(runs, 3, |left| poll_once($async_attribute(&left)).unwrap());
            }
            #[inline(never)]
            pub(crate) fn block_sync_success(runs: u64) {
                repeat!(runs, 0, |left| stamina::retry_block!($($block)* |_attempt| operation(&left)).unwrap());
            }
            #[inline(never)]
            pub(crate) fn block_sync_retry3(runs: u64) {
                repeat!(runs, 3, |left| stamina::retry_block!($($block)* |_attempt| operation(&left)).unwrap());
            }
            #[inline(never)]
            pub(crate) fn block_async_success(runs: u64) {
                repeat!(runs, 0, |left| poll_once(stamina::retry_block!($($block)* async |_attempt| {
                    async_operation(&left).await
                }))
                .unwrap());
            }
            #[inline(never)]
            pub(crate) fn block_async_retry3(runs: u64) {
                repeat!(runs, 3, |left| poll_once(stamina::retry_block!($($block)* async |_attempt| {
                    async_operation(&left).await
                }))
                .unwrap());
            }
            #[inline(never)]
            pub(crate) fn caller_sync_success(runs: u64) {
                let caller = caller();
                repeat!(runs, 0, |left| caller.call(retryable, || operation(&left)).unwrap());
            }
            #[inline(never)]
            pub(crate) fn caller_sync_retry3(runs: u64) {
                let caller = caller();
                repeat!(runs, 3, |left| caller.call(retryable, || operation(&left)).unwrap());
            }
            #[inline(never)]
            pub(crate) fn caller_async_success(runs: u64) {
                let caller = async_caller();
                repeat!(runs, 0, |left| poll_once(caller.call(retryable, || async_operation(&left))).unwrap());
            }
            #[inline(never)]
            pub(crate) fn caller_async_retry3(runs: u64) {
                let caller = async_caller();
                repeat!(runs, 3, |left| poll_once(caller.call(retryable, || async_operation(&left))).unwrap());
            }
            #[inline(never)]
            pub(crate) fn context_sync_success(runs: u64) {
                let context = context();
                repeat!(runs, 0, |left| context.call(|_| operation(&left)).unwrap());
            }
            #[inline(never)]
            pub(crate) fn context_sync_retry3(runs: u64) {
                let context = context();
                repeat!(runs, 3, |left| context.call(|_| operation(&left)).unwrap());
            }
            #[inline(never)]
            pub(crate) fn context_async_success(runs: u64) {
                let context = context();
                repeat!(runs, 0, |left| poll_once(context.call_async(|_| async_operation(&left))).unwrap());
            }
            #[inline(never)]
            pub(crate) fn context_async_retry3(runs: u64) {
                let context = context();
                repeat!(runs, 3, |left| poll_once(context.call_async(|_| async_operation(&left))).unwrap());
            }

            #[inline(never)]
            pub(crate) fn context_fn_pointer_sync_success(runs: u64) {
                let context = context_fn_pointer();
                repeat!(runs, 0, |left| context.call(|_| operation(&left)).unwrap());
            }
            #[inline(never)]
            pub(crate) fn context_fn_pointer_sync_retry3(runs: u64) {
                let context = context_fn_pointer();
                repeat!(runs, 3, |left| context.call(|_| operation(&left)).unwrap());
            }

            pub(crate) const CASES: [Case; 18] = [
                ("attribute_sync_success", attribute_sync_success),
                ("attribute_sync_retry3", attribute_sync_retry3),
                ("attribute_async_success", attribute_async_success),
                ("attribute_async_retry3", attribute_async_retry3),
                ("block_sync_success", block_sync_success),
                ("block_sync_retry3", block_sync_retry3),
                ("block_async_success", block_async_success),
                ("block_async_retry3", block_async_retry3),
                ("caller_sync_success", caller_sync_success),
                ("caller_sync_retry3", caller_sync_retry3),
                ("caller_async_success", caller_async_success),
                ("caller_async_retry3", caller_async_retry3),
                ("context_sync_success", context_sync_success),
                ("context_sync_retry3", context_sync_retry3),
                ("context_async_success", context_async_success),
                ("context_async_retry3", context_async_retry3),
                ("context_fn_pointer_sync_success", context_fn_pointer_sync_success),
                ("context_fn_pointer_sync_retry3", context_fn_pointer_sync_retry3),
            ];
        }
    };
}

// backon and tokio-retry have no time limit: the like-for-like cases are
// stamina's without one, with and without its default hooks.
stamina_cases!(
    untimed,
    retried_operation_no_timeout,
    retried_async_operation_no_timeout,
    timeout: None,
    block: [on = retryable, wait_max = 0, timeout = None,]
);
// The configuration users get: the 45 s timeout.
stamina_cases!(
    timed,
    retried_operation,
    retried_async_operation,
    timeout: stamina::RetryPolicy::DEFAULT_TIMEOUT,
    block: [on = retryable, wait_max = 0,]
);

/// A retry budget in the loop (issue 16's question: what does having one
/// cost?), against `untimed`'s cases without one. The budgets are large
/// enough never to refuse in a run.
mod budgeted {
    use super::{Case, Cell, Duration, Transient, black_box, operation, poll_once, retryable};
    use crate::support::{retried_async_operation_quota, retried_async_operation_ratio};
    use stamina::budget::{QuotaParams, RatioParams, RetryBudget};

    static QUOTA: RetryBudget =
        RetryBudget::token_quota(QuotaParams { capacity: 1 << 40, ..QuotaParams::AWS_STANDARD });
    static RATIO: RetryBudget = RetryBudget::ratio(RatioParams {
        retry_ratio: 1000.0,
        min_per_sec: 1_000_000,
        ttl: Duration::from_secs(60),
    });

    /// Out of `budgeted`'s namespace, so that `instructions.sh` counts the
    /// cases, not this.
    mod retried {
        use super::{Cell, QUOTA, Transient, operation, retryable};

        #[stamina::retry(on = retryable, wait_max = 0, timeout = None, budget = QUOTA)]
        pub(super) fn attribute_with_quota(failures: &Cell<u32>) -> Result<u64, Transient> {
            operation(failures)
        }
    }
    use retried::attribute_with_quota;

    fn caller(budget: &'static RetryBudget) -> stamina::RetryingCaller {
        stamina::RetryingCaller::new().wait_max(Duration::ZERO).timeout(None).budget(budget)
    }

    #[inline(never)]
    pub(crate) fn attribute_quota_sync_success(runs: u64) {
        repeat!(runs, 0, |left| attribute_with_quota(&left).unwrap());
    }
    #[inline(never)]
    pub(crate) fn attribute_quota_sync_retry3(runs: u64) {
        repeat!(runs, 3, |left| attribute_with_quota(&left).unwrap());
    }
    #[inline(never)]
    pub(crate) fn caller_quota_sync_success(runs: u64) {
        let caller = caller(&QUOTA);
        repeat!(runs, 0, |left| caller.call(retryable, || operation(&left)).unwrap());
    }
    #[inline(never)]
    pub(crate) fn caller_quota_sync_retry3(runs: u64) {
        let caller = caller(&QUOTA);
        repeat!(runs, 3, |left| caller.call(retryable, || operation(&left)).unwrap());
    }
    #[inline(never)]
    pub(crate) fn caller_ratio_sync_success(runs: u64) {
        let caller = caller(&RATIO);
        repeat!(runs, 0, |left| caller.call(retryable, || operation(&left)).unwrap());
    }
    #[inline(never)]
    pub(crate) fn caller_ratio_sync_retry3(runs: u64) {
        let caller = caller(&RATIO);
        repeat!(runs, 3, |left| caller.call(retryable, || operation(&left)).unwrap());
    }

    // The async attribute with each budget: the support module's fns, whose
    // budgets are as large as these.
    #[inline(never)]
    pub(crate) fn attribute_quota_async_success(runs: u64) {
        repeat!(runs, 0, |left| poll_once(retried_async_operation_quota(&left)).unwrap());
    }
    #[inline(never)]
    pub(crate) fn attribute_quota_async_retry3(runs: u64) {
        repeat!(runs, 3, |left| poll_once(retried_async_operation_quota(&left)).unwrap());
    }
    #[inline(never)]
    pub(crate) fn attribute_ratio_async_success(runs: u64) {
        repeat!(runs, 0, |left| poll_once(retried_async_operation_ratio(&left)).unwrap());
    }
    #[inline(never)]
    pub(crate) fn attribute_ratio_async_retry3(runs: u64) {
        repeat!(runs, 3, |left| poll_once(retried_async_operation_ratio(&left)).unwrap());
    }

    pub(crate) const CASES: [Case; 10] = [
        ("attribute_quota_async_success", attribute_quota_async_success),
        ("attribute_quota_async_retry3", attribute_quota_async_retry3),
        ("attribute_ratio_async_success", attribute_ratio_async_success),
        ("attribute_ratio_async_retry3", attribute_ratio_async_retry3),
        ("attribute_quota_sync_success", attribute_quota_sync_success),
        ("attribute_quota_sync_retry3", attribute_quota_sync_retry3),
        ("caller_quota_sync_success", caller_quota_sync_success),
        ("caller_quota_sync_retry3", caller_quota_sync_retry3),
        ("caller_ratio_sync_success", caller_ratio_sync_success),
        ("caller_ratio_sync_retry3", caller_ratio_sync_retry3),
    ];
}

/// What stamina's cases compare with: the operation alone (a hand-written
/// loop), and backon, plain and instrumented as stamina's default is.
mod peers {
    use super::{
        Case, Cell, async_operation, backon_notify_configured_operation,
        backon_notify_configured_operation_sync, backon_notify_fn_pointer_operation_sync,
        backon_notify_operation, backon_notify_operation_sync, backon_operation, backon_operation_sync,
        black_box, configured_backon, operation, poll_once,
    };

    #[inline(never)]
    pub(crate) fn bare_sync_success(runs: u64) {
        repeat!(runs, 0, |left| bare_sync(&left));
    }
    #[inline(never)]
    pub(crate) fn bare_sync_retry3(runs: u64) {
        repeat!(runs, 3, |left| bare_sync(&left));
    }
    #[inline(never)]
    pub(crate) fn bare_async_success(runs: u64) {
        repeat!(runs, 0, |left| poll_once(bare_async(&left)));
    }
    #[inline(never)]
    pub(crate) fn bare_async_retry3(runs: u64) {
        repeat!(runs, 3, |left| poll_once(bare_async(&left)));
    }
    #[inline(never)]
    pub(crate) fn backon_sync_success(runs: u64) {
        repeat!(runs, 0, |left| backon_operation_sync(&left).unwrap());
    }
    #[inline(never)]
    pub(crate) fn backon_sync_retry3(runs: u64) {
        repeat!(runs, 3, |left| backon_operation_sync(&left).unwrap());
    }
    #[inline(never)]
    pub(crate) fn backon_async_success(runs: u64) {
        repeat!(runs, 0, |left| poll_once(backon_operation(&left)).unwrap());
    }
    #[inline(never)]
    pub(crate) fn backon_async_retry3(runs: u64) {
        repeat!(runs, 3, |left| poll_once(backon_operation(&left)).unwrap());
    }
    #[inline(never)]
    pub(crate) fn backon_notify_sync_success(runs: u64) {
        repeat!(runs, 0, |left| backon_notify_operation_sync(&left).unwrap());
    }
    #[inline(never)]
    pub(crate) fn backon_notify_sync_retry3(runs: u64) {
        repeat!(runs, 3, |left| backon_notify_operation_sync(&left).unwrap());
    }
    #[inline(never)]
    pub(crate) fn backon_notify_async_success(runs: u64) {
        repeat!(runs, 0, |left| poll_once(backon_notify_operation(&left)).unwrap());
    }
    #[inline(never)]
    pub(crate) fn backon_notify_async_retry3(runs: u64) {
        repeat!(runs, 3, |left| poll_once(backon_notify_operation(&left)).unwrap());
    }

    #[inline(never)]
    pub(crate) fn backon_notify_configured_sync_success(runs: u64) {
        let builder = configured_backon();
        repeat!(runs, 0, |left| backon_notify_configured_operation_sync(builder, &left).unwrap());
    }
    #[inline(never)]
    pub(crate) fn backon_notify_configured_sync_retry3(runs: u64) {
        let builder = configured_backon();
        repeat!(runs, 3, |left| backon_notify_configured_operation_sync(builder, &left).unwrap());
    }
    #[inline(never)]
    pub(crate) fn backon_notify_configured_async_success(runs: u64) {
        let builder = configured_backon();
        repeat!(runs, 0, |left| poll_once(backon_notify_configured_operation(builder, &left)).unwrap());
    }
    #[inline(never)]
    pub(crate) fn backon_notify_configured_async_retry3(runs: u64) {
        let builder = configured_backon();
        repeat!(runs, 3, |left| poll_once(backon_notify_configured_operation(builder, &left)).unwrap());
    }

    #[inline(never)]
    pub(crate) fn backon_notify_fn_pointer_sync_retry3(runs: u64) {
        repeat!(runs, 3, |left| backon_notify_fn_pointer_operation_sync(&left).unwrap());
    }

    fn bare_sync(left: &Cell<u32>) -> u64 {
        loop {
            if let Ok(value) = operation(left) {
                break value;
            }
        }
    }

    async fn bare_async(left: &Cell<u32>) -> u64 {
        loop {
            if let Ok(value) = async_operation(left).await {
                break value;
            }
        }
    }

    pub(crate) const CASES: [Case; 17] = [
        ("bare_sync_success", bare_sync_success),
        ("bare_sync_retry3", bare_sync_retry3),
        ("bare_async_success", bare_async_success),
        ("bare_async_retry3", bare_async_retry3),
        ("backon_sync_success", backon_sync_success),
        ("backon_sync_retry3", backon_sync_retry3),
        ("backon_async_success", backon_async_success),
        ("backon_async_retry3", backon_async_retry3),
        ("backon_notify_sync_success", backon_notify_sync_success),
        ("backon_notify_sync_retry3", backon_notify_sync_retry3),
        ("backon_notify_async_success", backon_notify_async_success),
        ("backon_notify_async_retry3", backon_notify_async_retry3),
        ("backon_notify_configured_sync_success", backon_notify_configured_sync_success),
        ("backon_notify_configured_sync_retry3", backon_notify_configured_sync_retry3),
        ("backon_notify_configured_async_success", backon_notify_configured_async_success),
        ("backon_notify_configured_async_retry3", backon_notify_configured_async_retry3),
        ("backon_notify_fn_pointer_sync_retry3", backon_notify_fn_pointer_sync_retry3),
    ];
}

/// The only fn callgrind counts in: `run` called with `runs`.
#[inline(never)]
fn measure(run: fn(u64), runs: u64) {
    run(black_box(runs));
}

/// Warms `run` up, then measures it.
fn warm_up_and_measure(run: fn(u64), runs: u64) {
    run(10);
    measure(run, runs);
}

fn main() {
    // `--runs=N` (default 1: a smoke run), `--hooks=none|default|no_op` (default
    // `none`); `cargo bench` adds `--bench`. The hooks are a process-wide
    // setting, and callgrind adds up a fn's runs: one process per setting.
    let arg = |key: &str| std::env::args().find_map(|arg| arg.strip_prefix(key).map(str::to_owned));
    let runs = arg("--runs=").map_or(1, |runs| runs.parse().expect("--runs=N"));
    match arg("--hooks=").as_deref() {
        None | Some("none") => {
            set_on_retry_hooks([]);
            for (name, run) in peers::CASES {
                println!("peers::{name}");
                warm_up_and_measure(run, runs);
            }
        }
        // The default hooks of the features this bench is built with: the
        // `tracing` hook, for stamina's default features.
        Some("default") => set_on_retry_hooks(None),
        // A hook of the user's that does nothing: what the registry costs
        // when it has to call the hooks.
        Some("no_op") => set_on_retry_hooks((no_op_hook,)),
        Some(other) => panic!("--hooks={other}: none, default or no_op"),
    }
    let stamina_cases: [(&str, &[Case]); 3] =
        [("untimed", &untimed::CASES), ("timed", &timed::CASES), ("budgeted", &budgeted::CASES)];
    for (module, cases) in stamina_cases {
        for &(name, run) in cases {
            println!("{module}::{name}");
            warm_up_and_measure(run, runs);
        }
    }
}

fn no_op_hook(_: &RetryDetails<'_>) {}
