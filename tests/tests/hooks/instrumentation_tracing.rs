//! The built-in `tracing` sink, seen by a real `tracing` subscriber: exact
//! target, level, message and fields of every event.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use stamina::instrumentation::{HookGuard, RetryDetails, TracingHook, set_on_retry_hooks};
use stamina::{AsyncRetryingCaller, RetryingCaller};
use tracing::field::{Field, Visit};
use tracing::span;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::{Layer, Registry};

use crate::support::{Transient, always, isolated, never, transient_type};

/// One captured event: level, target and fields (the message under `message`),
/// each value tagged with how it was recorded.
#[derive(Debug, Clone, PartialEq)]
struct Captured {
    level: tracing::Level,
    target: String,
    fields: BTreeMap<String, String>,
}

#[derive(Default)]
struct FieldVisitor(BTreeMap<String, String>);

impl Visit for FieldVisitor {
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.0.insert(field.name().to_owned(), format!("f64 {value:?}"));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(field.name().to_owned(), format!("u64 {value}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), format!("str {value}"));
    }
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("debug {value:?}"));
    }
}

/// A layer that records events and span closes, in order.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<Result<Captured, String>>>>);

impl Capture {
    fn take(&self) -> Vec<Result<Captured, String>> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }

    fn events(&self) -> Vec<Captured> {
        self.take().into_iter().filter_map(Result::ok).collect()
    }
}

impl<S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>> Layer<S> for Capture {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        let mut visitor = FieldVisitor::default();
        event.record(&mut visitor);
        let captured = Captured {
            level: *event.metadata().level(),
            target: event.metadata().target().to_owned(),
            fields: visitor.0,
        };
        self.0.lock().unwrap_or_else(PoisonError::into_inner).push(Ok(captured));
    }

    fn on_close(&self, id: span::Id, ctx: Context<'_, S>) {
        let name = ctx.span(&id).map_or("?", |span| span.name());
        self.0.lock().unwrap_or_else(PoisonError::into_inner).push(Err(format!("closed {name}")));
    }
}

fn capture() -> (Capture, tracing::subscriber::DefaultGuard) {
    let capture = Capture::default();
    let subscriber = Registry::default().with(capture.clone());
    let guard = tracing::subscriber::set_default(subscriber);
    (capture, guard)
}

fn fields(pairs: &[(&str, String)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(key, value)| ((*key).to_owned(), value.clone())).collect()
}

fn retry_event(retry_num: u64, wait_for: &str, waited_so_far: &str, caused_by: &str) -> Captured {
    Captured {
        level: tracing::Level::WARN,
        target: "stamina".to_owned(),
        fields: fields(&[
            ("message", "debug stamina.retry_scheduled".to_owned()),
            ("callable", "str <context block>".to_owned()),
            ("retry_num", format!("u64 {retry_num}")),
            ("error_type", format!("str {}", transient_type())),
            ("caused_by", format!("debug {caused_by}")),
            ("wait_for", format!("f64 {wait_for}")),
            ("waited_so_far", format!("f64 {waited_so_far}")),
        ]),
    }
}

#[tokio::test(start_paused = true)]
async fn each_scheduled_retry_is_one_warn_event_with_pythons_fields() {
    let _isolated = isolated();
    set_on_retry_hooks((TracingHook::new(),));
    let (capture, _subscriber) = capture();

    let caller = AsyncRetryingCaller::new()
        .attempts(3)
        .wait_initial(Duration::from_millis(1250))
        .wait_jitter(Duration::ZERO)
        .wait_max(Duration::from_secs(60));
    let result = caller.call(always, || async { Err::<(), _>(Transient(7)) }).await;
    assert!(result.is_err());

    let events = capture.events();
    // Two retries, then the give-up event.
    assert_eq!(events.len(), 3, "{events:#?}");
    assert_eq!(events[0], retry_event(1, "1.25", "0.0", "Transient(7)"));
    assert_eq!(events[1], retry_event(2, "2.5", "1.25", "Transient(7)"));
}

