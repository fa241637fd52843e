//! # Retrying streams and iterators
//!
//! A stream (or iterator) of `Result`s fails in the middle: a connection
//! drops after the fifth event, page 2 of a listing answers 503. stamina
//! retries it like any other call, with a factory that makes **one stream per
//! attempt** from the current [`Attempt`](crate::Attempt):
//!
//! * [`RetryContext::stream`](crate::RetryContext::stream) and its sync form
//!   [`iter`](crate::RetryContext::iter), beside `call` and `call_async`;
//! * `#[stamina::retry]` on a fn that returns `impl Stream<Item = Result<T, E>>`
//!   or `impl Iterator<Item = Result<T, E>>`: the body is the factory, run
//!   once per attempt.
//!
//! The retried stream yields the items of the current attempt's stream. When
//! one yields an `Err` that `on` retries, that stream is dropped (before the
//! wait: a connection it holds is not kept through the backoff), the loop
//! waits, and the factory makes the next one. Everything else is the same as
//! for any retried call, decided in the same place: the backoff and a wait
//! from `on`, `attempts` and `timeout`, budgets, testing mode, hooks, sinks and
//! the reasons for giving up.
//!
//! * An `Err` that `on` rejects, or the last one when the loop gives up, is
//!   the **last item**; the retried stream ends after it. The errors of the
//!   attempts that were retried are not yielded.
//! * A stream that ends ends the call: a success (reported as "succeeded after
//!   retries" when it was restarted).
//! * The switches are read at the first poll, so a stream obeys the testing
//!   scope it is consumed in. While retrying is inactive, one stream runs and
//!   its first `Err` is its last item.
//! * Dropping the retried stream stops everything, mid-attempt or mid-wait: no
//!   further attempt, no further hook, and a hook's guard is dropped once.
//! * Hooks see the error as `Debug` from the runtime API, which cannot tell
//!   whether a generic error type is a `std::error::Error`; call
//!   [`with_dyn_error`](crate::RetryingStream::with_dyn_error) on the retried
//!   stream (or [iterator](crate::RetryingIter::with_dyn_error)) to log its
//!   `Display` and `source()` chain instead. The attribute does it itself.
//! * It is `Send` when the factory, its streams and `on` are, allocates
//!   nothing per item, and adds a few nanoseconds per item to the bare stream
//!   (`stamina/benches/streams.rs`).
//!
//! ## What happens to the items already yielded
//!
//! Three behaviours, chosen per call:
//!
//! | behaviour | runtime API | attribute | after a retried error |
//! |---|---|---|---|
//! | **restart** (the default, Python stamina's) | [`stream`](crate::RetryContext::stream), [`iter`](crate::RetryContext::iter) | the default, or `stream = "restart"` | the next stream starts from the beginning: **the items already yielded are yielded again** |
//! | **resume** | [`stream_resumed`](crate::RetryContext::stream_resumed), [`iter_resumed`](crate::RetryContext::iter_resumed) | (runtime API only: it needs a cursor) | the factory gets a cursor that every yielded item advanced, and continues from it |
//! | **commit** (gRPC's rule) | [`stream_committed`](crate::RetryContext::stream_committed), [`iter_committed`](crate::RetryContext::iter_committed) | `stream = "commit"` | errors before the first item are retried; after it, none: the error is the last item |
//!
//! Restart is right when the consumer can take duplicates (it collects into a
//! set, or the stream is short and idempotent). Resume is right when the
//! source can start anywhere: a page number or next-page link, an event id, an
//! offset. Commit is right when neither holds: the consumer has acted on what
//! it saw, and only a failure before that is safe to retry.
//!
//! ### Restart
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use futures_lite::{StreamExt as _, stream};
//!
//! let events = stamina::retry_context(|error: &&str| *error == "reset")
//!     .wait_max(std::time::Duration::ZERO)
//!     .stream(|attempt| {
//!         let second = if attempt.num() == 1 { Err("reset") } else { Ok("b") };
//!         stream::iter([Ok("a"), second])
//!     });
//! // "a" twice: the second attempt started over.
//! assert_eq!(events.collect::<Vec<_>>().await, [Ok("a"), Ok("a"), Ok("b")]);
//! # }
//! ```
//!
//! ### Resume: a paginated listing
//!
//! Each item is a page; the cursor is the next page to fetch, advanced by every
//! page yielded. Page 2 fails once: the second attempt starts at page 2, and
//! no page is yielded twice.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use futures_lite::{StreamExt as _, stream};
//!
//! struct Page {
//!     number: u32,
//!     repos: Vec<String>,
//!     last: bool,
//! }
//!
//! async fn fetch_page(number: u32, attempt: u32) -> Result<Page, String> {
//!     if number == 2 && attempt == 1 {
//!         return Err("503 Service Unavailable".to_owned());
//!     }
//!     Ok(Page { number, repos: vec![format!("repo-{number}")], last: number == 3 })
//! }
//!
//! let pages = stamina::retry_context(|error: &String| error.starts_with("503"))
//!     .wait_max(std::time::Duration::ZERO)
//!     .stream_resumed(1, |next: &mut u32, page: &Page| *next = page.number + 1, |attempt, &first: &u32| {
//!         stream::unfold(Some(first), move |next| async move {
//!             let page = fetch_page(next?, attempt.num()).await;
//!             let after = match &page {
//!                 Ok(page) if !page.last => Some(page.number + 1),
//!                 _ => None,
//!             };
//!             Some((page, after))
//!         })
//!     });
//! let repos: Vec<String> = pages.map(|page| page.unwrap().repos).collect::<Vec<_>>().await.concat();
//! assert_eq!(repos, ["repo-1", "repo-2", "repo-3"]);
//! # }
//! ```
//!
//! The demo (`tests/demo`) does the same against an HTTP server, following
//! GitHub's `Link: <...>; rel="next"` headers.
//!
//! ### Commit
//!
//! ```
//! let items: Vec<Result<u32, &str>> = stamina::retry_context(|_: &&str| true)
//!     .wait_max(std::time::Duration::ZERO)
//!     .iter_committed(|attempt| match attempt.num() {
//!         1 => vec![Err("before any item: retried")],
//!         _ => vec![Ok(1), Err("after an item: the last item"), Ok(2)],
//!     }.into_iter())
//!     .collect();
//! assert_eq!(items, [Ok(1), Err("after an item: the last item")]);
//! ```
//!
//! A committed stream's retryable error is reported to the hooks as a
//! give-up with the reason
//! [`StreamCommitted`](crate::instrumentation::GiveUpReason::StreamCommitted)
//! (`stream_committed` in logs and metrics), so that it is not mistaken for
//! one `on` rejected (`not_retryable`, as on any stream).
//!
//! ## The attribute
//!
//! The fn is not `async`: its body makes the stream, once per attempt, in a
//! `move` closure. Arguments follow the rules of async fns: references are
//! copied into it, and an argument the body moves needs `clone(...)` (each
//! attempt gets its own clone) or is a compile error that says so. The stream
//! may borrow what the references point to, not the fn's owned arguments:
//! move those into it, cloned. Hooks name the fn by its path, as any
//! retried fn.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use std::sync::atomic::{AtomicU32, Ordering};
//!
//! use futures_lite::{Stream, StreamExt as _, stream};
//!
//! #[derive(Debug, PartialEq)]
//! struct Reset;
//!
//! #[stamina::retry(on = |_| true, attempts = 3, wait_max = 0)]
//! fn ticks(connects: &AtomicU32) -> impl Stream<Item = Result<u32, Reset>> + '_ {
//!     let attempt = connects.fetch_add(1, Ordering::Relaxed) + 1;
//!     stream::iter([Ok(1), if attempt == 1 { Err(Reset) } else { Ok(2) }])
//! }
//!
//! let connects = AtomicU32::new(0);
//! assert_eq!(ticks(&connects).collect::<Vec<_>>().await, [Ok(1), Ok(1), Ok(2)]);
//! assert_eq!(connects.load(Ordering::Relaxed), 2);
//! # }
//! ```
//!
//! ```
//! #[derive(Debug, PartialEq)]
//! struct Lost;
//!
//! // `stream = "commit"`: nothing is retried once a line was yielded.
//! #[stamina::retry(on = |_| true, wait_max = 0, stream = "commit", clone(lines))]
//! fn read(lines: Vec<&'static str>) -> impl Iterator<Item = Result<&'static str, Lost>> {
//!     lines.into_iter().map(|line| if line.is_empty() { Err(Lost) } else { Ok(line) })
//! }
//!
//! assert_eq!(read(vec!["a", "", "b"]).collect::<Vec<_>>(), [Ok("a"), Err(Lost)]);
//! ```
//!
//! A `&mut` argument cannot be lent to each attempt's stream in turn (the
//! factory would hand out the same exclusive borrow twice): take `&` with
//! interior mutability, or clone an owned value.
