//! `on_result = ...` in `#[stamina::retry]` and `retry_block!`: an `Ok`
//! retried like an error, the last result returned unchanged. Generated code
//! must be warning-free.
#![deny(warnings)]

use std::sync::atomic::{AtomicU32, Ordering};

use stamina::testing::{AttemptOutcome, Recorder};

static STATUS_CALLS: AtomicU32 = AtomicU32::new(0);

#[stamina::retry(on_result = |result| matches!(result, Ok(503)), attempts = 3, wait_max = "0s")]
fn status_sync(statuses: &[u16]) -> Result<u16, std::io::Error> {
    let call = STATUS_CALLS.fetch_add(1, Ordering::Relaxed) as usize;
    Ok(statuses[call.min(statuses.len() - 1)])
}

fn is_server_error(result: &Result<u16, String>) -> bool {
    matches!(result, Ok(500..=599)) || result.is_err()
}

#[stamina::retry(on_result = is_server_error, attempts = 3, wait_max = "0s")]
async fn status_async(calls: &AtomicU32) -> Result<u16, String> {
    Ok(if calls.fetch_add(1, Ordering::Relaxed) == 0 { 502 } else { 200 })
}

#[test]
fn the_attribute_retries_an_ok_and_returns_the_last_one_unchanged() {
    let recorder = Recorder::new();
    let _recording = recorder.thread_scope();
    STATUS_CALLS.store(0, Ordering::Relaxed);
    assert_eq!(status_sync(&[503, 200]).unwrap(), 200);
    STATUS_CALLS.store(0, Ordering::Relaxed);
    assert_eq!(status_sync(&[503]).unwrap(), 503, "given up: an Ok(503) stays an Ok(503)");
    assert_eq!(STATUS_CALLS.load(Ordering::Relaxed), 3);
    let last = recorder.attempts().pop().unwrap().outcome;
    assert!(matches!(last, AttemptOutcome::GaveUp { error_type: "", .. }), "{last:?}");
}

#[tokio::test(start_paused = true)]
async fn the_async_attribute_takes_a_result_predicate_fn() {
    let calls = AtomicU32::new(0);
    assert_eq!(status_async(&calls).await.unwrap(), 200);
    assert_eq!(calls.load(Ordering::Relaxed), 2);
}

#[test]
fn retry_block_retries_on_results() {
    let mut calls = 0;
    let report = stamina::retry_block!(
        on_result = |result| matches!(result, Ok(None)),
        attempts = 5,
        wait_max = "0s",
        |attempt| {
            calls += 1;
            Ok::<_, std::io::Error>((attempt.num() == 3).then_some("ready"))
        }
    );
    assert_eq!(report.unwrap(), Some("ready"));
    assert_eq!(calls, 3);

    // A predicate fn, and an error decided by it too.
    let mut outcomes = vec![Err("boom".to_owned()), Ok(503), Ok(404)].into_iter();
    let status =
        stamina::retry_block!(on_result = is_server_error, attempts = 5, wait_max = "0s", |_attempt| {
            outcomes.next().unwrap()
        });
    assert_eq!(status, Ok(404));
}

#[tokio::test(start_paused = true)]
async fn async_retry_block_retries_on_results() {
    let status = stamina::retry_block!(
        on_result = |result: &Result<u16, ()>| matches!(result, Ok(429)),
        attempts = 2,
        wait_max = "0s",
        async |_attempt| Ok(429)
    )
    .await;
    assert_eq!(status, Ok(429));
}

#[test]
fn with_retrying_off_the_attribute_runs_once_without_asking() {
    use std::cell::Cell;
    thread_local!(static ASKED: Cell<u32> = const { Cell::new(0) });
    #[stamina::retry(on_result = |result| { ASKED.with(|asked| asked.set(asked.get() + 1)); matches!(result, Ok(503)) }, wait_max = "0s")]
    fn always_503() -> Result<u16, std::io::Error> {
        Ok(503)
    }
    let _off = stamina::testing::thread_scope(stamina::testing::Mode::Inactive);
    assert_eq!(always_503().unwrap(), 503);
    assert_eq!(ASKED.with(Cell::get), 0);
}
