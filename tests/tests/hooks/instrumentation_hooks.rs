//! The hook registry and when hooks run: order, details, `None` versus `[]`,
//! defaults per feature set, lazy factories, guards, panics, lifecycle events
//! and the names callers and blocks report.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Barrier, Mutex, PoisonError};
use std::time::Duration;

use stamina::instrumentation::{
    COMPILED_SINKS, GiveUpDetails, GiveUpReason, HookGuard, InstalledHook, RetryDetails, RetryHook,
    RetryHookFactory, SuccessDetails, get_on_retry_hooks, give_up_hook, retry_hook, set_on_retry_hooks,
    success_hook,
};
use stamina::{AsyncRetryingCaller, RetryingCaller, retry_context};

use crate::support::{Transient, always, isolated, never, transient_type};

/// A shared, ordered record of what happened.
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

fn instant_caller() -> RetryingCaller {
    RetryingCaller::new().attempts(3).wait_max(Duration::ZERO)
}

/// A caller whose waits are exactly 1 s, 2 s, 4 s ... (no jitter).
fn exact_async_caller() -> AsyncRetryingCaller {
    AsyncRetryingCaller::new().attempts(3).wait_initial(Duration::from_secs(1)).wait_jitter(Duration::ZERO)
}

/// A hook that records its tag and every detail it sees.
fn recorder(tag: &'static str, events: &Events) -> impl Fn(&RetryDetails<'_>) + Send + Sync + use<> {
    let events = events.clone();
    move |details: &RetryDetails<'_>| {
        events.push(format!(
            "{tag} name={} retry_num={} wait_for={:?} waited_so_far={:?} caused_by={:?} error_type={} error={}",
            details.name,
            details.retry_num,
            details.wait_for,
            details.waited_so_far,
            details.caused_by,
            details.error_type,
            details.error.is_some(),
        ));
    }
}

