//! Testing mode: keep the retry logic, drop the waiting.
//!
//! In testing mode every wait is zero (computed backoffs and waits returned by
//! `on` alike), the timeout is ignored, and the number of attempts comes from the
//! [`TestMode`]. Hooks still run, with `wait_for` zero.
//!
//! There are three ways to switch it on, from widest to narrowest:
//!
//! | form | reach | use it for |
//! |---|---|---|
//! | [`set_testing`], [`set_testing_mode`] | the whole process, until changed | a test binary whose tests all want the same setting, a `main` of an integration test |
//! | [`testing_scope`] | the whole process, until the guard drops | one serial test that must restore what it found |
//! | [`local_testing`], [`with_testing`] | this thread / this future only | tests that run in parallel (the default of `cargo test`) |
//!
//! `cargo test` runs tests on several threads of one process, so a process-wide
//! switch flipped by one test is seen by the others. Use the local forms there:
//! [`local_testing`] for sync tests and `#[tokio::test]` (whose runtime runs on
//! the test's own thread), and [`with_testing`] for a future that may be polled
//! on any thread.
//!
//! ```
//! use stamina_core::testing::{self, TestMode};
//!
//! testing::set_testing(true); // one attempt, no waits
//! assert!(testing::is_testing());
//! testing::set_testing(false);
//!
//! {
//!     let _guard = testing::local_testing(Some(TestMode::new(3)));
//!     assert_eq!(testing::testing_mode(), Some(TestMode::new(3)));
//! }
//! assert!(!testing::is_testing());
//! ```

use core::fmt;
use core::future::Future;
use core::marker::PhantomData;

use crate::switches;

/// How testing mode limits attempts.
///
/// `TestMode::new(n)` makes every retry loop run exactly `n` attempts at most,
/// even where the loop's own `attempts` is lower (Python stamina's default).
/// `.cap(true)` makes `n` an upper bound instead: a loop with a lower
/// `attempts` keeps its own, and a loop without a limit gets `n`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TestMode {
    attempts: u32,
    cap: bool,
}

impl TestMode {
    /// At most `attempts` attempts per retry loop, without waits.
    ///
    /// # Panics
    ///
    /// On `0`: zero attempts would never run the operation; use `1` for no
    /// retries.
    #[must_use]
    #[track_caller]
    pub const fn new(attempts: u32) -> Self {
        assert!(attempts != 0, "stamina: testing attempts must be at least 1; use 1 for no retries");
        Self { attempts, cap: false }
    }

    /// With `true`, the attempts are a cap on each loop's own `attempts` rather
    /// than a replacement for it.
    #[must_use]
    pub const fn cap(mut self, cap: bool) -> Self {
        self.cap = cap;
        self
    }

    /// The configured attempts.
    pub const fn get_attempts(&self) -> u32 {
        self.attempts
    }

    /// Whether the attempts cap each loop's own.
    pub const fn is_capped(&self) -> bool {
        self.cap
    }

    /// The attempts a loop whose own limit is `user_attempts` makes in this mode.
    ///
    /// ```
    /// use stamina_core::testing::TestMode;
    ///
    /// assert_eq!(TestMode::new(2).effective_attempts(Some(1)), 2);
    /// assert_eq!(TestMode::new(2).cap(true).effective_attempts(Some(1)), 1);
    /// assert_eq!(TestMode::new(2).cap(true).effective_attempts(Some(3)), 2);
    /// assert_eq!(TestMode::new(100).cap(true).effective_attempts(None), 100);
    /// ```
    pub const fn effective_attempts(&self, user_attempts: Option<u32>) -> u32 {
        match (self.cap, user_attempts) {
            (true, Some(user)) if user < self.attempts => user,
            _ => self.attempts,
        }
    }
}

impl Default for TestMode {
    /// One attempt, not capped: what `set_testing(true)` uses.
    fn default() -> Self {
        Self::new(1)
    }
}

impl fmt::Debug for TestMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestMode").field("attempts", &self.attempts).field("cap", &self.cap).finish()
    }
}

