//! Entry points for the code that `stamina`'s macros generate.
//!
//! **Not public API.** Nothing here follows semver; it is reached through
//! `stamina::__private` by generated code only.

pub use crate::engine::{RetryState, Settled, run_async, run_sync};
pub use crate::name::CallableName;

use core::fmt::Debug;
use core::time::Duration;
use std::time::Instant;

use crate::{IntoDecision, RetryPolicy};

/// The clock of sync retry loops.
#[inline]
pub fn sync_now() -> Instant {
    Instant::now()
}

/// A duration from a whole number of nanoseconds, for durations the macros parsed
/// at compile time.
#[inline]
pub const fn nanos(n: u64) -> Duration {
    Duration::from_nanos(n)
}

/// A duration from seconds given as a float expression (`timeout = 1.5` written
/// as an expression the macro could not evaluate).
#[track_caller]
pub fn secs_f64(secs: f64) -> Duration {
    Duration::try_from_secs_f64(secs).unwrap_or_else(|_| {
        panic!("stamina: a duration in seconds must be finite and not negative, got {secs}")
    })
}

/// The policy every generated loop starts from.
pub const DEFAULT_POLICY: RetryPolicy = RetryPolicy::new();

/// Names the error type of a retried fn's return type `R`, so that a closure
/// passed as `on` gets its argument type from the fn's signature.
#[diagnostic::on_unimplemented(
    message = "`#[stamina::retry]` needs a function that returns a `Result`, not `{Self}`",
    label = "this return type is not a `Result`",
    note = "stamina retries on errors: return `Result<T, E>` (or an alias such as `std::io::Result<T>`)"
)]
pub trait RetryResult {
    /// The `Ok` type.
    type Ok;
    /// The error type.
    type Err;
    /// The value as a `Result`.
    fn into_result(self) -> Result<Self::Ok, Self::Err>;
}

impl<T, E> RetryResult for Result<T, E> {
    type Ok = T;
    type Err = E;
    #[inline]
    fn into_result(self) -> Self {
        self
    }
}

/// Gives `on` the signature `Fn(&<R as RetryResult>::Err) -> D`, so closures
/// infer their argument type, and checks it early with a readable message.
#[inline]
pub fn predicate_for<R, P, D>(on: P) -> P
where
    R: RetryResult,
    R::Err: Debug,
    P: Fn(&R::Err) -> D,
    D: IntoDecision,
{
    on
}
