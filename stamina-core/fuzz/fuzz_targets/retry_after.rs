//! Any bytes as `Retry-After` values, any status, any cap: the parser and the
//! status predicate return a decision, never panic, and a header's wait never
//! exceeds the cap.
#![no_main]

use std::time::{Duration, SystemTime};

use arbitrary::Arbitrary;
use http::header::RETRY_AFTER;
use http::{HeaderMap, HeaderValue, StatusCode};
use libfuzzer_sys::fuzz_target;
use stamina_core::Decision;
use stamina_core::http::{RetryOnStatus, is_retryable_status, parse_retry_after, retry_after_at};

#[derive(Arbitrary, Debug)]
struct Input {
    status: u16,
    /// Seconds after the epoch: any instant up to the year 36812.
    now_secs: u32,
    now_high: u8,
    cap_millis: Option<u64>,
    values: Vec<Vec<u8>>,
}

fuzz_target!(|input: Input| {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(u64::from(input.now_secs) | u64::from(input.now_high) << 32);
    let mut headers = HeaderMap::new();
    for bytes in input.values.iter().take(8) {
        let Ok(value) = HeaderValue::from_bytes(bytes) else { continue };
        let parsed = parse_retry_after(&value, now);
        // delay-seconds is exactly the digits' value.
        if let Ok(text) = value.to_str() {
            let text = text.trim();
            if !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit()) {
                assert_eq!(parsed, text.parse::<u64>().ok().map(Duration::from_secs), "{text:?}");
            }
        }
        headers.append(RETRY_AFTER, value);
    }
    let Ok(status) = StatusCode::from_u16(input.status) else { return };
    let cap = input.cap_millis.map(Duration::from_millis);
    let predicate = cap.map_or(RetryOnStatus::new(), |cap| RetryOnStatus::new().max_retry_after(cap));
    let decision = predicate.decide_at(status, &headers, now);
    assert_eq!(decision.retries(), is_retryable_status(status), "{status}: {decision:?}");
    let header_wait = retry_after_at(&headers, now).map(|wait| cap.map_or(wait, |cap| wait.min(cap)));
    match decision {
        Decision::RetryAfter(wait) | Decision::Throttled(Some(wait)) => {
            assert!(cap.is_none_or(|cap| wait <= cap), "{wait:?} above the cap {cap:?}");
            assert_eq!(Some(wait), header_wait);
        }
        Decision::Retry | Decision::Throttled(None) => assert_eq!(header_wait, None),
        Decision::NoRetry => {}
    }
    if status == StatusCode::TOO_MANY_REQUESTS {
        assert!(matches!(decision, Decision::Throttled(_)), "{decision:?}");
    }
});
