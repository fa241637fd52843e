//! What an `on` predicate may be and what it may answer: a [`Decision`] (or a
//! `bool`, a `Duration`, an `Option<Duration>`), predicates over error types
//! along a source chain, and, with the `http` feature, HTTP status decisions.

mod decision;
mod error_types;
#[cfg(feature = "http")]
pub mod http;

pub(crate) use decision::decide;
pub use decision::{Decision, IntoDecision};
pub use error_types::{ErrorChain, ErrorTypeList, error_type, error_types};
