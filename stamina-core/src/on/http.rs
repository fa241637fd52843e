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
//! backoff. A server you do not trust could ask for days; set
//! [`RetryOnStatus::max_retry_after`] to bound each such wait. The policy's
//! `timeout` still bounds the loop as a whole.
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

use super::Decision;

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
    /// Retries 5xx and 429 and honours any valid `Retry-After` in full.
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
    /// `Retry-After: 99999999` stalls the caller for three years (or until the
    /// policy's `timeout` gives up).
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