/// Switches testing mode on (one attempt, no waits) or off, for the whole
/// process.
///
/// ```
/// stamina_core::testing::set_testing(true);
/// assert!(stamina_core::testing::is_testing());
/// stamina_core::testing::set_testing(false);
/// ```
pub fn set_testing(testing: bool) {
    set_testing_mode(testing.then(TestMode::default));
}

/// Sets testing mode for the whole process: `Some(mode)` switches it on with
/// `mode`'s attempts, `None` switches it off. Returns the previous setting.
///
/// ```
/// use stamina_core::testing::{self, TestMode};
///
/// let previous = testing::set_testing_mode(Some(TestMode::new(3).cap(true)));
/// assert_eq!(testing::testing_mode(), Some(TestMode::new(3).cap(true)));
/// testing::set_testing_mode(previous);
/// ```
#[allow(clippy::must_use_candidate)]
pub fn set_testing_mode(mode: Option<TestMode>) -> Option<TestMode> {
    switches::set_global_testing(mode)
}

/// Whether testing mode is on for this thread.
pub fn is_testing() -> bool {
    switches::current_testing().is_some()
}

/// The testing mode in force on this thread, if any.
pub fn testing_mode() -> Option<TestMode> {
    switches::current_testing()
}

/// Sets testing mode for the whole process until the returned guard drops, then
/// restores the setting it found (also when a test panics). Guards nest.
///
/// ```
/// use stamina_core::testing::{self, TestMode};
///
/// {
///     let _outer = testing::testing_scope(Some(TestMode::new(3)));
///     {
///         let _inner = testing::testing_scope(Some(TestMode::new(5).cap(true)));
///         assert_eq!(testing::testing_mode(), Some(TestMode::new(5).cap(true)));
///     }
///     assert_eq!(testing::testing_mode(), Some(TestMode::new(3)));
/// }
/// assert_eq!(testing::testing_mode(), None);
/// ```
#[must_use = "testing mode is restored when the guard drops; bind it with `let _guard = ...`"]
pub fn testing_scope(mode: Option<TestMode>) -> TestingGuard {
    TestingGuard { previous: switches::set_global_testing(mode) }
}

/// Restores the process-wide testing setting when dropped. See [`testing_scope`].
#[derive(Debug)]
pub struct TestingGuard {
    previous: Option<TestMode>,
}

impl Drop for TestingGuard {
    fn drop(&mut self) {
        switches::set_global_testing(self.previous);
    }
}

/// Sets testing mode for **this thread only** until the guard drops, overriding
/// the process-wide setting; `None` switches testing off on this thread even
/// when the process has it on. Guards nest, and the guard cannot leave its
/// thread.
///
/// This is the form for tests that run in parallel: each test thread sees its
/// own setting. `#[tokio::test]` runs its runtime on the test's thread, so the
/// guard covers async tests too; for a future polled elsewhere, use
/// [`with_testing`].
#[must_use = "the thread's testing setting is restored when the guard drops; bind it with `let _guard = ...`"]
pub fn local_testing(mode: Option<TestMode>) -> LocalTestingGuard {
    LocalTestingGuard { previous: switches::replace_local_testing(mode), not_send: PhantomData }
}

/// Restores this thread's testing override when dropped. See [`local_testing`].
#[derive(Debug)]
pub struct LocalTestingGuard {
    previous: u64,
    not_send: PhantomData<*const ()>,
}

impl Drop for LocalTestingGuard {
    fn drop(&mut self) {
        switches::restore_local_testing(self.previous);
    }
}

/// Runs `future` with testing mode `mode`, whichever thread polls it: the setting
/// is installed for the duration of each poll, like a task-local value.
///
/// The returned future is `Send` when `future` is.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use stamina_core::testing::{self, TestMode};
///
/// let in_testing = testing::with_testing(Some(TestMode::new(2)), async { testing::testing_mode() }).await;
/// assert_eq!(in_testing, Some(TestMode::new(2)));
/// assert_eq!(testing::testing_mode(), None);
/// # }
/// ```
pub async fn with_testing<F: Future>(mode: Option<TestMode>, future: F) -> F::Output {
    let mut future = core::pin::pin!(future);
    core::future::poll_fn(|cx| {
        let _guard = local_testing(mode);
        future.as_mut().poll(cx)
    })
    .await
}

