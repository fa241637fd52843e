//! What a retry wrapper costs, side by side with its peers, in one run.
//!
//! Every case wraps the same tiny operation. "success" runs it once; "retry3"
//! fails three times with zero waits, then succeeds. Async futures are polled
//! once with a no-op waker: with no real waits they complete on the first poll,
//! so the numbers are the libraries' own overhead, without an executor's.
//!
//! Run: `cargo bench -p stamina --bench overhead`. Compare each library with
//! `bare` of the same group (the operation alone, or a hand-written loop).
//! stamina runs with no instrumentation hook installed.

use std::cell::Cell;
use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, criterion_group, criterion_main};

#[derive(Debug)]
struct Transient;

/// The operation: fails while `failures` is above zero, counting down.
#[inline(never)]
fn operation(failures: &Cell<u32>) -> Result<u64, Transient> {
    let left = failures.get();
    if left > 0 {
        failures.set(left - 1);
        Err(Transient)
    } else {
        Ok(black_box(42))
    }
}

// An async fn, like the real operations retried in production, even though
// this one does not wait.
#[inline(never)]
#[allow(clippy::unused_async)]
async fn async_operation(failures: &Cell<u32>) -> Result<u64, Transient> {
    operation(failures)
}

fn retryable(_: &Transient) -> bool {
    true
}

#[stamina::retry(on = retryable, wait_max = 0)]
fn retried_operation(failures: &Cell<u32>) -> Result<u64, Transient> {
    operation(failures)
}

#[stamina::retry(on = retryable, wait_max = 0)]
async fn retried_async_operation(failures: &Cell<u32>) -> Result<u64, Transient> {
    async_operation(failures).await
}

// backon and tokio-retry have no time limit: these are stamina without one.
#[stamina::retry(on = retryable, wait_max = 0, timeout = None)]
fn retried_operation_no_timeout(failures: &Cell<u32>) -> Result<u64, Transient> {
    operation(failures)
}

#[stamina::retry(on = retryable, wait_max = 0, timeout = None)]
async fn retried_async_operation_no_timeout(failures: &Cell<u32>) -> Result<u64, Transient> {
    async_operation(failures).await
}

// What a user of backon or tokio-retry writes to get what `#[retry]` gives: a
// fn whose body is the retry. The attribute's cases compare with these.
fn backon_operation_sync(failures: &Cell<u32>) -> Result<u64, Transient> {
    use backon::BlockingRetryable;
    (|| operation(failures)).retry(zero_wait_backon()).sleep(|_| {}).when(retryable).call()
}

async fn backon_operation(failures: &Cell<u32>) -> Result<u64, Transient> {
    use backon::Retryable;
    (|| async_operation(failures))
        .retry(zero_wait_backon())
        .sleep(|_| std::future::ready(()))
        .when(retryable)
        .await
}

async fn tokio_retry_operation(failures: &Cell<u32>) -> Result<u64, Transient> {
    let strategy = tokio_retry::strategy::ExponentialBackoff::from_millis(10).take(9);
    tokio_retry::RetryIf::start(strategy, || async_operation(failures), retryable).await
}

/// Polls `future` once with a no-op waker; it must be ready. The future is
/// moved in, as a parent future's `.await` moves it into its own state.
fn poll_once<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("the benchmarked future must not wait"),
    }
}

fn zero_wait_backon() -> backon::ExponentialBuilder {
    backon::ExponentialBuilder::default()
        .with_min_delay(Duration::ZERO)
        .with_max_delay(Duration::ZERO)
        .with_max_times(9)
}

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
    group.bench_function("stamina_attribute", |b| {
        b.iter(|| {
            left.set(failures);
            black_box(retried_operation(&left).unwrap())
        });
    });
    group.bench_function("stamina_block", |b| {
        b.iter(|| {
            left.set(failures);
            black_box(
                stamina::retry_block!(on = retryable, wait_max = 0, |_attempt| operation(&left)).unwrap(),
            )
        });
    });
    let caller = stamina::RetryingCaller::new().wait_max(Duration::ZERO);
    group.bench_function("stamina_caller", |b| {
        b.iter(|| {
            left.set(failures);
            black_box(caller.call(retryable, || operation(&left)).unwrap())
        });
    });
    let context = stamina::retry_context(retryable).wait_max(Duration::ZERO);
    group.bench_function("stamina_retry_context", |b| {
        b.iter(|| {
            left.set(failures);
            black_box(context.call(|_| operation(&left)).unwrap())
        });
    });
    sync_no_timeout_cases(&mut group, &left, failures);
    group.finish();
}

