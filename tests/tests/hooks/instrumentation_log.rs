//! The built-in `log` sink, seen by a real `log` logger: exact target, level,
//! message and key-values of every record.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use log::kv::{self, VisitSource};
use stamina::RetryingCaller;
use stamina::instrumentation::{LogHook, set_on_retry_hooks};

use crate::support::{Transient, always, isolated, never, transient_type};

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Record {
    level: log::Level,
    target: String,
    message: String,
    pub(crate) key_values: BTreeMap<String, String>,
}

/// A process-wide logger that keeps every record with target `stamina`.
struct CaptureLogger {
    records: Mutex<Vec<Record>>,
}

static LOGGER: CaptureLogger = CaptureLogger { records: Mutex::new(Vec::new()) };

struct KeyValues(BTreeMap<String, String>);

impl<'kvs> VisitSource<'kvs> for KeyValues {
    fn visit_pair(&mut self, key: kv::Key<'kvs>, value: kv::Value<'kvs>) -> Result<(), kv::Error> {
        self.0.insert(key.to_string(), value.to_string());
        Ok(())
    }
}

impl log::Log for CaptureLogger {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        if record.target() != "stamina" {
            return;
        }
        let mut key_values = KeyValues(BTreeMap::new());
        record.key_values().visit(&mut key_values).unwrap();
        self.records.lock().unwrap_or_else(PoisonError::into_inner).push(Record {
            level: record.level(),
            target: record.target().to_owned(),
            message: record.args().to_string(),
            key_values: key_values.0,
        });
    }

    fn flush(&self) {}
}

/// The records logged since the last call; the first call installs the
/// process's one logger (also for `instrumentation_redaction`).
pub(crate) fn take_records() -> Vec<Record> {
    // Installing twice fails harmlessly; the first install wins.
    let _ = log::set_logger(&LOGGER);
    log::set_max_level(log::LevelFilter::Trace);
    std::mem::take(&mut *LOGGER.records.lock().unwrap_or_else(PoisonError::into_inner))
}

fn kvs(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(key, value)| ((*key).to_owned(), (*value).to_owned())).collect()
}

fn caller() -> RetryingCaller {
    RetryingCaller::new().attempts(3).wait_max(Duration::ZERO)
}

#[test]
fn retries_successes_and_give_ups_are_logged_with_key_values() {
    let _isolated = isolated();
    set_on_retry_hooks((LogHook::new(),));
    take_records();
    let ty = transient_type();

    let mut calls = 0;
    let result = caller().call(always, || {
        calls += 1;
        if calls < 3 { Err(Transient(calls)) } else { Ok(calls) }
    });
    assert_eq!(result, Ok(3));

    assert_eq!(
        take_records(),
        [
            Record {
                level: log::Level::Warn,
                target: "stamina".to_owned(),
                message: "stamina.retry_scheduled".to_owned(),
                key_values: kvs(&[
                    ("callable", "<context block>"),
                    ("retry_num", "1"),
                    ("error_type", ty),
                    ("caused_by", "Transient(1)"),
                    ("wait_for", "0"),
                    ("waited_so_far", "0"),
                ]),
            },
            Record {
                level: log::Level::Warn,
                target: "stamina".to_owned(),
                message: "stamina.retry_scheduled".to_owned(),
                key_values: kvs(&[
                    ("callable", "<context block>"),
                    ("retry_num", "2"),
                    ("error_type", ty),
                    ("caused_by", "Transient(2)"),
                    ("wait_for", "0"),
                    ("waited_so_far", "0"),
                ]),
            },
            Record {
                level: log::Level::Info,
                target: "stamina".to_owned(),
                message: "stamina.succeeded_after_retries".to_owned(),
                key_values: kvs(&[("callable", "<context block>"), ("attempts", "3"), ("waited", "0")]),
            },
        ]
    );

    assert!(caller().attempts(1).call(always, || Err::<(), _>(Transient(5))).is_err());
    assert!(caller().call(never, || Err::<(), _>(Transient(6))).is_err());
    let gave_up = |level, reason: &str, caused_by: &str| Record {
        level,
        target: "stamina".to_owned(),
        message: "stamina.gave_up".to_owned(),
        key_values: kvs(&[
            ("callable", "<context block>"),
            ("reason", reason),
            ("attempts", "1"),
            ("error_type", ty),
            ("caused_by", caused_by),
            ("waited", "0"),
        ]),
    };
    assert_eq!(
        take_records(),
        [
            gave_up(log::Level::Warn, "attempts_exhausted", "Transient(5)"),
            gave_up(log::Level::Debug, "not_retryable", "Transient(6)"),
        ]
    );
}

#[test]
fn the_default_hooks_log_through_log_only_without_tracing() {
    let _isolated = isolated();
    set_on_retry_hooks(None);
    take_records();

    assert!(caller().attempts(2).call(always, || Err::<(), _>(Transient(1))).is_err());

    let messages: Vec<String> = take_records().into_iter().map(|record| record.message).collect();
    if stamina::instrumentation::COMPILED_SINKS.contains(&"tracing") {
        // `tracing` is the log sink then; `log` stays silent so nothing is logged twice.
        assert!(messages.is_empty(), "{messages:?}");
    } else {
        assert_eq!(messages, ["stamina.retry_scheduled", "stamina.gave_up"]);
    }
}
