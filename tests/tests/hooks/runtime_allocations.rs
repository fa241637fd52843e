//! The retry loop allocates nothing: not on success, and not on retries while
//! no instrumentation hook is installed. Counted per thread by
//! `allocation-counter`'s global allocator.
//!
//! Every loop here runs with no hook installed (`isolated_with([])`); what
//! the default hooks cost is measured in `instrumentation_alloc`.

use std::time::Duration;

use stamina::{AsyncRetryingCaller, RetryingCaller, retry_context};

use crate::support::{Transient, always, isolated_with};

fn assert_no_allocations(what: &str, run: impl FnOnce()) {
    let info = allocation_counter::measure(run);
    assert_eq!(info.count_total, 0, "{what} allocated: {info:?}");
}

#[test]
fn the_counter_counts() {
    let info = allocation_counter::measure(|| {
        std::hint::black_box(Box::new(1_u64));
    });
    assert_eq!(info.count_total, 1);
}

#[test]
fn sync_success_and_retries_allocate_nothing() {
    let _no_hooks = isolated_with([]);
    let caller = RetryingCaller::new().wait_max(Duration::ZERO);
    // Warm up thread-locals (the RNG) outside the measurement.
    let _ = caller.call(always, || Err::<(), _>(Transient(1)));

    assert_no_allocations("a sync success", || {
        assert_eq!(caller.call(always, || Ok::<_, Transient>(1)).unwrap(), 1);
    });
    assert_no_allocations("a sync call with 3 retries", || {
        let mut calls = 0;
        let result = caller.call(always, || {
            calls += 1;
            if calls <= 3 { Err(Transient(calls)) } else { Ok(calls) }
        });
        assert_eq!(result.unwrap(), 4);
    });
    assert_no_allocations("a sync call that gives up", || {
        assert!(caller.attempts(3).call(always, || Err::<(), _>(Transient(1))).is_err());
    });
    assert_no_allocations("a retry_context block", || {
        let result = retry_context(always)
            .wait_max(Duration::ZERO)
            .call(|attempt| if attempt.num() < 3 { Err(Transient(attempt.num())) } else { Ok(()) });
        assert!(result.is_ok());
    });
}

#[test]
fn async_success_and_retries_allocate_nothing() {
    let _no_hooks = isolated_with([]);
    let caller = AsyncRetryingCaller::new().wait_max(Duration::ZERO);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    // Warm up the runtime's and the RNG's thread-locals outside the measurement.
    runtime.block_on(async {
        let _ = caller.call(always, || async { Err::<(), _>(Transient(1)) }).await;
    });

    assert_no_allocations("an async success", || {
        runtime.block_on(async {
            assert_eq!(caller.call(always, || async { Ok::<_, Transient>(1) }).await.unwrap(), 1);
        });
    });
    assert_no_allocations("an async call with 3 retries", || {
        runtime.block_on(async {
            let mut calls = 0;
            let result = caller
                .call(always, || {
                    calls += 1;
                    let n = calls;
                    async move { if n <= 3 { Err(Transient(n)) } else { Ok(n) } }
                })
                .await;
            assert_eq!(result.unwrap(), 4);
        });
    });
}

/// The paths of the time limits: a caller that may cancel but has no limit
/// set allocates nothing; one with an `attempt_timeout` allocates its timer,
/// one box per attempt (a tokio `Sleep` inline would add 112 bytes to every
/// retried future), and nothing else.
#[test]
fn time_limits_allocate_one_timer_per_attempt_and_nothing_unset() {
    let _no_hooks = isolated_with([]);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    let io_error = || std::io::Error::from(std::io::ErrorKind::ConnectionReset);
    let unset = AsyncRetryingCaller::new().wait_max(Duration::ZERO).attempt_timeout(None);
    let limited = AsyncRetryingCaller::new().wait_max(Duration::ZERO).attempt_timeout(Duration::from_secs(5));
    runtime.block_on(async {
        let _ = limited.call(always, || async { Err::<(), _>(io_error()) }).await;
    });
    assert_no_allocations("a cancelling caller without a limit, 3 retries", || {
        runtime.block_on(async {
            let mut calls = 0;
            let result = unset
                .call(always, || {
                    calls += 1;
                    let n = calls;
                    async move { if n <= 3 { Err(io_error()) } else { Ok(n) } }
                })
                .await;
            assert_eq!(result.unwrap(), 4);
        });
    });
    assert_no_allocations("an outcome, sync and async", || {
        let (result, outcome) = RetryingCaller::new().call_with_outcome(always, || Ok::<_, Transient>(1));
        assert_eq!((result.unwrap(), outcome.attempts()), (1, 1));
        runtime.block_on(async {
            let (result, outcome) =
                unset.call_with_outcome(always, || async { Err::<(), _>(io_error()) }).await;
            assert!(result.is_err());
            assert_eq!(outcome.attempts(), 10);
        });
    });
    for (attempts, what) in
        [(1_u32, "a success under attempt_timeout"), (4, "3 retries under attempt_timeout")]
    {
        let info = allocation_counter::measure(|| {
            runtime.block_on(async {
                let mut calls = 0;
                let result = limited
                    .call(always, || {
                        calls += 1;
                        let n = calls;
                        async move { if n < attempts { Err(io_error()) } else { Ok(n) } }
                    })
                    .await;
                assert_eq!(result.unwrap(), attempts);
            });
        });
        assert_eq!(info.count_total, u64::from(attempts), "{what}: {info:?}");
    }
}
