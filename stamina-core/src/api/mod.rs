//! The ways to retry without the macros: reusable callers, sync and async,
//! and `retry_context`, whose blocks see each [`Attempt`].

mod attempt;
mod callers;
mod cancel;
mod context;
mod dyn_error;
pub(crate) mod stream;
// Result predicates: more methods on the callers and contexts.
mod outcome;
pub(crate) mod results;

pub use attempt::Attempt;
pub use callers::{AsyncRetryingCaller, BoundAsyncRetryingCaller, BoundRetryingCaller, RetryingCaller};
pub use cancel::{Cancelling, Uncancelled};
pub use context::{RetryContext, retry_context};
pub use dyn_error::DynErrorView;
pub use outcome::CallOutcome;
pub use stream::{RetryingIter, RetryingStream};
