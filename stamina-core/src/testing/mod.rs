//! The switches for tests: turn retrying off, or keep the retry logic and drop
//! the waiting; and a [`Recorder`] that shows what every loop did.
//!
//! # The switch API
//!
//! The mode in force is one value, a [`Mode`]: [`Mode::Normal`],
//! [`Mode::Testing`] (every wait zero, the timeout ignored, the attempts from a
//! [`TestMode`]; hooks still run) or [`Mode::Inactive`] (one attempt, `on` not
//! asked, no hooks). One call per reach sets it:
//!
//! | reach | call | until |
//! |---|---|---|
//! | the process | [`set_mode(mode)`](set_mode) | changed again |
//! | the process | [`process_scope(mode)`](process_scope) | the guard drops |
//! | this thread | [`thread_scope(mode)`](thread_scope) | the guard drops |
//! | one future, on whichever thread polls it | [`future_scope(mode, future)`](future_scope) | the future is done |
//!
//! Each takes a [`Mode`] or a [`TestMode`] (`thread_scope(TestMode::new(3))`).
//! [`mode()`](mode) tells the mode in force here. A thread's or a future's mode
//! wins over the process's; inner scopes win over outer ones and restore them
//! when they end, also when a test panics.
//!
//! Python stamina's names work as they do there, on the process:
//! [`set_testing`] (`set_testing(true)`, or with attempts and cap:
//! `set_testing(TestMode::new(3).cap(true))`, Python's
//! `set_testing(True, attempts=3, cap=True)`), [`is_testing`],
//! [`set_active`] and [`is_active`]. As
//! in Python, the two process switches are independent: inactive wins while
//! it is set, [`is_testing`] still tells whether testing mode is set, and
//! testing mode is as it was when retrying is switched back on. A thread's or
//! a future's scope replaces both switches for its thread, and
//! [`process_scope`] and [`set_mode`] replace both for the process.
//!
//! # Which reach to use
//!
//! - **A whole test binary** wants one setting: [`set_mode`] or
//!   [`set_testing`] at its start.
//! - **One serial test** that must leave the process as it found it:
//!   [`process_scope`].
//! - **Tests that run in parallel** (the default of `cargo test`, which runs
//!   them on several threads of one process, where a process-wide switch
//!   flipped by one test is seen by the others): [`thread_scope`] for sync
//!   tests and single-threaded async ones, [`future_scope`] for everything
//!   that may run on other threads.
//!
//! **A thread scope does not follow spawned work.** `#[tokio::test]` runs its
//! runtime on the test's own thread, so a [`thread_scope`] covers the test's
//! own future; but a task that `tokio::spawn` hands to a multi-threaded
//! runtime's workers runs on other threads, where the guard is not in force:
//! its loops run in [`Mode::Normal`] and really wait. Wrap the spawned future
//! in [`future_scope`] instead:
//!
//! ```
//! # #[tokio::main(flavor = "multi_thread", worker_threads = 2)] async fn main() {
//! use stamina::testing::{self, Mode, TestMode};
//!
//! let _guard = testing::thread_scope(Mode::Testing(TestMode::new(3)));
//! // This thread is in testing mode...
//! assert_eq!(testing::mode(), Mode::Testing(TestMode::new(3)));
//! // ...a worker thread is not:
//! let on_a_worker = tokio::spawn(async { testing::mode() }).await.unwrap();
//! assert_eq!(on_a_worker, Mode::Normal);
//! // A future carries its mode to whichever thread polls it:
//! let scoped = tokio::spawn(testing::future_scope(Mode::Testing(TestMode::new(3)), async { testing::mode() }));
//! assert_eq!(scoped.await.unwrap(), Mode::Testing(TestMode::new(3)));
//! # }
//! ```
//!
//! # Recording what loops did
//!
//! A [`Recorder`], in scope on a thread or around a future like the modes,
//! records every attempt of every loop there, with what followed it (success,
//! a scheduled retry and its planned wait, giving up and why), for assertions
//! such as "this call retried exactly twice" or "nothing was retried".
//! Parallel tests record separately. See [`Recorder`].

use core::fmt;
use core::future::Future;
use core::marker::PhantomData;
use core::pin::Pin;
use core::task::{Context, Poll};

pub use crate::instrumentation::recorder::{
    AttemptOutcome, AttemptRecord, RecordedFuture, Recorder, RecorderGuard,
};
use crate::switches::{self, ProcessWord, ThreadWord};
pub use crate::switches::{Mode, TestMode};

/// The mode in force on this thread: its own, or else the process's.
///
/// ```
/// use stamina::testing::{self, Mode};
///
/// assert_eq!(testing::mode(), Mode::Normal);
/// ```
pub fn mode() -> Mode {
    switches::current_mode()
}

/// Sets the mode of the whole process, from now on; returns the mode the
/// process had.
///
/// ```
/// use stamina::testing::{self, Mode, TestMode};
///
/// let previous = testing::set_mode(Mode::Testing(TestMode::new(3)));
/// assert_eq!(testing::mode(), Mode::Testing(TestMode::new(3)));
/// testing::set_mode(previous);
/// ```
#[allow(clippy::must_use_candidate)] // setting is the point; the previous mode is a convenience
pub fn set_mode(mode: impl Into<Mode>) -> Mode {
    // One swap: read and replaced at once, whatever other threads do.
    switches::replace_process_mode(mode.into()).mode()
}

