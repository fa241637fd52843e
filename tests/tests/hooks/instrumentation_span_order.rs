//! `#[stamina::retry]` with `#[tracing::instrument]`: attributes expand from
//! the top down, so the lower one wraps the body first. With
//! `#[stamina::retry]` on top, the span encloses the whole retry loop and
//! stamina's events carry it; with `#[tracing::instrument]` on top, the span
//! is entered once per attempt, and stamina's events, emitted between
//! attempts, carry none. Seen through a real subscriber.

use std::sync::{Arc, Mutex, PoisonError};

use crate::support::{Transient, always, isolated};
use stamina::instrumentation::{TracingHook, set_on_retry_hooks};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::{Layer, Registry};

/// A `stamina` event's message, with the name of the span it was in.
type EventInSpan = (String, Option<String>);

/// Every `stamina` event seen, in order.
#[derive(Clone, Default)]
struct SpansOfEvents(Arc<Mutex<Vec<EventInSpan>>>);

/// The `message` field of an event.
struct Message(String);

impl tracing::field::Visit for Message {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        }
    }
}

impl<S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>> Layer<S>
    for SpansOfEvents
{
    fn on_event(&self, event: &tracing::Event<'_>, ctx: Context<'_, S>) {
        if event.metadata().target() != "stamina" {
            return;
        }
        let mut message = Message(String::new());
        event.record(&mut message);
        let span = ctx.event_span(event).map(|span| span.name().to_owned());
        self.0.lock().unwrap_or_else(PoisonError::into_inner).push((message.0, span));
    }
}

#[stamina::retry(on = always, attempts = 2, wait_max = 0)]
#[tracing::instrument]
fn retry_above_instrument() -> Result<(), Transient> {
    Err(Transient(1))
}

#[tracing::instrument]
#[stamina::retry(on = always, attempts = 2, wait_max = 0)]
fn instrument_above_retry() -> Result<(), Transient> {
    Err(Transient(2))
}

#[stamina::retry(on = always, attempts = 2, wait_max = 0)]
#[tracing::instrument]
async fn async_retry_above_instrument() -> Result<(), Transient> {
    Err(Transient(3))
}

#[tracing::instrument]
#[stamina::retry(on = always, attempts = 2, wait_max = 0)]
async fn async_instrument_above_retry() -> Result<(), Transient> {
    Err(Transient(4))
}

fn spans_of_stamina_events(run: impl FnOnce()) -> Vec<EventInSpan> {
    let _isolated = isolated();
    set_on_retry_hooks((TracingHook::new(),));
    let seen = SpansOfEvents::default();
    tracing::subscriber::with_default(Registry::default().with(seen.clone()), run);
    std::mem::take(&mut *seen.0.lock().unwrap())
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(future)
}

#[test]
fn with_retry_on_top_stamina_events_carry_the_span() {
    let events = spans_of_stamina_events(|| assert!(retry_above_instrument().is_err()));
    let span = Some("retry_above_instrument".to_owned());
    assert_eq!(
        events,
        [("stamina.retry_scheduled".to_owned(), span.clone()), ("stamina.gave_up".to_owned(), span)]
    );
    let events = spans_of_stamina_events(|| assert!(block_on(async_retry_above_instrument()).is_err()));
    let span = Some("async_retry_above_instrument".to_owned());
    assert_eq!(
        events,
        [("stamina.retry_scheduled".to_owned(), span.clone()), ("stamina.gave_up".to_owned(), span)]
    );
}

#[test]
fn with_instrument_on_top_stamina_events_carry_no_span() {
    let events = spans_of_stamina_events(|| assert!(instrument_above_retry().is_err()));
    assert_eq!(events, [("stamina.retry_scheduled".to_owned(), None), ("stamina.gave_up".to_owned(), None)]);
    let events = spans_of_stamina_events(|| assert!(block_on(async_instrument_above_retry()).is_err()));
    assert_eq!(events, [("stamina.retry_scheduled".to_owned(), None), ("stamina.gave_up".to_owned(), None)]);
}
