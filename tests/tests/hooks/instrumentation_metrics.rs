//! The built-in `metrics` sink, seen by `metrics-util`'s debugging recorder:
//! exact counter names, labels, values and descriptions.

use std::collections::BTreeMap;
use std::time::Duration;

use metrics_util::MetricKind;
use metrics_util::debugging::{DebugValue, DebuggingRecorder};
use stamina::RetryingCaller;
use stamina::instrumentation::{MetricsHook, RetryHookFactory, set_on_retry_hooks};

use crate::support::{Transient, always, isolated, never, transient_type};

/// Counter name and sorted labels, mapped to (value, description).
type Counters = BTreeMap<(String, Vec<(String, String)>), (u64, Option<String>)>;

fn counters(recorder: &DebuggingRecorder) -> Counters {
    recorder
        .snapshotter()
        .snapshot()
        .into_vec()
        .into_iter()
        .filter(|(key, ..)| key.kind() == MetricKind::Counter)
        .map(|(key, _, description, value)| {
            let DebugValue::Counter(value) = value else { panic!("a counter holds a counter value") };
            let mut labels: Vec<(String, String)> =
                key.key().labels().map(|label| (label.key().to_owned(), label.value().to_owned())).collect();
            labels.sort();
            ((key.key().name().to_owned(), labels), (value, description.map(|d| d.to_string())))
        })
        .collect()
}

fn key(name: &str, labels: &[(&str, &str)]) -> (String, Vec<(String, String)>) {
    let mut labels: Vec<(String, String)> =
        labels.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    labels.sort();
    (name.to_owned(), labels)
}

#[test]
fn retries_and_outcomes_are_counted_through_the_facade() {
    let _isolated = isolated();
    let recorder = DebuggingRecorder::new();
    let ty = transient_type();

    metrics::with_local_recorder(&recorder, || {
        // A factory: the counters are described to the recorder in place at the first retry.
        set_on_retry_hooks((RetryHookFactory::new(MetricsHook::new),));
        let caller = RetryingCaller::new().attempts(3).wait_max(Duration::ZERO);
        for _ in 0..2 {
            assert!(caller.call(always, || Err::<(), _>(Transient(1))).is_err());
        }
        let mut calls = 0;
        let result = caller.call(always, || {
            calls += 1;
            if calls < 2 { Err(Transient(calls)) } else { Ok(calls) }
        });
        assert_eq!(result, Ok(2));
        assert!(caller.call(never, || Err::<(), _>(Transient(1))).is_err());
    });

    let retries = |num| {
        key(
            "stamina_retries_total",
            &[("callable", "<context block>"), ("retry_num", num), ("error_type", ty)],
        )
    };
    let gave_up = |reason| {
        key(
            "stamina_gave_up_total",
            &[("callable", "<context block>"), ("reason", reason), ("error_type", ty)],
        )
    };
    let retries_help = Some("Total number of retries.".to_owned());
    let gave_up_help = Some("Total number of retry loops that gave up and returned an error.".to_owned());
    assert_eq!(
        counters(&recorder),
        Counters::from([
            (retries("1"), (3, retries_help.clone())),
            (retries("2"), (2, retries_help)),
            (gave_up("attempts_exhausted"), (2, gave_up_help.clone())),
            (gave_up("not_retryable"), (1, gave_up_help)),
            (
                key("stamina_succeeded_after_retries_total", &[("callable", "<context block>")]),
                (1, Some("Total number of retry loops that succeeded after at least one retry.".to_owned()))
            ),
        ])
    );
}

#[test]
fn the_default_hooks_include_metrics() {
    let _isolated = isolated();
    let recorder = DebuggingRecorder::new();

    metrics::with_local_recorder(&recorder, || {
        set_on_retry_hooks(None);
        assert!(
            RetryingCaller::new()
                .attempts(2)
                .wait_max(Duration::ZERO)
                .call(always, || Err::<(), _>(Transient(1)))
                .is_err()
        );
    });

    let counters = counters(&recorder);
    let retries = key(
        "stamina_retries_total",
        &[("callable", "<context block>"), ("retry_num", "1"), ("error_type", transient_type())],
    );
    assert_eq!(counters.get(&retries).map(|(value, _)| *value), Some(1), "{counters:#?}");
}

static METERED: stamina::budget::RetryBudget =
    stamina::budget::RetryBudget::token_quota(stamina::budget::QuotaParams {
        capacity: 12,
        ..stamina::budget::QuotaParams::AWS_STANDARD
    })
    .named("metered");

/// A budget reports its refusals and its level through the facade, on the
/// retry path, under its name.
#[test]
fn budgets_report_refusals_and_level_through_the_facade() {
    let _isolated = isolated();
    let recorder = DebuggingRecorder::new();
    metrics::with_local_recorder(&recorder, || {
        let caller = RetryingCaller::new().attempts(10).wait_max(Duration::ZERO).budget(&METERED);
        // 12 tokens at 5 a retry: two retries, then one refusal per call.
        for _ in 0..3 {
            assert!(caller.call(always, || Err::<(), _>(Transient(1))).is_err());
        }
    });
    // One snapshot: taking one resets what it read.
    let budget_values: BTreeMap<String, DebugValue> = recorder
        .snapshotter()
        .snapshot()
        .into_vec()
        .into_iter()
        .filter(|(key, ..)| {
            key.key().labels().any(|label| label.key() == "budget" && label.value() == "metered")
        })
        .map(|(key, _, _, value)| (key.key().name().to_owned(), value))
        .collect();
    assert_eq!(budget_values.get("stamina_budget_refusals_total"), Some(&DebugValue::Counter(3)));
    assert_eq!(budget_values.get("stamina_budget_level"), Some(&DebugValue::Gauge(2.0.into())));
}
