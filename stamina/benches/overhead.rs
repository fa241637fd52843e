//! What a retry wrapper costs, side by side with its peers, in one run.
//!
//! Every case wraps the same tiny operation. "success" runs it once; "retry3"
//! fails three times with zero waits, then succeeds. Async futures are polled
//! once with a no-op waker: with no real waits they complete on the first poll,
//! so the numbers are the libraries' own overhead, without an executor's.
//!
//! Run: `cargo bench -p stamina --bench overhead`. Compare each library with
//! `bare` of the same group (the operation alone, or a hand-written loop).
//! stamina's cases run twice: with no instrumentation hook installed, and
//! with the default hooks (`_default_hooks`: the `tracing` hook, with no
//! subscriber installed), beside backon with a `tracing` event per retry
//! (`backon_notify`). The `threads_*` groups run retries on 1 and 2 threads at
//! once, sharing the hooks: the time is per call on each thread. The
//! `budget_*` groups compare the attribute without a budget, with a token
//! quota and with a ratio budget, and `threads_retry3_sync_budget_*` shares
//! one budget between 1 and 2 threads (every retry writes to it).

mod support;

use std::cell::Cell;
use std::hint::black_box;
use std::sync::Barrier;
use std::time::{Duration, Instant};

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, criterion_group, criterion_main};
use stamina::instrumentation::{RetryDetails, set_on_retry_hooks};
use support::{
    async_operation, backon_notify_operation, backon_notify_operation_sync, backon_operation,
    backon_operation_sync, operation, poll_once, retried_async_operation, retried_async_operation_no_timeout,
    retried_async_operation_quota, retried_async_operation_ratio, retried_operation,
    retried_operation_no_timeout, retried_operation_quota, retried_operation_ratio, retryable, warn_retry,
    zero_wait_backon,
};

fn sync_cases(c: &mut Criterion, group_name: &str, failures: u32) {
    let mut group = c.benchmark_group(group_name);
    let left = Cell::new(0);

    group.bench_function("bare", |b| {
        b.iter(|| {
            left.set(failures);
            loop {
                if let Ok(value) = operation(&left) {
                    break black_box(value);
                }
            }
        });
    });
    group.bench_function("backon", |b| {
        use backon::BlockingRetryable;
        b.iter(|| {
            left.set(failures);
            black_box(
                (|| operation(&left)).retry(zero_wait_backon()).sleep(|_| {}).when(retryable).call().unwrap(),
            )
        });
    });
    group.bench_function("backon_in_fn", |b| {
        b.iter(|| {
            left.set(failures);
            black_box(backon_operation_sync(&left).unwrap())
        });
    });
    group.bench_function("backon_notify", |b| {
        use backon::BlockingRetryable;
        b.iter(|| {
            left.set(failures);
            black_box(
                (|| operation(&left))
                    .retry(zero_wait_backon())
                    .sleep(|_| {})
                    .when(retryable)
                    .notify(warn_retry)
                    .call()
                    .unwrap(),
            )
        });
    });
    group.bench_function("backon_notify_in_fn", |b| {
        b.iter(|| {
            left.set(failures);
            black_box(backon_notify_operation_sync(&left).unwrap())
        });
    });
    for hooks in Hooks::BOTH {
        hooks.install();
        sync_stamina_cases(&mut group, &left, failures, hooks.suffix());
        sync_no_timeout_cases(&mut group, &left, failures, hooks.suffix());
    }
    Hooks::None.install();
    group.finish();
}

/// The hooks stamina's cases run with.
#[derive(Clone, Copy)]
enum Hooks {
    /// `set_on_retry_hooks([])`: what stamina itself costs.
    None,
    /// `set_on_retry_hooks(None)`: what users run (the `tracing` hook with
    /// stamina's default features), here with no subscriber.
    Default,
}

impl Hooks {
    const BOTH: [Self; 2] = [Self::None, Self::Default];

    fn install(self) {
        match self {
            Self::None => set_on_retry_hooks([]),
            Self::Default => set_on_retry_hooks(None),
        }
    }

    fn suffix(self) -> &'static str {
        match self {
            Self::None => "",
            Self::Default => "_default_hooks",
        }
    }
}