#[test]
fn hooks_run_once_per_scheduled_retry_in_order() {
    let _isolated = isolated();
    let events = Events::default();
    set_on_retry_hooks((recorder("A", &events), recorder("B", &events)));

    let result = instant_caller().call(always, || Err::<(), _>(Transient(7)));

    assert_eq!(result, Err(Transient(7)));
    let ty = transient_type();
    assert_eq!(
        events.take(),
        [
            format!(
                "A name=<context block> retry_num=1 wait_for=0ns waited_so_far=0ns caused_by=Transient(7) error_type={ty} error=false"
            ),
            format!(
                "B name=<context block> retry_num=1 wait_for=0ns waited_so_far=0ns caused_by=Transient(7) error_type={ty} error=false"
            ),
            format!(
                "A name=<context block> retry_num=2 wait_for=0ns waited_so_far=0ns caused_by=Transient(7) error_type={ty} error=false"
            ),
            format!(
                "B name=<context block> retry_num=2 wait_for=0ns waited_so_far=0ns caused_by=Transient(7) error_type={ty} error=false"
            ),
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn details_carry_the_planned_waits() {
    let _isolated = isolated();
    let events = Events::default();
    set_on_retry_hooks((retry_hook({
        let events = events.clone();
        move |details| {
            events.push(format!("{} {:?} {:?}", details.retry_num, details.wait_for, details.waited_so_far));
        }
    }),));

    let started = tokio::time::Instant::now();
    let result = exact_async_caller().attempts(4).call(always, || async { Err::<(), _>(Transient(1)) }).await;

    assert!(result.is_err());
    assert_eq!(events.take(), ["1 1s 0ns", "2 2s 1s", "3 4s 3s"]);
    assert_eq!(started.elapsed(), Duration::from_secs(7));
}

#[test]
fn hooks_see_the_wait_that_is_slept_even_when_it_saturates() {
    // A predicate may ask for any wait; an absurd one is cut to what the loop
    // can keep (a nanosecond short of 584 years), and the hook is told that,
    // not the number it was asked for.
    let _isolated = isolated();
    let events = Events::default();
    set_on_retry_hooks((retry_hook({
        let events = events.clone();
        move |details| events.push(format!("{:?}", details.wait_for))
    }),));
    let slept = Events::default();
    let sleeper = {
        let slept = slept.clone();
        move |wait: Duration| {
            slept.push(format!("{wait:?}"));
            std::future::ready(())
        }
    };
    let caller = AsyncRetryingCaller::new().attempts(2).sleeper(sleeper);
    let asks_forever = |_: &Transient| stamina::Decision::RetryAfter(Duration::MAX);
    let result =
        futures_lite::future::block_on(caller.call(asks_forever, || async { Err::<(), _>(Transient(1)) }));

    assert!(result.is_err());
    let expected = vec![format!("{:?}", Duration::from_nanos(u64::MAX - 1))];
    assert_eq!(events.take(), expected);
    assert_eq!(slept.take(), expected);
}

#[test]
fn no_retry_hook_on_success_non_retryable_error_or_giving_up() {
    let _isolated = isolated();
    let events = Events::default();
    set_on_retry_hooks((recorder("A", &events),));

    assert_eq!(instant_caller().call(always, || Ok::<_, Transient>(1)), Ok(1));
    assert_eq!(instant_caller().call(never, || Err::<(), _>(Transient(1))), Err(Transient(1)));
    assert!(instant_caller().attempts(1).call(always, || Err::<(), _>(Transient(1))).is_err());
    assert!(events.take().is_empty());

    // attempts = 2, always failing: exactly one retry is reported, none for giving up.
    assert!(instant_caller().attempts(2).call(always, || Err::<(), _>(Transient(1))).is_err());
    assert_eq!(events.take().len(), 1);
}

#[test]
fn inactive_loops_call_no_hooks_and_testing_mode_still_does() {
    let _isolated = isolated();
    let events = Events::default();
    set_on_retry_hooks((recorder("A", &events),));

    {
        let _off = stamina::testing::thread_scope(stamina::testing::Mode::Inactive);
        assert!(instant_caller().call(always, || Err::<(), _>(Transient(1))).is_err());
    }
    assert!(events.take().is_empty());

    {
        let _testing = stamina::testing::thread_scope(stamina::testing::TestMode::new(2));
        assert!(RetryingCaller::new().call(always, || Err::<(), _>(Transient(1))).is_err());
    }
    assert_eq!(events.take().len(), 1);
}

#[test]
fn empty_list_disables_hooks_and_none_restores_the_defaults() {
    let _isolated = isolated();
    let default_names: Vec<&str> = get_on_retry_hooks().iter().map(InstalledHook::type_name).collect();

    set_on_retry_hooks([]);
    assert!(get_on_retry_hooks().is_empty());
    let events = Events::default();
    // A hook installed later sees nothing of loops run while hooks were off.
    assert!(instant_caller().call(always, || Err::<(), _>(Transient(1))).is_err());
    set_on_retry_hooks((recorder("A", &events),));
    assert_eq!(get_on_retry_hooks().len(), 1);
    assert!(events.take().is_empty());

    set_on_retry_hooks(None);
    let restored: Vec<&str> = get_on_retry_hooks().iter().map(InstalledHook::type_name).collect();
    assert_eq!(restored, default_names);
}

#[test]
fn defaults_follow_the_enabled_features() {
    let _isolated = isolated();
    // This crate's features imply stamina's; other crates may enable more.
    let compiled = |sink: &str| COMPILED_SINKS.contains(&sink);
    for (enabled_here, sink) in [
        (cfg!(feature = "prometheus"), "prometheus"),
        (cfg!(feature = "metrics"), "metrics"),
        (cfg!(feature = "tracing"), "tracing"),
        (cfg!(feature = "log"), "log"),
    ] {
        assert!(!enabled_here || compiled(sink), "{sink} enabled here but not compiled into stamina");
    }
    let mut expected = Vec::new();
    if compiled("prometheus") {
        expected.push("stamina_core::instrumentation::prometheus::PrometheusHook");
    }
    if compiled("metrics") {
        expected.push("stamina_core::instrumentation::metrics_hook::MetricsHook");
    }
    if compiled("tracing") {
        expected.push("stamina_core::instrumentation::tracing_hook::TracingHook");
    } else if compiled("log") {
        expected.push("stamina_core::instrumentation::log_hook::LogHook");
    }

    set_on_retry_hooks(None);
    let names: Vec<&str> = get_on_retry_hooks().iter().map(InstalledHook::type_name).collect();
    assert_eq!(names, expected);
}

fn plain_fn(_: &RetryDetails<'_>) {}

#[test]
fn get_resolves_factories_and_keeps_order() {
    let _isolated = isolated();
    let built = Arc::new(AtomicU32::new(0));
    let events = Events::default();
    let factory = {
        let (built, events) = (Arc::clone(&built), events.clone());
        RetryHookFactory::new(move || {
            built.fetch_add(1, Ordering::SeqCst);
            recorder("factory-made", &events)
        })
    };
    set_on_retry_hooks((plain_fn, factory, recorder("closure", &events)));
    assert_eq!(built.load(Ordering::SeqCst), 0, "a factory must not be built by set");

    let hooks = get_on_retry_hooks();
    assert_eq!(built.load(Ordering::SeqCst), 1);
    assert_eq!(hooks.len(), 3);
    assert!(hooks[0].type_name().ends_with("plain_fn"), "{}", hooks[0].type_name());
    // The order is kept when calling, too.
    assert!(instant_caller().attempts(2).call(always, || Err::<(), _>(Transient(1))).is_err());
    let tags: Vec<String> = events.take().iter().map(|e| e.split(' ').next().unwrap().to_owned()).collect();
    assert_eq!(tags, ["factory-made", "closure"]);
    // Resolved once: the same hooks come back, and the factory is not built again.
    assert!(get_on_retry_hooks()[1].ptr_eq(&hooks[1]));
    assert_eq!(built.load(Ordering::SeqCst), 1);
}

#[test]
fn factories_are_built_lazily_once_per_set() {
    let _isolated = isolated();
    let built = Arc::new(AtomicU32::new(0));
    let make_factory = || {
        let built = Arc::clone(&built);
        RetryHookFactory::new(move || {
            built.fetch_add(1, Ordering::SeqCst);
            |_: &RetryDetails<'_>| {}
        })
    };
    set_on_retry_hooks((make_factory(),));

    // Loops that succeed at once report nothing, so they build nothing.
    for _ in 0..3 {
        assert_eq!(instant_caller().call(always, || Ok::<_, Transient>(())), Ok(()));
    }
    assert_eq!(built.load(Ordering::SeqCst), 0);

    for _ in 0..3 {
        assert!(instant_caller().call(always, || Err::<(), _>(Transient(1))).is_err());
    }
    assert_eq!(built.load(Ordering::SeqCst), 1);

    // Giving up is an event too: after a `set`, the first loop that gives up
    // (even without retrying) builds the factory, once.
    set_on_retry_hooks((make_factory(),));
    for _ in 0..3 {
        assert_eq!(instant_caller().call(never, || Err::<(), _>(Transient(1))), Err(Transient(1)));
    }
    assert_eq!(built.load(Ordering::SeqCst), 2);

    // A new `set` builds again, lazily, as in Python stamina.
    set_on_retry_hooks((make_factory(),));
    assert_eq!(built.load(Ordering::SeqCst), 2);
    assert!(instant_caller().call(always, || Err::<(), _>(Transient(1))).is_err());
    assert_eq!(built.load(Ordering::SeqCst), 3);
}

#[test]
fn a_factory_is_built_once_under_concurrent_first_retries() {
    const THREADS: usize = 8;
    let _isolated = isolated();
    let built = Arc::new(AtomicU32::new(0));
    let calls = Arc::new(AtomicU32::new(0));
    set_on_retry_hooks((RetryHookFactory::new({
        let (built, calls) = (Arc::clone(&built), Arc::clone(&calls));
        move || {
            built.fetch_add(1, Ordering::SeqCst);
            // Widen the window in which other threads race to resolve.
            std::thread::sleep(Duration::from_millis(20));
            let calls = Arc::clone(&calls);
            move |_: &RetryDetails<'_>| {
                calls.fetch_add(1, Ordering::SeqCst);
            }
        }
    }),));

    let barrier = Arc::new(Barrier::new(THREADS));
    let threads: Vec<_> = (0..THREADS)
        .map(|_| {
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                instant_caller().attempts(2).call(always, || Err::<(), _>(Transient(1)))
            })
        })
        .collect();
    for thread in threads {
        assert!(thread.join().unwrap().is_err());
    }

    assert_eq!(built.load(Ordering::SeqCst), 1);
    assert_eq!(calls.load(Ordering::SeqCst), u32::try_from(THREADS).unwrap());
}

#[test]
fn guards_are_dropped_once_right_before_the_next_attempt() {
    let _isolated = isolated();
    let events = Events::default();
    let guarded = |tag: &'static str| {
        let events = events.clone();
        move |details: &RetryDetails<'_>| {
            let retry_num = details.retry_num;
            events.push(format!("{tag} enter {retry_num}"));
            let events = events.clone();
            HookGuard::on_drop(move || events.push(format!("{tag} exit {retry_num}")))
        }
    };
    set_on_retry_hooks((guarded("A"), guarded("B")));

    // The same caller, called twice: Python's bug exits earlier managers again
    // on every later attempt and call; here each guard drops exactly once.
    let caller = instant_caller();
    for _ in 0..2 {
        let result = retry_context(always).attempts(3).wait_max(Duration::ZERO).call(|attempt| {
            events.push(format!("attempt {}", attempt.num()));
            Err::<(), _>(Transient(attempt.num()))
        });
        assert!(result.is_err());
        let mut calls = 0;
        let result = caller.call(always, || {
            calls += 1;
            events.push(format!("call {calls}"));
            if calls < 2 { Err(Transient(calls)) } else { Ok(calls) }
        });
        assert_eq!(result, Ok(2));
    }

    let one_round = [
        "attempt 1",
        "A enter 1",
        "B enter 1",
        "B exit 1",
        "A exit 1",
        "attempt 2",
        "A enter 2",
        "B enter 2",
        "B exit 2",
        "A exit 2",
        "attempt 3",
        "call 1",
        "A enter 1",
        "B enter 1",
        "B exit 1",
        "A exit 1",
        "call 2",
    ];
    let expected: Vec<&str> = one_round.iter().chain(one_round.iter()).copied().collect();
    assert_eq!(events.take(), expected);
}

