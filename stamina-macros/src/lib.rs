//! The macros of [stamina](https://docs.rs/stamina): `#[retry]` and
//! `retry_block!`. Depend on `stamina`, which re-exports them; the generated
//! code names the runtime through `::stamina::__private` (or the path given as
//! `crate = "..."`).
//!
//! The macros emit thin code: a loop that hands each attempt's outcome to
//! stamina-core's `RetryState`, which makes every decision, computes every
//! wait and calls every hook.

mod args;
mod block;
mod consumed;
mod duration;
mod policy;
mod retry_fn;

use proc_macro::TokenStream;

/// Retries a fn that returns a `Result`. See the `stamina` crate's
/// documentation of `retry`.
#[proc_macro_attribute]
pub fn retry(attr: TokenStream, item: TokenStream) -> TokenStream {
    retry_fn::expand(attr.into(), &item.into()).into()
}

/// Retries a closure's body inline. See the `stamina` crate's documentation of
/// `retry_block!`.
#[proc_macro]
pub fn retry_block(input: TokenStream) -> TokenStream {
    block::expand(input.into()).into()
}
