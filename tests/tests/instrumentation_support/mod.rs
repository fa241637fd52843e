//! Shared by the `instrumentation_*` test binaries: hooks are process-wide, so
//! every test that installs hooks holds [`isolated`] for its whole run.

#![allow(dead_code, unreachable_pub)] // each binary uses a part of it

use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};

use stamina::instrumentation::set_on_retry_hooks;

static SERIAL: Mutex<()> = Mutex::new(());

/// Serialises hook-installing tests within one test binary and restores the
/// default hooks when dropped, also after a failed (panicking) test.
pub struct Isolated {
    _serial: MutexGuard<'static, ()>,
}

pub fn isolated() -> Isolated {
    let serial = SERIAL.lock().unwrap_or_else(PoisonError::into_inner);
    set_on_retry_hooks(None);
    Isolated { _serial: serial }
}

impl Drop for Isolated {
    fn drop(&mut self) {
        set_on_retry_hooks(None);
    }
}

/// A retryable error that is a `std::error::Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transient(pub u32);

impl fmt::Display for Transient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "transient failure {}", self.0)
    }
}

impl std::error::Error for Transient {}

/// A predicate that retries every error.
pub fn always<E>(_: &E) -> bool {
    true
}

/// A predicate that retries no error.
pub fn never<E>(_: &E) -> bool {
    false
}

/// The full type name of [`Transient`], as hooks report it.
pub fn transient_type() -> &'static str {
    core::any::type_name::<Transient>()
}