fn assert_send<T: Send>(value: T) -> T {
    value
}

#[tokio::test(start_paused = true)]
async fn async_guards_live_across_the_sleep_and_keep_the_future_send() {
    let _isolated = isolated();
    let events = Events::default();
    set_on_retry_hooks((retry_hook({
        let events = events.clone();
        move |details| {
            let (retry_num, entered) = (details.retry_num, tokio::time::Instant::now());
            events.push(format!("enter {retry_num}"));
            let events = events.clone();
            HookGuard::on_drop(move || events.push(format!("exit {retry_num} after {:?}", entered.elapsed())))
        }
    }),));

    let caller = exact_async_caller();
    let attempts = AtomicU32::new(0);
    let call = assert_send(caller.call(always, || {
        let num = attempts.fetch_add(1, Ordering::SeqCst) + 1;
        events.push(format!("attempt {num}"));
        async move { if num < 3 { Err(Transient(num)) } else { Ok(num) } }
    }));
    assert_eq!(call.await, Ok(3));

    assert_eq!(
        events.take(),
        ["attempt 1", "enter 1", "exit 1 after 1s", "attempt 2", "enter 2", "exit 2 after 2s", "attempt 3"]
    );
}

#[test]
fn a_hook_panic_reaches_the_caller_and_the_registry_stays_usable() {
    let _isolated = isolated();
    let events = Events::default();
    let guard_events = events.clone();
    set_on_retry_hooks((
        move |_: &RetryDetails<'_>| {
            let events = guard_events.clone();
            HookGuard::on_drop(move || events.push("first hook's guard dropped"))
        },
        |_: &RetryDetails<'_>| -> HookGuard { panic!("hook failed") },
        recorder("after the panicking hook", &events),
    ));

    let mut attempts = 0;
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        instant_caller().call(always, || {
            attempts += 1;
            Err::<(), _>(Transient(attempts))
        })
    }));

    let panic = outcome.expect_err("the hook's panic must propagate");
    assert_eq!(panic.downcast_ref::<&str>(), Some(&"hook failed"));
    assert_eq!(attempts, 1, "the panic aborts the loop");
    // Later hooks did not run; the guard already returned was dropped while unwinding.
    assert_eq!(events.take(), ["first hook's guard dropped"]);

    // Neither lock is poisoned: reading and replacing the hooks still work.
    assert_eq!(get_on_retry_hooks().len(), 3);
    set_on_retry_hooks((recorder("A", &events),));
    assert!(instant_caller().attempts(2).call(always, || Err::<(), _>(Transient(1))).is_err());
    assert_eq!(events.take().len(), 1);
}

