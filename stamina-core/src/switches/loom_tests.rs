//! Every interleaving (loom) of the process's switches set from two threads
//! while a third reads them: Python's two switches stay independent (no lost
//! update), and a reader sees one of the modes the writes pass through,
//! never a torn or invented one.
//!
//! Run with `RUSTFLAGS="--cfg stamina_loom" cargo test -p stamina-core --lib
//! --release loom` (the README's "Contributing" part).

use loom::thread;

use super::{Mode, TestMode, current_mode, replace_process_mode, set_process_active, set_process_testing};

#[test]
fn set_active_and_set_testing_from_two_threads_lose_neither() {
    loom::model(|| {
        let off = thread::spawn(|| set_process_active(false));
        let testing = thread::spawn(|| set_process_testing(Some(TestMode::new(3))));
        // Read while they race: one of the four words they pass through.
        let seen = current_mode();
        assert!(
            matches!(seen, Mode::Normal | Mode::Inactive) || seen == Mode::Testing(TestMode::new(3)),
            "{seen:?}"
        );
        off.join().unwrap();
        testing.join().unwrap();
        // Both bits were kept: inactive wins, and testing is still set below it.
        assert_eq!(current_mode(), Mode::Inactive);
        set_process_active(true);
        assert_eq!(current_mode(), Mode::Testing(TestMode::new(3)));
    });
}

#[test]
fn a_whole_mode_replaced_while_a_switch_flips_is_one_or_the_other_then_both() {
    loom::model(|| {
        let replace = thread::spawn(|| replace_process_mode(Mode::Testing(TestMode::new(5).cap(true))));
        let off = thread::spawn(|| set_process_active(false));
        let seen = current_mode();
        assert!(
            matches!(seen, Mode::Normal | Mode::Inactive)
                || seen == Mode::Testing(TestMode::new(5).cap(true)),
            "{seen:?}"
        );
        let before_replace = replace.join().unwrap();
        off.join().unwrap();
        // The replacement either came first (the bit was set on top of it)
        // or last (it overwrote the bit, and returned it for a restore).
        match current_mode() {
            Mode::Inactive => assert_eq!(before_replace.mode(), Mode::Normal),
            Mode::Testing(testing) => {
                assert_eq!(testing, TestMode::new(5).cap(true));
                assert_eq!(before_replace.mode(), Mode::Inactive);
            }
            Mode::Normal => panic!("both writes lost"),
        }
    });
}
