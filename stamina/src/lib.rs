//! Production-grade retries for Rust: a port of Python's
//! [stamina](https://github.com/hynek/stamina).
//!
//! stamina runs an operation again when it fails with an error you name, with
//! exponential backoff and jitter between attempts, until it succeeds or a
//! limit is reached: 10 attempts or 45 seconds by default. Then it returns the
//! last result unchanged. Every retry reaches your logs and metrics, and one
//! switch makes retries instant in tests.
//!
//! ```
//! #[derive(Debug)]
//! enum ApiError { Unavailable, NotFound }
//!
//! fn is_retriable(error: &ApiError) -> bool {
//!     matches!(error, ApiError::Unavailable)
//! }
//!
//! #[stamina::retry(on = is_retriable, attempts = 3, wait_initial = "10ms", wait_jitter = 0)]
//! async fn fetch(calls: &mut u32) -> Result<u32, ApiError> {
//!     *calls += 1;
//!     if *calls < 3 {
//!         return Err(ApiError::Unavailable); // ends this attempt, not the loop
//!     }
//!     Ok(*calls)
//! }
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let mut calls = 0;
//! assert_eq!(fetch(&mut calls).await.unwrap(), 3);
//! # }
//! ```
//!
//! # Contents
//!
//! - [Retrying a function: `#[stamina::retry]`](#retrying-a-function-staminaretry)
//! - [Retrying a block: `retry_block!`](#retrying-a-block-retry_block)
//! - [Without macros: the callers and `retry_context`](#without-macros-the-callers-and-retry_context)
//! - [Parameters](#parameters), and [the wait](#the-wait)
//! - [Choosing `on`](#choosing-on)
//! - [Testing](#testing)
//! - [Instrumentation](#instrumentation), and [`#[tracing::instrument]`](#with-tracinginstrument)
//! - [HTTP](#http), and [retry budgets](#retry-budgets)
//! - [Async runtimes](#async-runtimes)
//! - [Cargo features](#cargo-features)
//! - Pages: [differences from Python stamina](docs::differences_from_python), [what the
//!   built-in sinks print](docs::sink_output), [retrying streams and iterators](docs::streams),
//!   [time limits: the soft timeout, the strict deadline and the attempt
//!   timeout](docs::time_limits)
//!
//! # Retrying a function: `#[stamina::retry]`
//!
//! The [`retry`] attribute retries a whole fn, sync or async. The body runs
//! once per attempt. After a failure stamina asks `on` whether the error is
//! worth another attempt, waits, and runs the body again. `?` and `return` in
//! the body end the attempt, not the loop.
//!
//! It works on free fns and on methods taking `self`, `&self` or `&mut self`
//! (inherent and trait impls, `async fn` in traits included), on generic fns
//! with lifetimes and `where` clauses, with `impl Trait` arguments, and on
//! `pub`, `unsafe`, `#[must_use]` and documented fns. The signature stays as
//! written, so rustdoc and your IDE show the original fn. The return type must
//! be a `Result`, also through an alias such as `std::io::Result<T>`,
//! `anyhow::Result<T>` or your own. The future of an async fn is `Send` when
//! its body's is.
//!
//! The parameters are those of the [table below](#parameters). Durations are
//! written as a string with units (`"30s"`, `"250ms"`, `"1m30s"`, `"1.5s"`,
//! `"2h"`, `"10us"`), as a number meaning seconds as in Python (`timeout =
//! 30`, `wait_initial = 0.5`), or as any expression of type `Duration`.
//! Literals are checked while compiling: `"30x"`, `"-1s"`, `"5"` (no unit),
//! `attempts = 0` and `timeout = "0s"` are compile errors on the literal that
//! say what to write instead. All problems of one attribute are reported
//! together, and the fn is still emitted, so the rest of your crate and your
//! IDE keep working. Expressions are evaluated each time the fn is called and
//! may use its arguments (`timeout = self.timeout`).
//!
//! A closure passed as `on` gets its argument type from the fn's signature.
//! For type-erased errors, `on = types(A, B)` retries when the error or
//! anything along its `source()` chain is an `A` or a `B`:
//!
//! ```
//! type BoxError = Box<dyn std::error::Error + Send + Sync>;
//!
//! #[stamina::retry(on = |e| e.kind() == std::io::ErrorKind::TimedOut, attempts = 5, wait_max = 0)]
//! fn read_config(path: &str) -> std::io::Result<String> {
//!     std::fs::read_to_string(path)
//! }
//!
//! #[stamina::retry(on = types(std::io::Error), attempts = 2, wait_max = 0)]
//! fn parse_port(text: &str) -> Result<u16, BoxError> {
//!     Ok(text.trim().parse()?) // a ParseIntError is not retried
//! }
//!
//! assert!(read_config("/does/not/exist").is_err()); // NotFound: returned at once
//! assert_eq!(parse_port(" 8080 ").unwrap(), 8080);
//! assert!(parse_port("http").is_err());
//! ```
//!
//! ## Arguments the body consumes: `clone(..)`
//!
//! The body runs once per attempt, so it cannot move an argument out: the
//! second attempt would have nothing left. When the body visibly moves an
//! argument of an owned standard type (`String`, `Vec<T>`, `Box<T>`,
//! `HashMap`, ...), the macro says so on the argument:
//!
//! ```text
//! error: `body` is moved by the retried body, but every attempt needs it again: add `clone(body)`
//!        to `#[stamina::retry(...)]` to give each attempt its own clone, or take it by
//!        reference (`body: &Vec<u8>`)
//! ```
//!
//! Take the argument by reference, or give each attempt its own clone:
//!
//! ```
//! # #[derive(Debug)] struct ApiError;
//! # fn is_retriable(_: &ApiError) -> bool { true }
//! # fn post(body: Vec<u8>) -> Result<usize, ApiError> { Ok(body.len()) }
//! #[stamina::retry(on = is_retriable, clone(body))]
//! fn upload(body: Vec<u8>) -> Result<usize, ApiError> {
//!     post(body) // each attempt moves its own clone
//! }
//! # assert_eq!(upload(vec![1, 2, 3]).unwrap(), 3);
//! ```
//!
//! Moves the macro cannot see (of your own types, say) are reported by rustc
//! as "value moved ... in previous iteration of loop"; the fix is the same.
//!
//! ## Names
//!
//! Hooks, logs and metrics see a retried fn by its path
//! (`my_app::client::fetch`), and a method by its `Self` type's path and its
//! name (`my_app::Client::get`). An associated fn without `self` is named by
//! its module path and its name. Blocks, the callers and `retry_context` are
//! `<context block>`, or the name you give them (see [below](#parameters)).
//!
//! # Retrying a block: `retry_block!`
//!
//! [`retry_block!`] retries a closure inline, with the same parameters as the
//! attribute (without `clone`). The closure receives the current [`Attempt`]:
//! its number and the wait that follows if it fails. It is the Rust form of
//! Python's `for attempt in stamina.retry_context(...)`. What comes out of the
//! block, the last error above all, stays yours to branch on.
//!
//! ```
//! # #[derive(Debug)] struct NetError;
//! # fn is_retriable(_: &NetError) -> bool { true }
//! # fn get(n: u32) -> Result<u32, NetError> { if n < 2 { Err(NetError) } else { Ok(n) } }
//! # async fn get_async(n: u32) -> Result<u32, NetError> { get(n) }
//! # fn main() -> Result<(), NetError> {
//! let body = stamina::retry_block!(on = is_retriable, attempts = 3, wait_max = 0, |attempt| {
//!     if attempt.num() > 1 {
//!         eprintln!("retry #{}, next wait at least {:?}", attempt.num(), attempt.next_wait());
//!     }
//!     get(attempt.num())
//! })?;
//! assert_eq!(body, 2);
//! # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
//! let body = stamina::retry_block!(on = is_retriable, attempts = 3, wait_max = 0, async |attempt| {
//!     get_async(attempt.num()).await
//! })
//! .await?;
//! assert_eq!(body, 2);
//! # Ok::<(), NetError>(()) })?;
//! # Ok(()) }
//! ```
//!
//! The sync form evaluates to the `Result`. The async form, `async |attempt|
//! { ... }` or `async move |attempt| { ... }`, is a future of it, `Send` when
//! its body is. The closure itself is async: write `async |attempt| { ... }`,
//! not `|attempt| async { ... }`. `?` and `return` inside the closure end the
//! attempt. Hooks see a block as `<context block>`, as in Python, unless it
//! has a name of its own: `retry_block!(name = "fetch_readme", on = ..., |attempt| ...)`.
//!
//! # Without macros: the callers and `retry_context`
//!
//! | type | made by | runs | hooks see |
//! |---|---|---|---|
//! | [`RetryingCaller`] | `RetryingCaller::new()` | `.call(on, \|\| op())`, or `.on(on)` then `.call(\|\| op())` ([`BoundRetryingCaller`]) | `<context block>`, or its [`name`](RetryingCaller::name) |
//! | [`AsyncRetryingCaller`] | `AsyncRetryingCaller::new()` | `.call(on, \|\| op())` where `op()` returns a future; `.on(on)` ([`BoundAsyncRetryingCaller`]) | the same |
//! | [`RetryContext`] | [`retry_context(on)`](retry_context) | `.call(\|attempt\| ...)` and `.call_async(\|attempt\| async { ... })`, which see each [`Attempt`] | the same |
//! | [`RetryingStream`], [`RetryingIter`] | `retry_context(on).stream(\|attempt\| ...)`, `.iter(..)`, and their `_resumed` and `_committed` forms | one stream (or iterator) of `Result`s per attempt, yielding its items ([streams](docs::streams)) | the same |
//!
//! Each holds a [`RetryPolicy`] and takes the parameters as builder methods
//! with the names of the macros' parameters (`.attempts(3)`, `.timeout(None)`,
//! `.wait_initial(Duration::from_millis(50))`, ...), or all at once with
//! `.policy(..)`. They are cheap to copy and reusable: build one per kind of
//! call, and call it many times.
//!
//! ```
//! use std::time::Duration;
//!
//! #[derive(Debug)]
//! enum DbError { Busy, Corrupt }
//!
//! fn is_busy(error: &DbError) -> bool {
//!     matches!(error, DbError::Busy)
//! }
//!
//! let caller = stamina::RetryingCaller::new()
//!     .attempts(3)
//!     .wait_max(Duration::ZERO)
//!     .name("load_rows"); // hooks, logs and metrics see this name
//!
//! let mut calls = 0;
//! let rows = caller.call(is_busy, || {
//!     calls += 1;
//!     if calls == 1 { Err(DbError::Busy) } else { Ok(vec!["row"]) }
//! });
//! assert_eq!(rows.unwrap(), ["row"]);
//!
//! // Bind the predicate once and reuse it.
//! let on_busy = caller.on(is_busy);
//! assert!(matches!(on_busy.call(|| Err::<(), _>(DbError::Corrupt)), Err(DbError::Corrupt)));
//! ```
//!
//! A closure passed as `on` to a caller needs its argument type written out
//! (`|e: &MyError| ...`): the predicate comes before the operation, so the
//! compiler cannot infer the error type from it yet. Named fns need nothing.
//!
//! `.name("...")` gives a caller or a context its own name, so that two loops
//! are two log names and two metric series instead of one `<context block>`.
//! The callers and `retry_context` are generic over any `E: Debug`, so hooks
//! get their error as `Debug` only, and logs show its capped `Debug` form,
//! unless they are made with `.with_dyn_error()` (see
//! [what is logged](#what-is-logged)).
//!
//! # Parameters
//!
//! One set of parameters, with Python stamina's defaults, for every API: the
//! macros take them as `key = value`, the builders as methods of the same
//! name, and a [`RetryPolicy`] holds them.
//!
//! | parameter | default | the macros accept | meaning |
//! |---|---|---|---|
//! | `on` | **required** | a fn path, a closure, any predicate expression, or `types(A, B, ...)` | which errors to retry: see [Choosing `on`](#choosing-on) |
//! | `on_result` | instead of `on` | a fn path or closure over `&Result<T, E>` | retry on the whole result, an `Ok` value too (an HTTP client's `Ok(503)`); the last result is returned unchanged. The builders' form is `call_on_result` |
//! | `attempts` | `10` | a whole number ≥ 1, `None`, or a `u32` (or `Option<u32>`) expression | total attempts, **including the first**; `None` for no limit |
//! | `timeout` | 45 s | a duration (not zero), `None`, or an `Option<Duration>` expression | total time, from the start of the first attempt; `None` for no limit |
//! | `timeout_mode` | `soft` | `soft` or `strict` | `soft`: Python's, checked after failures only; `strict`: a deadline no wait passes, that cancels an async attempt ([time limits](docs::time_limits)) |
//! | `attempt_timeout` | none | async only: a duration (not zero), `None`, or an `Option<Duration>` expression | how long one attempt may run before it is dropped and fails with [`AttemptTimedOut`]; the error type needs `From<AttemptTimedOut>` ([time limits](docs::time_limits)) |
//! | `wait_initial` | 100 ms | a duration | the backoff after the first failure, before jitter. **The default 1 s jitter swamps a small value**: `wait_initial = "50ms"` alone waits 0.05 to 1.05 s. Add `wait_jitter = "10ms"` (or `0`) |
//! | `wait_max` | 5 s | a duration | the cap on each computed wait, jitter included |
//! | `wait_jitter` | 1 s | a duration; `0` switches it off | the most random jitter added to each wait, before the cap |
//! | `wait_exp_base` | `2` | a number > 0, or an `f64` expression | the growth factor of the backoff |
//! | `clone(arg, ...)` | none | `#[retry]` only | arguments each attempt gets its own clone of ([above](#arguments-the-body-consumes-clone)) |
//! | `name` | the fn's path; `<context block>` | `retry_block!` only: a string literal | the name hooks, logs and metrics see; the builders' `.name(..)` |
//! | `crate` | `"::stamina"` | a string | the path to stamina, for crates that re-export it |
//!
//! `attempts` is a `u32`: convert other integers with `u32::try_from`.
//! Invalid values panic when a builder is given them, with a message naming
//! the fix: `attempts(0)`, `timeout(Duration::ZERO)`, and a `wait_exp_base`
//! that is not a finite number above zero. With `attempts(None)` and
//! `timeout(None)` a loop retries for as long as `on` says yes. That is
//! allowed, and it is on you.
//!
//! ## The wait
//!
//! After failed attempt *n* the wait is
//! `min(wait_max, wait_initial * wait_exp_base^(n-1) + U[0, wait_jitter])`.
//! With the defaults and no jitter: 0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 5, 5, 5
//! seconds. The arithmetic saturates: no attempt number or parameter overflows
//! or panics. A wait that `on` returns replaces the formula.
//!
//! After each failed attempt:
//!
//! 1. ask `on`: an error it rejects is returned at once, unchanged, with no
//!    wait;
//! 2. if the attempts are used up, return the **last error unchanged**;
//! 3. compute the wait;
//! 4. if the timeout has passed, return the last error unchanged (as when a
//!    [budget] refuses the retry);
//! 5. otherwise call the retry hooks, wait, and run the next attempt.
//!
//! Python stamina computes the wait before it checks the attempts; the
//! outcome is the same, but no jitter is drawn here on the failure that uses
//! up the attempts.
//!
//! The timeout is a soft limit, checked only after a failure: a retry
//! scheduled before the deadline still runs, and a success after the deadline
//! is returned. A first attempt that ends past the deadline is not retried.
//! `timeout_mode = strict` makes it a deadline that holds, and
//! `attempt_timeout` bounds each async attempt: see [time
//! limits](docs::time_limits).
//!
//! # Choosing `on`
//!
//! `on` is required: stamina never retries on every error, because retrying a
//! bug or a rejected request only makes things worse. It is any
//! `Fn(&E) -> D`, where `E` is the operation's error type and `D` is one of
//! these ([`IntoDecision`]):
//!
//! | returns | meaning |
//! |---|---|
//! | `bool` | `true`: retry after the backoff; `false`: return the error now |
//! | `Duration` | retry after exactly this wait: no cap, no jitter, still one attempt. Zero is an immediate retry |
//! | `Option<Duration>` | `None`: don't retry; `Some(wait)`: as `Duration` |
//! | [`Decision`] | `Retry`, `RetryAfter(wait)`, `Throttled(wait)` (the server said to slow down: the same waits, charged as throttling by a [budget]) or `NoRetry` |
//!
//! Which to write:
//!
//! - **Your own error type**: a fn over it returning `bool`, matching the
//!   variants that are transient.
//! - **The server says how long to wait** (a `Retry-After`, a rate limit's
//!   reset): return the wait, as a `Duration` or [`Decision::RetryAfter`]
//!   ([`Decision::Throttled`] for a rate limit). In the default soft mode the
//!   `timeout` does not shorten that wait: it is slept in full, and the
//!   timeout is checked only after the next attempt fails. Bound a server's
//!   wait yourself (for HTTP, [`RetryOnStatus::max_retry_after`][max_retry_after]), or
//!   use `timeout_mode = strict`, which gives up rather than start a wait that
//!   would end past the deadline.
//! - **Type-erased errors** (`Box<dyn Error + Send + Sync>`, and
//!   `anyhow::Error` with the `anyhow` feature): `on = types(A, B)` in the
//!   macros, [`error_types::<(A, B), E>()`](error_types) elsewhere. Both look
//!   along the error's `source()` chain.
//! - **HTTP**: a predicate over your client's error that hands statuses to
//!   [`http::RetryOnStatus`] (see [HTTP](#http)).
//!
//! ```
//! use std::time::Duration;
//! use stamina::Decision;
//!
//! #[derive(Debug)]
//! enum ApiError { RateLimited { retry_after: Option<Duration> }, Unavailable, NotFound }
//!
//! fn on_api_error(error: &ApiError) -> Decision {
//!     match error {
//!         ApiError::RateLimited { retry_after: Some(wait) } => Decision::RetryAfter(*wait),
//!         ApiError::RateLimited { retry_after: None } | ApiError::Unavailable => Decision::Retry,
//!         ApiError::NotFound => Decision::NoRetry,
//!     }
//! }
//!
//! type BoxError = Box<dyn std::error::Error + Send + Sync>;
//! let on_io = stamina::error_types::<(std::io::Error,), BoxError>();
//!
//! let caller = stamina::RetryingCaller::new().attempts(2).wait_max(Duration::ZERO);
//! assert!(matches!(caller.call(on_api_error, || Err::<(), _>(ApiError::NotFound)), Err(ApiError::NotFound)));
//! assert!(caller.call(on_io, || Err::<(), BoxError>(std::io::Error::other("reset").into())).is_err());
//! ```
//!
//! # Testing
//!
//! Retries make failing tests slow. As in Python, two switches fix that:
//! turn retrying off ([`set_active(false)`](set_active): one attempt, `on` not
//! asked), or keep the retry logic and drop the waiting
//! ([`testing::set_testing`], testing mode). `cargo test` runs tests on
//! parallel threads of one process, so [`testing`] also sets a mode for one
//! thread or one future, and its [`Recorder`](testing::Recorder) records what
//! every loop did. See [`testing`] for the switch table, and for the trap of
//! thread scopes with `tokio::spawn`.
//!
//! ```
//! use stamina::testing::{self, Recorder, TestMode};
//!
//! #[derive(Debug)]
//! struct Unavailable;
//!
//! #[stamina::retry(on = |_| true)] // the defaults: 10 attempts, waits up to 5 s
//! fn fetch() -> Result<(), Unavailable> {
//!     Err(Unavailable)
//! }
//!
//! // In a test: testing mode on this thread, at most 2 attempts, no waits.
//! let _testing = testing::thread_scope(TestMode::new(2));
//! let recorder = Recorder::new();
//! let _recording = recorder.thread_scope();
//!
//! assert!(fetch().is_err());
//! assert_eq!(recorder.retries(), 1);
//! ```
//!
//! Async waits sleep on tokio's timer, so `#[tokio::test(start_paused =
//! true)]` runs them in virtual time. Timeouts are measured on a cheap coarse
//! clock and count the waits a loop planned, so paused time stops a loop where
//! its schedule reaches the timeout. Time that passes inside an attempt (a
//! `tokio::time::sleep` or `advance` in the body) counts toward the timeout
//! only on tokio's clock: for that, enable stamina's `test-util` feature in
//! your dev-dependencies, as you do tokio's:
//!
//! ```toml
//! [dev-dependencies]
//! stamina = { version = "0.1", features = ["test-util"] }
//! tokio = { version = "1", features = ["test-util"] }
//! ```
//!
//! # Instrumentation
//!
//! Retries are never silent. Without a line of set-up, every scheduled retry,
//! every loop that succeeds after retrying and every loop that gives up
//! reaches the default hooks, chosen from the cargo features you enabled, the
//! way Python stamina picks them from the packages you installed: the
//! `tracing` events (a default feature) or else the `log` records, plus the
//! Prometheus or `metrics` counters if you enable them. With the default
//! features, a `tracing` subscriber shows this for a fn `my_app::fetch_repo`
//! that fails three times with `attempts = 3, wait_initial = "100ms",
//! wait_jitter = 0` ([more](docs::sink_output)):
//!
//! ```text
//!  WARN stamina: stamina.retry_scheduled callable="my_app::fetch_repo" retry_num=1 error_type="my_app::ApiError" caused_by=503 Service Unavailable wait_for=0.1 waited_so_far=0.0
//!  WARN stamina: stamina.retry_scheduled callable="my_app::fetch_repo" retry_num=2 error_type="my_app::ApiError" caused_by=503 Service Unavailable wait_for=0.2 waited_so_far=0.1
//!  WARN stamina: stamina.gave_up callable="my_app::fetch_repo" reason="attempts_exhausted" attempts=3 error_type="my_app::ApiError" caused_by=503 Service Unavailable waited=0.3
//! ```
//!
//! [`instrumentation`] has the events, the default hooks and what they cost;
//! [`docs::sink_output`] has what each built-in sink prints. Your own hooks
//! are closures or [`RetryHook`](instrumentation::RetryHook)s, installed with
//! [`set_on_retry_hooks`](instrumentation::set_on_retry_hooks), which also
//! turns instrumentation off (`[]`) or back to the defaults (`None`):
//!
//! ```
//! use stamina::instrumentation::{RetryDetails, set_on_retry_hooks};
//!
//! set_on_retry_hooks((|details: &RetryDetails<'_>| {
//!     eprintln!("{} failed ({}), retry {} in {:?}",
//!         details.name, details.error_summary(), details.retry_num, details.wait_for);
//! },));
//! set_on_retry_hooks([]); // no hooks: instrumentation costs a retry one atomic load
//! set_on_retry_hooks(None); // the defaults
//! ```
//!
//! ## What is logged
//!
//! | field | holds |
//! |---|---|
//! | `callable` | the [name](#names): the fn's path, `Type::method`, `<context block>`, or a caller's `.name(..)` |
//! | `error_type` | the error's Rust type path, as [`core::any::type_name`] spells it |
//! | `caused_by` | the error's [`ErrorSummary`](instrumentation::ErrorSummary), at most [`MAX_ERROR_SUMMARY_BYTES`](instrumentation::MAX_ERROR_SUMMARY_BYTES) (512) bytes |
//!
//! The summary of an error that implements `std::error::Error` (or is an
//! `anyhow::Error` or a `Box<dyn Error>`) is its `Display` followed by its
//! `source()` chain, as `anyhow` prints `{:#}`. Its `Debug` form is never
//! logged: a derived `Debug` of an HTTP client's error can hold the request's
//! headers (tokens, cookies), and an `anyhow::Error`'s holds a backtrace. Only
//! the macros know the concrete error type, so this holds for `#[retry]` and
//! `retry_block!`. The callers and `retry_context` accept any `E: Debug` and
//! log its `Debug` form, capped, unless made with `.with_dyn_error()`
//! ([`RetryingCaller::with_dyn_error`], and the same on every caller,
//! `retry_context` and the retried streams), which logs an `Error`'s
//! `Display` and sources; see
//! [what each API logs](crate::docs::sink_output#what-each-api-logs-about-an-error). Metric
//! labels carry `callable`, `error_type` and the retry number or reason,
//! never the error itself.
//!
//! ## With `#[tracing::instrument]`
//!
//! Put `#[stamina::retry(...)]` **above** `#[tracing::instrument]`:
//!
//! ```
//! # #[derive(Debug)] struct ApiError;
//! # fn is_retriable(_: &ApiError) -> bool { true }
//! # #[derive(Debug)] struct Repo;
//! # struct Client;
//! # impl Client { async fn get(&self, _: &str) -> Result<Repo, ApiError> { Ok(Repo) } }
//! #[stamina::retry(on = is_retriable, attempts = 3)]
//! #[tracing::instrument(skip(client))]
//! async fn fetch_repo(client: &Client, repo: &str) -> Result<Repo, ApiError> {
//!     client.get(repo).await
//! }
//! # #[tokio::main(flavor = "current_thread")] async fn main() { assert!(fetch_repo(&Client, "octo/repo").await.is_ok()); }
//! ```
//!
//! Attributes expand from the top down, so the lower one wraps the body first.
//! With `#[stamina::retry]` on top, the span encloses the whole retry loop, and
//! stamina's events (`stamina.retry_scheduled`, `stamina.gave_up`) carry the
//! span with its fields. With `#[tracing::instrument]` on top, the span is
//! entered once per attempt, and stamina's events, emitted between attempts,
//! carry no span. Both orders compile and retry the same; only the span of
//! the events differs. (`#[tracing::instrument]` needs `tracing`'s
//! `attributes` feature. The test `instrumentation_span_order` checks both
//! orders, sync and async, with a real subscriber.)
//!
//! # HTTP
//!
//! With the `http` feature, [`http`] decides on the `http` crate's status and
//! headers, which reqwest, hyper and axum share: 5xx and 429 are retried
//! (429 as [`Decision::Throttled`]), after the `Retry-After` the server sent
//! when there is a valid one (both forms, seconds and HTTP dates); every other
//! status is not.
//! [`RetryOnStatus::max_retry_after`][max_retry_after]
//! caps what a server you do not trust may ask for. Transport errors
//! (connection refused or reset, timeouts) carry no status, so the pieces are
//! called from a predicate over your client's own error type; the [`http`]
//! module shows one for reqwest.
//!
//! A client that returns a 503 as `Ok(response)` is retried with a result
//! predicate (`on_result = ...`, `call_on_result`), which sees the whole
//! result and returns the last one unchanged. Inside middleware stacks, the
//! tower layer and the reqwest-middleware middleware (features `tower` and
//! `reqwest-middleware`) do the same: see the page `docs::adapters`.
//!
//! # Retry budgets
//!
//! Each loop's limits bound what one call does, not what all the calls of a
//! process do together against a dependency that is down. A retry budget
//! ([`budget`]) bounds the retries of many calls as a whole: a token quota
//! (the AWS SDKs') or a ratio of the calls (Finagle's). Its page has the
//! policies, their bounds and presets.
//!
//! # Async runtimes
//!
//! Async loops sleep through a [`Sleeper`]. With the `tokio` feature (a
//! default) that is [`TokioSleeper`], the [`DefaultSleeper`], which async
//! `#[retry]` fns and async `retry_block!`s always use. On another executor,
//! give [`AsyncRetryingCaller`] or [`RetryContext`] a `Sleeper` of your own
//! with `.sleeper(..)`; any `Fn(Duration) -> impl Future<Output = ()>` is one.
//!
//! A wait of zero (testing mode, `wait_max = 0`) never touches the timer.
//! Dropping a retry future cancels the loop cleanly, also in the middle of a
//! wait: no further attempt runs.
//!
//! # Cargo features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `macros` | yes | [`#[retry]`](retry) and [`retry_block!`] (syn, darling) |
//! | `tokio` | yes | async loops sleep on tokio's timer ([`TokioSleeper`]); without it, the callers need a [`Sleeper`] |
//! | `tracing` | yes | the `tracing` sink, a default hook |
//! | `coarse-clock` | yes | timeouts measured on the coarse monotonic clock (needs `libc`); without it, `std::time::Instant` |
//! | `log` | | the `log` sink (a default hook when `tracing` is off) |
//! | `prometheus` | | counters on `prometheus-client` (a default hook) |
//! | `metrics` | | counters through the `metrics` facade (a default hook) |
//! | `anyhow` | | `types(..)` and [`error_types`] look inside `anyhow::Error` |
//! | `http` | | [`http`]: `Retry-After` parsing and the 5xx/429 predicate |
//! | `tower` | | `stamina::tower`: a tower layer retrying any service on errors and responses (implies `http`) |
//! | `reqwest-middleware` | | `stamina::reqwest_middleware`: a middleware for reqwest-middleware 0.5 on reqwest 0.13 (implies `http`, `tokio`) |
//! | `test-util` | | async timeouts on tokio's clock, so paused time drives them (for dev-dependencies) |
//!
//! Performance is measured in `stamina/benches`; see its
//! [README](https://github.com/stamina-rs/stamina/blob/main/stamina/benches/README.md).
//!
// Without the feature, the links to `http` go to docs.rs.
#![cfg_attr(feature = "http", doc = "[max_retry_after]: http::RetryOnStatus::max_retry_after")]
#![cfg_attr(
    not(feature = "http"),
    doc = "[`http`]: https://docs.rs/stamina/latest/stamina/http/index.html",
    doc = "[`http::RetryOnStatus`]: https://docs.rs/stamina/latest/stamina/http/struct.RetryOnStatus.html",
    doc = "[max_retry_after]: https://docs.rs/stamina/latest/stamina/http/struct.RetryOnStatus.html#method.max_retry_after"
)]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod docs;

#[doc(inline)]
pub use stamina_core::DynErrorView;
#[cfg(feature = "tokio")]
#[doc(inline)]
pub use stamina_core::TokioSleeper;
#[cfg(feature = "http")]
#[doc(inline)]
pub use stamina_core::http;
#[cfg(feature = "reqwest-middleware")]
#[doc(inline)]
pub use stamina_core::reqwest_middleware;
#[cfg(feature = "tower")]
#[doc(inline)]
pub use stamina_core::tower;
#[doc(inline)]
pub use stamina_core::{
    AsyncRetryingCaller, Attempt, BoundAsyncRetryingCaller, BoundRetryingCaller, Decision, DefaultSleeper,
    ErrorChain, ErrorTypeList, IntoDecision, RetryContext, RetryPolicy, RetryingCaller, Sleeper, error_type,
    error_types, is_active, retry_context, set_active,
};
pub use stamina_core::{
    AttemptTimedOut, CallOutcome, Cancelling, FromAttemptTimedOut, TimeoutMode, Uncancelled,
};
#[doc(inline)]
pub use stamina_core::{RetryingIter, RetryingStream, stream};
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