#[test]
fn a_panicking_factory_is_retried_on_the_next_retry() {
    let _isolated = isolated();
    let builds = Arc::new(AtomicU32::new(0));
    let calls = Arc::new(AtomicU32::new(0));
    set_on_retry_hooks((RetryHookFactory::new({
        let (builds, calls) = (Arc::clone(&builds), Arc::clone(&calls));
        move || {
            assert!(builds.fetch_add(1, Ordering::SeqCst) > 0, "first build fails");
            let calls = Arc::clone(&calls);
            move |_: &RetryDetails<'_>| {
                calls.fetch_add(1, Ordering::SeqCst);
            }
        }
    }),));

    let outcome = catch_unwind(|| instant_caller().attempts(2).call(always, || Err::<(), _>(Transient(1))));
    assert!(outcome.is_err());

    assert!(instant_caller().attempts(2).call(always, || Err::<(), _>(Transient(1))).is_err());
    assert_eq!(builds.load(Ordering::SeqCst), 2);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[test]
fn a_hook_may_replace_the_hooks_without_deadlock() {
    let _isolated = isolated();
    let calls = Arc::new(AtomicU32::new(0));
    set_on_retry_hooks((retry_hook({
        let calls = Arc::clone(&calls);
        move |_| {
            calls.fetch_add(1, Ordering::SeqCst);
            // Reading and replacing the registry from inside a hook.
            assert_eq!(get_on_retry_hooks().len(), 1);
            set_on_retry_hooks([]);
        }
    }),));

    assert!(instant_caller().attempts(5).call(always, || Err::<(), _>(Transient(1))).is_err());
    assert_eq!(calls.load(Ordering::SeqCst), 1, "later retries see the replaced (empty) list");
}

