//! What the benches share: the operation every case wraps, the retried fns the
//! attribute makes, and the peers written the same way.

#![allow(dead_code)] // each bench uses a part of it

use std::cell::Cell;
use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

#[derive(Debug)]
pub(crate) struct Transient;

/// The operation: fails while `failures` is above zero, counting down.
#[inline(never)]
pub(crate) fn operation(failures: &Cell<u32>) -> Result<u64, Transient> {
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
pub(crate) async fn async_operation(failures: &Cell<u32>) -> Result<u64, Transient> {
    operation(failures)
}

pub(crate) fn retryable(_: &Transient) -> bool {
    true
}

#[stamina::retry(on = retryable, wait_max = 0)]
pub(crate) fn retried_operation(failures: &Cell<u32>) -> Result<u64, Transient> {
    operation(failures)
}

#[stamina::retry(on = retryable, wait_max = 0)]
pub(crate) async fn retried_async_operation(failures: &Cell<u32>) -> Result<u64, Transient> {
    async_operation(failures).await
}

// backon and tokio-retry have no time limit: these are stamina without one.
#[stamina::retry(on = retryable, wait_max = 0, timeout = None)]
pub(crate) fn retried_operation_no_timeout(failures: &Cell<u32>) -> Result<u64, Transient> {
    operation(failures)
}

#[stamina::retry(on = retryable, wait_max = 0, timeout = None)]
pub(crate) async fn retried_async_operation_no_timeout(failures: &Cell<u32>) -> Result<u64, Transient> {
    async_operation(failures).await
}

pub(crate) fn zero_wait_backon() -> backon::ExponentialBuilder {
    backon::ExponentialBuilder::default()
        .with_min_delay(Duration::ZERO)
        .with_max_delay(Duration::ZERO)
        .with_max_times(9)
}

/// What stamina's default hook does for each retry, for the peer that is
/// instrumented like stamina: a `tracing` event at WARN with the error and
/// the wait (evaluated only if a subscriber wants it).
pub(crate) fn warn_retry(error: &Transient, wait_for: Duration) {
    tracing::warn!(target: "backon", caused_by = ?error, wait_for = wait_for.as_secs_f64(), "retry_scheduled");
}

// What a user of backon or tokio-retry writes to get what `#[retry]` gives: a
// fn whose body is the retry. The attribute's cases compare with these.
pub(crate) fn backon_operation_sync(failures: &Cell<u32>) -> Result<u64, Transient> {
    use backon::BlockingRetryable;
    (|| operation(failures)).retry(zero_wait_backon()).sleep(|_| {}).when(retryable).call()
}

pub(crate) async fn backon_operation(failures: &Cell<u32>) -> Result<u64, Transient> {
    use backon::Retryable;
    (|| async_operation(failures))
        .retry(zero_wait_backon())
        .sleep(|_| std::future::ready(()))
        .when(retryable)
        .await
}

/// backon instrumented as stamina's default is: an event per retry.
pub(crate) fn backon_notify_operation_sync(failures: &Cell<u32>) -> Result<u64, Transient> {
    use backon::BlockingRetryable;
    (|| operation(failures)).retry(zero_wait_backon()).sleep(|_| {}).when(retryable).notify(warn_retry).call()
}

/// The same with the predicate behind a fn pointer, beside `retry_context`'s
/// case with one.
pub(crate) fn backon_notify_fn_pointer_operation_sync(failures: &Cell<u32>) -> Result<u64, Transient> {
    use backon::BlockingRetryable;
    let retryable: fn(&Transient) -> bool = black_box(retryable);
    (|| operation(failures)).retry(zero_wait_backon()).sleep(|_| {}).when(retryable).notify(warn_retry).call()
}

/// backon configured as a caller is: a builder made once, at run time (the
/// compiler cannot fold its parameters into the loop), and reused by each
/// call; the like-for-like peer of the callers and `retry_context`, whose
/// policies are run-time values too.
pub(crate) fn configured_backon() -> backon::ExponentialBuilder {
    black_box(zero_wait_backon())
}

/// [`backon_notify_operation_sync`] with a [`configured_backon`] builder.
pub(crate) fn backon_notify_configured_operation_sync(
    builder: backon::ExponentialBuilder,
    failures: &Cell<u32>,
) -> Result<u64, Transient> {
    use backon::BlockingRetryable;
    (|| operation(failures)).retry(builder).sleep(|_| {}).when(retryable).notify(warn_retry).call()
}

/// [`backon_notify_operation`] with a [`configured_backon`] builder.
pub(crate) async fn backon_notify_configured_operation(
    builder: backon::ExponentialBuilder,
    failures: &Cell<u32>,
) -> Result<u64, Transient> {
    use backon::Retryable;
    (|| async_operation(failures))
        .retry(builder)
        .sleep(|_| std::future::ready(()))
        .when(retryable)
        .notify(warn_retry)
        .await
}

pub(crate) async fn backon_notify_operation(failures: &Cell<u32>) -> Result<u64, Transient> {
    use backon::Retryable;
    (|| async_operation(failures))
        .retry(zero_wait_backon())
        .sleep(|_| std::future::ready(()))
        .when(retryable)
        .notify(warn_retry)
        .await
}

pub(crate) async fn tokio_retry_operation(failures: &Cell<u32>) -> Result<u64, Transient> {
    let strategy = tokio_retry::strategy::ExponentialBackoff::from_millis(10).take(9);
    tokio_retry::RetryIf::start(strategy, || async_operation(failures), retryable).await
}

/// Polls `future` once with a no-op waker; it must be ready. The future is
/// moved in, as a parent future's `.await` moves it into its own state.
pub(crate) fn poll_once<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("the benchmarked future must not wait"),
    }
}

/// Budgets large enough never to refuse in a run: the cases measure what
/// consulting one costs, not a refusal.
pub(crate) static BENCH_QUOTA: stamina::budget::RetryBudget =
    stamina::budget::RetryBudget::token_quota(stamina::budget::QuotaParams {
        capacity: 1 << 40,
        ..stamina::budget::QuotaParams::AWS_STANDARD
    });
pub(crate) static BENCH_RATIO: stamina::budget::RetryBudget =
    stamina::budget::RetryBudget::ratio(stamina::budget::RatioParams {
        retry_ratio: 1000.0,
        min_per_sec: 1_000_000,
        ttl: Duration::from_secs(60),
    });

#[stamina::retry(on = retryable, wait_max = 0, timeout = None, budget = BENCH_QUOTA)]
pub(crate) fn retried_operation_quota(failures: &Cell<u32>) -> Result<u64, Transient> {
    operation(failures)
}

#[stamina::retry(on = retryable, wait_max = 0, timeout = None, budget = BENCH_RATIO)]
pub(crate) fn retried_operation_ratio(failures: &Cell<u32>) -> Result<u64, Transient> {
    operation(failures)
}

#[stamina::retry(on = retryable, wait_max = 0, timeout = None, budget = BENCH_QUOTA)]
pub(crate) async fn retried_async_operation_quota(failures: &Cell<u32>) -> Result<u64, Transient> {
    async_operation(failures).await
}

#[stamina::retry(on = retryable, wait_max = 0, timeout = None, budget = BENCH_RATIO)]
pub(crate) async fn retried_async_operation_ratio(failures: &Cell<u32>) -> Result<u64, Transient> {
    async_operation(failures).await
}
