//! # Retrying in middleware stacks: results, tower, reqwest-middleware
//!
//! Rust services rarely call an HTTP client or a gRPC channel directly: they
//! stack middleware. stamina retries there too, with the same semantics as
//! everywhere else (Python stamina's backoff and defaults, testing mode,
//! `set_active`, hooks and sinks, budgets), and one addition that HTTP needs:
//! deciding on the whole result, because a client returns `Ok(response)` for a
//! 503.
//!
//! ## Retrying on a result
//!
//! `call_on_result` on [`RetryingCaller`](crate::RetryingCaller),
//! [`AsyncRetryingCaller`](crate::AsyncRetryingCaller), their bound forms,
//! and [`RetryContext`](crate::RetryContext) (`call_on_result`,
//! `call_async_on_result`) take a predicate over `&Result<T, E>` instead of
//! `&E`; the macros take one as `on_result = ...`. A retried `Ok` counts like
//! an error: attempts, timeout, budget, testing mode. When the loop gives up,
//! the last result is returned
//! unchanged: an `Ok(503)` stays an `Ok(503)`, it is not turned into an
//! error. Hooks see a retried `Ok` with an empty `error_type` and a
//! `caused_by` that names it without its `Debug` form: `Ok(<type name>)`
//! from the callers, `HTTP 503 Service Unavailable` from the adapters.
//!
//! The macros take the same predicate as `on_result = ...`, in place of
//! `on`:
//!
//! ```
//! #[stamina::retry(on_result = |result| matches!(result, Ok(503)), attempts = 3, wait_max = 0)]
//! fn status() -> Result<u16, std::io::Error> {
//!     Ok(503) // an HTTP client's status, say
//! }
//!
//! assert_eq!(status().unwrap(), 503); // given up after 3 attempts: the last result
//!
//! let mut statuses = [503, 200].into_iter();
//! let status = stamina::retry_block!(on_result = |result| matches!(result, Ok(503)), wait_max = 0, |_attempt| {
//!     Ok::<_, std::io::Error>(statuses.next().unwrap())
//! });
//! assert_eq!(status.unwrap(), 200);
//! ```
//!
//! For responses, the ready predicate is
//! [`RetryOnStatus::on_response`](crate::http::RetryOnStatus::on_response) (5xx
//! and 429 retried, after `Retry-After` capped by
//! [`max_retry_after`](crate::http::RetryOnStatus::max_retry_after), errors
//! not), or [`on_response_or`](crate::http::RetryOnStatus::on_response_or) to
//! name the errors too:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use std::time::Duration;
//!
//! use http::{Response, StatusCode};
//! use stamina::AsyncRetryingCaller;
//! use stamina::http::RetryOnStatus;
//!
//! let mut statuses = [503, 503, 200].into_iter();
//! let on_result = RetryOnStatus::new()
//!     .max_retry_after(Duration::from_secs(30))
//!     .on_response_or(|error: &std::io::Error| error.kind() == std::io::ErrorKind::ConnectionReset);
//! let response = AsyncRetryingCaller::new()
//!     .attempts(5)
//!     .wait_max(Duration::ZERO)
//!     .call_on_result(on_result, || {
//!         let status = statuses.next().unwrap();
//!         async move { Ok(Response::builder().status(status).body(()).unwrap()) }
//!     })
//!     .await
//!     .unwrap();
//! assert_eq!(response.status(), StatusCode::OK);
//! # }
//! ```
//!
//! ## tower (feature `tower`)
//!
//! [`stamina::tower::RetryLayer`](crate::tower::RetryLayer) wraps any
//! `Service` that is `Clone`. Its predicate
//! ([`RetryPredicate`](crate::tower::RetryPredicate)) says whether a request
//! may be retried at all and decides about each attempt's whole result; any
//! `Fn(&Result<Res, E>) -> bool` (or `Duration`, or `Decision`) is one, and
//! [`RetryOnHttp`](crate::http::RetryOnHttp) is the HTTP rule: idempotent
//! methods only (others with `.all_methods()`), 5xx and 429 after
//! `Retry-After` (capped at 60 s), and the errors you name. Every attempt
//! goes to a ready service (the first to the one the caller's `poll_ready`
//! readied, each retry after its own) and sends a copy of the request made with
//! [`CloneRequest`](crate::tower::CloneRequest) (`Clone` by default,
//! [`clone_http_request`](crate::tower::clone_http_request) for an
//! `http::Request` with a cloneable body). A request that cannot be copied is
//! sent once; if it would have been retried, hooks hear that the loop gave up
//! with [`RequestNotCloneable`](crate::instrumentation::GiveUpReason::RequestNotCloneable).
//! The response future ([`ResponseFuture`](crate::tower::ResponseFuture)) is
//! hand-written, as tower's own retry's is, not boxed: a call allocates
//! nothing of its own, on success and on retries with zero waits (a non-zero
//! wait boxes the sleeper's timer, as every stamina loop does), and it is
//! `Send` exactly when the service's future, the request and the layer's
//! parts are, so a service whose future is not `Send` (it holds an `Rc`)
//! works on a current-thread runtime.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use std::sync::Arc;
//! use std::sync::atomic::{AtomicU32, Ordering};
//! use std::time::Duration;
//!
//! use http::{Request, Response, StatusCode};
//! use stamina::http::RetryOnHttp;
//! use stamina::tower::{RetryLayer, clone_http_request};
//! use tower::{Service, ServiceBuilder, ServiceExt, service_fn};
//!
//! // Stands in for a hyper client: answers 503 twice, then 200.
//! let calls = Arc::new(AtomicU32::new(0));
//! let counter = Arc::clone(&calls);
//! let backend = service_fn(move |_: Request<String>| {
//!     let status = if counter.fetch_add(1, Ordering::Relaxed) < 2 { 503 } else { 200 };
//!     async move { Ok::<_, std::io::Error>(Response::builder().status(status).body(()).unwrap()) }
//! });
//!
//! let mut client = ServiceBuilder::new()
//!     .layer(
//!         RetryLayer::new(RetryOnHttp::new(|error: &std::io::Error| error.kind() == std::io::ErrorKind::ConnectionReset))
//!             .clone_requests_with(clone_http_request)
//!             .attempts(5)
//!             .wait_max(Duration::ZERO)
//!             .name("inventory"),
//!     )
//!     .service(backend);
//! let request = Request::get("http://127.0.0.1/items").body(String::new()).unwrap();
//! let response = client.ready().await.unwrap().call(request).await.unwrap();
//! assert_eq!(response.status(), StatusCode::OK);
//! assert_eq!(calls.load(Ordering::Relaxed), 3);
//! # }
//! ```
//!
//! ## reqwest-middleware (feature `reqwest-middleware`)
//!
//! [`stamina::reqwest_middleware::RetryMiddleware`](crate::reqwest_middleware::RetryMiddleware)
//! is a `reqwest_middleware::Middleware` for reqwest-middleware 0.5 on
//! reqwest 0.13. It retries transient transport errors
//! ([`is_transient`](crate::reqwest_middleware::is_transient): connect,
//! timeout, a connection reset or closed before the response) and 5xx and
//! 429 responses, waiting `Retry-After` (capped at 60 s,
//! [`max_retry_after`](crate::reqwest_middleware::RetryMiddleware::max_retry_after)).
//! GET, HEAD, OPTIONS, PUT, DELETE and TRACE are retried; POST and PATCH only
//! after [`all_methods`](crate::reqwest_middleware::RetryMiddleware::all_methods).
//! A request whose body is a stream is sent once, never again without its
//! body, and reported as above.
//!
//! ```no_run
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), reqwest_middleware::Error> {
//! use std::time::Duration;
//!
//! use reqwest_middleware::ClientBuilder;
//! use stamina::reqwest_middleware::RetryMiddleware;
//!
//! let client = ClientBuilder::new(reqwest::Client::new())
//!     .with(
//!         RetryMiddleware::new()
//!             .attempts(5)
//!             .timeout(Duration::from_secs(20))
//!             .max_retry_after(Duration::from_secs(10))
//!             .name("github"),
//!     )
//!     .build();
//! let response = client.get("http://127.0.0.1:8080/repos/hynek/stamina/readme").send().await?;
//! println!("{}", response.status()); // a 503 the loop gave up on is returned as it is
//! # Ok(())
//! # }
//! ```
//!
//! The demo runs its whole fetch this way with `cargo run --example
//! fetch_repo_docs -- --middleware` (`tests/demo/src/middleware_fetcher.rs`).
//!
//! ## Time limits in the adapters
//!
//! The [soft timeout and the strict deadline](crate::docs::time_limits) work
//! as in every loop, from the adapter's policy: under
//! `.policy(RetryPolicy::new().timeout_mode(TimeoutMode::Strict))` a wait
//! that would end past the deadline is not started (a `Retry-After: 60`
//! under a 45 s deadline returns the 429 at once). The adapters do not cancel
//! an attempt themselves (`attempt_timeout`, or a strict deadline's cut of the
//! attempt running at it): bound each attempt with the stack's own timeout,
//! placed inside the retry: tower's `TimeoutLayer` under the retry layer (its
//! `Elapsed` error reaches the predicate like any error), or reqwest's
//! `RequestBuilder::timeout` / `ClientBuilder::timeout` (a timed-out send is
//! a transient error the middleware retries).
//!
//! ## Compared with tower's retry and reqwest-retry
//!
//! | | `tower::retry` (tower 0.5.3) | reqwest-retry 0.9.1 (TrueLayer) | stamina's adapters |
//! |---|---|---|---|
//! | what decides | your `Policy`: sees the request and the whole result | a `RetryableStrategy` over the result; the wait from a `RetryPolicy` that sees only the retry count and start time | one predicate over the whole result (and, for tower, whether the request may be retried at all) |
//! | ready-made rule | none: a `Policy` to write (tower#682) | 5xx, 408, 429, timeouts, connect errors | 5xx, 429, and transport errors you name (tower) or connect, timeout, reset (reqwest) |
//! | backoff | `backoff::ExponentialBackoffMaker`, to wire in yourself | `ExponentialBackoff`, full jitter, 1 s to 30 min | Python stamina's: 100 ms doubling, up to 5 s, plus up to 1 s of jitter; 10 attempts, 45 s |
//! | `Retry-After` | possible, in your `Policy`'s future | not possible: the policy never sees the response (reqwest-middleware#146, #247) | waited, capped at 60 s by default |
//! | after the last attempt | your `Policy` chooses | the error, wrapped in `RetryError::WithRetries` | the last result as it is: a 503 stays a 503, an error is not wrapped |
//! | a request that cannot be cloned | `clone_request` returns `None`: no retry, silently (tower#690) | a streaming body cannot be retried | sent once, never without its body; a give-up event with `request_not_cloneable` when it would have been retried |
//! | non-idempotent methods | your `Policy` decides | retried like any other | not retried unless opted in |
//! | `poll_ready` per attempt | yes (the first attempt uses the caller's) | n/a | yes (the first attempt uses the caller's) |
//! | the response future | hand-written, not boxed | boxed by reqwest-middleware's `Middleware` trait | tower: hand-written, not boxed, no allocation of its own, `Send` when its parts are; reqwest-middleware: the trait's box |
//! | tests without waits | no | no | testing mode, per test or per future |
//! | instrumentation | none | a WARN log per retry | stamina's hooks and sinks: retry, success after retries, give-up with the reason; `tracing`, `log`, Prometheus, `metrics` |
//! | budgets | `TpsBudget` | none | stamina's [budgets](crate::budget) |
//!
//! ## What is not there yet
//!
//! - Each attempt copies the request before it is sent, so that the copy is
//!   there when a retry needs it: one copy per call even when the first
//!   attempt succeeds, as tower's own retry does.