#[test]
fn success_after_retries_and_giving_up_are_reported() {
    let _isolated = isolated();
    set_on_retry_hooks((TracingHook::new(),));
    let (capture, _subscriber) = capture();
    let caller = RetryingCaller::new().attempts(3).wait_max(Duration::ZERO);

    let mut calls = 0;
    let result = caller.call(always, || {
        calls += 1;
        if calls < 3 { Err(Transient(calls)) } else { Ok(calls) }
    });
    assert_eq!(result, Ok(3));
    let events = capture.events();
    assert_eq!(events.len(), 3);
    assert_eq!(
        events[2],
        Captured {
            level: tracing::Level::INFO,
            target: "stamina".to_owned(),
            fields: fields(&[
                ("message", "debug stamina.succeeded_after_retries".to_owned()),
                ("callable", "str <context block>".to_owned()),
                ("attempts", "u64 3".to_owned()),
                ("waited", "f64 0.0".to_owned()),
            ]),
        }
    );

    assert!(caller.call(always, || Err::<(), _>(Transient(9))).is_err());
    let events = capture.events();
    assert_eq!(events.len(), 3);
    let gave_up = |level, reason: &str, attempts: u64, caused_by: &str| Captured {
        level,
        target: "stamina".to_owned(),
        fields: fields(&[
            ("message", "debug stamina.gave_up".to_owned()),
            ("callable", "str <context block>".to_owned()),
            ("reason", format!("str {reason}")),
            ("attempts", format!("u64 {attempts}")),
            ("error_type", format!("str {}", transient_type())),
            ("caused_by", format!("debug {caused_by}")),
            ("waited", "f64 0.0".to_owned()),
        ]),
    };
    assert_eq!(events[2], gave_up(tracing::Level::WARN, "attempts_exhausted", 3, "Transient(9)"));

    // Not retryable on the first attempt: DEBUG; after a retry: INFO.
    assert!(caller.call(never, || Err::<(), _>(Transient(4))).is_err());
    assert_eq!(capture.events(), [gave_up(tracing::Level::DEBUG, "not_retryable", 1, "Transient(4)")]);
    let mut calls = 0;
    let result = caller.call(
        |error: &Transient| error.0 == 1,
        || {
            calls += 1;
            Err::<(), _>(Transient(calls))
        },
    );
    assert_eq!(result, Err(Transient(2)));
    let events = capture.events();
    assert_eq!(events.len(), 2);
    assert_eq!(events[1], gave_up(tracing::Level::INFO, "not_retryable", 2, "Transient(2)"));
}

#[test]
fn the_default_hooks_include_tracing() {
    let _isolated = isolated();
    set_on_retry_hooks(None);
    let (capture, _subscriber) = capture();

    let result = RetryingCaller::new()
        .attempts(2)
        .wait_max(Duration::ZERO)
        .call(always, || Err::<(), _>(Transient(1)));

    assert!(result.is_err());
    assert_eq!(capture.events()[0], retry_event(1, "0.0", "0.0", "Transient(1)"));
}

#[test]
fn a_span_kept_in_a_guard_covers_exactly_the_wait() {
    let _isolated = isolated();
    // A `Span` is `Send`: kept alive by the guard, it closes right before the next attempt.
    set_on_retry_hooks((|details: &RetryDetails<'_>| {
        HookGuard::new(tracing::info_span!(target: "app", "waiting_to_retry", retry_num = details.retry_num))
    },));
    let (capture, _subscriber) = capture();

    let attempts = AtomicU32::new(0);
    let result = RetryingCaller::new().attempts(3).wait_max(Duration::ZERO).call(always, || {
        let num = attempts.fetch_add(1, Ordering::SeqCst) + 1;
        tracing::info!(target: "app", num, "attempt");
        Err::<(), _>(Transient(num))
    });
    assert!(result.is_err());

    let order: Vec<String> = capture
        .take()
        .into_iter()
        .map(|entry| match entry {
            Ok(event) if event.target == "app" => format!("attempt {}", event.fields["num"]),
            Ok(event) => event.fields["message"].clone(),
            Err(closed) => closed,
        })
        .collect();
    assert_eq!(
        order,
        [
            "attempt u64 1",
            "closed waiting_to_retry",
            "attempt u64 2",
            "closed waiting_to_retry",
            "attempt u64 3"
        ]
    );
}
