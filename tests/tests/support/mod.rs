//! What the test binaries share: the error fixtures and predicates, and for
//! the tests that touch the process-wide hook registry, [`isolated`].

#![allow(dead_code, unreachable_pub)] // each binary uses a part of it

use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};

use stamina::instrumentation::{HookList, set_on_retry_hooks};

/// An API's error: one retryable variant, one final.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiError {
    /// Retryable; carries the number of the call (or attempt) that failed.
    Unavailable(u32),
    /// Not retryable.
    NotFound,
}

/// The predicate for [`ApiError`]: retry `Unavailable` only.
#[allow(clippy::trivially_copy_pass_by_ref)] // predicates take the error by reference
pub fn is_retriable(error: &ApiError) -> bool {
    matches!(error, ApiError::Unavailable(_))
}

/// A retryable error that is a `std::error::Error`, numbered by the call that
/// produced it; retried with [`always`] or not with [`never`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transient(pub u32);

impl fmt::Display for Transient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "transient failure {}", self.0)
    }
}

impl std::error::Error for Transient {}

/// The full type name of [`Transient`], as hooks report it.
pub fn transient_type() -> &'static str {
    core::any::type_name::<Transient>()
}

/// A predicate that retries every error.
pub fn always<E>(_: &E) -> bool {
    true
}

/// A predicate that retries no error.
pub fn never<E>(_: &E) -> bool {
    false
}

/// Held by every test that installs hooks or runs a loop whose hooks it
/// asserts on: the hook registry is process-wide, and tests run on parallel
/// threads of one process.
static SERIAL: Mutex<()> = Mutex::new(());

/// Serialises the tests of a binary that touch the hook registry, and restores
/// the default hooks when dropped, also after a failed (panicking) test.
pub struct Isolated {
    _serial: MutexGuard<'static, ()>,
}

/// Waits for the other tests that touch the hooks, then installs the defaults.
pub fn isolated() -> Isolated {
    isolated_with(None)
}

/// Waits for the other tests that touch the hooks, then installs `hooks`
/// (`[]` for none).
pub fn isolated_with(hooks: impl HookList) -> Isolated {
    let serial = SERIAL.lock().unwrap_or_else(PoisonError::into_inner);
    set_on_retry_hooks(hooks);
    Isolated { _serial: serial }
}

impl Drop for Isolated {
    fn drop(&mut self) {
        set_on_retry_hooks(None);
    }
}