fn sync_stamina_cases(
    group: &mut BenchmarkGroup<'_, WallTime>,
    left: &Cell<u32>,
    failures: u32,
    suffix: &str,
) {
    group.bench_function(format!("stamina_attribute{suffix}"), |b| {
        b.iter(|| {
            left.set(failures);
            black_box(retried_operation(left).unwrap())
        });
    });
    group.bench_function(format!("stamina_block{suffix}"), |b| {
        b.iter(|| {
            left.set(failures);
            black_box(
                stamina::retry_block!(on = retryable, wait_max = 0, |_attempt| operation(left)).unwrap(),
            )
        });
    });
    let caller = stamina::RetryingCaller::new().wait_max(Duration::ZERO);
    group.bench_function(format!("stamina_caller{suffix}"), |b| {
        b.iter(|| {
            left.set(failures);
            black_box(caller.call(retryable, || operation(left)).unwrap())
        });
    });
    let context = stamina::retry_context(retryable).wait_max(Duration::ZERO);
    group.bench_function(format!("stamina_retry_context{suffix}"), |b| {
        b.iter(|| {
            left.set(failures);
            black_box(context.call(|_| operation(left)).unwrap())
        });
    });
}

/// stamina with `timeout = None`, like backon and tokio-retry, which have no
/// time limit: no clock is read.
fn sync_no_timeout_cases(
    group: &mut BenchmarkGroup<'_, WallTime>,
    left: &Cell<u32>,
    failures: u32,
    suffix: &str,
) {
    group.bench_function(format!("stamina_attribute_no_timeout{suffix}"), move |b| {
        b.iter(move || {
            left.set(failures);
            black_box(retried_operation_no_timeout(left).unwrap())
        });
    });
    let caller = stamina::RetryingCaller::new().wait_max(Duration::ZERO).timeout(None);
    group.bench_function(format!("stamina_caller_no_timeout{suffix}"), move |b| {
        b.iter(move || {
            left.set(failures);
            black_box(caller.call(retryable, || operation(left)).unwrap())
        });
    });
    group.bench_function(format!("stamina_block_no_timeout{suffix}"), move |b| {
        b.iter(move || {
            left.set(failures);
            black_box(
                stamina::retry_block!(on = retryable, wait_max = 0, timeout = None, |_attempt| operation(
                    left
                ))
                .unwrap(),
            )
        });
    });
    let context = stamina::retry_context(retryable).wait_max(Duration::ZERO).timeout(None);
    group.bench_function(format!("stamina_retry_context_no_timeout{suffix}"), move |b| {
        b.iter(move || {
            left.set(failures);
            black_box(context.call(|_| operation(left)).unwrap())
        });
    });
}

fn async_cases(c: &mut Criterion, group_name: &str, failures: u32) {
    let mut group = c.benchmark_group(group_name);
    let left = Cell::new(0);

    group.bench_function("bare", |b| {
        b.iter(|| {
            left.set(failures);
            poll_once(async {
                loop {
                    if let Ok(value) = async_operation(&left).await {
                        break black_box(value);
                    }
                }
            })
        });
    });
    group.bench_function("backon", |b| {
        use backon::Retryable;
        b.iter(|| {
            left.set(failures);
            black_box(
                poll_once(
                    (|| async_operation(&left))
                        .retry(zero_wait_backon())
                        .sleep(|_| std::future::ready(()))
                        .when(retryable),
                )
                .unwrap(),
            )
        });
    });
    if failures == 0 {
        tokio_retry_cases(&mut group, &left);
    }
    group.bench_function("backon_in_async_fn", |b| {
        b.iter(|| {
            left.set(failures);
            black_box(poll_once(backon_operation(&left)).unwrap())
        });
    });
    group.bench_function("backon_notify", |b| {
        use backon::Retryable;
        b.iter(|| {
            left.set(failures);
            black_box(
                poll_once(
                    (|| async_operation(&left))
                        .retry(zero_wait_backon())
                        .sleep(|_| std::future::ready(()))
                        .when(retryable)
                        .notify(warn_retry),
                )
                .unwrap(),
            )
        });
    });
    group.bench_function("backon_notify_in_async_fn", |b| {
        b.iter(|| {
            left.set(failures);
            black_box(poll_once(backon_notify_operation(&left)).unwrap())
        });
    });
    for hooks in Hooks::BOTH {
        hooks.install();
        async_stamina_cases(&mut group, &left, failures, hooks.suffix());
        async_no_timeout_cases(&mut group, &left, failures, hooks.suffix());
    }
    Hooks::None.install();
    group.finish();
}

