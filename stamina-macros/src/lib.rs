//! The macros of [stamina](https://docs.rs/stamina): `#[retry]` and
//! `retry_block!`. Depend on `stamina`, which re-exports them; the generated
//! code names the runtime through `::stamina::__private` (or the path given as
//! `crate = "..."`).
//!
//! The macros emit thin code: a loop that hands each attempt's outcome to
//! stamina-core's `RetryState`, which makes every decision, computes every
//! wait and calls every hook.
//!
//! Each macro goes through the same phases, one module each: [`parse`] reads
//! the input as written, [`args`] and [`validate`] check it (collecting every
//! problem) into a validated form, and [`expand`] generates code from that
//! form only.

mod args;
mod duration;
mod errors;
mod expand;
mod parse;
mod validate;

use proc_macro::TokenStream;

/// Retries a fn that returns a `Result`: the body runs once per attempt, and
/// stamina decides after each failure whether to try again and how long to
/// wait first.
///
/// ```
/// #[derive(Debug)]
/// enum ApiError { Unavailable, NotFound }
///
/// fn is_retriable(error: &ApiError) -> bool {
///     matches!(error, ApiError::Unavailable)
/// }
///
/// #[stamina::retry(on = is_retriable, attempts = 3, wait_max = 0)]
/// fn fetch(calls: &mut u32) -> Result<u32, ApiError> {
///     *calls += 1;
///     if *calls < 3 {
///         return Err(ApiError::Unavailable); // ends this attempt, not the loop
///     }
///     Ok(*calls)
/// }
///
/// let mut calls = 0;
/// assert_eq!(fetch(&mut calls).unwrap(), 3);
/// ```
///
/// Works on sync and async fns, free fns and methods (`self`, `&self`,
/// `&mut self`), generic fns, and any return type that is a `Result`, also
/// through an alias such as `std::io::Result<T>`.
///
/// # Parameters
///
/// - `on` (required): a fn path, a closure, or any predicate over `&E` returning
///   `bool`, `Duration`, `Option<Duration>` or `stamina::Decision`; or
///   `types(A, B, ...)` to match error types along a type-erased error's source
///   chain. There is no default: stamina never retries on every error, because
///   retrying a bug or a rejected request only makes things worse.
/// - `attempts` (10): a whole number ≥ 1, `None` for no limit, or a `u32` (or
///   `Option<u32>`) expression; convert other integers with `u32::try_from`.
/// - `timeout` (45 s): a duration, `None` for no limit, or an
///   `Option<Duration>` expression.
/// - `wait_initial` (100 ms), `wait_max` (5 s), `wait_jitter` (1 s): durations.
/// - `wait_exp_base` (2): a number > 0.
/// - `clone(arg, ...)`: arguments each attempt gets its own clone of, for a
///   body that moves them.
/// - `crate = "path"`: where to find stamina, for crates that re-export it.
///
/// Durations are strings with units (`"30s"`, `"250ms"`, `"1m30s"`, `"1.5s"`),
/// integer or float literals meaning seconds (`30`, `0.5`), or any `Duration`
/// expression. Literals are checked at compile time.
#[proc_macro_attribute]
pub fn retry(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand::retry_attr(attr.into(), &item.into()).into()
}

/// Retries inline code: the same parameters as [`macro@retry`] (without
/// `clone`), followed by a closure that receives the current `stamina::Attempt`,
/// like Python's `for attempt in stamina.retry_context(...)`.
///
/// ```
/// #[derive(Debug)]
/// struct Unavailable;
///
/// let mut seen = Vec::new();
/// let value = stamina::retry_block!(on = |_: &Unavailable| true, attempts = 3, wait_max = 0, |attempt| {
///     seen.push(attempt.num());
///     if attempt.num() < 2 { Err(Unavailable) } else { Ok(attempt.num()) }
/// });
/// assert_eq!(value.unwrap(), 2);
/// assert_eq!(seen, [1, 2]);
/// ```
///
/// With `async |attempt| { ... }` (or `async move`) it is a future of the
/// result; the closure itself is async, not its body (`|attempt| async { ... }`
/// is rejected). `?` and `return` inside the closure end the attempt. Hooks see the
/// loop as `<context block>`.
#[proc_macro]
pub fn retry_block(input: TokenStream) -> TokenStream {
    expand::retry_block(input.into()).into()
}
