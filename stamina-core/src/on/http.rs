//! Retry decisions for HTTP: which status codes are worth another attempt, and
//! how long a server asked us to wait (`Retry-After`), on the `http` crate's
//! types (which reqwest, hyper, axum and most Rust HTTP clients share).
//!
//! | status | [`RetryOnStatus::decide`] |
//! |---|---|
//! | 5xx, with a valid `Retry-After` | [`Decision::RetryAfter`] the header's wait (capped, if you set a cap) |
//! | 5xx, without one (or with garbage) | [`Decision::Retry`]: the policy's backoff with jitter |
//! | 429 | [`Decision::Throttled`], with the header's wait (capped) or without one: the same waits, and a [budget](crate::budget) charges it as throttling |
//! | anything else (404, 403, 400, 2xx, 3xx) | [`Decision::NoRetry`] |
//!
//! A server's wait is honoured as asked, even above the policy's `wait_max`,
//! as in Python stamina, where a wait returned by the predicate bypasses the
//! backoff. A server you do not trust could ask for days, and in the default
//! soft mode the policy's `timeout` does not shorten a wait: the wait is slept
//! in full, and the timeout is checked only after the next attempt fails. Set
//! [`RetryOnStatus::max_retry_after`] to bound each such wait (as
//! [`RetryOnHttp::new`] does, with [`DEFAULT_MAX_RETRY_AFTER`]), or use
//! `timeout_mode = strict`, which gives up rather than start a wait that would
//! end past the deadline ([time
//! limits](https://docs.rs/stamina/latest/stamina/docs/time_limits/index.html)).
//!
//! HTTP status codes are only half of an HTTP client's failures: the other half
//! are transport errors (connection refused or reset, timeouts), which carry no
//! status. So the building blocks here take a status and headers, to be called
//! from a predicate over your client's own error type:
//!
//! ```no_run
//! use std::time::Duration;
//!
//! use http::{HeaderMap, StatusCode};
//! use stamina::http::RetryOnStatus;
//! use stamina::{AsyncRetryingCaller, Decision};
//!
//! /// What can go wrong when talking to the API.
//! #[derive(Debug)]
//! enum ApiError {
//!     /// The server answered, with an error status.
//!     Status { status: StatusCode, headers: HeaderMap },
//!     /// The request never got an answer: refused, reset, timed out...
//!     Transport(reqwest::Error),
//! }
//!
//! /// Trust `Retry-After` up to a minute.
//! const ON_STATUS: RetryOnStatus = RetryOnStatus::new().max_retry_after(Duration::from_secs(60));
//!
//! fn is_retriable(error: &ApiError) -> Decision {
//!     match error {
//!         ApiError::Status { status, headers } => ON_STATUS.decide(*status, headers),
//!         ApiError::Transport(error) if error.is_connect() || error.is_timeout() || error.is_request() => {
//!             Decision::Retry
//!         }
//!         ApiError::Transport(_) => Decision::NoRetry,
//!     }
//! }
//!
//! async fn get(client: &reqwest::Client, url: &str) -> Result<String, ApiError> {
//!     let response = client.get(url).send().await.map_err(ApiError::Transport)?;
//!     if !response.status().is_success() {
//!         return Err(ApiError::Status { status: response.status(), headers: response.headers().clone() });
//!     }
//!     response.text().await.map_err(ApiError::Transport)
//! }
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let client = reqwest::Client::new();
//! let body = AsyncRetryingCaller::new()
//!     .attempts(3)
//!     .call(is_retriable, || get(&client, "http://127.0.0.1:8080/health"))
//!     .await;
//! # drop(body);
//! # }
//! ```

use core::time::Duration;
use std::time::SystemTime;

use http::header::RETRY_AFTER;
use http::{HeaderMap, HeaderValue, Response, StatusCode};

use super::{Decision, IntoDecision};

/// Parses a `Retry-After` value into the wait it asks for, counted from `now`.
///
/// Both forms of RFC 9110 are understood: delay-seconds (`120`) and an
/// HTTP-date (`Wed, 21 Oct 2015 07:28:00 GMT`, and the obsolete RFC 850 and
/// asctime forms). A date in the past (or `now` itself) is a zero wait: retry
/// at once.
///
/// Anything else is `None`, never a panic: a sign or a fraction (`-1`, `+1`,
/// `1.5`), a number of seconds that does not fit in a `u64`, an empty value,
/// bytes that are not visible ASCII, an unparseable date.
///
/// ```
/// use std::time::{Duration, SystemTime};
///
/// use http::HeaderValue;
/// use stamina::http::parse_retry_after;
///
/// let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_460); // 07:27:40
/// let parse = |text: &'static str| parse_retry_after(&HeaderValue::from_static(text), now);
///
/// assert_eq!(parse("120"), Some(Duration::from_secs(120)));
/// assert_eq!(parse("Wed, 21 Oct 2015 07:28:00 GMT"), Some(Duration::from_secs(20)));
/// assert_eq!(parse("Wed, 21 Oct 2015 07:00:00 GMT"), Some(Duration::ZERO)); // in the past
/// assert_eq!(parse("-1"), None);
/// assert_eq!(parse("99999999999999999999999"), None);
/// assert_eq!(parse("soon"), None);
/// ```
pub fn parse_retry_after(value: &HeaderValue, now: SystemTime) -> Option<Duration> {
    let text = value.to_str().ok()?.trim();
    if text.bytes().next()?.is_ascii_digit() {
        parse_delay_seconds(text)
    } else {
        let date = httpdate::parse_http_date(text).ok()?;
        Some(date.duration_since(now).unwrap_or(Duration::ZERO))
    }
}

