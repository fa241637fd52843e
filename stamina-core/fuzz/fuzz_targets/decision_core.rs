//! The decision core (`RetryState::settle`) and the backoff with arbitrary
//! parameters, decisions, clock readings and attempt numbers: never a panic,
//! every computed wait at most `wait_max`, every wait `on` names slept exactly
//! (saturated), and the attempt limit and the timeout end the loop; under a
//! strict deadline, no wait is started that would end past it.
#![no_main]

use std::cell::RefCell;
use std::sync::Once;
use std::time::{Duration, Instant};

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use stamina_core::instrumentation::{CallableName, RetryDetails, set_on_retry_hooks};
use stamina_core::macro_support::{NoErrorView, RetryState, Settled, Site, Stamp};
use stamina_core::{Decision, RetryPolicy, TimeoutMode};

#[derive(Arbitrary, Debug)]
enum Choice {
    Retry,
    NoRetry,
    After(u64, u32),
    Throttled(Option<(u64, u32)>),
}

#[derive(Arbitrary, Debug)]
struct Input {
    attempts: Option<u32>,
    timeout_nanos: Option<u64>,
    wait_initial: (u64, u32),
    wait_max: (u64, u32),
    wait_jitter: (u64, u32),
    exp_base: f64,
    strict: bool,
    /// Per failure: the decision, and how far the clock moves (in either
    /// direction) before it is read.
    steps: Vec<(Choice, i64)>,
}

fn duration((secs, nanos): (u64, u32)) -> Duration {
    // `Duration::new` panics when the nanoseconds carry past `u64::MAX` secs.
    Duration::new(secs, 0).checked_add(Duration::from_nanos(u64::from(nanos % 1_000_000_000))).unwrap_or(Duration::MAX)
}

thread_local! {
    static WAITS: RefCell<Vec<Duration>> = const { RefCell::new(Vec::new()) };
}

/// The longest wait a loop keeps: one nanosecond short of `u64::MAX`.
const LONGEST: Duration = Duration::from_nanos(u64::MAX - 1);

fuzz_target!(|input: Input| {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        set_on_retry_hooks((|details: &RetryDetails<'_>| WAITS.with(|waits| waits.borrow_mut().push(details.wait_for)),));
    });
    WAITS.with(|waits| waits.borrow_mut().clear());

    // Parameters the setters accept (the others panic by design, naming the fix).
    let mut policy = RetryPolicy::new()
        .attempts(input.attempts.filter(|&n| n != 0))
        .timeout(input.timeout_nanos.filter(|&n| n != 0).map(Duration::from_nanos))
        .wait_initial(duration(input.wait_initial))
        .wait_max(duration(input.wait_max))
        .wait_jitter(duration(input.wait_jitter));
    if input.strict {
        policy = policy.timeout_mode(TimeoutMode::Strict);
    }
    if input.exp_base.is_finite() && input.exp_base > 0.0 {
        policy = policy.wait_exp_base(input.exp_base);
    }
    let name = CallableName::new("fuzz");
    let site = Site { policy: &policy, name: &name };

    let base = Instant::now();
    let mut offset: i64 = 0;
    let now = |offset: i64| {
        let magnitude = Duration::from_nanos(offset.unsigned_abs());
        Stamp::of(if offset >= 0 { base + magnitude } else { base.checked_sub(magnitude).unwrap_or(base) })
    };
    let mut state = RetryState::new(&policy, || now(0));
    let mut expected = Vec::new();
    let mut attempts = 0u32;
    for (choice, step) in &input.steps {
        attempts += 1;
        let _ = state.attempt(&policy);
        let decision = match *choice {
            Choice::Retry => Decision::Retry,
            Choice::NoRetry => Decision::NoRetry,
            Choice::After(secs, nanos) => Decision::RetryAfter(duration((secs, nanos))),
            Choice::Throttled(wait) => Decision::Throttled(wait.map(duration)),
        };
        offset = offset.saturating_add(*step);
        let settled = state.settle(site, Err::<(), _>(attempts), &|_: &u32| decision, || now(offset), NoErrorView);
        match settled {
            Settled::Done(result) => {
                assert_eq!(result, Err(attempts));
                break;
            }
            Settled::Wait(pause) => {
                assert!(decision.retries());
                assert!(policy.get_attempts().is_none_or(|limit| attempts < limit), "past the limit");
                drop(pause);
                expected.push(decision);
            }
        }
    }
    let waits = WAITS.with(|waits| std::mem::take(&mut *waits.borrow_mut()));
    assert_eq!(waits.len(), expected.len());
    // A strict deadline: the waits planned, added up, end before it (the
    // state counts planned waits up to 2^56 ns, 833 days: beyond, the sum is
    // not the state's).
    if let (Some(timeout), true) = (policy.get_timeout(), input.strict) {
        let total: u128 = waits.iter().map(Duration::as_nanos).sum();
        if total < 1 << 56 {
            assert!(total < timeout.as_nanos(), "{total} ns of waits under a strict {timeout:?}");
        }
    }
    for (wait, decision) in waits.iter().zip(&expected) {
        match decision {
            Decision::RetryAfter(asked) | Decision::Throttled(Some(asked)) => assert_eq!(*wait, (*asked).min(LONGEST)),
            _ => assert!(*wait <= policy.get_wait_max(), "{wait:?} above wait_max {:?}", policy.get_wait_max()),
        }
    }
});