/// Sets the mode of the whole process until the guard drops, then restores
/// exactly what it found (also when a test panics). Guards nest.
///
/// It replaces the whole mode, [`set_active(false)`](set_active) included:
/// `process_scope(TestMode::new(3))` runs loops in testing mode even while
/// retrying was switched off, where Python's `with set_testing(True,
/// attempts=3):` swaps only the testing setting and leaves inactive winning.
/// Both switches are back as they were when the guard drops.
///
/// ```
/// use stamina::testing::{self, Mode, TestMode};
///
/// stamina::set_active(false);
/// {
///     let _scope = testing::process_scope(TestMode::new(3));
///     assert_eq!(testing::mode(), Mode::Testing(TestMode::new(3)));
/// }
/// assert!(!stamina::is_active());
/// # stamina::set_active(true);
/// ```
///
/// ```
/// use stamina::testing::{self, Mode, TestMode};
///
/// {
///     let _outer = testing::process_scope(Mode::Testing(TestMode::new(3)));
///     {
///         let _inner = testing::process_scope(Mode::Inactive);
///         assert!(!stamina::is_active());
///     }
///     assert_eq!(testing::mode(), Mode::Testing(TestMode::new(3)));
/// }
/// assert_eq!(testing::mode(), Mode::Normal);
/// ```
#[must_use = "the process's mode is restored when the guard drops; bind it with `let _guard = ...`"]
pub fn process_scope(mode: impl Into<Mode>) -> ProcessScope {
    ProcessScope { previous: switches::replace_process_mode(mode.into()) }
}

/// Restores the process's mode when dropped. See [`process_scope`].
///
/// ```
/// use stamina::testing::{self, Mode, ProcessScope};
///
/// fn quiet() -> ProcessScope {
///     testing::process_scope(Mode::Inactive)
/// }
///
/// let guard = quiet();
/// assert!(!stamina::is_active());
/// drop(guard);
/// assert!(stamina::is_active());
/// ```
#[derive(Debug)]
pub struct ProcessScope {
    previous: ProcessWord,
}

impl Drop for ProcessScope {
    fn drop(&mut self) {
        switches::restore_process_mode(self.previous);
    }
}

/// Sets the mode of **this thread only** until the guard drops, overriding the
/// process's. Guards nest, and the guard cannot leave its thread.
///
/// It does not follow work that `tokio::spawn` moves to other threads: see
/// [which reach to use](self#which-reach-to-use), and [`future_scope`].
///
/// ```
/// use stamina::testing::{self, Mode, TestMode};
///
/// {
///     let _guard = testing::thread_scope(Mode::Inactive);
///     assert!(!stamina::is_active());
///     {
///         let _inner = testing::thread_scope(Mode::Testing(TestMode::new(2)));
///         assert!(testing::is_testing());
///     }
///     assert!(!stamina::is_active());
/// }
/// assert!(stamina::is_active());
/// ```
#[must_use = "the thread's mode is restored when the guard drops; bind it with `let _guard = ...`"]
pub fn thread_scope(mode: impl Into<Mode>) -> ThreadScope {
    ThreadScope { previous: switches::replace_thread_mode(mode.into()), not_send: PhantomData }
}

/// Restores this thread's mode when dropped. See [`thread_scope`].
///
/// ```
/// use stamina::testing::{self, TestMode, ThreadScope};
///
/// let guard: ThreadScope = testing::thread_scope(TestMode::new(3));
/// assert!(testing::is_testing());
/// drop(guard);
/// assert!(!testing::is_testing());
/// ```
#[derive(Debug)]
pub struct ThreadScope {
    previous: ThreadWord,
    not_send: PhantomData<*const ()>,
}

impl Drop for ThreadScope {
    fn drop(&mut self) {
        switches::restore_thread_mode(self.previous);
    }
}

/// Runs `future` in `mode`, whichever thread polls it: the mode is in force
/// for the duration of each poll, like a task-local value. The returned future
/// is `Send` when `future` is.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use stamina::testing::{self, Mode};
///
/// let inside = testing::future_scope(Mode::Inactive, async { stamina::is_active() }).await;
/// assert!(!inside);
/// assert!(stamina::is_active());
/// # }
/// ```
pub fn future_scope<F: Future>(mode: impl Into<Mode>, future: F) -> ModeScoped<F> {
    ModeScoped { future: Box::pin(future), mode: mode.into() }
}

/// A future that runs in a mode of its own. See [`future_scope`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use stamina::testing::{self, Mode, ModeScoped, TestMode};
///
/// let scoped: ModeScoped<_> = testing::future_scope(TestMode::new(2), async { testing::mode() });
/// assert_eq!(scoped.await, Mode::Testing(TestMode::new(2)));
/// # }
/// ```
///
/// The inner future is boxed, so that this needs no pin projection (the crate
/// has no `unsafe`); scoping a future is a testing tool.
#[must_use = "futures do nothing unless awaited"]
pub struct ModeScoped<F> {
    future: Pin<Box<F>>,
    mode: Mode,
}

