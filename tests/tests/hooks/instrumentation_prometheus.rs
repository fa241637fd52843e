//! The built-in Prometheus sink on a real `prometheus-client` registry, encoded
//! to the text exposition format and parsed back: exact samples and labels.

use std::collections::BTreeMap;
use std::time::Duration;

use prometheus_client::encoding::text::encode;
use prometheus_client::registry::Registry;
use stamina::RetryingCaller;
use stamina::instrumentation::{
    PrometheusHook, RetryLabels, get_on_retry_hooks, get_prometheus_counter, register_prometheus_metrics,
    set_on_retry_hooks,
};

use crate::support::{Transient, always, isolated, never, transient_type};

/// A sample: metric name and sorted labels.
type Sample = (String, BTreeMap<String, String>);

/// Parses the text exposition format: `# HELP`/`# TYPE` lines, and samples
/// `name{label="value",...} number`.
fn parse(text: &str) -> (Vec<String>, BTreeMap<Sample, f64>) {
    let mut comments = Vec::new();
    let mut samples = BTreeMap::new();
    for line in text.lines() {
        if line.starts_with('#') {
            comments.push(line.to_owned());
            continue;
        }
        let (series, value) = line.rsplit_once(' ').expect("a sample line has a value");
        let (name, labels) = match series.split_once('{') {
            None => (series, BTreeMap::new()),
            Some((name, rest)) => (name, parse_labels(rest.strip_suffix('}').expect("labels end with }"))),
        };
        samples.insert((name.to_owned(), labels), value.parse().expect("a numeric sample value"));
    }
    (comments, samples)
}

fn parse_labels(mut rest: &str) -> BTreeMap<String, String> {
    let mut labels = BTreeMap::new();
    while !rest.is_empty() {
        let (key, after) = rest.split_once("=\"").expect("label=\"value\"");
        let mut value = String::new();
        let mut chars = after.char_indices();
        let end = loop {
            match chars.next().expect("a closing quote") {
                (_, '\\') => value.push(chars.next().expect("an escaped char").1),
                (at, '"') => break at,
                (_, c) => value.push(c),
            }
        };
        labels.insert(key.to_owned(), value);
        rest = after[end + 1..].trim_start_matches(',');
    }
    labels
}

fn scrape(registry: &Registry) -> (Vec<String>, BTreeMap<Sample, f64>) {
    let mut text = String::new();
    encode(&mut text, registry).unwrap();
    parse(&text)
}

/// How each sample changed between two scrapes (the counters are process-wide).
fn increments(before: &BTreeMap<Sample, f64>, after: &BTreeMap<Sample, f64>) -> BTreeMap<Sample, f64> {
    after
        .iter()
        .filter_map(|(sample, value)| {
            let delta = value - before.get(sample).copied().unwrap_or(0.0);
            (delta != 0.0).then(|| (sample.clone(), delta))
        })
        .collect()
}

fn sample(name: &str, labels: &[(&str, &str)]) -> Sample {
    (name.to_owned(), labels.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect())
}

#[test]
fn retries_and_outcomes_are_counted_with_pythons_labels() {
    let _isolated = isolated();
    set_on_retry_hooks((PrometheusHook::new(),));
    let mut registry = Registry::default();
    register_prometheus_metrics(&mut registry);
    let (_, before) = scrape(&registry);
    let caller = RetryingCaller::new().attempts(4).wait_max(Duration::ZERO);
    let ty = transient_type();

    // Three failing calls with 3 retries each, one that succeeds on its third
    // attempt, one non-retryable error.
    for _ in 0..3 {
        assert!(caller.call(always, || Err::<(), _>(Transient(1))).is_err());
    }
    let mut calls = 0;
    let result = caller.call(always, || {
        calls += 1;
        if calls < 3 { Err(Transient(calls)) } else { Ok(calls) }
    });
    assert_eq!(result, Ok(3));
    assert!(caller.call(never, || Err::<(), _>(Transient(1))).is_err());

    let (comments, after) = scrape(&registry);
    let retries = |num| {
        sample(
            "stamina_retries_total",
            &[("callable", "<context block>"), ("retry_num", num), ("error_type", ty)],
        )
    };
    let gave_up = |reason| {
        sample(
            "stamina_gave_up_total",
            &[("callable", "<context block>"), ("reason", reason), ("error_type", ty)],
        )
    };
    assert_eq!(
        increments(&before, &after),
        BTreeMap::from([
            (retries("1"), 4.0),
            (retries("2"), 4.0),
            (retries("3"), 3.0),
            (gave_up("attempts_exhausted"), 3.0),
            (gave_up("not_retryable"), 1.0),
            (sample("stamina_succeeded_after_retries_total", &[("callable", "<context block>")]), 1.0),
        ])
    );
    for expected in [
        "# HELP stamina_retries Total number of retries.",
        "# TYPE stamina_retries counter",
        "# TYPE stamina_gave_up counter",
        "# HELP stamina_succeeded_after_retries Total number of retry loops that succeeded after at least one retry.",
        "# TYPE stamina_succeeded_after_retries counter",
    ] {
        assert!(comments.iter().any(|line| line == expected), "{expected} missing from {comments:#?}");
    }

    // The counter handed out is the one that was incremented.
    let counter = get_prometheus_counter();
    let labels = RetryLabels {
        callable: "<context block>".to_owned(),
        retry_num: "3".to_owned(),
        error_type: ty.to_owned(),
    };
    #[allow(clippy::cast_precision_loss, clippy::float_cmp)] // small whole numbers, exact in f64
    {
        assert_eq!(counter.get_or_create(&labels).get() as f64, after[&retries("3")]);
    }
}

