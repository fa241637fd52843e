//! The runtime of [stamina](https://docs.rs/stamina): retry policies, backoff, the
//! retry loop (sync and async), testing switches and instrumentation.
//!
//! Depend on the `stamina` crate, which re-exports all of this together with the
//! `#[retry]` and `retry_block!` macros.
//!
//! The modules follow the architecture, from what users configure to what
//! runs:
//!
//! | module | holds |
//! |---|---|
//! | `policy` | [`RetryPolicy`]: the parameters, their validation, the backoff formula, and the builder methods shared by every type carrying a policy |
//! | `on` | what an `on` predicate may return ([`Decision`], [`IntoDecision`]), predicates over error types, and [`http`] status decisions (feature `http`) |
//! | `api` | the public ways to retry without macros: [`RetryingCaller`], [`AsyncRetryingCaller`], [`retry_context`], and the [`Attempt`] a block sees; `api::results`: their result-predicate forms (`call_on_result`), which carry a retried `Ok` to the core as its error |
//! | [`budget`] | retry budgets shared by many loops: a token quota (AWS) and a ratio over a sliding window (Finagle) |
//! | `engine` | the decision core ([`RetryState`](macro_support::RetryState)), its sync and async drivers, the wait after a failure, the clock, and [`Sleeper`] |
//! | `switches` | the stored mode (active, testing) and how a loop reads it |
//! | [`testing`] | the public switch API over it, and the test recorder |
//! | [`instrumentation`] | hooks that see every retry, the built-in sinks, and the callable's name |
//! | `macro_support` | what the macros' generated code names (not public API) |
//! | `integrations` | the tower layer (feature `tower`) and the reqwest-middleware middleware (feature `reqwest-middleware`), and their driver, which sends a copy of the request per attempt |
//!
//! Dependencies run one way: `api`, `integrations` and the macros' code drive `engine`, which
//! reads `policy`, `on`, `switches` and calls `instrumentation`; `testing`
//! sits on `switches` and `instrumentation`.
//!
// Built without the `http` feature, the module is not there to link to.
#![cfg_attr(
    not(feature = "http"),
    doc = "\n[`http`]: https://docs.rs/stamina/latest/stamina/http/index.html"
)]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod api;
pub mod budget;
mod engine;
pub mod instrumentation;
#[cfg(any(feature = "tower", feature = "reqwest-middleware"))]
mod integrations;
#[doc(hidden)]
pub mod macro_support;
mod on;
mod policy;
mod switches;
mod sync;
pub mod testing;

/// Retried streams and iterators: what a retried stream does with the items
/// an attempt already yielded when it fails (see
/// [`RetryContext::stream`]).
pub mod stream {
    pub use crate::api::stream::{Behaviour, Commit, Restart, Resume, RetryingIter, RetryingStream};
}

pub use api::DynErrorView;
pub use api::{
    AsyncRetryingCaller, Attempt, BoundAsyncRetryingCaller, BoundRetryingCaller, RetryContext,
    RetryingCaller, RetryingIter, RetryingStream, retry_context,
};
pub use api::{CallOutcome, Cancelling, Uncancelled};
#[doc(hidden)]
pub use engine::AttemptCancel;
#[cfg(feature = "tokio")]
pub use engine::TokioSleeper;
pub use engine::{AttemptTimedOut, FromAttemptTimedOut};
pub use engine::{DefaultSleeper, Sleeper};
#[cfg(feature = "reqwest-middleware")]
pub use integrations::reqwest_middleware;
#[cfg(feature = "tower")]
pub use integrations::tower;
#[cfg(feature = "http")]
pub use on::http;
pub use on::{Decision, ErrorChain, ErrorTypeList, IntoDecision, error_type, error_types};
pub use policy::{RetryPolicy, TimeoutMode};
pub use testing::{is_active, set_active};
