//! A `Sleeper` whose sleep panics, or never completes: the retry loop adds no
//! way out of its own, so the caller's `tokio::time::timeout` (and dropping
//! the call) must still end it, and a panic must reach the caller once, with
//! nothing left broken for the next call.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use stamina::{AsyncRetryingCaller, Sleeper};

use crate::support::{Transient, always};

/// Panics when asked to sleep.
#[derive(Clone, Copy, Debug)]
struct PanicsOnSleep;

impl Sleeper for PanicsOnSleep {
    type Sleep = std::future::Ready<()>;
    fn sleep(&self, _: Duration) -> Self::Sleep {
        panic!("the sleeper broke");
    }
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// Its sleep future panics when polled.
#[derive(Clone, Copy, Debug)]
struct PanicsWhenPolled;

#[derive(Debug)]
struct PanickingSleep;

impl Future for PanickingSleep {
    type Output = ();
    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        panic!("the sleep future broke");
    }
}

impl Sleeper for PanicsWhenPolled {
    type Sleep = PanickingSleep;
    fn sleep(&self, _: Duration) -> Self::Sleep {
        PanickingSleep
    }
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// Never wakes.
#[derive(Clone, Copy, Debug)]
struct NeverWakes;

impl Sleeper for NeverWakes {
    type Sleep = std::future::Pending<()>;
    fn sleep(&self, _: Duration) -> Self::Sleep {
        std::future::pending()
    }
    fn now(&self) -> Instant {
        Instant::now()
    }
}

fn caller<S: Sleeper>(sleeper: S) -> AsyncRetryingCaller<S> {
    AsyncRetryingCaller::new().attempts(3).wait_initial(Duration::from_millis(10)).sleeper(sleeper)
}

/// Runs `call` as its own task and returns the panic message it ended with.
async fn panic_message<F: Future<Output = Result<(), Transient>> + Send + 'static>(call: F) -> String {
    let error = tokio::spawn(call).await.expect_err("the call panicked");
    let payload = error.into_panic();
    payload.downcast_ref::<&str>().map(ToString::to_string).unwrap_or_default()
}

#[tokio::test(start_paused = true)]
async fn a_sleeper_that_panics_panics_the_call_once_and_the_next_call_works() {
    static CALLS: AtomicU32 = AtomicU32::new(0);
    let _hooks = crate::support::isolated_with([]);
    let failing = || async {
        CALLS.fetch_add(1, Ordering::Relaxed);
        Err::<(), _>(Transient(0))
    };
    let call = async move { caller(PanicsOnSleep).call(always, failing).await };
    assert_eq!(panic_message(call).await, "the sleeper broke");
    let call = async move { caller(PanicsWhenPolled).call(always, failing).await };
    assert_eq!(panic_message(call).await, "the sleep future broke");
    // One attempt each: the panic came at the first wait and ended the loop.
    assert_eq!(CALLS.load(Ordering::Relaxed), 2);
    // Nothing is left broken: the same kind of caller with a working sleeper
    // runs its three attempts.
    let result = caller(stamina::TokioSleeper).call(always, failing).await;
    assert_eq!(result, Err(Transient(0)));
    assert_eq!(CALLS.load(Ordering::Relaxed), 5);
}

#[tokio::test(start_paused = true)]
async fn the_callers_own_timeout_ends_a_call_whose_sleeper_never_wakes() {
    let _hooks = crate::support::isolated_with([]);
    let calls = AtomicU32::new(0);
    let started = tokio::time::Instant::now();
    let caller = caller(NeverWakes);
    let call = caller.call(always, || async {
        calls.fetch_add(1, Ordering::Relaxed);
        Err::<(), _>(Transient(0))
    });
    let outcome = tokio::time::timeout(Duration::from_secs(5), call).await;
    assert!(outcome.is_err(), "the call cannot end by itself: {outcome:?}");
    assert_eq!(started.elapsed(), Duration::from_secs(5));
    // Stuck in the first wait: one attempt, no second.
    assert_eq!(calls.load(Ordering::Relaxed), 1);
}

#[tokio::test(start_paused = true)]
async fn a_stuck_wait_is_dropped_with_its_hook_guards() {
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;

    use stamina::instrumentation::{HookGuard, RetryDetails};

    let dropped = Arc::new(AtomicBool::new(false));
    let seen = Arc::clone(&dropped);
    // A hook's guard (a span, say) lives through the wait: when the caller
    // gives up on a stuck wait, it is dropped with the call.
    let _hooks = crate::support::isolated_with((move |_: &RetryDetails<'_>| {
        let seen = Arc::clone(&seen);
        HookGuard::on_drop(move || seen.store(true, Ordering::Relaxed))
    },));
    let caller = caller(NeverWakes);
    let call = caller.call(always, || async { Err::<(), _>(Transient(0)) });
    assert!(tokio::time::timeout(Duration::from_secs(1), call).await.is_err());
    assert!(dropped.load(Ordering::Relaxed), "the guard of the stuck wait was not dropped");
}

/// A strict deadline is measured with the sleeper, so it cannot end a wait
/// the sleeper never ends (the caller's own timeout does, above); what it
/// still guarantees is that a wait past the deadline is never started, so
/// a broken sleeper is never asked for one.
#[tokio::test(start_paused = true)]
async fn a_strict_deadline_never_starts_a_wait_past_it_even_with_a_sleeper_that_never_wakes() {
    let _hooks = crate::support::isolated_with([]);
    let calls = AtomicU32::new(0);
    let started = tokio::time::Instant::now();
    let caller = AsyncRetryingCaller::new()
        .attempts(3)
        .wait_initial(Duration::from_secs(60))
        .wait_max(Duration::from_secs(60))
        .wait_jitter(Duration::ZERO)
        .timeout(Some(Duration::from_secs(30)))
        .sleeper(NeverWakes)
        .timeout_mode(stamina::TimeoutMode::Strict);
    let call = caller.call(always, || async {
        calls.fetch_add(1, Ordering::Relaxed);
        Err::<(), std::io::Error>(std::io::ErrorKind::ConnectionReset.into())
    });
    let outcome = tokio::time::timeout(Duration::from_secs(5), call).await;
    let error = outcome.expect("the 60 s wait passes the 30 s deadline: the loop gives up without sleeping");
    assert_eq!(error.unwrap_err().kind(), std::io::ErrorKind::ConnectionReset);
    assert_eq!(started.elapsed(), Duration::ZERO);
    assert_eq!(calls.load(Ordering::Relaxed), 1);
}
