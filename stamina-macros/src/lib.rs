//! The macros of [stamina](https://docs.rs/stamina): `#[retry]` and
//! `retry_block!`. Depend on `stamina`, which re-exports them; the generated
//! code names the runtime through `::stamina::__private` (or the path given as
//! `crate = "..."`).
//!
//! The macros emit thin code: a loop that hands each attempt's outcome to
//! stamina-core's `RetryState`, which makes every decision, computes every
//! wait and calls every hook.
//!
//! Each macro goes through the same phases, one module each: `parse` reads
//! the input as written, `args` and `validate` check it (collecting every
//! problem) into a validated form, and `expand` generates code from that
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
/// An async fn, retrying on an error type along a type-erased error's chain:
///
/// ```
/// type BoxError = Box<dyn std::error::Error + Send + Sync>;
///
/// #[stamina::retry(on = types(std::io::Error), attempts = 3, wait_max = 0)] // no waits, for the example
/// async fn read_port(path: &str) -> Result<u16, BoxError> {
///     let text = std::fs::read_to_string(path)?; // an io::Error: retried
///     Ok(text.trim().parse()?) // a ParseIntError: returned at once
/// }
/// # let mut future = std::pin::pin!(read_port("/does/not/exist"));
/// # let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
/// # let std::task::Poll::Ready(result) = future.as_mut().poll(&mut cx) else { panic!("pending") };
/// # assert!(result.unwrap_err().is::<std::io::Error>());
/// ```
///
/// What it works on, durations, compile-time checks and `clone(..)`:
/// [the manual](https://docs.rs/stamina/latest/stamina/index.html#retrying-a-function-staminaretry);
/// every parameter: [the table](https://docs.rs/stamina/latest/stamina/index.html#parameters).
/// Put it above `#[tracing::instrument]`
/// ([why](https://docs.rs/stamina/latest/stamina/index.html#with-tracinginstrument)).
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
/// is rejected). `?` and `return` inside the closure end the attempt. Hooks see
/// the loop as `<context block>`, or as its `name = "fetch_readme"` (a string
/// literal). Parameters: [the table](https://docs.rs/stamina/latest/stamina/index.html#parameters);
/// more: [blocks](https://docs.rs/stamina/latest/stamina/index.html#retrying-a-block-retry_block).
#[proc_macro]
pub fn retry_block(input: TokenStream) -> TokenStream {
    expand::retry_block(input.into()).into()
}
