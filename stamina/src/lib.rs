//! # stamina
//!
//! Production-grade retries for Rust, a port of Python's
//! [stamina](https://github.com/hynek/stamina): bounded retries with exponential
//! backoff and jitter, **only on the errors you name**, with one process-wide
//! switch to turn retries off or make them instant in tests, and every retry
//! visible to hooks.
//!
//! ```
//! use std::time::Duration;
//!
//! #[derive(Debug)]
//! enum FetchError { Unavailable, NotFound }
//!
//! fn is_transient(error: &FetchError) -> bool {
//!     matches!(error, FetchError::Unavailable)
//! }
//!
//! let caller = stamina::RetryingCaller::new().attempts(3).wait_max(Duration::ZERO);
//! let mut calls = 0;
//! let body = caller.call(is_transient, || {
//!     calls += 1;
//!     if calls == 1 { Err(FetchError::Unavailable) } else { Ok("body") }
//! });
//! assert_eq!(body.unwrap(), "body");
//! assert_eq!(calls, 2);
//! ```
//!
//! See the README for the attribute macro, blocks, testing mode and
//! instrumentation.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "tokio")]
#[doc(inline)]
pub use stamina_core::TokioSleeper;
#[cfg(feature = "http")]
#[doc(inline)]
pub use stamina_core::http;
#[doc(inline)]
pub use stamina_core::{
    AsyncRetryingCaller, Attempt, BoundAsyncRetryingCaller, BoundRetryingCaller, Decision, DefaultSleeper,
    ErrorChain, ErrorTypeList, IntoDecision, RetryContext, RetryPolicy, RetryingCaller, Sleeper, error_type,
    error_types, is_active, retry_context, set_active,
};
#[doc(inline)]
pub use stamina_core::{budget, instrumentation, testing};
#[cfg(feature = "macros")]
#[doc(inline)]
pub use stamina_macros::{retry, retry_block};

/// Not public API: the paths the macros' generated code names. Nothing here
/// follows semver.
#[doc(hidden)]
pub mod __private {
    pub use core::any::type_name;
    pub use core::clone::Clone;
    pub use core::default::Default;
    pub use core::ops::ControlFlow;
    pub use core::option::Option;
    pub use core::result::Result;
    pub use core::time::Duration;
    pub use core::{concat, module_path};
    pub use stamina_core::macro_support::*;
    pub use stamina_core::{Attempt, DefaultSleeper, RetryPolicy, error_types};
}

/// The README's examples, compiled and run as doc-tests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
