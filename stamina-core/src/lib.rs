//! The runtime of [stamina](https://docs.rs/stamina): retry policies, backoff, the
//! retry loop (sync and async), testing switches and instrumentation.
//!
//! Depend on the `stamina` crate, which re-exports all of this together with the
//! `#[retry]` and `retry_block!` macros.
//!
//! The layout follows the architecture:
//!
//! | module | holds |
//! |---|---|
//! | `policy` | [`RetryPolicy`]: the parameters and their validation |
//! | `backoff` | the backoff formula with jitter and saturation |
//! | `decision` | [`Decision`] and what an `on` predicate may return |
//! | `error_types` | predicates that match error types along a source chain |
//! | `engine` | the decision core, and the sync and async drivers around it |
//! | `sleep` | [`Sleeper`]: how async loops wait and tell the time |
//! | `caller`, `async_caller`, `context` | the public ways to retry without macros |
//! | `switches`, [`testing`] | `set_active` and testing mode |
//! | [`instrumentation`] | hooks that see every retry |
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod async_caller;
mod attempt;
mod backoff;
mod caller;
mod clock;
mod context;
mod decision;
mod engine;
mod error_types;
#[cfg(feature = "http")]
pub mod http;
pub mod instrumentation;
mod params;
mod policy;
mod sleep;
mod switches;
pub mod testing;

pub use async_caller::{AsyncRetryingCaller, BoundAsyncRetryingCaller};
pub use attempt::Attempt;
pub use caller::{BoundRetryingCaller, RetryingCaller};
pub use context::{RetryContext, retry_context};
pub use decision::{Decision, IntoDecision};
pub use error_types::{ErrorChain, ErrorTypeList, error_type, error_types};
pub use policy::RetryPolicy;
#[cfg(feature = "tokio")]
pub use sleep::TokioSleeper;
pub use sleep::{DefaultSleeper, Sleeper};
pub use switches::{is_active, set_active};

#[doc(hidden)]
pub mod macro_support;
mod name;

#[doc(hidden)]
pub use name::CallableName;