#[test]
fn the_default_hooks_include_prometheus_first() {
    let _isolated = isolated();
    set_on_retry_hooks(None);
    let hooks = get_on_retry_hooks();
    assert!(hooks[0].type_name().ends_with("PrometheusHook"), "{hooks:?}");

    let labels = RetryLabels {
        callable: "<context block>".to_owned(),
        retry_num: "1".to_owned(),
        error_type: transient_type().to_owned(),
    };
    let before = get_prometheus_counter().get_or_create(&labels).get();
    assert!(
        RetryingCaller::new()
            .attempts(2)
            .wait_max(Duration::ZERO)
            .call(always, || Err::<(), _>(Transient(1)))
            .is_err()
    );
    assert_eq!(get_prometheus_counter().get_or_create(&labels).get(), before + 1);
}

/// Registering twice into one registry, before or after a sample exists, or
/// into a prefixed sub-registry, exposes each family once.
#[test]
fn registering_twice_exposes_each_family_once() {
    let _isolated = isolated();
    set_on_retry_hooks((PrometheusHook::new(),));
    let mut registry = Registry::default();
    register_prometheus_metrics(&mut registry);
    register_prometheus_metrics(&mut registry);
    assert!(
        RetryingCaller::new()
            .attempts(2)
            .wait_max(Duration::ZERO)
            .call(always, || Err::<(), _>(Transient(1)))
            .is_err()
    );
    register_prometheus_metrics(&mut registry);
    let prefixed = registry.sub_registry_with_prefix("myapp");
    register_prometheus_metrics(prefixed);
    register_prometheus_metrics(prefixed);

    let mut text = String::new();
    encode(&mut text, &registry).unwrap();
    for family in ["stamina_retries", "stamina_gave_up", "stamina_succeeded_after_retries"] {
        for name in [family.to_owned(), format!("myapp_{family}")] {
            let described = text.lines().filter(|line| *line == format!("# TYPE {name} counter")).count();
            assert_eq!(described, 1, "{name} in\n{text}");
        }
    }
    // The counters are process-wide, so other tests add label sets; each is
    // one line unless the family were registered twice.
    let sample = format!(
        "stamina_retries_total{{callable=\"<context block>\",retry_num=\"1\",error_type=\"{}\"}}",
        transient_type()
    );
    let samples = text.lines().filter(|line| line.starts_with(&sample)).count();
    assert_eq!(samples, 1, "{text}");
}

static SCRAPED: stamina::budget::RetryBudget =
    stamina::budget::RetryBudget::token_quota(stamina::budget::QuotaParams {
        capacity: 12,
        ..stamina::budget::QuotaParams::AWS_STANDARD
    })
    .named("scraped");

/// A budget's refusals and level are in the scrape, under its name.
#[test]
fn budgets_show_their_refusals_and_level() {
    let _isolated = isolated();
    let mut registry = Registry::default();
    register_prometheus_metrics(&mut registry);
    let caller = RetryingCaller::new().attempts(10).wait_max(Duration::ZERO).budget(&SCRAPED);
    // 12 tokens at 5 a retry: two retries, then refusals, one per call.
    for _ in 0..3 {
        assert!(caller.call(always, || Err::<(), _>(Transient(1))).is_err());
    }
    let mut text = String::new();
    encode(&mut text, &registry).unwrap();
    assert!(text.contains("# TYPE stamina_budget_refusals counter"), "{text}");
    assert!(text.contains("stamina_budget_refusals_total{budget=\"scraped\"} 3"), "{text}");
    assert!(text.contains("# TYPE stamina_budget_level gauge"), "{text}");
    assert!(text.contains("stamina_budget_level{budget=\"scraped\"} 2"), "{text}");
    assert!(
        text.contains(r#"stamina_gave_up_total{callable="<context block>",reason="budget_exhausted""#),
        "{text}"
    );
}
