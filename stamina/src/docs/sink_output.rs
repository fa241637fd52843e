//! # What the built-in sinks print
//!
//! Every sink reports the same three events, with the fields of Python
//! stamina's log hooks. [`instrumentation`](crate::instrumentation#events)
//! says when each event fires, and the [`TracingHook`] table which fields each
//! carries. This page shows what they look like, for this fn:
//!
//! ```
//! use std::fmt;
//!
//! #[derive(Debug)]
//! struct ApiError;
//!
//! impl fmt::Display for ApiError {
//!     fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
//!         f.write_str("503 Service Unavailable")
//!     }
//! }
//!
//! impl std::error::Error for ApiError {}
//!
//! #[stamina::retry(on = |_| true, attempts = 3, wait_initial = "100ms", wait_jitter = 0)]
//! fn fetch_repo(fails: &mut u32) -> Result<(), ApiError> {
//!     if *fails == 0 {
//!         return Ok(());
//!     }
//!     *fails -= 1;
//!     Err(ApiError)
//! }
//! # let lines = capture::events(|| {
//!
//! assert!(fetch_repo(&mut 5).is_err()); // fails three times: gives up
//! assert!(fetch_repo(&mut 1).is_ok()); // fails once, then succeeds
//! # });
//! # let name = format!("{}::fetch_repo", module_path!());
//! # let ty = std::any::type_name::<ApiError>();
//! # let lines: Vec<String> =
//! #     lines.iter().map(|line| line.replace(ty, "my_app::ApiError").replace(&name, "my_app::fetch_repo")).collect();
//! # assert_eq!(lines, [
//! #     r#" WARN stamina: stamina.retry_scheduled callable="my_app::fetch_repo" retry_num=1 error_type="my_app::ApiError" caused_by=503 Service Unavailable wait_for=0.1 waited_so_far=0.0"#,
//! #     r#" WARN stamina: stamina.retry_scheduled callable="my_app::fetch_repo" retry_num=2 error_type="my_app::ApiError" caused_by=503 Service Unavailable wait_for=0.2 waited_so_far=0.1"#,
//! #     r#" WARN stamina: stamina.gave_up callable="my_app::fetch_repo" reason="attempts_exhausted" attempts=3 error_type="my_app::ApiError" caused_by=503 Service Unavailable waited=0.3"#,
//! #     r#" WARN stamina: stamina.retry_scheduled callable="my_app::fetch_repo" retry_num=1 error_type="my_app::ApiError" caused_by=503 Service Unavailable wait_for=0.1 waited_so_far=0.0"#,
//! #     r#" INFO stamina: stamina.succeeded_after_retries callable="my_app::fetch_repo" attempts=2 waited=0.1"#,
//! # ]);
//! # mod capture {
//! #     use std::fmt::Write as _;
//! #     use std::sync::{Arc, Mutex};
//! #     use tracing::field::{Field, Visit};
//! #     use tracing::span::{Attributes, Id, Record};
//! #     /// Formats events as `tracing_subscriber::fmt()` does without timestamps.
//! #     struct Lines(Arc<Mutex<Vec<String>>>);
//! #     struct Fields(String);
//! #     impl Visit for Fields {
//! #         fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
//! #             if field.name() == "message" { write!(self.0, " {value:?}") } else { write!(self.0, " {}={value:?}", field.name()) }.unwrap();
//! #         }
//! #         fn record_str(&mut self, field: &Field, value: &str) {
//! #             self.record_debug(field, &value);
//! #         }
//! #     }
//! #     impl tracing::Subscriber for Lines {
//! #         fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool { *metadata.level() <= tracing::Level::INFO }
//! #         fn new_span(&self, _: &Attributes<'_>) -> Id { Id::from_u64(1) }
//! #         fn record(&self, _: &Id, _: &Record<'_>) {}
//! #         fn record_follows_from(&self, _: &Id, _: &Id) {}
//! #         fn event(&self, event: &tracing::Event<'_>) {
//! #             let mut fields = Fields(format!("{:>5} {}:", event.metadata().level(), event.metadata().target()));
//! #             event.record(&mut fields);
//! #             self.0.lock().unwrap().push(fields.0);
//! #         }
//! #         fn enter(&self, _: &Id) {}
//! #         fn exit(&self, _: &Id) {}
//! #     }
//! #     pub fn events(run: impl FnOnce()) -> Vec<String> {
//! #         let lines = Arc::new(Mutex::new(Vec::new()));
//! #         tracing::subscriber::with_default(Lines(Arc::clone(&lines)), run);
//! #         std::mem::take(&mut *lines.lock().unwrap())
//! #     }
//! # }
//! ```
//!
//! (The fn is `my_app::fetch_repo`, its error `my_app::ApiError`, and it runs
//! with the default hooks.)
//!
//! ## What each API logs about an error
//!
//! `caused_by` is the error's
//! [`ErrorSummary`](crate::instrumentation::ErrorSummary), at most
//! [`MAX_ERROR_SUMMARY_BYTES`](crate::instrumentation::MAX_ERROR_SUMMARY_BYTES)
//! bytes: for an error the loop can see as a `std::error::Error`, its
//! `Display` and `source()` chain (`request failed with status 503:
//! connection reset by peer`); for any other, its `Debug` form, which for an
//! HTTP client's error holds the request's headers (tokens, cookies).
//!
//! | API | by default | with `.with_dyn_error()` |
//! |---|---|---|
//! | `#[retry]`, `retry_block!` | `Display` and sources for an `Error`, capped `Debug` for any other error | (not needed) |
//! | [`RetryingCaller`], [`AsyncRetryingCaller`], their bound forms, [`retry_context`]: `call`, `call_async`, `*_with_outcome`, `call_on_result`, `call_async_on_result` | capped `Debug`, for every error | `Display` and sources; the calls need `E: std::error::Error + 'static` |
//! | retried streams and iterators ([`RetryingStream`], [`RetryingIter`]) | capped `Debug`, for every error | `Display` and sources, on the stream or iterator, or on the context that makes it |
//!
//! Why the runtime API does not do it by itself: Rust has no specialization,
//! so a generic fn over `E: Debug` cannot ask whether `E: Error`. The macros
//! can, because their expansion names the concrete error type and picks by
//! autoref specialization. Even a context whose predicate names the type
//! (`retry_context(|e: &reqwest::Error| ...)`) is built and called by generic
//! fns, which could only show the error as an `Error` by requiring
//! `E: Error` of every call, and so reject the `Debug`-only errors (`&str`,
//! `()`, an enum without `Display`) that the runtime API accepts. So it is
//! opt-in, once per caller or context, and recorded in its type
//! ([`DynErrorView`]): `RetryingCaller<DynErrorView>`. It is zero-sized: no
//! loop, future or success path changes.
//!
//! ```
//! use std::sync::{Arc, Mutex};
//! use std::time::Duration;
//! use stamina::instrumentation::{RetryDetails, retry_hook, set_on_retry_hooks};
//!
//! #[derive(Debug)]
//! struct RequestError {
//!     status: u16,
//!     headers: Vec<(&'static str, &'static str)>, // shown by `Debug` only
//!     source: std::io::Error,
//! }
//! impl std::fmt::Display for RequestError {
//!     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
//!         write!(f, "request failed with status {}", self.status)
//!     }
//! }
//! impl std::error::Error for RequestError {
//!     fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
//!         Some(&self.source)
//!     }
//! }
//! let fail = || Err::<(), _>(RequestError {
//!     status: 503,
//!     headers: vec![("authorization", "Bearer SECRET")],
//!     source: std::io::Error::other("connection reset"),
//! });
//!
//! let logged = Arc::new(Mutex::new(Vec::new()));
//! let sink = Arc::clone(&logged);
//! set_on_retry_hooks((retry_hook(move |details: &RetryDetails<'_>| {
//!     sink.lock().unwrap().push(details.error_summary().to_string());
//! }),));
//!
//! let caller = stamina::RetryingCaller::new().attempts(2).wait_max(Duration::ZERO);
//! assert!(caller.call(|_: &RequestError| true, fail).is_err());
//! assert!(caller.with_dyn_error().call(|_: &RequestError| true, fail).is_err());
//!
//! let logged = logged.lock().unwrap();
//! assert!(logged[0].starts_with("RequestError { status: 503, headers: [(\"authorization\", \"Bearer SECRET\")]"));
//! assert_eq!(logged[1], "request failed with status 503: connection reset");
//! ```
//!
//! The opt-in takes only errors that are `Error`s; the others keep the
//! default:
//!
//! ```compile_fail,E0277
//! #[derive(Debug)]
//! struct Opaque;
//!
//! let caller = stamina::RetryingCaller::new().with_dyn_error();
//! // error[E0277]: the trait bound `Opaque: std::error::Error` is not satisfied
//! let _ = caller.call(|_: &Opaque| true, || Err::<(), _>(Opaque));
//! ```
//!
//! ## `tracing`
//!
//! [`TracingHook`] (feature `tracing`, on by default) emits events with
//! target `stamina`, the event's name as the message, and the fields as typed
//! fields: numbers stay numbers for JSON formatters, durations are seconds
//! rounded to two decimals. A `tracing_subscriber::fmt()` subscriber without
//! timestamps prints:
//!
//! ```text
//!  WARN stamina: stamina.retry_scheduled callable="my_app::fetch_repo" retry_num=1 error_type="my_app::ApiError" caused_by=503 Service Unavailable wait_for=0.1 waited_so_far=0.0
//!  WARN stamina: stamina.retry_scheduled callable="my_app::fetch_repo" retry_num=2 error_type="my_app::ApiError" caused_by=503 Service Unavailable wait_for=0.2 waited_so_far=0.1
//!  WARN stamina: stamina.gave_up callable="my_app::fetch_repo" reason="attempts_exhausted" attempts=3 error_type="my_app::ApiError" caused_by=503 Service Unavailable waited=0.3
//!  WARN stamina: stamina.retry_scheduled callable="my_app::fetch_repo" retry_num=1 error_type="my_app::ApiError" caused_by=503 Service Unavailable wait_for=0.1 waited_so_far=0.0
//!  INFO stamina: stamina.succeeded_after_retries callable="my_app::fetch_repo" attempts=2 waited=0.1
//! ```
//!
//! A loop that gives up because `on` rejected the error logs `gave_up` with
//! `reason="not_retryable"` at INFO after a retry, at DEBUG on the first
//! attempt. Events sit in the span of the code that ran the loop: put
//! `#[stamina::retry]` above `#[tracing::instrument]` (see the
//! [crate documentation](crate#with-tracinginstrument)).
//!
//! ## `log`
//!
//! [`LogHook`] (feature `log`, a default hook only when `tracing` is off)
//! logs the same records through the `log` crate, target `stamina`, with the
//! fields as key-values. A logger that prints key-values after the message
//! (`env_logger` with its `kv` feature, say) shows:
//!
//! ```text
//! [WARN stamina] stamina.retry_scheduled callable=my_app::fetch_repo retry_num=1 error_type=my_app::ApiError caused_by=503 Service Unavailable wait_for=0.1 waited_so_far=0
//! [WARN stamina] stamina.retry_scheduled callable=my_app::fetch_repo retry_num=2 error_type=my_app::ApiError caused_by=503 Service Unavailable wait_for=0.2 waited_so_far=0.1
//! [WARN stamina] stamina.gave_up callable=my_app::fetch_repo reason=attempts_exhausted attempts=3 error_type=my_app::ApiError caused_by=503 Service Unavailable waited=0.3
//! [WARN stamina] stamina.retry_scheduled callable=my_app::fetch_repo retry_num=1 error_type=my_app::ApiError caused_by=503 Service Unavailable wait_for=0.1 waited_so_far=0
//! [INFO stamina] stamina.succeeded_after_retries callable=my_app::fetch_repo attempts=2 waited=0.1
//! ```
//!
//! (A zero is `0` here: `log` writes an `f64` with `Display`. The
//! [`LogHook`] page has this output as a doc-test.)
//!
//! ## Prometheus
//!
//! [`PrometheusHook`] (feature `prometheus`) counts in three process-wide
//! counter families, which [`register_prometheus_metrics`] registers into
//! your `prometheus_client` `Registry`, once however often it is called,
//! with two budget families: `stamina_budget_refusals{budget}` and the gauge
//! `stamina_budget_level{budget}`, with samples for the
//! [retry budgets](crate::budget) loops have used. Scraped after the two
//! calls above, which use no budget:
//!
//! ```text
//! # HELP stamina_retries Total number of retries.
//! # TYPE stamina_retries counter
//! stamina_retries_total{callable="my_app::fetch_repo",retry_num="1",error_type="my_app::ApiError"} 2
//! stamina_retries_total{callable="my_app::fetch_repo",retry_num="2",error_type="my_app::ApiError"} 1
//! # HELP stamina_gave_up Total number of retry loops that gave up and returned an error.
//! # TYPE stamina_gave_up counter
//! stamina_gave_up_total{callable="my_app::fetch_repo",reason="attempts_exhausted",error_type="my_app::ApiError"} 1
//! # HELP stamina_succeeded_after_retries Total number of retry loops that succeeded after at least one retry.
//! # TYPE stamina_succeeded_after_retries counter
//! stamina_succeeded_after_retries_total{callable="my_app::fetch_repo"} 1
//! # HELP stamina_budget_refusals Total number of retries a retry budget refused.
//! # TYPE stamina_budget_refusals counter
//! # HELP stamina_budget_level What a retry budget has left: retries for a ratio budget, tokens for a token quota.
//! # TYPE stamina_budget_level gauge
//! # EOF
//! ```
//!
//! `stamina_retries_total{callable, retry_num, error_type}` is Python
//! stamina's counter, name and labels unchanged; the other four are new. Each
//! family is described from the start, and has samples, in no set order, once
//! it has counted something.
//!
//! ## `metrics`
//!
//! [`MetricsHook`] (feature `metrics`) increments the same three counters
//! (not the budget families), with the same names and labels, through the `metrics` facade, for whichever
//! exporter your application installed.
//!
//!
// The sinks' pages, on docs.rs when their feature is off here.
//! [`RetryingCaller`]: crate::RetryingCaller
//! [`AsyncRetryingCaller`]: crate::AsyncRetryingCaller
//! [`retry_context`]: crate::retry_context
//! [`RetryingStream`]: crate::RetryingStream
//! [`RetryingIter`]: crate::RetryingIter
//! [`DynErrorView`]: crate::DynErrorView
#![cfg_attr(feature = "tracing", doc = "[`TracingHook`]: crate::instrumentation::TracingHook")]
#![cfg_attr(
    not(feature = "tracing"),
    doc = "[`TracingHook`]: https://docs.rs/stamina/latest/stamina/instrumentation/struct.TracingHook.html"
)]
#![cfg_attr(feature = "log", doc = "[`LogHook`]: crate::instrumentation::LogHook")]
#![cfg_attr(
    not(feature = "log"),
    doc = "[`LogHook`]: https://docs.rs/stamina/latest/stamina/instrumentation/struct.LogHook.html"
)]
#![cfg_attr(
    feature = "prometheus",
    doc = "[`PrometheusHook`]: crate::instrumentation::PrometheusHook",
    doc = "[`register_prometheus_metrics`]: crate::instrumentation::register_prometheus_metrics"
)]
#![cfg_attr(
    not(feature = "prometheus"),
    doc = "[`PrometheusHook`]: https://docs.rs/stamina/latest/stamina/instrumentation/struct.PrometheusHook.html",
    doc = "[`register_prometheus_metrics`]: https://docs.rs/stamina/latest/stamina/instrumentation/fn.register_prometheus_metrics.html"
)]
#![cfg_attr(feature = "metrics", doc = "[`MetricsHook`]: crate::instrumentation::MetricsHook")]
#![cfg_attr(
    not(feature = "metrics"),
    doc = "[`MetricsHook`]: https://docs.rs/stamina/latest/stamina/instrumentation/struct.MetricsHook.html"
)]
