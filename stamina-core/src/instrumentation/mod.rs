//! Instrumentation: every scheduled retry, and how each retry loop ended, reaches
//! the installed hooks.
//!
//! (Skeleton: the registry, the built-in sinks and the defaults are filled in by
//! the instrumentation work; the retry loop calls the three `dispatch_*`
//! functions below.)

use core::fmt::Debug;
use core::time::Duration;

use crate::CallableName;

/// What a hook learns about a scheduled retry.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct RetryDetails<'a> {
    /// The number of the attempt that just failed: 1 after the first failure.
    pub retry_num: u32,
    /// The planned wait before the next attempt.
    pub wait_for: Duration,
    /// The sum of the earlier planned waits of this loop.
    pub waited_so_far: Duration,
    /// The error that caused the retry.
    pub caused_by: &'a dyn Debug,
    /// The error's type name, as `core::any::type_name` spells it.
    pub error_type: &'static str,
}

/// What a lifecycle hook learns when a loop succeeds after at least one retry.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct SuccessDetails {
    /// How many attempts it took, including the successful one.
    pub attempts: u32,
    /// The sum of the planned waits.
    pub waited: Duration,
}

/// Why a retry loop gave up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum GiveUpReason {
    /// The last allowed attempt failed.
    AttemptsExhausted,
    /// The timeout had passed when an attempt failed.
    Timeout,
    /// `on` said the error is not retryable.
    NotRetryable,
}

/// What a lifecycle hook learns when a loop gives up and returns an error.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct GiveUpDetails<'a> {
    /// Why the loop gave up.
    pub reason: GiveUpReason,
    /// How many attempts ran.
    pub attempts: u32,
    /// The sum of the planned waits.
    pub waited: Duration,
    /// The error that is returned.
    pub caused_by: &'a dyn Debug,
    /// The error's type name.
    pub error_type: &'static str,
}

/// Values returned by hooks that live across the wait and are dropped, in
/// reverse order, right before the next attempt.
#[derive(Default)]
pub struct HookGuards {
    guards: Vec<Box<dyn core::any::Any + Send>>,
}

impl HookGuards {
    /// No guards; does not allocate.
    pub const fn none() -> Self {
        Self { guards: Vec::new() }
    }
}

impl Debug for HookGuards {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("HookGuards").field("len", &self.guards.len()).finish()
    }
}

impl Drop for HookGuards {
    fn drop(&mut self) {
        while let Some(guard) = self.guards.pop() {
            drop(guard);
        }
    }
}

// The seam the retry loop calls. The name is passed separately so that a
// method's name is joined (`Type::method`) only when a hook is installed.

/// Calls the installed hooks for a scheduled retry, in order.
pub(crate) fn dispatch_retry(_name: CallableName, _details: &RetryDetails<'_>) -> HookGuards {
    HookGuards::none()
}

/// Tells the lifecycle hooks that a loop succeeded after retries.
pub(crate) fn dispatch_success(_name: CallableName, _details: &SuccessDetails) {}

/// Tells the lifecycle hooks that a loop gave up.
pub(crate) fn dispatch_give_up(_name: CallableName, _details: &GiveUpDetails<'_>) {}