/// `1*DIGIT`, and nothing else: `u64::from_str` alone would accept a `+`.
fn parse_delay_seconds(text: &str) -> Option<Duration> {
    if !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    text.parse::<u64>().ok().map(Duration::from_secs)
}

/// The wait the first `Retry-After` header in `headers` asks for, counted from
/// the system clock's now; `None` when there is none or it is not valid. See
/// [`parse_retry_after`].
///
/// ```
/// use std::time::Duration;
///
/// use http::{HeaderMap, HeaderValue, header::RETRY_AFTER};
/// use stamina::http::retry_after;
///
/// let mut headers = HeaderMap::new();
/// assert_eq!(retry_after(&headers), None);
/// headers.insert(RETRY_AFTER, HeaderValue::from_static("3"));
/// assert_eq!(retry_after(&headers), Some(Duration::from_secs(3)));
/// ```
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    retry_after_at(headers, SystemTime::now())
}

/// [`retry_after`], with the current time given: for dates, and for tests.
///
/// ```
/// use std::time::{Duration, SystemTime};
///
/// use http::{HeaderMap, HeaderValue, header::RETRY_AFTER};
/// use stamina::http::retry_after_at;
///
/// let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_460); // Wed, 21 Oct 2015 07:27:40 GMT
/// let mut headers = HeaderMap::new();
/// headers.insert(RETRY_AFTER, HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"));
/// assert_eq!(retry_after_at(&headers, now), Some(Duration::from_secs(20)));
/// ```
pub fn retry_after_at(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    parse_retry_after(headers.get(RETRY_AFTER)?, now)
}

/// Whether a response with this status is worth another attempt: server errors
/// (5xx) and 429 Too Many Requests. Other client errors (404, 403, 400...) are
/// deterministic: the same request gets the same answer.
///
/// ```
/// use http::StatusCode;
/// use stamina::http::is_retryable_status;
///
/// assert!(is_retryable_status(StatusCode::SERVICE_UNAVAILABLE));
/// assert!(is_retryable_status(StatusCode::TOO_MANY_REQUESTS));
/// assert!(!is_retryable_status(StatusCode::NOT_FOUND));
/// assert!(!is_retryable_status(StatusCode::FORBIDDEN));
/// assert!(!is_retryable_status(StatusCode::OK));
/// ```
pub fn is_retryable_status(status: StatusCode) -> bool {
    status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS
}

/// The status predicate: 5xx and 429 retried (after `Retry-After` when the
/// response has a valid one), everything else not, with an optional cap on
/// the server's wait. `RetryOnStatus::new()` trusts the server fully, as
/// Python stamina does with a predicate's wait.
///
/// It is a `const` value, so a configured one can live in a `const` or
/// `static` next to the predicate that uses it.
///
/// ```
/// use std::time::Duration;
///
/// use http::{HeaderMap, HeaderValue, StatusCode, header::RETRY_AFTER};
/// use stamina::Decision;
/// use stamina::http::RetryOnStatus;
///
/// let mut hostile = HeaderMap::new();
/// hostile.insert(RETRY_AFTER, HeaderValue::from_static("99999999"));
///
/// let trusting = RetryOnStatus::new();
/// assert_eq!(
///     trusting.decide(StatusCode::SERVICE_UNAVAILABLE, &hostile),
///     Decision::RetryAfter(Duration::from_secs(99_999_999))
/// );
///
/// let wary = RetryOnStatus::new().max_retry_after(Duration::from_secs(30));
/// assert_eq!(
///     wary.decide(StatusCode::TOO_MANY_REQUESTS, &hostile),
///     Decision::Throttled(Some(Duration::from_secs(30)))
/// );
/// assert_eq!(wary.decide(StatusCode::BAD_GATEWAY, &HeaderMap::new()), Decision::Retry);
/// assert_eq!(wary.decide(StatusCode::NOT_FOUND, &hostile), Decision::NoRetry);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct RetryOnStatus {
    max_retry_after: Option<Duration>,
}

impl RetryOnStatus {
    /// Retries 5xx and 429 and honours any valid `Retry-After` in full: bound
    /// it with [`max_retry_after`](Self::max_retry_after) (the adapters use
    /// [`DEFAULT_MAX_RETRY_AFTER`]) when the server is not yours.
    ///
    /// ```
    /// use http::{HeaderMap, StatusCode};
    /// use stamina::Decision;
    /// use stamina::http::RetryOnStatus;
    ///
    /// const ON_STATUS: RetryOnStatus = RetryOnStatus::new();
    /// assert_eq!(ON_STATUS.decide(StatusCode::BAD_GATEWAY, &HeaderMap::new()), Decision::Retry);
    /// ```
    pub const fn new() -> Self {
        Self { max_retry_after: None }
    }

