//! A hook that blocks for a while. Hooks run inline (see "Hooks run inline" in
//! `stamina::instrumentation`): on the caller's thread, before the wait, so a
//! blocked hook holds up the next attempt, its time counts toward the
//! timeout, and in async code it holds up the executor thread.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use stamina::instrumentation::RetryDetails;
use stamina::{AsyncRetryingCaller, RetryingCaller, Sleeper};

use crate::support::{Transient, always, isolated_with};

#[test]
fn a_blocked_hook_holds_up_the_next_attempt_on_the_callers_thread() {
    let (entered_tx, entered) = mpsc::channel::<std::thread::ThreadId>();
    let (release, released) = mpsc::channel::<()>();
    let released = std::sync::Mutex::new(released);
    let _hooks = isolated_with((move |_: &RetryDetails<'_>| {
        entered_tx.send(std::thread::current().id()).unwrap();
        released.lock().unwrap().recv().unwrap();
    },));
    let attempts = Arc::new(AtomicU32::new(0));
    let counted = Arc::clone(&attempts);
    // The hook registry is process-wide: the caller's thread runs inside the
    // `isolated` scope this thread holds.
    let caller = std::thread::spawn(move || {
        let id = std::thread::current().id();
        let result = RetryingCaller::new()
            .attempts(2)
            .wait_max(Duration::ZERO)
            .call(always, || Err::<(), _>(Transient(counted.fetch_add(1, Ordering::SeqCst))));
        (id, result)
    });
    let hook_thread = entered.recv().unwrap();
    // The loop is inside the hook: the first attempt ran, the second has not
    // started, and it cannot start until the hook returns.
    assert_eq!(attempts.load(Ordering::SeqCst), 1);
    std::thread::yield_now();
    assert_eq!(attempts.load(Ordering::SeqCst), 1);
    release.send(()).unwrap();
    let (caller_thread, result) = caller.join().unwrap();
    assert_eq!(result, Err(Transient(1)));
    assert_eq!(attempts.load(Ordering::SeqCst), 2);
    assert_eq!(hook_thread, caller_thread, "the hook ran on another thread than the loop");
}

/// A sleeper that sleeps not at all, on a clock that only moves when told.
#[derive(Clone, Debug)]
struct ManualClock {
    base: Instant,
    millis: Arc<AtomicU64>,
}

impl Sleeper for ManualClock {
    type Sleep = std::future::Ready<()>;
    fn sleep(&self, _: Duration) -> Self::Sleep {
        std::future::ready(())
    }
    fn now(&self) -> Instant {
        self.base + Duration::from_millis(self.millis.load(Ordering::SeqCst))
    }
}

#[tokio::test]
async fn the_time_a_hook_blocks_counts_toward_the_timeout() {
    let clock = ManualClock { base: Instant::now(), millis: Arc::default() };
    let time = Arc::clone(&clock.millis);
    // The hook "blocks for two seconds": it moves the loop's clock on by as
    // much, exactly as a real block would on a real clock.
    let _hooks = isolated_with((move |_: &RetryDetails<'_>| {
        time.fetch_add(2_000, Ordering::SeqCst);
    },));
    let attempts = AtomicU32::new(0);
    let result = AsyncRetryingCaller::new()
        .attempts(10)
        .timeout(Duration::from_secs(1))
        .wait_initial(Duration::from_millis(1))
        .wait_jitter(Duration::ZERO)
        .sleeper(clock)
        .call(always, || async { Err::<(), _>(Transient(attempts.fetch_add(1, Ordering::SeqCst))) })
        .await;
    // One retry: the second failure finds the hook's two seconds past the
    // one-second timeout.
    assert_eq!(result, Err(Transient(1)));
    assert_eq!(attempts.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn async_hooks_run_inside_the_retried_task() {
    let hook_task = Arc::new(std::sync::Mutex::new(None));
    let seen = Arc::clone(&hook_task);
    // Inline means in the task's own poll: a hook that blocks, blocks the
    // executor thread that polls it, and every task waiting for that thread.
    let _hooks = isolated_with((move |_: &RetryDetails<'_>| {
        *seen.lock().unwrap() = tokio::task::try_id();
    },));
    let task = tokio::spawn(async {
        let result = AsyncRetryingCaller::new()
            .attempts(2)
            .wait_max(Duration::ZERO)
            .call(always, || async { Err::<(), _>(Transient(0)) })
            .await;
        (tokio::task::id(), result)
    });
    let (task_id, result) = task.await.unwrap();
    assert_eq!(result, Err(Transient(0)));
    assert_eq!(*hook_task.lock().unwrap(), Some(task_id));
}
