//! stamina where Rust services retry: in their middleware stacks. A tower
//! layer (feature `tower`) and a reqwest-middleware middleware (feature
//! `reqwest-middleware`), both driving the one decision core through a result
//! predicate (see `api::results`), so that a response (a 503) is retried like
//! an error and returned unchanged when the loop gives up. Their shared HTTP
//! rule, [`RetryOnHttp`](crate::http::RetryOnHttp), is in `stamina::http`.

mod replay;
#[cfg(feature = "reqwest-middleware")]
pub mod reqwest_middleware;
#[cfg(feature = "tower")]
pub mod tower;
