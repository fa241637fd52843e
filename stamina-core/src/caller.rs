//! Retrying callers: a reusable retry configuration, applied to one call at a time.

use core::fmt;
use core::fmt::Debug;

use crate::CallableName;
use crate::RetryPolicy;
use crate::decision::IntoDecision;
use crate::engine::{Site, run_sync};
use crate::params::policy_setters;

/// Retries sync calls with one configuration; reusable, `Copy` and cheap.
///
/// ```
/// use std::time::Duration;
/// use stamina_core::RetryingCaller;
///
/// #[derive(Debug)]
/// enum DbError { Busy, Corrupt }
/// fn is_busy(error: &DbError) -> bool { matches!(error, DbError::Busy) }
///
/// let caller = RetryingCaller::new().attempts(3).wait_max(Duration::ZERO);
///
/// let mut calls = 0;
/// let result = caller.call(is_busy, || {
///     calls += 1;
///     if calls < 3 { Err(DbError::Busy) } else { Ok(calls) }
/// });
/// assert_eq!(result.unwrap(), 3);
///
/// // Bind the predicate once, call many times.
/// let on_busy = caller.on(is_busy);
/// assert!(matches!(on_busy.call(|| Err::<(), _>(DbError::Corrupt)), Err(DbError::Corrupt)));
/// ```
#[derive(Clone, Copy, Default, PartialEq)]
pub struct RetryingCaller {
    policy: RetryPolicy,
}

impl RetryingCaller {
    /// A caller with stamina's defaults.
    pub const fn new() -> Self {
        Self { policy: RetryPolicy::new() }
    }

    policy_setters!();

    /// Calls `op` until it succeeds, `on` rejects its error, or a limit is
    /// reached; returns the last result unchanged. Hooks see the name
    /// `<context block>`.
    #[inline]
    pub fn call<T, E, P, D, F>(&self, on: P, mut op: F) -> Result<T, E>
    where
        E: Debug,
        P: Fn(&E) -> D,
        D: IntoDecision,
        F: FnMut() -> Result<T, E>,
    {
        run_sync(Site { policy: &self.policy, name: &CallableName::CONTEXT_BLOCK }, on, |()| op())
    }

    /// Binds the predicate `on`, for calls with [`BoundRetryingCaller::call`].
    pub fn on<P>(&self, on: P) -> BoundRetryingCaller<P> {
        BoundRetryingCaller { caller: *self, on }
    }
}

impl Debug for RetryingCaller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RetryingCaller").field(&self.policy).finish()
    }
}

/// A [`RetryingCaller`] with its predicate bound; made by [`RetryingCaller::on`].
#[derive(Clone, Copy)]
pub struct BoundRetryingCaller<P> {
    caller: RetryingCaller,
    on: P,
}

impl<P> BoundRetryingCaller<P> {
    /// Calls `op` with the bound predicate, like [`RetryingCaller::call`].
    #[inline]
    pub fn call<T, E, D, F>(&self, op: F) -> Result<T, E>
    where
        E: Debug,
        P: Fn(&E) -> D,
        D: IntoDecision,
        F: FnMut() -> Result<T, E>,
    {
        self.caller.call(&self.on, op)
    }
}

impl<P> Debug for BoundRetryingCaller<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BoundRetryingCaller")
            .field("on", &core::any::type_name::<P>())
            .field("caller", &self.caller)
            .finish()
    }
}