/// stamina with `timeout = None`, like backon and tokio-retry, which have no
/// time limit: no clock is read.
fn sync_no_timeout_cases(group: &mut BenchmarkGroup<'_, WallTime>, left: &Cell<u32>, failures: u32) {
    group.bench_function("stamina_attribute_no_timeout", move |b| {
        b.iter(move || {
            left.set(failures);
            black_box(retried_operation_no_timeout(left).unwrap())
        });
    });
    let caller = stamina::RetryingCaller::new().wait_max(Duration::ZERO).timeout(None);
    group.bench_function("stamina_caller_no_timeout", move |b| {
        b.iter(move || {
            left.set(failures);
            black_box(caller.call(retryable, || operation(left)).unwrap())
        });
    });
    group.bench_function("stamina_block_no_timeout", move |b| {
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
    group.bench_function("stamina_retry_context_no_timeout", move |b| {
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
    group.bench_function("stamina_attribute", |b| {
        b.iter(|| {
            left.set(failures);
            black_box(poll_once(retried_async_operation(&left)).unwrap())
        });
    });
    group.bench_function("stamina_block", |b| {
        b.iter(|| {
            left.set(failures);
            black_box(
                poll_once(stamina::retry_block!(on = retryable, wait_max = 0, async |_attempt| {
                    async_operation(&left).await
                }))
                .unwrap(),
            )
        });
    });
    let caller = stamina::AsyncRetryingCaller::new().wait_max(Duration::ZERO);
    group.bench_function("stamina_caller", |b| {
        b.iter(|| {
            left.set(failures);
            black_box(poll_once(caller.call(retryable, || async_operation(&left))).unwrap())
        });
    });
    let context = stamina::retry_context(retryable).wait_max(Duration::ZERO);
    group.bench_function("stamina_retry_context", |b| {
        b.iter(|| {
            left.set(failures);
            black_box(poll_once(context.call_async(|_| async_operation(&left))).unwrap())
        });
    });
    async_no_timeout_cases(&mut group, &left, failures);
    group.finish();
}

/// stamina with `timeout = None`, like backon and tokio-retry, which have no
/// time limit: no clock is read.
fn async_no_timeout_cases(group: &mut BenchmarkGroup<'_, WallTime>, left: &Cell<u32>, failures: u32) {
    group.bench_function("stamina_attribute_no_timeout", move |b| {
        b.iter(move || {
            left.set(failures);
            black_box(poll_once(retried_async_operation_no_timeout(left)).unwrap())
        });
    });
    let caller = stamina::AsyncRetryingCaller::new().wait_max(Duration::ZERO).timeout(None);
    group.bench_function("stamina_caller_no_timeout", move |b| {
        b.iter(move || {
            left.set(failures);
            black_box(poll_once(caller.call(retryable, || async_operation(left))).unwrap())
        });
    });
    group.bench_function("stamina_block_no_timeout", move |b| {
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
    group.bench_function("stamina_retry_context_no_timeout", move |b| {
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
            black_box(poll_once(tokio_retry_operation(left)).unwrap())
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

fn benches(c: &mut Criterion) {
    // Measure stamina itself: no instrumentation hook (what the defaults cost
    // depends on the subscriber or registry behind them).
    stamina::instrumentation::set_on_retry_hooks([]);
    sync_cases(c, "success_sync", 0);
    sync_cases(c, "retry3_sync", 3);
    async_cases(c, "success_async", 0);
    async_cases(c, "retry3_async", 3);
    testing_mode(c);
}

criterion_group!(overhead, benches);
criterion_main!(overhead);