impl<F> fmt::Debug for ModeScoped<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ModeScoped").field("mode", &self.mode).finish_non_exhaustive()
    }
}

impl<F: Future> Future for ModeScoped<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.get_mut();
        let _mode = thread_scope(this.mode);
        this.future.as_mut().poll(cx)
    }
}

/// What [`set_testing`] takes: `true` (one attempt, not capped, Python's
/// `set_testing(True)`), `false`, or a [`TestMode`] with its attempts and cap.
///
/// ```
/// use stamina::testing::{IntoTestMode, TestMode};
///
/// assert_eq!(true.into_test_mode(), Some(TestMode::new(1)));
/// assert_eq!(false.into_test_mode(), None);
/// assert_eq!(TestMode::new(3).cap(true).into_test_mode(), Some(TestMode::new(3).cap(true)));
/// ```
pub trait IntoTestMode {
    /// The testing mode to set, `None` for off (see the
    /// [trait's example](IntoTestMode)).
    fn into_test_mode(self) -> Option<TestMode>;
}

impl IntoTestMode for bool {
    fn into_test_mode(self) -> Option<TestMode> {
        self.then(TestMode::default)
    }
}

impl IntoTestMode for TestMode {
    fn into_test_mode(self) -> Option<TestMode> {
        Some(self)
    }
}

impl IntoTestMode for Option<TestMode> {
    fn into_test_mode(self) -> Option<TestMode> {
        self
    }
}

/// Python's `set_testing`: switches testing mode on or off for the whole
/// process, leaving [`set_active`] as it is.
///
/// ```
/// use stamina::testing::{self, TestMode};
///
/// testing::set_testing(true); // one attempt, no waits
/// assert!(testing::is_testing());
/// testing::set_testing(TestMode::new(3).cap(true)); // set_testing(True, attempts=3, cap=True)
/// testing::set_testing(false);
/// assert!(!testing::is_testing());
/// ```
pub fn set_testing(testing: impl IntoTestMode) {
    switches::set_process_testing(testing.into_test_mode());
}

/// Python's `is_testing`: whether testing mode is set for this thread.
///
/// As in Python, it reads the testing switch alone: after
/// `set_testing(true)`, it stays `true` while [`set_active(false)`](set_active)
/// makes loops run once (then [`mode()`](mode) is [`Mode::Inactive`]). A
/// thread's or a future's scope replaces the process's whole mode on its
/// thread, so there it is `true` exactly when the scope's mode is
/// [`Mode::Testing`].
///
/// ```
/// use stamina::testing::{self, Mode, TestMode};
///
/// assert!(!testing::is_testing());
/// let _testing = testing::thread_scope(TestMode::new(3));
/// assert!(testing::is_testing());
/// let _off = testing::thread_scope(Mode::Inactive);
/// assert!(!testing::is_testing());
/// ```
pub fn is_testing() -> bool {
    switches::testing_set()
}

/// Python's `set_active`: switches retrying on or off for the whole process,
/// leaving testing mode as it is.
///
/// While inactive, every retry loop runs its operation exactly once and returns
/// its result: `on` is not asked, no hook runs, nothing sleeps, and
/// [`Attempt::next_wait`](crate::Attempt::next_wait) is zero. For tests that
/// run in parallel, use [`thread_scope(Mode::Inactive)`](thread_scope) or
/// [`future_scope`] instead.
///
/// ```
/// stamina::set_active(false);
/// assert!(!stamina::is_active());
/// stamina::set_active(true);
/// assert!(stamina::is_active());
/// ```
pub fn set_active(active: bool) {
    switches::set_process_active(active);
}

/// Python's `is_active`: whether retrying is on for this thread.
///
/// ```
/// assert!(stamina::is_active());
/// ```
pub fn is_active() -> bool {
    mode() != Mode::Inactive
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thread_scopes_nest_and_restore() {
        assert_eq!(mode(), Mode::Normal);
        {
            let _a = thread_scope(Mode::Testing(TestMode::new(3)));
            {
                let _b = thread_scope(Mode::Testing(TestMode::new(5).cap(true)));
                assert_eq!(mode(), Mode::Testing(TestMode::new(5).cap(true)));
                let _c = thread_scope(Mode::Normal);
                assert!(!is_testing());
                let _d = thread_scope(Mode::Inactive);
                assert!(!is_active());
            }
            assert_eq!(mode(), Mode::Testing(TestMode::new(3)));
        }
        assert_eq!(mode(), Mode::Normal);
    }

    #[test]
    fn thread_scope_restores_on_panic() {
        let result = std::panic::catch_unwind(|| {
            let _a = thread_scope(Mode::Testing(TestMode::new(3)));
            let _b = thread_scope(Mode::Inactive);
            panic!("boom");
        });
        assert!(result.is_err());
        assert_eq!(mode(), Mode::Normal);
    }
}
