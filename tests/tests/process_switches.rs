//! The process-wide switches (`set_mode`, `process_scope`, and Python's
//! `set_active` and `set_testing`). They are global, so this binary holds a
//! single test that exercises them in sequence; the other binaries of this
//! package use the thread and future forms (the demo's
//! `fetch_repo_docs_testing_mode` is the one other binary that sets them).

use std::cell::Cell;
use std::time::Duration;

use stamina::RetryingCaller;
use stamina::testing::{self, Mode, TestMode};

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
        let _on = testing::thread_scope(Mode::Normal);
        assert_eq!(calls_until_given_up(caller), 5);
    }
    stamina::set_active(true);
    assert_eq!(calls_until_given_up(caller), 5);

    // set_testing one-liners
    testing::set_testing(true);
    assert!(testing::is_testing());
    assert_eq!(testing::mode(), Mode::Testing(TestMode::new(1)));
    assert_eq!(calls_until_given_up(caller), 1);
    assert!(std::thread::spawn(testing::is_testing).join().unwrap());
    testing::set_testing(false);
    assert!(!testing::is_testing());

    // Python's `set_testing(True, attempts=3, cap=True)`.
    testing::set_testing(TestMode::new(3).cap(true));
    assert_eq!(calls_until_given_up(caller), 3);
    assert_eq!(calls_until_given_up(caller.attempts(2)), 2);
    testing::set_testing(false);

    // `set_mode` sets the whole mode and returns the previous one.
    assert_eq!(testing::set_mode(TestMode::new(2)), Mode::Normal);
    assert_eq!(calls_until_given_up(caller), 2);
    assert_eq!(testing::set_mode(Mode::Inactive), Mode::Testing(TestMode::new(2)));
    assert_eq!(calls_until_given_up(caller), 1);
    assert!(!std::thread::spawn(stamina::is_active).join().unwrap());
    assert_eq!(testing::set_mode(Mode::Normal), Mode::Inactive);
    assert_eq!(calls_until_given_up(caller), 5);

    // A local scope can switch testing off on its thread while the process has it on.
    testing::set_testing(true);
    {
        let _off = testing::thread_scope(Mode::Normal);
        assert!(!testing::is_testing());
        assert_eq!(calls_until_given_up(caller), 5);
    }
    assert!(testing::is_testing());
    testing::set_testing(false);

    // Scoped process-wide guards nest and restore, also through a panic.
    {
        let _outer = testing::process_scope(TestMode::new(3));
        {
            let _inner = testing::process_scope(TestMode::new(5).cap(true));
            assert_eq!(testing::mode(), Mode::Testing(TestMode::new(5).cap(true)));
            assert_eq!(calls_until_given_up(caller), 5);
            // Seen by other threads: it is the process's mode.
            assert!(std::thread::spawn(testing::is_testing).join().unwrap());
        }
        assert_eq!(testing::mode(), Mode::Testing(TestMode::new(3)));
        let panicked = std::panic::catch_unwind(|| {
            let _inner = testing::process_scope(Mode::Normal);
            let _off = testing::process_scope(Mode::Inactive);
            assert_eq!(calls_until_given_up(caller), 1);
            panic!("a failing test");
        });
        assert!(panicked.is_err());
        assert_eq!(testing::mode(), Mode::Testing(TestMode::new(3)));
        assert!(stamina::is_active());
    }
    assert_eq!(testing::mode(), Mode::Normal);

    // A scope restores exactly what it found, both switches included.
    stamina::set_active(false);
    testing::set_testing(TestMode::new(4));
    {
        let _scope = testing::process_scope(Mode::Normal);
        assert_eq!(calls_until_given_up(caller), 5);
    }
    assert!(!stamina::is_active());
    stamina::set_active(true);
    assert_eq!(testing::mode(), Mode::Testing(TestMode::new(4)));
    testing::set_testing(false);

    // Switching activity does not touch the testing setting, and vice versa.
    testing::set_testing(TestMode::new(4));
    stamina::set_active(false);
    assert_eq!(testing::mode(), Mode::Inactive);
    // Python's `is_testing` reads the testing switch alone.
    assert!(testing::is_testing());
    assert!(std::thread::spawn(testing::is_testing).join().unwrap());
    {
        // A thread's mode replaces both of the process's switches.
        let _inactive = testing::thread_scope(Mode::Inactive);
        assert!(!testing::is_testing());
    }
    stamina::set_active(true);
    assert_eq!(testing::mode(), Mode::Testing(TestMode::new(4)));
    testing::set_testing(false);
    assert!(stamina::is_active());
}
