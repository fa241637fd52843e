//! # Time limits: the soft timeout, the strict deadline, the attempt timeout
//!
//! Three limits, which combine:
//!
//! | limit | set with | checked | a hanging attempt | a wait past the limit | error returned |
//! |---|---|---|---|---|---|
//! | **soft timeout** (Python's, the default: 45 s) | `timeout = "45s"`, `.timeout(..)` | after each retryable failure | runs on (the limit never stops it) | slept: a retry scheduled before the limit still runs | the last error, unchanged |
//! | **strict deadline** | `timeout_mode = strict` with the `timeout`; `.timeout_mode(TimeoutMode::Strict)` | after each failure, before each wait, and during each async attempt | async: dropped at the deadline; sync: runs to its end | not started: the loop gives up at once | the last error; for an attempt dropped at the deadline, `E::from(AttemptTimedOut)` |
//! | **attempt timeout** (async only) | `attempt_timeout = "2s"`, `.attempt_timeout(..)` | during each attempt | dropped after the limit, and counts as a failed attempt | (not its concern) | `E::from(AttemptTimedOut)`, which `on` judges like any error |
//!
//! What each guarantees, with `T` the timeout, `A` the attempt timeout and
//! `W` the longest wait (`wait_max`, or what `on` returns):
//!
//! | limit | an async call returns by | a sync call returns by |
//! |---|---|---|
//! | soft timeout | never bounded (one attempt can hang) | never bounded |
//! | soft timeout + attempt timeout | `T + W + A` | (sync code cannot be cancelled) |
//! | strict deadline | `T`, plus one timer tick | the end of the attempt running at `T` (no wait passes `T`) |
//! | attempt timeout alone | `attempts × A` plus the waits | (sync code cannot be cancelled) |
//!
//! All are measured on the loop's clock: an async loop's sleeper's, so tokio's
//! paused time drives them (`#[tokio::test(start_paused = true)]`; enable
//! stamina's `test-util` feature in your dev-dependencies so that time spent
//! inside attempts counts too, see [Testing](crate#testing)). Testing mode
//! ignores the timeout in both modes, as Python's does; an attempt timeout
//! still applies there (it bounds the operation, not the retrying).
//!
//! Because the limits run on the sleeper's timer, a custom [`Sleeper`](crate::Sleeper)
//! whose sleep never completes is not bounded by them: a strict deadline still
//! never starts a wait past it, but a wait or a race it starts then waits
//! forever. Bound such a call with your executor's own timeout (for tokio,
//! `tokio::time::timeout`), which drops it whole.
//!
//! ## The soft timeout
//!
//! Python stamina's: checked only after a failure that `on` retries, so a
//! retry scheduled before the limit still runs even if its wait ends past
//! it, and a success after the limit is returned.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use std::sync::atomic::{AtomicU32, Ordering};
//! use std::time::Duration;
//!
//! static CALLS: AtomicU32 = AtomicU32::new(0);
//!
//! // "Retry-After: 60 ms" under a 45 ms timeout.
//! #[stamina::retry(on = |_| Duration::from_millis(60), timeout = "45ms")]
//! async fn busy() -> Result<(), std::io::Error> {
//!     CALLS.fetch_add(1, Ordering::Relaxed);
//!     Err(std::io::Error::other("busy"))
//! }
//!
//! assert!(busy().await.is_err());
//! // The 60 ms were slept, past the timeout; the second failure gave up.
//! assert_eq!(CALLS.load(Ordering::Relaxed), 2);
//! # }
//! ```
//!
//! ## The strict deadline
//!
//! A mode of the one `timeout`, not a second limit beside it: the same
//! duration from the same start (the first attempt), checked at more points.
//! A wait that would end at or past the deadline is not started (MongoDB's
//! drivers' rule under a client-side operation timeout: "if the delay
//! exceeds the deadline, bail early"), and the loop gives up with
//! [`GiveUpReason::Timeout`](crate::instrumentation::GiveUpReason::Timeout).
//! An async attempt still running at the deadline is dropped, and the loop
//! ends with the error `E::from(AttemptTimedOut)`; its
//! [`is_deadline`](crate::AttemptTimedOut::is_deadline) is true. A sync
//! attempt cannot be cancelled: it runs to its end, and only the waits are
//! bounded.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! #[stamina::retry(on = |_| true, timeout = "30ms", timeout_mode = strict)]
//! async fn hangs() -> Result<(), std::io::Error> {
//!     std::future::pending().await
//! }
//!
//! // Returns after 30 ms (exactly, in paused time: see the tests).
//! let error = hangs().await.unwrap_err();
//! assert_eq!(error.kind(), std::io::ErrorKind::TimedOut);
//!
//! // Under the same deadline, a server's "Retry-After: 60 ms" gives up at once.
//! #[stamina::retry(on = |_| std::time::Duration::from_millis(60), timeout = "30ms", timeout_mode = strict)]
//! async fn busy() -> Result<(), std::io::Error> {
//!     Err(std::io::Error::other("busy"))
//! }
//! assert_eq!(busy().await.unwrap_err().to_string(), "busy");
//! # }
//! ```
//!
//! `timeout_mode = strict` (rather than a `deadline` key) keeps one name for
//! one limit: a loop cannot have two total limits, and a policy read from
//! configuration switches the mode without renaming its value. The default
//! stays Python's soft timeout, so that a port from Python behaves the same.
//!
//! ## The attempt timeout
//!
//! Each async attempt races a timer; one not finished in time is dropped
//! (cancelled, as dropping a future is) and fails with
//! [`AttemptTimedOut`](crate::AttemptTimedOut) converted into the operation's
//! error type. `on` decides whether it is retried, hooks and sinks see it
//! with the `error_type` `stamina::AttemptTimedOut`, and a [retry
//! budget](crate::budget) charges the retry after it as a timeout (the AWS
//! SDKs' `operation_attempt_timeout` and retry-timeout cost). Under a strict
//! deadline an attempt gets the shorter of its timeout and the time left.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use std::sync::atomic::{AtomicU32, Ordering};
//!
//! static CALLS: AtomicU32 = AtomicU32::new(0);
//!
//! #[stamina::retry(on = |_| true, attempt_timeout = "20ms", wait_initial = "1ms", wait_jitter = 0)]
//! async fn hangs_once() -> Result<&'static str, std::io::Error> {
//!     if CALLS.fetch_add(1, Ordering::Relaxed) == 0 {
//!         std::future::pending::<()>().await; // dropped after 20 ms
//!     }
//!     Ok("body")
//! }
//!
//! assert_eq!(hangs_once().await.unwrap(), "body");
//! assert_eq!(CALLS.load(Ordering::Relaxed), 2);
//! # }
//! ```
//!
//! The error type must convert: `E: From<AttemptTimedOut>`.
//! `std::io::Error` does (as `ErrorKind::TimedOut`), and so do
//! `Box<dyn Error + Send + Sync>` and `anyhow::Error`; give an error type of
//! your own a variant for it. Without the conversion, `attempt_timeout` and
//! `timeout_mode = strict` on an async fn are a compile error at the key,
//! naming the impl to add. On a sync fn or closure, `attempt_timeout` is a
//! compile error too: sync code cannot be cancelled, so give the operation its
//! own timeout (an HTTP client's, such as reqwest's `ClientBuilder::timeout`,
//! or a socket's `set_read_timeout`).
//!
//! The callers and `retry_context` take the same limits as builder methods.
//! An async caller or context that may cancel is a type of its own
//! (`AsyncRetryingCaller<S, Cancelling>`), made by
//! [`attempt_timeout`](crate::AsyncRetryingCaller::attempt_timeout) or
//! [`timeout_mode`](crate::AsyncRetryingCaller::timeout_mode), whose calls
//! require the conversion; the default awaits every attempt to its end, for
//! any error type. A policy handed over whole with `.policy(..)` keeps the
//! caller's kind: an `Uncancelled` caller bounds its waits under a strict
//! deadline but does not cancel attempts, so set the limits on the caller.
//!
//! ## How long it took
//!
//! The callers' and `retry_context`'s `*_with_outcome` forms return a
//! [`CallOutcome`](crate::CallOutcome) beside the result (which stays the
//! last attempt's, unchanged): the attempts run, the waits planned, the time
//! taken, and why the loop gave up, in the names hooks and metric labels use.
//! A block's [`Attempt`](crate::Attempt) tells the time since the first
//! attempt started ([`elapsed`](crate::Attempt::elapsed)). `#[retry]` fns
//! return their own result only.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use std::time::Duration;
//! use stamina::instrumentation::GiveUpReason;
//!
//! let caller = stamina::AsyncRetryingCaller::new().attempts(3).wait_initial(Duration::from_millis(1)).wait_jitter(Duration::ZERO);
//! let (result, outcome) = caller.call_with_outcome(|_: &()| true, || async { Err::<(), _>(()) }).await;
//! assert!(result.is_err());
//! assert_eq!((outcome.attempts(), outcome.waited()), (3, Duration::from_millis(3))); // 1 ms, then 2 ms
//! assert_eq!(outcome.gave_up(), Some(GiveUpReason::AttemptsExhausted));
//! # }
//! ```
