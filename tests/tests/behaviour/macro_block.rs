//! `stamina::retry_block!`: inline retries with the current `Attempt`.

use std::time::Duration;

use stamina::testing::{self, Mode, TestMode};
use tokio::time::Instant;

use crate::support::{ApiError, is_retriable};

fn fails_until(attempt: u32, ok_at: u32) -> Result<u32, ApiError> {
    if attempt < ok_at { Err(ApiError::Unavailable(attempt)) } else { Ok(attempt) }
}

#[test]
fn sync_block_sees_attempt_numbers_and_waits() {
    let mut seen = Vec::new();
    let result = stamina::retry_block!(
        on = is_retriable,
        attempts = 3,
        wait_initial = "1ms",
        wait_jitter = 0,
        |attempt| {
            seen.push((attempt.num(), attempt.next_wait()));
            fails_until(attempt.num(), 3)
        }
    );
    assert_eq!(result, Ok(3));
    assert_eq!(
        seen,
        [(1, Duration::from_millis(1)), (2, Duration::from_millis(2)), (3, Duration::from_millis(4))]
    );
}

#[test]
fn sync_block_exhaustion_and_non_retryable() {
    let mut calls = 0;
    let result: Result<(), ApiError> =
        stamina::retry_block!(on = is_retriable, attempts = 2, wait_max = 0, |attempt| {
            calls += 1;
            Err(ApiError::Unavailable(attempt.num()))
        });
    assert_eq!(result, Err(ApiError::Unavailable(2)));
    assert_eq!(calls, 2);

    let mut calls = 0;
    let result =
        stamina::retry_block!(on = |e| matches!(e, ApiError::Unavailable(_)), attempts = 5, |_attempt| {
            calls += 1;
            Err::<(), _>(ApiError::NotFound)
        });
    assert_eq!(result, Err(ApiError::NotFound));
    assert_eq!(calls, 1);
}

#[test]
fn question_mark_and_return_end_the_attempt() {
    let result = stamina::retry_block!(on = is_retriable, attempts = 4, wait_max = 0, |attempt| {
        let n = fails_until(attempt.num(), 2)?;
        if n == 2 {
            return Err(ApiError::Unavailable(n));
        }
        Ok(n * 10)
    });
    assert_eq!(result, Ok(30));
}

#[test]
fn block_value_propagates_with_question_mark() -> Result<(), ApiError> {
    let body = stamina::retry_block!(on = is_retriable, attempts = 3, wait_max = 0, |attempt| {
        fails_until(attempt.num(), 2)
    })?;
    assert_eq!(body, 2);
    Ok(())
}

#[test]
fn testing_mode_and_deactivation_apply_to_blocks() {
    {
        let _testing = testing::thread_scope(TestMode::new(4));
        let mut calls = 0;
        let result: Result<(), ApiError> =
            stamina::retry_block!(on = is_retriable, attempts = 2, wait_initial = "1h", |a| {
                calls += 1;
                assert_eq!(a.next_wait(), Duration::ZERO);
                Err(ApiError::Unavailable(calls))
            });
        assert_eq!(result, Err(ApiError::Unavailable(4)));
    }
    let _off = testing::thread_scope(Mode::Inactive);
    let mut calls = 0;
    let result: Result<(), ApiError> = stamina::retry_block!(on = is_retriable, |_| {
        calls += 1;
        Err(ApiError::Unavailable(calls))
    });
    assert_eq!(result, Err(ApiError::Unavailable(1)));
}

#[test]
fn no_argument_closures_are_accepted() {
    let mut calls = 0;
    let result = stamina::retry_block!(on = is_retriable, wait_max = 0, || {
        calls += 1;
        fails_until(calls, 2)
    });
    assert_eq!(result, Ok(2));
}

#[tokio::test(start_paused = true)]
async fn async_block_on_virtual_time() {
    let started = Instant::now();
    let mut at = Vec::new();
    let result = stamina::retry_block!(
        on = is_retriable,
        attempts = 3,
        wait_initial = "100ms",
        wait_jitter = 0,
        async |attempt| {
            at.push(started.elapsed());
            tokio::task::yield_now().await;
            fails_until(attempt.num(), 3)
        }
    )
    .await;
    assert_eq!(result, Ok(3));
    assert_eq!(at, [Duration::ZERO, Duration::from_millis(100), Duration::from_millis(300)]);
}

#[tokio::test(start_paused = true)]
async fn async_move_block_is_send_and_spawnable() {
    let label = String::from("x");
    let block = stamina::retry_block!(on = is_retriable, attempts = 2, async move |attempt| {
        tokio::task::yield_now().await;
        fails_until(attempt.num(), 2).map(|n| format!("{label}{n}"))
    });
    assert_eq!(tokio::spawn(block).await.unwrap().as_deref(), Ok("x2"));
}