/// A lifecycle recorder built from the closure helpers.
fn lifecycle(events: &Events) -> (impl RetryHook + use<>, impl RetryHook + use<>) {
    let (success, give_up) = (events.clone(), events.clone());
    (
        success_hook(move |details: &SuccessDetails<'_>| {
            success.push(format!(
                "succeeded {} attempts={} waited={:?}",
                details.name, details.attempts, details.waited
            ));
        }),
        give_up_hook(move |details: &GiveUpDetails<'_>| {
            give_up.push(format!(
                "gave up {} reason={} attempts={} waited={:?} caused_by={:?}",
                details.name, details.reason, details.attempts, details.waited, details.caused_by
            ));
        }),
    )
}

#[tokio::test(start_paused = true)]
async fn lifecycle_events_report_success_after_retries_and_each_way_of_giving_up() {
    let _isolated = isolated();
    let events = Events::default();
    let (success, give_up) = lifecycle(&events);
    set_on_retry_hooks((success, give_up));
    let caller = exact_async_caller();

    // Success on the first attempt: nothing to report.
    assert_eq!(caller.call(always, || async { Ok::<_, Transient>(()) }).await, Ok(()));
    assert!(events.take().is_empty());

    let attempts = AtomicU32::new(0);
    let result = caller
        .call(always, || {
            let num = attempts.fetch_add(1, Ordering::SeqCst) + 1;
            async move { if num < 3 { Err(Transient(num)) } else { Ok(num) } }
        })
        .await;
    assert_eq!(result, Ok(3));
    assert_eq!(events.take(), ["succeeded <context block> attempts=3 waited=3s"]);

    assert!(caller.call(always, || async { Err::<(), _>(Transient(9)) }).await.is_err());
    assert_eq!(
        events.take(),
        ["gave up <context block> reason=attempts_exhausted attempts=3 waited=3s caused_by=Transient(9)"]
    );

    // Attempts at t=0 and t=1 fail before the 1.5 s timeout; the one at t=3 fails after it.
    let timed = caller.attempts(None).timeout(Duration::from_millis(1500));
    assert!(timed.call(always, || async { Err::<(), _>(Transient(5)) }).await.is_err());
    assert_eq!(
        events.take(),
        ["gave up <context block> reason=timeout attempts=3 waited=3s caused_by=Transient(5)"]
    );

    assert!(caller.call(never, || async { Err::<(), _>(Transient(4)) }).await.is_err());
    assert_eq!(
        events.take(),
        ["gave up <context block> reason=not_retryable attempts=1 waited=0ns caused_by=Transient(4)"]
    );
    assert_eq!(GiveUpReason::NotRetryable.as_str(), "not_retryable");
}

