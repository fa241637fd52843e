//! The process-wide switches. They are global, so this binary holds a single
//! test that exercises them in sequence; the other binaries of this package use
//! the thread-local and per-future forms (the demo's
//! `fetch_repo_docs_testing_mode` is the one other binary that sets them).

use std::cell::Cell;
use std::time::Duration;

use stamina::RetryingCaller;
use stamina::testing::{self, TestMode};

fn calls_until_given_up(caller: RetryingCaller) -> u32 {
    let calls = Cell::new(0);
    let _ = caller.call(
        |(): &()| true,
        || {
            calls.set(calls.get() + 1);
            Err::<(), ()>(())
        },
    );
    calls.get()
}

#[test]
fn process_wide_switches() {
    let caller = RetryingCaller::new().attempts(5).wait_max(Duration::ZERO);
    assert!(stamina::is_active());
    assert!(!testing::is_testing());
    assert_eq!(calls_until_given_up(caller), 5);

    // set_active
    stamina::set_active(false);
    assert!(!stamina::is_active());
    assert_eq!(calls_until_given_up(caller), 1);
    // ... seen by other threads too.
    assert!(!std::thread::spawn(stamina::is_active).join().unwrap());
    // A thread-local scope overrides the process-wide switch.
    {
        let _on = testing::local_active(true);
        assert_eq!(calls_until_given_up(caller), 5);
    }
    stamina::set_active(true);
    assert_eq!(calls_until_given_up(caller), 5);

    // set_testing one-liners
    testing::set_testing(true);
    assert!(testing::is_testing());
    assert_eq!(testing::testing_mode(), Some(TestMode::new(1)));
    assert_eq!(calls_until_given_up(caller), 1);
    assert!(std::thread::spawn(testing::is_testing).join().unwrap());
    testing::set_testing(false);
    assert!(!testing::is_testing());

    // The explicit form returns the previous setting.
    assert_eq!(testing::set_testing_mode(Some(TestMode::new(3).cap(true))), None);
    assert_eq!(calls_until_given_up(caller), 3);
    assert_eq!(calls_until_given_up(caller.attempts(2)), 2);
    assert_eq!(testing::set_testing_mode(None), Some(TestMode::new(3).cap(true)));

    // A local scope can switch testing off on its thread while the process has it on.
    testing::set_testing(true);
    {
        let _off = testing::local_testing(None);
        assert!(!testing::is_testing());
        assert_eq!(calls_until_given_up(caller), 5);
    }
    assert!(testing::is_testing());
    testing::set_testing(false);

    // Scoped process-wide guards nest and restore, also through a panic.
    {
        let _outer = testing::testing_scope(Some(TestMode::new(3)));
        {
            let _inner = testing::testing_scope(Some(TestMode::new(5).cap(true)));
            assert_eq!(testing::testing_mode(), Some(TestMode::new(5).cap(true)));
        }
        assert_eq!(testing::testing_mode(), Some(TestMode::new(3)));
        let panicked = std::panic::catch_unwind(|| {
            let _inner = testing::testing_scope(None);
            let _off = testing::active_scope(false);
            panic!("a failing test");
        });
        assert!(panicked.is_err());
        assert_eq!(testing::testing_mode(), Some(TestMode::new(3)));
        assert!(stamina::is_active());
    }
    assert_eq!(testing::testing_mode(), None);

    // Switching activity does not touch the testing setting, and vice versa.
    testing::set_testing_mode(Some(TestMode::new(4)));
    stamina::set_active(false);
    stamina::set_active(true);
    assert_eq!(testing::testing_mode(), Some(TestMode::new(4)));
    testing::set_testing(false);
    assert!(stamina::is_active());
}