/// Switches retrying off for **this thread only** until the guard drops, like a
/// thread-local [`set_active(false)`](crate::set_active). Guards nest.
///
/// ```
/// {
///     let _guard = stamina_core::testing::deactivated();
///     assert!(!stamina_core::is_active());
/// }
/// assert!(stamina_core::is_active());
/// ```
#[must_use = "retrying is switched back on when the guard drops; bind it with `let _guard = ...`"]
pub fn deactivated() -> LocalActiveGuard {
    local_active(false)
}

/// Sets whether retrying is active on **this thread only** until the guard drops.
#[must_use = "the thread's setting is restored when the guard drops; bind it with `let _guard = ...`"]
pub fn local_active(active: bool) -> LocalActiveGuard {
    LocalActiveGuard { previous: switches::replace_local_active(Some(active)), not_send: PhantomData }
}

/// Restores this thread's active override when dropped. See [`deactivated`].
#[derive(Debug)]
pub struct LocalActiveGuard {
    previous: u64,
    not_send: PhantomData<*const ()>,
}

impl Drop for LocalActiveGuard {
    fn drop(&mut self) {
        switches::restore_local_active(self.previous);
    }
}

/// Sets whether retrying is active for the whole process until the guard drops,
/// then restores the previous setting.
#[must_use = "the setting is restored when the guard drops; bind it with `let _guard = ...`"]
pub fn active_scope(active: bool) -> ActiveGuard {
    ActiveGuard { previous: switches::set_global_active(active) }
}

/// Restores the process-wide active switch when dropped. See [`active_scope`].
#[derive(Debug)]
pub struct ActiveGuard {
    previous: bool,
}

impl Drop for ActiveGuard {
    fn drop(&mut self) {
        switches::set_global_active(self.previous);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cap_rules() {
        assert_eq!(TestMode::new(2).cap(true).effective_attempts(Some(1)), 1);
        assert_eq!(TestMode::new(2).cap(true).effective_attempts(Some(3)), 2);
        assert_eq!(TestMode::new(2).effective_attempts(Some(1)), 2);
        assert_eq!(TestMode::new(2).effective_attempts(Some(3)), 2);
        assert_eq!(TestMode::new(2).effective_attempts(None), 2);
        assert_eq!(TestMode::new(100).cap(true).effective_attempts(None), 100);
        assert_eq!(TestMode::new(4).cap(true).effective_attempts(Some(2)), 2);
        assert_eq!(TestMode::new(4).cap(true).effective_attempts(Some(10)), 4);
    }

    #[test]
    fn default_is_one_uncapped_attempt() {
        assert_eq!(TestMode::default(), TestMode::new(1));
        assert!(!TestMode::default().is_capped());
    }

    #[test]
    #[should_panic(expected = "testing attempts must be at least 1")]
    fn zero_testing_attempts_panics() {
        let _ = TestMode::new(0);
    }

    #[test]
    fn local_scopes_nest_and_restore() {
        assert_eq!(testing_mode(), None);
        {
            let _a = local_testing(Some(TestMode::new(3)));
            {
                let _b = local_testing(Some(TestMode::new(5).cap(true)));
                assert_eq!(testing_mode(), Some(TestMode::new(5).cap(true)));
                let _c = local_testing(None);
                assert!(!is_testing());
            }
            assert_eq!(testing_mode(), Some(TestMode::new(3)));
        }
        assert_eq!(testing_mode(), None);
    }

    #[test]
    fn local_scope_restores_on_panic() {
        let result = std::panic::catch_unwind(|| {
            let _a = local_testing(Some(TestMode::new(3)));
            let _b = deactivated();
            panic!("boom");
        });
        assert!(result.is_err());
        assert_eq!(testing_mode(), None);
        assert!(crate::is_active());
    }
}
