//! `#[stamina::retry]` on fns that return `impl Stream<Item = Result<T, E>>`
//! or `impl Iterator<Item = Result<T, E>>`: the body makes one stream per
//! attempt; the exact sequences under restart and commit, arguments by
//! reference and cloned, methods, waits in paused time, testing mode, and the
//! generated code under `deny(warnings)`.
#![deny(warnings)]

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use futures_lite::{Stream, StreamExt as _, stream};
use stamina::testing::{self, AttemptOutcome, Recorder, TestMode};
use tokio::time::Instant;

use crate::support::{ApiError, is_retriable};

/// Items `1..=3`; the attempts up to `failing` fail after `k` items.
fn script(attempt: u32, k: usize, failing: u32) -> Vec<Result<u32, ApiError>> {
    let mut items: Vec<Result<u32, ApiError>> = (1..=3).map(Ok).collect();
    if attempt <= failing {
        items.truncate(k);
        items.push(Err(ApiError::Unavailable(attempt)));
    }
    items
}

#[stamina::retry(on = is_retriable, wait_initial = "100ms", wait_jitter = 0)]
fn events(calls: &AtomicU32, k: usize) -> impl Stream<Item = Result<u32, ApiError>> + '_ {
    let attempt = calls.fetch_add(1, Ordering::Relaxed) + 1;
    stream::iter(script(attempt, k, 2))
}

#[tokio::test(start_paused = true)]
async fn a_stream_fn_restarts_its_body_on_every_retry() {
    let calls = AtomicU32::new(0);
    let started = Instant::now();
    let items: Vec<_> = events(&calls, 2).collect().await;
    assert_eq!(items, [Ok(1), Ok(2), Ok(1), Ok(2), Ok(1), Ok(2), Ok(3)]);
    assert_eq!(calls.load(Ordering::Relaxed), 3);
    assert_eq!(started.elapsed(), Duration::from_millis(300));
}

#[stamina::retry(on = |error| matches!(error, ApiError::Unavailable(_)), wait_max = 0, stream = "commit")]
fn committed(calls: &AtomicU32) -> impl Stream<Item = Result<u32, ApiError>> + '_ {
    let attempt = calls.fetch_add(1, Ordering::Relaxed) + 1;
    stream::iter(script(attempt, usize::from(attempt != 1), 5)) // no item on attempt 1, one after
}

#[tokio::test(start_paused = true)]
async fn a_committed_stream_fn_is_not_retried_after_its_first_item() {
    let calls = AtomicU32::new(0);
    let items: Vec<_> = committed(&calls).collect().await;
    assert_eq!(items, [Ok(1), Err(ApiError::Unavailable(2))]);
    assert_eq!(calls.load(Ordering::Relaxed), 2);
}

#[stamina::retry(on = is_retriable, wait_max = 0, clone(pages))]
fn cloned_pages(
    pages: Vec<Result<u32, ApiError>>,
    calls: &AtomicU32,
) -> impl Iterator<Item = Result<u32, ApiError>> {
    let attempt = calls.fetch_add(1, Ordering::Relaxed);
    // Moved into the stream: each attempt gets its own clone.
    pages.into_iter().skip(usize::try_from(attempt).unwrap_or(usize::MAX))
}

#[test]
fn an_iterator_fn_clones_what_its_body_moves() {
    let calls = AtomicU32::new(0);
    let pages = vec![Ok(1), Err(ApiError::Unavailable(1)), Ok(2)];
    // Attempt 1: 1, then an error; attempt 2 skips one: the error again; attempt
    // 3 skips two: 2.
    let items: Vec<_> = cloned_pages(pages, &calls).collect();
    assert_eq!(items, [Ok(1), Ok(2)]);
    assert_eq!(calls.load(Ordering::Relaxed), 3);
}

struct Feed {
    calls: AtomicU32,
}

impl Feed {
    #[stamina::retry(on = is_retriable, attempts = 2, wait_max = 0)]
    fn items(&self) -> impl Iterator<Item = Result<u32, ApiError>> + '_ {
        let attempt = self.calls.fetch_add(1, Ordering::Relaxed) + 1;
        script(attempt, 1, 5).into_iter()
    }
}

#[test]
fn a_method_gives_up_with_the_last_error_and_is_named_by_its_type() {
    let recorder = Recorder::new();
    let _recording = recorder.thread_scope();
    let feed = Feed { calls: AtomicU32::new(0) };
    let items: Vec<_> = feed.items().collect();
    assert_eq!(items, [Ok(1), Ok(1), Err(ApiError::Unavailable(2))]);
    let attempts = recorder.attempts();
    assert_eq!(attempts.len(), 2);
    assert!(attempts.iter().all(|record| record.name.ends_with("Feed::items")), "{attempts:?}");
}

#[tokio::test(start_paused = true)]
async fn testing_mode_and_names_for_stream_fns() {
    let recorder = Recorder::new();
    let calls = AtomicU32::new(0);
    let items = recorder
        .future_scope(testing::future_scope(TestMode::new(2), events(&calls, 1).collect::<Vec<_>>()))
        .await;
    assert_eq!(items, [Ok(1), Ok(1), Err(ApiError::Unavailable(2))]);
    let attempts = recorder.attempts();
    assert!(attempts.iter().all(|record| record.name.ends_with("stream_macro::events")), "{attempts:?}");
    assert!(matches!(attempts[0].outcome, AttemptOutcome::Retried { actual_wait: Duration::ZERO, .. }));
}

fn assert_send<T: Send>(value: T) -> T {
    value
}

#[tokio::test(start_paused = true)]
async fn stream_fns_are_send() {
    let calls = AtomicU32::new(0);
    let items: Vec<_> = assert_send(events(&calls, 0)).collect().await;
    assert_eq!(items, [Ok(1), Ok(2), Ok(3)]);
}
