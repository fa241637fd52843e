//! The hook registry under concurrent installs and dispatches, stressed
//! rather than model-checked: the registry keeps its list in an `arc-swap`
//! `ArcSwapOption`, whose atomics and per-thread debt slots are std's own and
//! which has no loom build, so loom cannot see its interleavings (modelling it
//! would mean swapping in other code under the model, which proves nothing
//! about this code). The budgets' and the switches' atomics are model-checked
//! with loom instead (`stamina-core`, `--cfg stamina_loom`).
//!
//! Each test runs many rounds of threads released together by a barrier, so
//! that the racing operations overlap as closely as the scheduler allows.

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::Duration;

use stamina::RetryingCaller;
use stamina::instrumentation::{RetryDetails, RetryHookFactory, set_on_retry_hooks};

use crate::support::{Transient, always, isolated_with};

const THREADS: usize = 8;

/// One retry, no wait.
fn retry_once() {
    let result = RetryingCaller::new()
        .attempts(2)
        .wait_max(Duration::ZERO)
        .call(always, || Err::<(), _>(Transient(0)));
    assert_eq!(result, Err(Transient(0)));
}

#[test]
fn a_factory_is_built_exactly_once_under_concurrent_first_retries() {
    let _hooks = isolated_with([]);
    for round in 0..200 {
        let built = Arc::new(AtomicU32::new(0));
        let retries = Arc::new(AtomicUsize::new(0));
        let (counting, seen) = (Arc::clone(&built), Arc::clone(&retries));
        // Each `set` resets the hooks: the next dispatch builds the factory again.
        set_on_retry_hooks((RetryHookFactory::new(move || {
            counting.fetch_add(1, Ordering::SeqCst);
            let seen = Arc::clone(&seen);
            move |_: &RetryDetails<'_>| {
                seen.fetch_add(1, Ordering::SeqCst);
            }
        }),));
        let start = Arc::new(Barrier::new(THREADS));
        let threads: Vec<_> = (0..THREADS)
            .map(|_| {
                let start = Arc::clone(&start);
                std::thread::spawn(move || {
                    start.wait();
                    retry_once();
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        assert_eq!(built.load(Ordering::SeqCst), 1, "round {round}");
        assert_eq!(retries.load(Ordering::SeqCst), THREADS, "round {round}: a retry missed the built hook");
    }
}

thread_local! {
    /// The hooks one dispatch on this thread called, in order.
    static CALLED: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
}

fn mark(name: &'static str) -> impl Fn(&RetryDetails<'_>) + Send + Sync + 'static {
    move |_: &RetryDetails<'_>| CALLED.with(|called| called.borrow_mut().push(name))
}

#[test]
fn a_dispatch_racing_set_on_retry_hooks_sees_the_old_or_the_new_list_whole() {
    let _hooks = isolated_with((mark("a1"), mark("a2"), mark("a3")));
    let per_thread = 2_000;
    // The dispatchers run at least until the flips are done, so that the
    // lists change under them however the threads are scheduled (a loaded
    // machine once let them all finish before a second flip).
    let flips_wanted = 1_000u64;
    let start = Arc::new(Barrier::new(THREADS + 1));
    let flipping = Arc::new(AtomicBool::new(true));
    let dispatchers: Vec<_> = (0..THREADS)
        .map(|_| {
            let (start, flipping) = (Arc::clone(&start), Arc::clone(&flipping));
            std::thread::spawn(move || {
                start.wait();
                let mut seen = [0usize; 2];
                let mut dispatched = 0;
                while dispatched < per_thread || flipping.load(Ordering::SeqCst) {
                    dispatched += 1;
                    retry_once();
                    let called = CALLED.with(|called| std::mem::take(&mut *called.borrow_mut()));
                    match called.as_slice() {
                        ["a1", "a2", "a3"] => seen[0] += 1,
                        ["b1", "b2"] => seen[1] += 1,
                        torn => panic!("a dispatch saw a mix of two lists: {torn:?}"),
                    }
                }
                seen
            })
        })
        .collect();
    start.wait();
    // Flip between the two lists while the dispatches run.
    for flip in 0..flips_wanted {
        if flip.is_multiple_of(2) {
            set_on_retry_hooks((mark("b1"), mark("b2")));
        } else {
            set_on_retry_hooks((mark("a1"), mark("a2"), mark("a3")));
        }
    }
    flipping.store(false, Ordering::SeqCst);
    let totals = dispatchers
        .into_iter()
        .map(|thread| thread.join().unwrap())
        .fold([0, 0], |sum, seen| [sum[0] + seen[0], sum[1] + seen[1]]);
    // Every dispatch saw one list whole, and the flips all happened while
    // the dispatchers ran (they run until the last flip).
    assert!(totals[0] + totals[1] >= THREADS * per_thread);
}