    /// Waits at most `cap` for a `Retry-After`, however long the server asks
    /// for; the retry still happens, after `cap`. Without a cap, one hostile
    /// `Retry-After: 99999999` stalls the caller for three years: in the
    /// default soft mode the policy's `timeout` does not shorten a wait (it is
    /// checked only after the next attempt fails). A strict `timeout_mode`
    /// gives up instead of starting a wait that would end past the deadline.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// use http::{HeaderMap, HeaderValue, StatusCode, header::RETRY_AFTER};
    /// use stamina::Decision;
    /// use stamina::http::RetryOnStatus;
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.insert(RETRY_AFTER, HeaderValue::from_static("86400")); // a day
    /// let wary = RetryOnStatus::new().max_retry_after(Duration::from_secs(60));
    /// assert_eq!(
    ///     wary.decide(StatusCode::SERVICE_UNAVAILABLE, &headers),
    ///     Decision::RetryAfter(Duration::from_secs(60))
    /// );
    /// ```
    #[must_use]
    pub const fn max_retry_after(mut self, cap: Duration) -> Self {
        self.max_retry_after = Some(cap);
        self
    }

    /// The cap set by [`max_retry_after`](Self::max_retry_after).
    ///
    /// ```
    /// use std::time::Duration;
    /// use stamina::http::RetryOnStatus;
    ///
    /// assert_eq!(RetryOnStatus::new().get_max_retry_after(), None);
    /// let wary = RetryOnStatus::new().max_retry_after(Duration::from_secs(60));
    /// assert_eq!(wary.get_max_retry_after(), Some(Duration::from_secs(60)));
    /// ```
    pub const fn get_max_retry_after(&self) -> Option<Duration> {
        self.max_retry_after
    }

    /// The decision for a response with `status` and `headers`, with dates in
    /// `Retry-After` counted from the system clock's now.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// use http::{HeaderMap, HeaderValue, StatusCode, header::RETRY_AFTER};
    /// use stamina::Decision;
    /// use stamina::http::RetryOnStatus;
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.insert(RETRY_AFTER, HeaderValue::from_static("1"));
    /// let on_status = RetryOnStatus::new();
    /// assert_eq!(on_status.decide(StatusCode::SERVICE_UNAVAILABLE, &headers), Decision::RetryAfter(Duration::from_secs(1)));
    /// assert_eq!(on_status.decide(StatusCode::SERVICE_UNAVAILABLE, &HeaderMap::new()), Decision::Retry);
    /// assert_eq!(
    ///     on_status.decide(StatusCode::TOO_MANY_REQUESTS, &headers),
    ///     Decision::Throttled(Some(Duration::from_secs(1)))
    /// );
    /// assert_eq!(on_status.decide(StatusCode::NOT_FOUND, &headers), Decision::NoRetry);
    /// ```
    pub fn decide(&self, status: StatusCode, headers: &HeaderMap) -> Decision {
        self.decide_at(status, headers, SystemTime::now())
    }

    /// [`decide`](Self::decide), with the current time given.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    ///
    /// use http::{HeaderMap, HeaderValue, StatusCode, header::RETRY_AFTER};
    /// use stamina::Decision;
    /// use stamina::http::RetryOnStatus;
    ///
    /// let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_470); // 07:27:50
    /// let mut headers = HeaderMap::new();
    /// headers.insert(RETRY_AFTER, HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"));
    /// assert_eq!(
    ///     RetryOnStatus::new().decide_at(StatusCode::SERVICE_UNAVAILABLE, &headers, now),
    ///     Decision::RetryAfter(Duration::from_secs(10))
    /// );
    /// ```
    pub fn decide_at(&self, status: StatusCode, headers: &HeaderMap, now: SystemTime) -> Decision {
        if !is_retryable_status(status) {
            return Decision::NoRetry;
        }
        let wait =
            retry_after_at(headers, now).map(|wait| self.max_retry_after.map_or(wait, |cap| wait.min(cap)));
        match (status == StatusCode::TOO_MANY_REQUESTS, wait) {
            (true, wait) => Decision::Throttled(wait),
            (false, Some(wait)) => Decision::RetryAfter(wait),
            (false, None) => Decision::Retry,
        }
    }

    /// The decision for an `http::Response`.
    ///
    /// ```
    /// use http::{Response, StatusCode};
    /// use stamina::Decision;
    /// use stamina::http::RetryOnStatus;
    ///
    /// let response = Response::builder().status(StatusCode::SERVICE_UNAVAILABLE).body(()).unwrap();
    /// assert_eq!(RetryOnStatus::new().decide_response(&response), Decision::Retry);
    /// ```
    pub fn decide_response<B>(&self, response: &Response<B>) -> Decision {
        self.decide(response.status(), response.headers())
    }
}

