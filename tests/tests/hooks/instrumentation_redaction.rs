//! What the logging sinks put into a log line about an error: an `Error`'s
//! `Display` and sources, never its `Debug` (which holds headers, tokens and
//! backtraces), and never more than `MAX_ERROR_SUMMARY_BYTES`. Seen through a
//! real `tracing_subscriber::fmt` subscriber and a real `log` logger (the
//! binary's one, from `instrumentation_log`).

use crate::instrumentation_log::take_records;
use crate::support::{always, isolated};
use crate::traced::{RequestError, caused_by, request_error, traced};
use stamina::instrumentation::{LogHook, MAX_ERROR_SUMMARY_BYTES, set_on_retry_hooks};

#[stamina::retry(on = always, attempts = 2, wait_max = 0)]
fn fetch() -> Result<(), RequestError> {
    Err(request_error())
}

#[stamina::retry(on = always, attempts = 2, wait_max = 0)]
fn fetch_anyhow() -> anyhow::Result<()> {
    // With RUST_BACKTRACE=1 (as `.ci/run` sets it), this captures a backtrace,
    // which anyhow's `Debug` prints and its `Display` does not.
    Err(anyhow::Error::new(request_error()).context("fetching the README"))
}

/// An error with no `Display`, and a `Debug` as long as a response body.
#[derive(Debug)]
struct Huge(#[allow(dead_code)] String); // shown by `Debug` only

#[stamina::retry(on = always, attempts = 2, wait_max = 0)]
fn fetch_huge() -> Result<(), Huge> {
    Err(Huge("é".repeat(20_000)))
}

#[test]
fn an_errors_display_and_sources_are_logged_and_its_debug_is_not() {
    let lines = traced(|| assert!(fetch().is_err()));
    assert_eq!(lines.len(), 2, "{lines:#?}"); // retry_scheduled, gave_up
    for line in &lines {
        assert_eq!(caused_by(line), "request failed with status 503: connection reset by peer", "{line}");
        assert!(!line.contains("SECRET"), "{line}");
    }
}

#[test]
fn an_anyhow_error_is_logged_by_its_chain_without_its_backtrace() {
    let lines = traced(|| assert!(fetch_anyhow().is_err()));
    assert_eq!(lines.len(), 2, "{lines:#?}");
    for line in &lines {
        assert_eq!(
            caused_by(line),
            "fetching the README: request failed with status 503: connection reset by peer",
            "{line}"
        );
        assert!(!line.contains("SECRET") && !line.contains("backtrace"), "{line}");
    }
}

#[test]
fn no_error_floods_a_log_line() {
    let lines = traced(|| assert!(fetch_huge().is_err()));
    assert_eq!(lines.len(), 2, "{lines:#?}");
    for line in &lines {
        let logged = caused_by(line);
        assert!(logged.starts_with("Huge(\"éé"), "{logged}");
        assert!(logged.ends_with('…'), "{logged}");
        assert!(logged.len() <= MAX_ERROR_SUMMARY_BYTES + '…'.len_utf8(), "{} bytes", logged.len());
        assert!(logged.len() > MAX_ERROR_SUMMARY_BYTES - 2, "{} bytes", logged.len());
    }
}

#[test]
fn the_log_sink_logs_the_same_summary() {
    let _isolated = isolated();
    set_on_retry_hooks((LogHook::new(),));
    let _ = take_records();
    assert!(fetch().is_err());
    assert!(fetch_huge().is_err());
    let summaries: Vec<String> =
        take_records().into_iter().filter_map(|record| record.key_values.get("caused_by").cloned()).collect();
    assert_eq!(summaries.len(), 4, "{summaries:#?}");
    assert_eq!(summaries[0], "request failed with status 503: connection reset by peer");
    assert_eq!(summaries[1], summaries[0]);
    assert!(
        summaries[2].ends_with('…') && summaries[2].len() <= MAX_ERROR_SUMMARY_BYTES + 3,
        "{}",
        summaries[2]
    );
    assert!(summaries.iter().all(|value| !value.contains("SECRET")));
}