fn async_stamina_cases(
    group: &mut BenchmarkGroup<'_, WallTime>,
    left: &Cell<u32>,
    failures: u32,
    suffix: &str,
) {
    group.bench_function(format!("stamina_attribute{suffix}"), |b| {
        b.iter(|| {
            left.set(failures);
            black_box(poll_once(retried_async_operation(left)).unwrap())
        });
    });
    group.bench_function(format!("stamina_block{suffix}"), |b| {
        b.iter(|| {
            left.set(failures);
            black_box(
                poll_once(stamina::retry_block!(on = retryable, wait_max = 0, async |_attempt| {
                    async_operation(left).await
                }))
                .unwrap(),
            )
        });
    });
    let caller = stamina::AsyncRetryingCaller::new().wait_max(Duration::ZERO);
    group.bench_function(format!("stamina_caller{suffix}"), |b| {
        b.iter(|| {
            left.set(failures);
            black_box(poll_once(caller.call(retryable, || async_operation(left))).unwrap())
        });
    });
    let context = stamina::retry_context(retryable).wait_max(Duration::ZERO);
    group.bench_function(format!("stamina_retry_context{suffix}"), |b| {
        b.iter(|| {
            left.set(failures);
            black_box(poll_once(context.call_async(|_| async_operation(left))).unwrap())
        });
    });
}

/// stamina with `timeout = None`, like backon and tokio-retry, which have no
/// time limit: no clock is read.
fn async_no_timeout_cases(
    group: &mut BenchmarkGroup<'_, WallTime>,
    left: &Cell<u32>,
    failures: u32,
    suffix: &str,
) {
    group.bench_function(format!("stamina_attribute_no_timeout{suffix}"), move |b| {
        b.iter(move || {
            left.set(failures);
            black_box(poll_once(retried_async_operation_no_timeout(left)).unwrap())
        });
    });
    let caller = stamina::AsyncRetryingCaller::new().wait_max(Duration::ZERO).timeout(None);
    group.bench_function(format!("stamina_caller_no_timeout{suffix}"), move |b| {
        b.iter(move || {
            left.set(failures);
            black_box(poll_once(caller.call(retryable, || async_operation(left))).unwrap())
        });
    });
    group.bench_function(format!("stamina_block_no_timeout{suffix}"), move |b| {
        b.iter(move || {
            left.set(failures);
            black_box(
                poll_once(stamina::retry_block!(
                    on = retryable,
                    wait_max = 0,
                    timeout = None,
                    async |_attempt| async_operation(left).await
                ))
                .unwrap(),
            )
        });
    });
    let context = stamina::retry_context(retryable).wait_max(Duration::ZERO).timeout(None);
    group.bench_function(format!("stamina_retry_context_no_timeout{suffix}"), move |b| {
        b.iter(move || {
            left.set(failures);
            black_box(poll_once(context.call_async(|_| async_operation(left))).unwrap())
        });
    });
}

/// tokio-retry has no zero-wait strategy that retries, so it is measured on
/// the success path only.
fn tokio_retry_cases(group: &mut BenchmarkGroup<'_, WallTime>, left: &Cell<u32>) {
    group.bench_function("tokio_retry", |b| {
        b.iter(|| {
            left.set(0);
            let strategy = tokio_retry::strategy::ExponentialBackoff::from_millis(10).take(9);
            black_box(
                poll_once(tokio_retry::RetryIf::start(strategy, || async_operation(left), retryable))
                    .unwrap(),
            )
        });
    });
    // `retry_block!`'s attempt is an async block around the user's code:
    // this is tokio-retry with the same shape of action.
    group.bench_function("tokio_retry_async_block", |b| {
        b.iter(|| {
            left.set(0);
            let strategy = tokio_retry::strategy::ExponentialBackoff::from_millis(10).take(9);
            black_box(
                poll_once(tokio_retry::RetryIf::start(
                    strategy,
                    || async { async_operation(left).await },
                    retryable,
                ))
                .unwrap(),
            )
        });
    });
    group.bench_function("tokio_retry_in_async_fn", |b| {
        b.iter(|| {
            left.set(0);
            black_box(poll_once(support::tokio_retry_operation(left)).unwrap())
        });
    });
}

fn testing_mode(c: &mut Criterion) {
    // Default waits (100 ms and up) that testing mode must skip entirely: three
    // failures cost microseconds, not milliseconds.
    let mut group = c.benchmark_group("testing_mode_retry3_async");
    let left = Cell::new(0);
    let caller = stamina::AsyncRetryingCaller::new();
    let _testing = stamina::testing::thread_scope(stamina::testing::TestMode::new(4));
    group.bench_function("stamina_caller", |b| {
        b.iter(|| {
            left.set(3);
            black_box(poll_once(caller.call(retryable, || async_operation(&left))).unwrap())
        });
    });
    group.finish();
}

