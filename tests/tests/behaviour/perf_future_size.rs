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
