//! Async retries on an executor that is not tokio: async-io's timer driven by
//! futures-lite's `block_on`, through a user-written [`stamina::Sleeper`].

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use stamina::{AsyncRetryingCaller, Sleeper, retry_context};

/// Sleeps on async-io's reactor timer.
#[derive(Clone, Copy, Debug)]
struct AsyncIoSleeper;

impl Sleeper for AsyncIoSleeper {
    type Sleep = std::pin::Pin<Box<dyn Future<Output = ()> + Send>>;

    fn sleep(&self, wait: Duration) -> Self::Sleep {
        Box::pin(async move {
            async_io::Timer::after(wait).await;
        })
    }

    fn now(&self) -> Instant {
        Instant::now()
    }
}

#[test]
fn retries_and_sleeps_on_async_io() {
    let calls = AtomicU32::new(0);
    let caller = AsyncRetryingCaller::new()
        .attempts(3)
        .wait_initial(Duration::from_millis(1))
        .wait_jitter(Duration::ZERO)
        .sleeper(AsyncIoSleeper);
    // No tokio runtime exists on this thread: a tokio sleep here would panic.
    let result = futures_lite::future::block_on(caller.call(
        |e: &std::io::Error| e.kind() == std::io::ErrorKind::TimedOut,
        || async {
            if calls.fetch_add(1, Ordering::Relaxed) < 2 {
                Err(std::io::ErrorKind::TimedOut.into())
            } else {
                Ok("reply")
            }
        },
    ));
    assert_eq!(result.unwrap(), "reply");
    assert_eq!(calls.load(Ordering::Relaxed), 3);
}

#[test]
fn a_closure_is_a_sleeper_too() {
    let slept = std::sync::Mutex::new(Vec::new());
    let sleeper = |wait: Duration| {
        slept.lock().unwrap().push(wait);
        async move {
            async_io::Timer::after(wait).await;
        }
    };
    let result = futures_lite::future::block_on(
        retry_context(|_: &&str| true)
            .attempts(3)
            .wait_initial(Duration::from_millis(2))
            .wait_jitter(Duration::ZERO)
            .sleeper(sleeper)
            .call_async(
                |attempt| async move { if attempt.num() < 3 { Err("again") } else { Ok(attempt.num()) } },
            ),
    );
    assert_eq!(result, Ok(3));
    assert_eq!(*slept.lock().unwrap(), [Duration::from_millis(2), Duration::from_millis(4)]);
}