#[tokio::test(start_paused = true)]
async fn callers_and_blocks_report_the_context_block_name() {
    let _isolated = isolated();
    let events = Events::default();
    set_on_retry_hooks((retry_hook({
        let events = events.clone();
        move |details| events.push(details.name)
    }),));

    assert!(instant_caller().attempts(2).call(always, || Err::<(), _>(Transient(1))).is_err());
    assert!(instant_caller().attempts(2).on(always).call(|| Err::<(), _>(Transient(1))).is_err());
    assert!(
        retry_context(always)
            .attempts(2)
            .wait_max(Duration::ZERO)
            .call(|_| Err::<(), _>(Transient(1)))
            .is_err()
    );
    let async_caller = AsyncRetryingCaller::new().attempts(2).wait_max(Duration::ZERO);
    assert!(async_caller.call(always, || async { Err::<(), _>(Transient(1)) }).await.is_err());
    assert!(
        retry_context(always)
            .attempts(2)
            .wait_max(Duration::ZERO)
            .call_async(|_| async { Err::<(), _>(Transient(1)) })
            .await
            .is_err()
    );

    assert_eq!(events.take(), ["<context block>"; 5]);
}

#[derive(Debug)]
struct NotAnError;

#[test]
fn errors_reach_hooks_as_dyn_error_where_the_macro_can_tell() {
    // The macros see the concrete error type and pick, by autoref
    // specialization, a view that shows it as `&dyn Error` when it is one.
    #[stamina::retry(on = always, attempts = 2, wait_max = 0)]
    fn an_error(n: u32) -> Result<(), Transient> {
        Err(Transient(n))
    }
    #[stamina::retry(on = always, attempts = 2, wait_max = 0)]
    fn not_an_error() -> Result<(), NotAnError> {
        Err(NotAnError)
    }

    let _isolated = isolated();
    let events = Events::default();
    let (retry_events, give_up_events) = (events.clone(), events.clone());
    set_on_retry_hooks((
        move |details: &RetryDetails<'_>| {
            let shown =
                details.error.map(|error| (error.to_string(), error.downcast_ref::<Transient>().copied()));
            retry_events.push(format!("retry {shown:?}"));
        },
        give_up_hook(move |details: &GiveUpDetails<'_>| {
            give_up_events.push(format!("gave up {:?}", details.error.map(ToString::to_string)));
        }),
    ));

    assert!(an_error(3).is_err());
    assert!(not_an_error().is_err());
    // Blocks name no error type: the view comes from each attempt's outcome.
    let block: Result<(), Transient> =
        stamina::retry_block!(on = always, attempts = 2, wait_max = 0, |_attempt| Err(Transient(8)));
    assert!(block.is_err());

    assert_eq!(
        events.take(),
        [
            "retry Some((\"transient failure 3\", Some(Transient(3))))",
            "gave up Some(\"transient failure 3\")",
            "retry None",
            "gave up None",
            "retry Some((\"transient failure 8\", Some(Transient(8))))",
            "gave up Some(\"transient failure 8\")",
        ]
    );
}