/// A hook that does nothing: the registry's own cost, with no early exit for
/// a sink whose level is off.
fn no_op_hook(_: &RetryDetails<'_>) {}

/// retry3 of the attribute with `timeout = None` on `threads` threads at once,
/// with the default hooks and with a no-op hook: the time per call on each
/// thread (with no shared write per retry, it does not grow with the threads
/// while there are cores for them).
fn threads(c: &mut Criterion) {
    let hook_lists: [(&str, fn()); 2] = [
        ("default_hooks", || set_on_retry_hooks(None)),
        ("no_op_hook", || set_on_retry_hooks((no_op_hook,))),
    ];
    for (hooks, install) in hook_lists {
        install();
        let mut group = c.benchmark_group(format!("threads_retry3_sync_{hooks}"));
        for threads in [1, 2] {
            group.bench_function(format!("{threads}_threads"), |b| {
                b.iter_custom(|calls| on_threads(threads, calls));
            });
        }
        group.finish();
    }
    Hooks::None.install();
}

type RetriedOperation = fn(&Cell<u32>) -> Result<u64, support::Transient>;

/// The attribute with `timeout = None`, without a budget and with each kind:
/// what naming a budget costs on success and on retry3.
fn budgets(c: &mut Criterion) {
    let cases: [(&str, RetriedOperation); 3] = [
        ("no_budget", retried_operation_no_timeout),
        ("quota", retried_operation_quota),
        ("ratio", retried_operation_ratio),
    ];
    for (group_name, failures) in [("budget_success_sync", 0), ("budget_retry3_sync", 3)] {
        let mut group = c.benchmark_group(group_name);
        let left = Cell::new(0);
        for (name, retried) in cases {
            group.bench_function(name, |b| {
                b.iter(|| {
                    left.set(failures);
                    black_box(retried(&left).unwrap())
                });
            });
        }
        group.finish();
    }
    for (group_name, failures) in [("budget_success_async", 0), ("budget_retry3_async", 3)] {
        let mut group = c.benchmark_group(group_name);
        let left = Cell::new(0);
        group.bench_function("no_budget", |b| {
            b.iter(|| {
                left.set(failures);
                black_box(poll_once(retried_async_operation_no_timeout(&left)).unwrap())
            });
        });
        group.bench_function("quota", |b| {
            b.iter(|| {
                left.set(failures);
                black_box(poll_once(retried_async_operation_quota(&left)).unwrap())
            });
        });
        group.bench_function("ratio", |b| {
            b.iter(|| {
                left.set(failures);
                black_box(poll_once(retried_async_operation_ratio(&left)).unwrap())
            });
        });
        group.finish();
    }
    // One budget shared by every thread: each retry and each call writes to
    // it, so this is where contention would show.
    for (name, retried) in cases {
        let mut group = c.benchmark_group(format!("threads_retry3_sync_budget_{name}"));
        for threads in [1, 2] {
            group.bench_function(format!("{threads}_threads"), |b| {
                b.iter_custom(|calls| on_threads_with(threads, calls, retried));
            });
        }
        group.finish();
    }
}

/// Runs `calls` retry3 calls on each of `threads` threads, started together;
/// the time of the slowest thread.
fn on_threads(threads: usize, calls: u64) -> Duration {
    on_threads_with(threads, calls, retried_operation_no_timeout)
}

fn on_threads_with(threads: usize, calls: u64, retried: RetriedOperation) -> Duration {
    let start = Barrier::new(threads);
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let left = Cell::new(0);
                    start.wait();
                    let started = Instant::now();
                    for _ in 0..calls {
                        left.set(3);
                        black_box(retried(&left).unwrap());
                    }
                    started.elapsed()
                })
            })
            .collect();
        workers.into_iter().map(|worker| worker.join().unwrap()).max().unwrap()
    })
}

/// One read of the clock the timeout is measured on (the coarse monotonic
/// clock, as stamina reads it): what the default 45 s timeout adds per loop
/// and per retryable failure, which backon and tokio-retry do not pay.
fn clock_read(c: &mut Criterion) {
    let mut group = c.benchmark_group("clock_read");
    group.bench_function("coarse", |b| {
        b.iter(|| black_box(coarsetime::Instant::now_without_cache_update().as_ticks()));
    });
    group.finish();
}

fn benches(c: &mut Criterion) {
    clock_read(c);
    Hooks::None.install();
    sync_cases(c, "success_sync", 0);
    sync_cases(c, "retry3_sync", 3);
    async_cases(c, "success_async", 0);
    async_cases(c, "retry3_async", 3);
    testing_mode(c);
    threads(c);
    budgets(c);
}

criterion_group!(overhead, benches);
criterion_main!(overhead);
