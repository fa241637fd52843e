//! Shared by the `runtime_*` test binaries that retry sync and async loops on
//! one error type.

#![allow(dead_code, unreachable_pub)] // each binary uses a part of it

/// The error the loops under test see.
#[derive(Debug, PartialEq, Eq)]
pub enum Error {
    /// Transient, numbered by the call that produced it.
    Transient(u32),
    Permanent,
}

/// The predicate: retry transient errors only.
pub fn is_transient(error: &Error) -> bool {
    matches!(error, Error::Transient(_))
}