/// What a response predicate reads of a response: its status and headers.
/// Implemented for `http::Response<B>` and `http::response::Parts` and, with
/// the `reqwest-middleware` feature, for `reqwest::Response`.
///
/// ```
/// use http::{HeaderMap, Response, StatusCode};
/// use stamina::http::ResponseParts;
///
/// let response = Response::builder().status(StatusCode::BAD_GATEWAY).body(()).unwrap();
/// assert_eq!(ResponseParts::status(&response), StatusCode::BAD_GATEWAY);
/// assert!(ResponseParts::headers(&response).is_empty());
/// ```
pub trait ResponseParts {
    /// The response's status.
    fn status(&self) -> StatusCode;
    /// The response's headers.
    fn headers(&self) -> &HeaderMap;
}

impl<B> ResponseParts for Response<B> {
    fn status(&self) -> StatusCode {
        self.status()
    }
    fn headers(&self) -> &HeaderMap {
        self.headers()
    }
}

impl ResponseParts for http::response::Parts {
    fn status(&self) -> StatusCode {
        self.status
    }
    fn headers(&self) -> &HeaderMap {
        &self.headers
    }
}

#[cfg(feature = "reqwest-middleware")]
impl ResponseParts for reqwest::Response {
    fn status(&self) -> StatusCode {
        self.status()
    }
    fn headers(&self) -> &HeaderMap {
        self.headers()
    }
}

impl RetryOnStatus {
    /// The decision about a whole result, for a result predicate: a response
    /// by its status and `Retry-After` (as [`decide`](Self::decide), capped by
    /// [`max_retry_after`](Self::max_retry_after)), an error by `on_error`.
    ///
    /// ```
    /// use http::{Response, StatusCode};
    /// use stamina::Decision;
    /// use stamina::http::RetryOnStatus;
    ///
    /// let on_status = RetryOnStatus::new();
    /// let unavailable: Result<_, std::io::Error> =
    ///     Ok(Response::builder().status(StatusCode::SERVICE_UNAVAILABLE).body(()).unwrap());
    /// assert_eq!(on_status.decide_result(&unavailable, |_| true), Decision::Retry);
    /// let refused: Result<Response<()>, _> = Err(std::io::Error::from(std::io::ErrorKind::ConnectionRefused));
    /// assert_eq!(on_status.decide_result(&refused, |_| true), Decision::Retry);
    /// assert_eq!(on_status.decide_result(&refused, |_| false), Decision::NoRetry);
    /// ```
    pub fn decide_result<R, E, D>(&self, result: &Result<R, E>, on_error: impl FnOnce(&E) -> D) -> Decision
    where
        R: ResponseParts,
        D: IntoDecision,
    {
        match result {
            Ok(response) => self.decide(response.status(), response.headers()),
            Err(error) => on_error(error).into_decision(),
        }
    }

    /// The ready result predicate for responses: 5xx and 429 retried (after
    /// `Retry-After` when there is a valid one, capped by
    /// [`max_retry_after`](Self::max_retry_after)), every other status not,
    /// and errors not: name the errors worth retrying with
    /// [`on_response_or`](Self::on_response_or).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use std::sync::atomic::{AtomicU32, Ordering};
    /// use std::time::Duration;
    ///
    /// use http::{Response, StatusCode};
    /// use stamina::AsyncRetryingCaller;
    /// use stamina::http::RetryOnStatus;
    ///
    /// async fn get(calls: &AtomicU32) -> Result<Response<&'static str>, std::io::Error> {
    ///     let status = if calls.fetch_add(1, Ordering::Relaxed) == 0 { 503 } else { 200 };
    ///     Ok(Response::builder().status(status).body("body").unwrap())
    /// }
    ///
    /// let calls = AtomicU32::new(0);
    /// let on_response = RetryOnStatus::new().max_retry_after(Duration::from_secs(60)).on_response();
    /// let caller = AsyncRetryingCaller::new().attempts(3).wait_max(Duration::ZERO);
    /// let response = caller.call_on_result(on_response, || get(&calls)).await.unwrap();
    /// assert_eq!(response.status(), StatusCode::OK);
    /// assert_eq!(calls.load(Ordering::Relaxed), 2);
    /// # }
    /// ```
    pub fn on_response<R: ResponseParts, E>(self) -> impl Fn(&Result<R, E>) -> Decision + Copy {
        move |result| self.decide_result(result, |_| Decision::NoRetry)
    }

    /// [`on_response`](Self::on_response), with errors decided by `on_error`.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// use http::{Response, StatusCode};
    /// use stamina::http::RetryOnStatus;
    ///
    /// let on_result = RetryOnStatus::new()
    ///     .on_response_or(|error: &std::io::Error| error.kind() == std::io::ErrorKind::ConnectionReset);
    /// let caller = stamina::RetryingCaller::new().attempts(2).wait_max(Duration::ZERO);
    /// let mut resets = 1;
    /// let response = caller.call_on_result(on_result, || {
    ///     if resets > 0 {
    ///         resets -= 1;
    ///         return Err(std::io::ErrorKind::ConnectionReset.into());
    ///     }
    ///     Ok(Response::builder().status(StatusCode::NOT_FOUND).body(()).unwrap())
    /// });
    /// assert_eq!(response.unwrap().status(), StatusCode::NOT_FOUND); // a 404 is not retried
    /// ```
    pub fn on_response_or<R, E, P, D>(self, on_error: P) -> impl Fn(&Result<R, E>) -> Decision
    where
        R: ResponseParts,
        P: Fn(&E) -> D,
        D: IntoDecision,
    {
        move |result| self.decide_result(result, &on_error)
    }
}

