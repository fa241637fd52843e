//! With the built-in log sinks installed (the default hooks of the default
//! features) and nothing listening at their level (no `tracing` subscriber,
//! no logger), retries allocate nothing: the sinks are skipped before anything
//! is prepared for them, a method's joined name included. Counted per thread
//! by `allocation-counter`'s global allocator.
//!
//! No test in this binary installs a subscriber or a logger: what level
//! anything listens at is process-wide.

use std::cell::Cell;
use std::future::Future;
use std::pin::pin;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use stamina::instrumentation::{Hook, IntoHook, RetryDetails, set_on_retry_hooks};
use stamina::{AsyncRetryingCaller, RetryingCaller, retry_context};

#[derive(Debug, PartialEq, Eq)]
enum Failure {
    Busy,
    Fatal,
}

fn is_busy(failure: &Failure) -> bool {
    matches!(failure, Failure::Busy)
}

/// What each attempt does: fails with `Busy` while `busy` is above zero,
/// counting down, then succeeds; fails with `Fatal` while `fatal` is set.
#[derive(Default)]
struct Script {
    busy: Cell<u32>,
    fatal: Cell<bool>,
}

impl Script {
    fn attempt(&self) -> Result<u32, Failure> {
        if self.fatal.get() {
            return Err(Failure::Fatal);
        }
        let left = self.busy.get();
        if left > 0 {
            self.busy.set(left - 1);
            Err(Failure::Busy)
        } else {
            Ok(7)
        }
    }
}

/// Every event a loop reports, through `run` (3 attempts, zero waits): two
/// retries and a success, two retries and giving up, an error `on` rejects.
fn every_event(run: &dyn Fn(&Script) -> Result<u32, Failure>) {
    let script = Script::default();
    script.busy.set(2);
    assert_eq!(run(&script), Ok(7));
    script.busy.set(5);
    assert_eq!(run(&script), Err(Failure::Busy));
    script.fatal.set(true);
    assert_eq!(run(&script), Err(Failure::Fatal));
}

#[stamina::retry(on = is_busy, attempts = 3, wait_max = 0)]
fn retried(script: &Script) -> Result<u32, Failure> {
    script.attempt()
}

#[stamina::retry(on = is_busy, attempts = 3, wait_max = 0)]
async fn retried_async(script: &Script) -> Result<u32, Failure> {
    script.attempt()
}

struct Client;

impl Client {
    // A method: hooks see `<Self type>::get`, joined only for a hook that sees it.
    #[stamina::retry(on = is_busy, attempts = 3, wait_max = 0)]
    fn get(&self, script: &Script) -> Result<u32, Failure> {
        script.attempt()
    }

    #[stamina::retry(on = is_busy, attempts = 3, wait_max = 0)]
    async fn get_async(&self, script: &Script) -> Result<u32, Failure> {
        script.attempt()
    }
}

/// Polls `future` once: with zero waits, every loop here completes at once.
fn poll_once<F: Future>(future: F) -> F::Output {
    match pin!(future).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("a loop with zero waits must not wait"),
    }
}

type Api = (&'static str, fn(&Script) -> Result<u32, Failure>);

/// Every way of retrying, sync and async.
const APIS: [Api; 10] = [
    ("the attribute on a fn", |script| retried(script)),
    ("the attribute on an async fn", |script| poll_once(retried_async(script))),
    ("the attribute on a method", |script| Client.get(script)),
    ("the attribute on an async method", |script| poll_once(Client.get_async(script))),
    ("retry_block!", |script| {
        stamina::retry_block!(on = is_busy, attempts = 3, wait_max = 0, |_attempt| script.attempt())
    }),
    ("an async retry_block!", |script| {
        poll_once(stamina::retry_block!(on = is_busy, attempts = 3, wait_max = 0, async |_attempt| {
            script.attempt()
        }))
    }),
    ("the caller", |script| {
        RetryingCaller::new().attempts(3).wait_max(Duration::ZERO).call(is_busy, || script.attempt())
    }),
    ("the async caller", |script| {
        poll_once(
            AsyncRetryingCaller::new()
                .attempts(3)
                .wait_max(Duration::ZERO)
                .call(is_busy, || async { script.attempt() }),
        )
    }),
    ("retry_context", |script| {
        retry_context(is_busy).attempts(3).wait_max(Duration::ZERO).call(|_| script.attempt())
    }),
    ("an async retry_context", |script| {
        poll_once(
            retry_context(is_busy)
                .attempts(3)
                .wait_max(Duration::ZERO)
                .call_async(|_| async { script.attempt() }),
        )
    }),
];

static SERIAL: Mutex<()> = Mutex::new(());

/// Hooks are process-wide: the tests here install them one at a time, and
/// leave the defaults behind.
struct Installed {
    _serial: MutexGuard<'static, ()>,
}

fn install(hooks: Option<Vec<Hook>>) -> Installed {
    let serial = SERIAL.lock().unwrap_or_else(PoisonError::into_inner);
    set_on_retry_hooks(hooks);
    Installed { _serial: serial }
}

impl Drop for Installed {
    fn drop(&mut self) {
        set_on_retry_hooks(None);
    }
}

/// The allocations of every event of every API, each warmed up first
/// (thread-locals, the first resolution of the hooks).
fn allocations_per_api() -> Vec<(&'static str, u64)> {
    APIS.iter()
        .map(|&(api, run)| {
            every_event(&run);
            (api, allocation_counter::measure(|| every_event(&run)).count_total)
        })
        .collect()
}

fn assert_no_allocations(hooks: &str) {
    let allocating: Vec<_> = allocations_per_api().into_iter().filter(|&(_, count)| count > 0).collect();
    assert!(allocating.is_empty(), "with {hooks} and nothing listening, these allocated: {allocating:?}");
}

// The default hooks of stamina's default features. (`set_on_retry_hooks(None)`
// would add the metric sinks that a workspace build compiles in.)
#[test]
fn the_tracing_sink_costs_no_allocation_while_nothing_listens() {
    let _installed = install(Some(vec![stamina::instrumentation::TracingHook::new().into_hook()]));
    assert_no_allocations("the tracing sink");
}

#[cfg(feature = "log")]
#[test]
fn the_log_sink_costs_no_allocation_while_nothing_listens() {
    let _installed = install(Some(vec![stamina::instrumentation::LogHook::new().into_hook()]));
    assert_no_allocations("the log sink");
}

#[cfg(feature = "log")]
#[test]
fn both_log_sinks_cost_no_allocation_while_nothing_listens() {
    let _installed = install(Some(vec![
        stamina::instrumentation::TracingHook::new().into_hook(),
        stamina::instrumentation::LogHook::new().into_hook(),
    ]));
    assert_no_allocations("both log sinks");
}

fn listening_hook(_: &RetryDetails<'_>) {}

#[test]
fn a_hook_that_listens_sees_the_method_name_joined() {
    // What the tests above would see if the sinks were not skipped: a hook
    // that is called makes the loop join a method's name, and the counter
    // counts it.
    let _installed = install(Some(vec![listening_hook.into_hook()]));
    let allocations: Vec<_> = allocations_per_api().into_iter().filter(|&(_, count)| count > 0).collect();
    let allocating: Vec<&str> = allocations.iter().map(|&(api, _)| api).collect();
    assert_eq!(allocating, ["the attribute on a method", "the attribute on an async method"]);
}
