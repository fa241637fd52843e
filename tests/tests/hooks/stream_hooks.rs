//! Retried streams and iterators and the hook registry: the name hooks see,
//! guards that live across the wait and are dropped exactly once (also when
//! the stream is dropped mid-wait), no hook after a drop, and no allocation
//! per item.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures_lite::{StreamExt as _, stream};
use stamina::instrumentation::{GiveUpDetails, HookGuard, RetryDetails, retry_hook, set_on_retry_hooks};
use stamina::{Attempt, retry_context};

use crate::support::{Transient, always, isolated, isolated_with};

#[derive(Clone, Default)]
struct Events(Arc<Mutex<Vec<String>>>);

impl Events {
    fn push(&self, event: impl Into<String>) {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).push(event.into());
    }

    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// A hook that records the name and retry number, and returns a guard that
/// records its drop.
fn guarded_hook(events: &Events) -> impl stamina::instrumentation::RetryHook + use<> {
    let events = events.clone();
    retry_hook(move |details: &RetryDetails<'_>| {
        let retry_num = details.retry_num;
        events.push(format!("retry {} {retry_num}", details.name));
        let events = events.clone();
        HookGuard::on_drop(move || events.push(format!("guard {retry_num} dropped")))
    })
}

/// Items 1, 2 then an error on attempts up to `failing`, 1, 2, 3 after.
fn two_then_error(attempt: u32, failing: u32) -> Vec<Result<u32, Transient>> {
    if attempt <= failing { vec![Ok(1), Ok(2), Err(Transient(attempt))] } else { vec![Ok(1), Ok(2), Ok(3)] }
}

#[tokio::test(start_paused = true)]
async fn hooks_see_the_context_name_and_guards_drop_once_before_the_next_attempt() {
    let _isolated = isolated();
    let events = Events::default();
    set_on_retry_hooks((guarded_hook(&events),));

    let retried = retry_context(always)
        .wait_initial(Duration::from_secs(1))
        .wait_jitter(Duration::ZERO)
        .stream(|attempt: Attempt| {
            events.push(format!("attempt {}", attempt.num()));
            stream::iter(two_then_error(attempt.num(), 2))
        });
    let items: Vec<_> = retried.collect().await;
    assert_eq!(items.len(), 7);
    assert_eq!(
        events.take(),
        [
            "attempt 1",
            "retry <context block> 1",
            "guard 1 dropped",
            "attempt 2",
            "retry <context block> 2",
            "guard 2 dropped",
            "attempt 3",
        ]
    );

    // A context's own name, and the sync form.
    let items: Vec<_> = retry_context(always)
        .name("list_pages")
        .wait_max(Duration::ZERO)
        .iter(|attempt| {
            events.push(format!("attempt {}", attempt.num()));
            two_then_error(attempt.num(), 1).into_iter()
        })
        .collect();
    assert_eq!(items.len(), 5);
    assert_eq!(events.take(), ["attempt 1", "retry list_pages 1", "guard 1 dropped", "attempt 2"]);
}

#[tokio::test(start_paused = true)]
async fn dropping_mid_wait_drops_the_guard_once_and_calls_no_further_hook() {
    let _isolated = isolated();
    let events = Events::default();
    let give_ups = Arc::new(AtomicU32::new(0));
    let on_give_up = {
        let give_ups = Arc::clone(&give_ups);
        stamina::instrumentation::give_up_hook(move |_: &GiveUpDetails<'_>| {
            give_ups.fetch_add(1, Ordering::SeqCst);
        })
    };
    set_on_retry_hooks((guarded_hook(&events), on_give_up));

    let mut retried = Box::pin(
        retry_context(always)
            .timeout(None)
            .wait_initial(Duration::from_secs(3600))
            .wait_max(Duration::from_secs(3600))
            .stream(|attempt: Attempt| {
                events.push(format!("attempt {}", attempt.num()));
                stream::iter(two_then_error(attempt.num(), 10))
            }),
    );
    assert_eq!(retried.next().await.map(Result::unwrap), Some(1));
    assert_eq!(retried.next().await.map(Result::unwrap), Some(2));
    let waiting = tokio::time::timeout(Duration::from_secs(60), retried.next()).await;
    assert!(waiting.is_err(), "the stream should be waiting");
    assert_eq!(events.take(), ["attempt 1", "retry <context block> 1"]);
    drop(retried);
    assert_eq!(events.take(), ["guard 1 dropped"]);
    tokio::time::sleep(Duration::from_secs(7200)).await;
    assert_eq!(events.take(), Vec::<String>::new());
    assert_eq!(give_ups.load(Ordering::SeqCst), 0);
}

#[test]
fn with_dyn_error_shows_hooks_the_error_as_an_error() {
    let _isolated = isolated();
    let events = Events::default();
    set_on_retry_hooks((retry_hook({
        let events = events.clone();
        move |details: &RetryDetails<'_>| {
            events.push(format!(
                "{} {}",
                details.name,
                details.error.map_or("-".to_owned(), ToString::to_string)
            ));
        }
    }),));
    let fail_once = |attempt: Attempt| {
        let first = if attempt.num() == 1 { Err(Transient(attempt.num())) } else { Ok(1) };
        std::iter::once(first)
    };
    let context = retry_context(always).wait_max(Duration::ZERO);
    assert_eq!(context.iter(fail_once).count(), 1);
    assert_eq!(context.iter(fail_once).with_dyn_error().count(), 1);
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let streamed = runtime.block_on(
        context.stream(|attempt: Attempt| stream::iter(fail_once(attempt))).with_dyn_error().count(),
    );
    assert_eq!(streamed, 1);
    // The runtime API alone cannot tell that `Transient` is an `Error`.
    assert_eq!(
        events.take(),
        ["<context block> -", "<context block> transient failure 1", "<context block> transient failure 1"]
    );
}

fn assert_no_allocations(what: &str, run: impl FnOnce()) {
    let info = allocation_counter::measure(run);
    assert_eq!(info.count_total, 0, "{what} allocated: {info:?}");
}

#[test]
fn items_and_zero_wait_retries_allocate_nothing() {
    let _no_hooks = isolated_with([]);
    // Warm up the RNG's thread-local outside the measurement.
    let _ = retry_context(always).attempts(2).wait_max(Duration::ZERO).call(|_| Err::<(), _>(Transient(0)));

    assert_no_allocations("a retried iterator of 1000 items", || {
        let sum: u32 =
            retry_context(always).iter(|_| (0..1000).map(Ok::<u32, Transient>)).map(Result::unwrap).sum();
        assert_eq!(sum, 499_500);
    });
    assert_no_allocations("a retried iterator with 2 restarts", || {
        let count = retry_context(always)
            .wait_max(Duration::ZERO)
            .iter(|attempt: Attempt| {
                let fail = attempt.num() < 3;
                (0..100).map(move |n| if fail && n == 50 { Err(Transient(n)) } else { Ok(n) })
            })
            .count();
        assert_eq!(count, 200);
    });

    let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    assert_no_allocations("a retried stream of 1000 items and a restart", || {
        runtime.block_on(async {
            let retried = retry_context(always).wait_max(Duration::ZERO).stream(|attempt: Attempt| {
                let fail = attempt.num() < 2;
                stream::iter((0..1000).map(move |n| if fail && n == 10 { Err(Transient(n)) } else { Ok(n) }))
            });
            assert_eq!(retried.count().await, 1010);
        });
    });
}