/// The methods retried by default, as RFC 9110 calls them idempotent: GET,
/// HEAD, OPTIONS, PUT, DELETE, TRACE. Sending one of them twice has the effect
/// of sending it once; a POST or a PATCH may not.
///
/// ```
/// use http::Method;
/// use stamina::http::IDEMPOTENT_METHODS;
///
/// assert!(IDEMPOTENT_METHODS.contains(&Method::DELETE));
/// assert!(!IDEMPOTENT_METHODS.contains(&Method::POST));
/// ```
pub const IDEMPOTENT_METHODS: [http::Method; 6] = [
    http::Method::GET,
    http::Method::HEAD,
    http::Method::OPTIONS,
    http::Method::PUT,
    http::Method::DELETE,
    http::Method::TRACE,
];

/// Whether `method` is one of the [`IDEMPOTENT_METHODS`].
///
/// ```
/// use http::Method;
/// use stamina::http::is_idempotent;
///
/// assert!(is_idempotent(&Method::PUT));
/// assert!(!is_idempotent(&Method::POST));
/// assert!(!is_idempotent(&Method::PATCH));
/// ```
pub fn is_idempotent(method: &http::Method) -> bool {
    IDEMPOTENT_METHODS.contains(method)
}

/// The HTTP rule of the adapters (the tower layer and the reqwest
/// middleware): a request with an idempotent method (see
/// [`IDEMPOTENT_METHODS`]; others by opt-in with
/// [`all_methods`](Self::all_methods)) is retried on a 5xx or 429 response
/// (after its `Retry-After`, capped at 60 s by default, see
/// [`RetryOnStatus`]) and on the errors `on_error` names.
///
/// ```
/// use std::time::Duration;
///
/// use http::{Method, Response, StatusCode};
/// use stamina::Decision;
/// use stamina::http::RetryOnHttp;
///
/// let rule = RetryOnHttp::new(|error: &std::io::Error| error.kind() == std::io::ErrorKind::ConnectionReset);
/// let unavailable: Result<_, std::io::Error> = Ok(Response::builder().status(503).body(()).unwrap());
/// assert_eq!(rule.decide(&Method::GET, &unavailable), Decision::Retry);
/// assert_eq!(rule.decide(&Method::POST, &unavailable), Decision::NoRetry); // not idempotent
/// assert_eq!(rule.all_methods().decide(&Method::POST, &unavailable), Decision::Retry);
/// assert_eq!(rule.get_on_status().get_max_retry_after(), Some(Duration::from_secs(60)));
/// ```
#[derive(Clone, Copy)]
pub struct RetryOnHttp<P> {
    on_status: RetryOnStatus,
    on_error: P,
    all_methods: bool,
}

/// The longest `Retry-After` the adapters wait by default: the absolute cap
/// of server-directed waits in the resilience anchors (G3, 60 s).
///
/// ```
/// use std::time::Duration;
///
/// use http::{Method, Response, header::RETRY_AFTER};
/// use stamina::Decision;
/// use stamina::http::{DEFAULT_MAX_RETRY_AFTER, RetryOnHttp};
///
/// let rule = RetryOnHttp::new(|_: &std::io::Error| false);
/// let day: Result<_, std::io::Error> = Ok(Response::builder().status(503).header(RETRY_AFTER, "86400").body(()).unwrap());
/// assert_eq!(rule.decide(&Method::GET, &day), Decision::RetryAfter(DEFAULT_MAX_RETRY_AFTER));
/// assert_eq!(DEFAULT_MAX_RETRY_AFTER, Duration::from_secs(60));
/// ```
pub const DEFAULT_MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

impl<P> RetryOnHttp<P> {
    /// Retries idempotent requests on 5xx and 429, waiting `Retry-After` up to
    /// [`DEFAULT_MAX_RETRY_AFTER`], and on the errors `on_error` retries.
    ///
    /// ```
    /// use std::io::{Error, ErrorKind};
    ///
    /// use http::{Method, Response};
    /// use stamina::Decision;
    /// use stamina::http::{DEFAULT_MAX_RETRY_AFTER, RetryOnHttp};
    ///
    /// let rule = RetryOnHttp::new(|error: &Error| error.kind() == ErrorKind::ConnectionReset);
    /// let reset: Result<Response<()>, _> = Err(Error::from(ErrorKind::ConnectionReset));
    /// let refused: Result<Response<()>, _> = Err(Error::from(ErrorKind::PermissionDenied));
    /// assert_eq!(rule.decide(&Method::GET, &reset), Decision::Retry);
    /// assert_eq!(rule.decide(&Method::GET, &refused), Decision::NoRetry);
    /// assert_eq!(rule.get_on_status().get_max_retry_after(), Some(DEFAULT_MAX_RETRY_AFTER));
    /// ```
    pub const fn new(on_error: P) -> Self {
        Self {
            on_status: RetryOnStatus::new().max_retry_after(DEFAULT_MAX_RETRY_AFTER),
            on_error,
            all_methods: false,
        }
    }

