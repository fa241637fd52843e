//! The smallest tour of stamina: a flaky operation retried with backoff, a
//! block that sees its attempt numbers, and testing mode making it instant.
//!
//! Run it with `cargo run --example quickstart`.

use std::cell::Cell;
use std::time::{Duration, Instant};

use stamina::testing::{self, TestMode};
use stamina::{Attempt, RetryingCaller, retry_context};

#[derive(Debug)]
enum ApiError {
    /// The server is briefly overloaded: worth another try.
    Unavailable,
    /// The thing does not exist: retrying cannot help.
    NotFound,
}

fn is_transient(error: &ApiError) -> bool {
    matches!(error, ApiError::Unavailable)
}

fn main() {
    let started = Instant::now();

    // A block that fails twice, then succeeds, printing what stamina tells it.
    let result = retry_context(is_transient)
        .attempts(5)
        .wait_initial(Duration::from_millis(50))
        .wait_jitter(Duration::from_millis(10))
        .call(|attempt: Attempt| {
            println!(
                "[{:>6.1?}] attempt {} (if it fails, the next wait is at least {:?})",
                started.elapsed(),
                attempt.num(),
                attempt.next_wait()
            );
            if attempt.num() < 3 { Err(ApiError::Unavailable) } else { Ok("the data") }
        });
    println!("result: {result:?}\n");

    // A non-retryable error comes back at once, unchanged.
    let calls = Cell::new(0);
    let caller = RetryingCaller::new().attempts(5);
    let result: Result<(), ApiError> = caller.call(is_transient, || {
        calls.set(calls.get() + 1);
        Err(ApiError::NotFound)
    });
    println!("not found: {result:?} after {} call(s)\n", calls.get());

    // In tests, testing mode keeps the retry logic and drops the waiting.
    let _testing = testing::thread_scope(TestMode::new(3));
    let before = Instant::now();
    let calls = Cell::new(0);
    let result: Result<(), ApiError> =
        RetryingCaller::new().wait_initial(Duration::from_secs(60)).call(is_transient, || {
            calls.set(calls.get() + 1);
            Err(ApiError::Unavailable)
        });
    println!("testing mode: {result:?} after {} calls in {:?}", calls.get(), before.elapsed());
}
