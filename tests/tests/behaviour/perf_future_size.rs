//! The future of a retried `async fn` is barely larger than its body's.
//!
//! The retry state lives beside the body's future; tokio's `Sleep` is only
//! alive while the body's future is not, so a well-formed state machine
//! overlaps the two.

use std::hint::black_box;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::support::{Transient, always};

async fn small(calls: &AtomicU32) -> Result<u32, Transient> {
    tokio::task::yield_now().await;
    Ok(calls.fetch_add(1, Ordering::Relaxed))
}

#[stamina::retry(on = always, attempts = 3)]
async fn small_retried(calls: &AtomicU32) -> Result<u32, Transient> {
    small(calls).await
}

async fn large(calls: &AtomicU32) -> Result<u32, Transient> {
    let buffer = black_box([7_u8; 512]);
    tokio::task::yield_now().await;
    Ok(calls.fetch_add(u32::from(buffer[calls.load(Ordering::Relaxed) as usize % 512]), Ordering::Relaxed))
}

#[stamina::retry(on = always, attempts = 3)]
async fn large_retried(calls: &AtomicU32) -> Result<u32, Transient> {
    large(calls).await
}

#[test]
fn the_async_callers_futures_are_the_loop_itself() {
    // The callers return the retry loop's future, not an `async fn` around it
    // that would hold the predicate and the operation a second time, and that
    // loop is an `async` block, which keeps its captures in place, not an
    // `async fn`, which moves its arguments into a second set of slots on its
    // first poll; and the attempt's future is dropped before the wait, so the
    // two share their room. Measured: +72 B for the caller, +80 B for the bound
    // caller and `retry_context` (they hold a reference to `on`). With an
    // `async fn` wrapper the caller was +120 B and the bound caller +144 B;
    // with the loop an `async fn`, +96 B and +112 B.
    let calls = AtomicU32::new(0);
    let caller = stamina::AsyncRetryingCaller::new().attempts(3);
    let context = stamina::retry_context(always).attempts(3);
    let body = size_of_val(&small(&calls));
    let by_caller = size_of_val(&caller.call(always, || small(&calls)));
    let by_bound = size_of_val(&caller.on(always).call(|| small(&calls)));
    let by_context = size_of_val(&context.call_async(|_| small(&calls)));
    println!("small body {body} B; caller {by_caller} B, bound {by_bound} B, retry_context {by_context} B");
    for (api, size, limit) in
        [("caller", by_caller, 72), ("bound caller", by_bound, 80), ("retry_context", by_context, 80)]
    {
        assert!(size <= body + limit, "{api}: {size} B for a {body} B body, over +{limit} B");
    }
}

fn overhead<A: Future, B: Future>(body: &A, retried: &B) -> usize {
    size_of_val(retried) - size_of_val(body)
}

#[test]
fn retried_futures_stay_within_64_bytes_of_their_body() {
    let calls = AtomicU32::new(0);
    let small_overhead = overhead(&small(&calls), &small_retried(&calls));
    let large_overhead = overhead(&large(&calls), &large_retried(&calls));
    println!(
        "small body {} B, retried {} B (+{small_overhead}); large body {} B, retried {} B (+{large_overhead})",
        size_of_val(&small(&calls)),
        size_of_val(&small_retried(&calls)),
        size_of_val(&large(&calls)),
        size_of_val(&large_retried(&calls)),
    );
    assert!(large_overhead <= 64, "+{large_overhead} B over a large body");
    assert!(small_overhead <= 64, "+{small_overhead} B over a small body");
}

/// `small` with an error type that holds a timed-out attempt.
async fn small_io(calls: &AtomicU32) -> Result<u32, std::io::Error> {
    tokio::task::yield_now().await;
    Ok(calls.fetch_add(1, Ordering::Relaxed))
}

#[stamina::retry(on = always, attempts = 3)]
async fn small_io_retried(calls: &AtomicU32) -> Result<u32, std::io::Error> {
    small_io(calls).await
}

#[stamina::retry(on = always, attempts = 3, attempt_timeout = "2s")]
async fn small_io_timed(calls: &AtomicU32) -> Result<u32, std::io::Error> {
    small_io(calls).await
}

#[stamina::retry(on = always, attempts = 3, timeout_mode = strict)]
async fn small_io_strict(calls: &AtomicU32) -> Result<u32, std::io::Error> {
    small_io(calls).await
}

#[test]
fn a_time_limit_adds_only_the_race_and_nothing_without_one() {
    // Without `attempt_timeout` or a strict deadline, no room for a timer:
    // the error type alone changes nothing. With one, the attempt's future
    // sits in one more `async` block beside a boxed timer, the limit and a
    // pointer to the pinned attempt. Measured: +64 B, +112 B, +112 B; the
    // caller +72 B, +96 B.
    let calls = AtomicU32::new(0);
    let body = size_of_val(&small_io(&calls));
    let plain = overhead(&small_io(&calls), &small_io_retried(&calls));
    let timed = overhead(&small_io(&calls), &small_io_timed(&calls));
    let strict = overhead(&small_io(&calls), &small_io_strict(&calls));
    println!("small io body {body} B: retried +{plain} B, attempt_timeout +{timed} B, strict +{strict} B");
    assert!(plain <= 64, "+{plain} B");
    assert!(timed <= 112, "+{timed} B with attempt_timeout");
    assert!(strict <= 112, "+{strict} B with a strict deadline");

    let caller = stamina::AsyncRetryingCaller::new().attempts(3);
    let limited = caller.attempt_timeout(std::time::Duration::from_secs(2));
    let by_caller = size_of_val(&caller.call(always, || small_io(&calls)));
    let by_limited = size_of_val(&limited.call(always, || small_io(&calls)));
    println!("caller {by_caller} B, with attempt_timeout {by_limited} B");
    assert!(by_caller <= body + 72, "caller: {by_caller} B");
    assert!(by_limited <= body + 96, "caller with attempt_timeout: {by_limited} B");
}