    /// Decides statuses with `on_status` instead (another `Retry-After` cap).
    ///
    /// ```
    /// use std::time::Duration;
    /// use stamina::http::{RetryOnHttp, RetryOnStatus};
    ///
    /// let rule = RetryOnHttp::new(|_: &std::io::Error| false)
    ///     .on_status(RetryOnStatus::new().max_retry_after(Duration::from_secs(5)));
    /// assert_eq!(rule.get_on_status().get_max_retry_after(), Some(Duration::from_secs(5)));
    /// ```
    #[must_use]
    pub const fn on_status(mut self, on_status: RetryOnStatus) -> Self {
        self.on_status = on_status;
        self
    }

    /// Retries requests of every method, also POST and PATCH: only for
    /// endpoints that make them safe to repeat (an idempotency key).
    ///
    /// ```
    /// use http::Method;
    /// use stamina::http::RetryOnHttp;
    ///
    /// let rule = RetryOnHttp::new(|_: &std::io::Error| true);
    /// assert!(!rule.retries_method(&Method::POST));
    /// assert!(rule.all_methods().retries_method(&Method::POST));
    /// ```
    #[must_use]
    pub const fn all_methods(mut self) -> Self {
        self.all_methods = true;
        self
    }

    /// How statuses are decided.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// use stamina::http::RetryOnHttp;
    ///
    /// let rule = RetryOnHttp::new(|_: &std::io::Error| true);
    /// assert_eq!(rule.get_on_status().get_max_retry_after(), Some(Duration::from_secs(60)));
    /// ```
    pub const fn get_on_status(&self) -> &RetryOnStatus {
        &self.on_status
    }

    /// Whether requests of every method are retried.
    ///
    /// ```
    /// use stamina::http::RetryOnHttp;
    ///
    /// let rule = RetryOnHttp::new(|_: &std::io::Error| true);
    /// assert!(!rule.get_all_methods());
    /// assert!(rule.all_methods().get_all_methods());
    /// ```
    pub const fn get_all_methods(&self) -> bool {
        self.all_methods
    }

    /// The decision about a request with `method` that ended in `result`:
    /// [`retries_method`](Self::retries_method), then
    /// [`decide_result`](Self::decide_result).
    ///
    /// ```
    /// use http::{Method, Response};
    /// use stamina::Decision;
    /// use stamina::http::RetryOnHttp;
    ///
    /// let rule = RetryOnHttp::new(|_: &std::io::Error| false);
    /// let bad_gateway: Result<_, std::io::Error> = Ok(Response::builder().status(502).body(()).unwrap());
    /// assert_eq!(rule.decide(&Method::PUT, &bad_gateway), Decision::Retry);
    /// assert_eq!(rule.decide(&Method::PATCH, &bad_gateway), Decision::NoRetry); // not idempotent
    /// ```
    pub fn decide<R, E, D>(&self, method: &http::Method, result: &Result<R, E>) -> Decision
    where
        R: ResponseParts,
        P: Fn(&E) -> D,
        D: IntoDecision,
    {
        if !self.retries_method(method) {
            return Decision::NoRetry;
        }
        self.decide_result(result)
    }

    /// Whether requests with `method` may be retried at all: idempotent ones,
    /// or all after [`all_methods`](Self::all_methods).
    ///
    /// ```
    /// use http::Method;
    /// use stamina::http::RetryOnHttp;
    ///
    /// let rule = RetryOnHttp::new(|_: &std::io::Error| true);
    /// assert!(rule.retries_method(&Method::DELETE));
    /// assert!(!rule.retries_method(&Method::PATCH));
    /// ```
    pub fn retries_method(&self, method: &http::Method) -> bool {
        self.all_methods || is_idempotent(method)
    }

    /// The decision about `result`, whatever the method: a response by its
    /// status, an error by `on_error`.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// use http::{Response, header::RETRY_AFTER};
    /// use stamina::Decision;
    /// use stamina::http::RetryOnHttp;
    ///
    /// let rule = RetryOnHttp::new(|_: &std::io::Error| false);
    /// let limited: Result<_, std::io::Error> = Ok(Response::builder().status(429).header(RETRY_AFTER, "2").body(()).unwrap());
    /// assert_eq!(rule.decide_result(&limited), Decision::Throttled(Some(Duration::from_secs(2))));
    /// let failed: Result<Response<()>, _> = Err(std::io::Error::other("tls"));
    /// assert_eq!(rule.decide_result(&failed), Decision::NoRetry);
    /// ```
    pub fn decide_result<R, E, D>(&self, result: &Result<R, E>) -> Decision
    where
        R: ResponseParts,
        P: Fn(&E) -> D,
        D: IntoDecision,
    {
        self.on_status.decide_result(result, &self.on_error)
    }
}

impl<P> core::fmt::Debug for RetryOnHttp<P> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RetryOnHttp")
            .field("on_status", &self.on_status)
            .field("on_error", &core::any::type_name::<P>())
            .field("all_methods", &self.all_methods)
            .finish()
    }
}

