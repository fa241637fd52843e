//! What instrumentation costs in allocations, counted per thread by
//! `allocation-counter`'s global allocator: nothing without hooks, nothing for
//! a hook that allocates nothing itself, and a method's name is joined only
//! when a hook is installed.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use stamina::RetryingCaller;
use stamina::instrumentation::{RetryDetails, get_on_retry_hooks, retry_hook, set_on_retry_hooks};

use crate::support::{always, isolated, never};

/// An error whose construction does not allocate.
#[derive(Debug)]
struct Busy;

struct Client;

impl Client {
    /// A method, whose name hooks see joined from its type's and its own.
    #[stamina::retry(on = always, attempts = 2, wait_max = 0)]
    fn get(&self) -> Result<(), Busy> {
        Err(Busy)
    }
}

fn allocations(run: impl FnOnce()) -> u64 {
    allocation_counter::measure(run).count_total
}

/// Retries, a success after retries, a give-up and a non-retryable error.
fn every_event(caller: RetryingCaller) {
    let mut calls = 0;
    let result = caller.call(always, || {
        calls += 1;
        if calls < 3 { Err(Busy) } else { Ok(calls) }
    });
    assert_eq!(result.unwrap(), 3);
    assert!(caller.call(always, || Err::<(), _>(Busy)).is_err());
    assert!(caller.call(never, || Err::<(), _>(Busy)).is_err());
}

#[test]
fn no_hooks_cost_no_allocation() {
    let _isolated = isolated();
    set_on_retry_hooks([]);
    let caller = RetryingCaller::new().attempts(3).wait_max(Duration::ZERO);
    every_event(caller); // warm up thread-locals outside the measurement

    assert_eq!(allocations(|| every_event(caller)), 0);
}

static CALLS: AtomicU32 = AtomicU32::new(0);

fn count(_: &RetryDetails<'_>) {
    CALLS.fetch_add(1, Ordering::Relaxed);
}

#[test]
fn a_hook_that_does_not_allocate_costs_no_allocation() {
    let _isolated = isolated();
    set_on_retry_hooks((count,));
    let caller = RetryingCaller::new().attempts(3).wait_max(Duration::ZERO);
    every_event(caller);
    let before = CALLS.load(Ordering::Relaxed);

    assert_eq!(allocations(|| every_event(caller)), 0);
    assert_eq!(CALLS.load(Ordering::Relaxed) - before, 4, "the hook ran: 2 + 2 retries");
}

static JOINED_NAMES: AtomicU32 = AtomicU32::new(0);

#[test]
fn a_method_name_is_joined_only_when_a_hook_sees_it() {
    let _isolated = isolated();
    let retry_once = || assert!(Client.get().is_err());

    set_on_retry_hooks([]);
    retry_once();
    assert_eq!(allocations(retry_once), 0);

    set_on_retry_hooks((retry_hook(|details| {
        // Allocates nothing itself: every allocation measured below is the join.
        if details.name.ends_with("instrumentation_alloc::Client::get") {
            JOINED_NAMES.fetch_add(1, Ordering::Relaxed);
        }
    }),));
    assert_eq!(get_on_retry_hooks().len(), 1);
    retry_once();
    assert_eq!(JOINED_NAMES.load(Ordering::Relaxed), 1);
    assert!(allocations(retry_once) > 0, "the name is joined when a hook sees it");
    assert_eq!(JOINED_NAMES.load(Ordering::Relaxed), 2);
}