/// How hooks and logs show a retried response: `HTTP 503 Service Unavailable`
/// (its status only: its headers may carry cookies and tokens). For the
/// adapters.
#[cfg(any(feature = "tower", feature = "reqwest-middleware"))]
pub(crate) fn describe_response<R: ResponseParts>(
    response: &R,
    f: &mut core::fmt::Formatter<'_>,
) -> core::fmt::Result {
    write!(f, "HTTP {}", response.status())
}

/// [`RetryOnStatus::new().decide(status, headers)`](RetryOnStatus::decide): 5xx
/// and 429 retried, after the full `Retry-After` when there is one.
///
/// ```
/// use http::{HeaderMap, StatusCode};
/// use stamina::Decision;
///
/// assert_eq!(stamina::http::status_decision(StatusCode::FORBIDDEN, &HeaderMap::new()), Decision::NoRetry);
/// ```
pub fn status_decision(status: StatusCode, headers: &HeaderMap) -> Decision {
    RetryOnStatus::new().decide(status, headers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Wed, 21 Oct 2015 07:28:00 GMT.
    const DATE_SECS: u64 = 1_445_412_480;

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn parse_at(text: &str, now: SystemTime) -> Option<Duration> {
        parse_retry_after(&HeaderValue::from_str(text).unwrap(), now)
    }

    fn parse(text: &str) -> Option<Duration> {
        parse_at(text, at(DATE_SECS - 60))
    }

    fn headers(retry_after: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_str(retry_after).unwrap());
        headers
    }

    #[test]
    fn delay_seconds() {
        assert_eq!(parse("0"), Some(Duration::ZERO));
        assert_eq!(parse("1"), Some(Duration::from_secs(1)));
        assert_eq!(parse("007"), Some(Duration::from_secs(7)));
        assert_eq!(parse(" 120 "), Some(Duration::from_secs(120)));
        assert_eq!(parse("18446744073709551615"), Some(Duration::from_secs(u64::MAX)));
    }

    #[test]
    fn bad_delay_seconds() {
        for garbage in [
            "-1",
            "+1",
            "1.5",
            "1e3",
            "1 2",
            "12s",
            "0x10",
            "18446744073709551616",
            "99999999999999999999999999",
        ] {
            assert_eq!(parse(garbage), None, "{garbage:?}");
        }
    }

    #[test]
    fn http_dates_in_all_three_formats() {
        let minute = Some(Duration::from_secs(60));
        assert_eq!(parse("Wed, 21 Oct 2015 07:28:00 GMT"), minute); // IMF-fixdate
        assert_eq!(parse("Wednesday, 21-Oct-15 07:28:00 GMT"), minute); // RFC 850
        assert_eq!(parse("Wed Oct 21 07:28:00 2015"), minute); // asctime
    }

    #[test]
    fn dates_in_the_past_or_now_are_zero() {
        assert_eq!(parse_at("Wed, 21 Oct 2015 07:28:00 GMT", at(DATE_SECS)), Some(Duration::ZERO));
        assert_eq!(parse_at("Wed, 21 Oct 2015 07:28:00 GMT", at(DATE_SECS + 3600)), Some(Duration::ZERO));
        assert_eq!(parse_at("Thu, 01 Jan 1970 00:00:00 GMT", SystemTime::now()), Some(Duration::ZERO));
    }

    #[test]
    fn dates_are_counted_from_now_including_subseconds() {
        let now = at(DATE_SECS - 2) + Duration::from_millis(250);
        assert_eq!(parse_at("Wed, 21 Oct 2015 07:28:00 GMT", now), Some(Duration::from_millis(1750)));
    }

    #[test]
    fn bad_dates() {
        for garbage in [
            "",
            "   ",
            "soon",
            "Wed, 21 Oct 2015 07:28:00",
            "Wed, 32 Oct 2015 07:28:00 GMT",
            "Wed, 21 Foo 2015 07:28:00 GMT",
            "Wed, 21 Oct 2015 25:28:00 GMT",
            "Wed, 21 Oct 99999 07:28:00 GMT",
        ] {
            assert_eq!(parse(garbage), None, "{garbage:?}");
        }
    }

    #[test]
    fn non_ascii_bytes_are_none() {
        let value = HeaderValue::from_bytes(b"\xff12").unwrap();
        assert_eq!(parse_retry_after(&value, SystemTime::now()), None);
    }

    #[test]
    fn retry_after_reads_the_header() {
        assert_eq!(retry_after(&HeaderMap::new()), None);
        assert_eq!(retry_after(&headers("5")), Some(Duration::from_secs(5)));
        assert_eq!(retry_after(&headers("later")), None);
        let in_an_hour = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(3600));
        let wait = retry_after(&headers(&in_an_hour)).unwrap();
        assert!(wait > Duration::from_secs(3590) && wait <= Duration::from_secs(3600), "{wait:?}");
    }

    #[test]
    fn retryable_statuses() {
        for code in 500..=599 {
            assert!(is_retryable_status(StatusCode::from_u16(code).unwrap()), "{code}");
        }
        assert!(is_retryable_status(StatusCode::TOO_MANY_REQUESTS));
        for code in (100..=499).filter(|&code| code != 429) {
            assert!(!is_retryable_status(StatusCode::from_u16(code).unwrap()), "{code}");
        }
    }

    #[test]
    fn decisions() {
        let trusting = RetryOnStatus::new();
        let none = HeaderMap::new();
        assert_eq!(trusting.decide(StatusCode::SERVICE_UNAVAILABLE, &none), Decision::Retry);
        assert_eq!(trusting.decide(StatusCode::TOO_MANY_REQUESTS, &none), Decision::Throttled(None));
        assert_eq!(
            trusting.decide(StatusCode::TOO_MANY_REQUESTS, &headers("1")),
            Decision::Throttled(Some(Duration::from_secs(1)))
        );
        assert_eq!(
            trusting.decide(StatusCode::SERVICE_UNAVAILABLE, &headers("2")),
            Decision::RetryAfter(Duration::from_secs(2))
        );
        // Garbage falls back to the policy's backoff instead of giving up.
        assert_eq!(trusting.decide(StatusCode::TOO_MANY_REQUESTS, &headers("-3")), Decision::Throttled(None));
        assert_eq!(trusting.decide(StatusCode::BAD_GATEWAY, &headers("-3")), Decision::Retry);
        // A 404 or 403 is never retried, whatever the server says.
        assert_eq!(trusting.decide(StatusCode::NOT_FOUND, &headers("1")), Decision::NoRetry);
        assert_eq!(trusting.decide(StatusCode::FORBIDDEN, &headers("1")), Decision::NoRetry);
        assert_eq!(trusting.decide(StatusCode::OK, &none), Decision::NoRetry);
        assert_eq!(status_decision(StatusCode::BAD_GATEWAY, &none), Decision::Retry);
    }

    #[test]
    fn the_cap_bounds_header_waits_only() {
        let wary = RetryOnStatus::new().max_retry_after(Duration::from_secs(10));
        assert_eq!(wary.get_max_retry_after(), Some(Duration::from_secs(10)));
        assert_eq!(RetryOnStatus::new().get_max_retry_after(), None);
        assert_eq!(
            wary.decide(StatusCode::TOO_MANY_REQUESTS, &headers("99999999")),
            Decision::Throttled(Some(Duration::from_secs(10)))
        );
        assert_eq!(
            wary.decide(StatusCode::SERVICE_UNAVAILABLE, &headers("3")),
            Decision::RetryAfter(Duration::from_secs(3))
        );
        assert_eq!(wary.decide(StatusCode::BAD_GATEWAY, &HeaderMap::new()), Decision::Retry);
        let now = at(DATE_SECS - 3600);
        assert_eq!(
            wary.decide_at(StatusCode::SERVICE_UNAVAILABLE, &headers("Wed, 21 Oct 2015 07:28:00 GMT"), now),
            Decision::RetryAfter(Duration::from_secs(10))
        );
    }

    #[test]
    fn responses() {
        let response = Response::builder()
            .status(StatusCode::TOO_MANY_REQUESTS)
            .header(RETRY_AFTER, "4")
            .body(())
            .unwrap();
        assert_eq!(
            RetryOnStatus::new().decide_response(&response),
            Decision::Throttled(Some(Duration::from_secs(4)))
        );
    }

    proptest! {
        #[test]
        fn any_u64_round_trips(secs: u64) {
            prop_assert_eq!(parse(&secs.to_string()), Some(Duration::from_secs(secs)));
        }

        #[test]
        fn negative_numbers_are_rejected(secs in 1_u64..) {
            prop_assert_eq!(parse(&format!("-{secs}")), None);
        }

        #[test]
        fn any_date_is_the_distance_from_now(date_secs in 0_u64..253_402_300_799, now_secs in 0_u64..253_402_300_799) {
            let text = httpdate::fmt_http_date(at(date_secs));
            let expected = Duration::from_secs(date_secs.saturating_sub(now_secs));
            prop_assert_eq!(parse_at(&text, at(now_secs)), Some(expected));
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            if let Ok(value) = HeaderValue::from_bytes(&bytes) {
                let _ = parse_retry_after(&value, SystemTime::now());
                let _ = parse_retry_after(&value, SystemTime::UNIX_EPOCH);
            }
        }

        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,40}") {
            if let Ok(value) = HeaderValue::from_str(&text) {
                let _ = parse_retry_after(&value, SystemTime::now());
            }
        }

        #[test]
        fn the_cap_is_an_upper_bound(secs: u64, cap_secs: u64) {
            let cap = Duration::from_secs(cap_secs);
            let decision = RetryOnStatus::new()
                .max_retry_after(cap)
                .decide(StatusCode::TOO_MANY_REQUESTS, &headers(&secs.to_string()));
            prop_assert_eq!(decision, Decision::Throttled(Some(Duration::from_secs(secs).min(cap))));
            let decision = RetryOnStatus::new()
                .max_retry_after(cap)
                .decide(StatusCode::SERVICE_UNAVAILABLE, &headers(&secs.to_string()));
            prop_assert_eq!(decision, Decision::RetryAfter(Duration::from_secs(secs).min(cap)));
        }
    }
}
