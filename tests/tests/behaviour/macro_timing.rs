//! The backoff schedule of `#[stamina::retry]`, with `wait_*` written in every
//! accepted form, measured on tokio's paused clock. Jitter is off, so the
//! schedule is exact: wait n = min(wait_max, wait_initial * wait_exp_base^(n-1)).
//! Timeouts are measured on tokio's clock through stamina's `test-util` feature.

use std::time::Duration;

use tokio::time::Instant;

use crate::support::{Transient, always};

/// The time each attempt started, relative to the first.
type Starts = Vec<Duration>;

/// Records the attempt's start, then fails with the attempt's number.
fn record(starts: &mut Starts, origin: &mut Option<Instant>) -> Result<(), Transient> {
    let origin = *origin.get_or_insert_with(Instant::now);
    starts.push(origin.elapsed());
    Err(Transient(u32::try_from(starts.len()).unwrap()))
}

fn ms(values: &[u64]) -> Starts {
    values.iter().copied().map(Duration::from_millis).collect()
}

#[stamina::retry(on = always, attempts = 4, wait_initial = "100ms", wait_max = "1s", wait_jitter = 0)]
async fn strings(starts: &mut Starts, origin: &mut Option<Instant>) -> Result<(), Transient> {
    record(starts, origin)
}

#[stamina::retry(on = always, attempts = 4, wait_initial = 0.1, wait_max = 1, wait_jitter = 0.0)]
async fn numbers(starts: &mut Starts, origin: &mut Option<Instant>) -> Result<(), Transient> {
    record(starts, origin)
}

const INITIAL: Duration = Duration::from_millis(100);

#[stamina::retry(
    on = always,
    attempts = 4,
    wait_initial = INITIAL,
    wait_max = Duration::from_secs(1),
    wait_jitter = Duration::ZERO
)]
async fn expressions(starts: &mut Starts, origin: &mut Option<Instant>) -> Result<(), Transient> {
    record(starts, origin)
}

#[tokio::test(start_paused = true)]
async fn every_form_gives_the_same_schedule() {
    let expected = ms(&[0, 100, 300, 700]);
    let (mut starts, mut origin) = (Vec::new(), None);
    assert_eq!(strings(&mut starts, &mut origin).await, Err(Transient(4)));
    assert_eq!(starts, expected);
    let (mut starts, mut origin) = (Vec::new(), None);
    assert_eq!(numbers(&mut starts, &mut origin).await, Err(Transient(4)));
    assert_eq!(starts, expected);
    let (mut starts, mut origin) = (Vec::new(), None);
    assert_eq!(expressions(&mut starts, &mut origin).await, Err(Transient(4)));
    assert_eq!(starts, expected);
}

#[stamina::retry(on = always, attempts = 5, wait_initial = "1m30s", wait_max = "3m", wait_jitter = "0s", wait_exp_base = 1.5, timeout = None)]
async fn capped(starts: &mut Starts, origin: &mut Option<Instant>) -> Result<(), Transient> {
    record(starts, origin)
}

#[tokio::test(start_paused = true)]
async fn exponent_base_and_cap() {
    let (mut starts, mut origin) = (Vec::new(), None);
    assert_eq!(capped(&mut starts, &mut origin).await, Err(Transient(5)));
    // Waits: 90s, 135s, then capped at 180s, 180s.
    assert_eq!(starts, ms(&[0, 90_000, 225_000, 405_000, 585_000]));
}

#[stamina::retry(on = always, attempts = None, timeout = "1.5s", wait_initial = "500ms", wait_exp_base = 1, wait_jitter = 0)]
async fn timed(starts: &mut Starts, origin: &mut Option<Instant>) -> Result<(), Transient> {
    record(starts, origin)
}

#[tokio::test(start_paused = true)]
async fn timeout_literal_stops_the_loop() {
    let (mut starts, mut origin) = (Vec::new(), None);
    assert_eq!(timed(&mut starts, &mut origin).await, Err(Transient(4)));
    // Failures at 0, 0.5 and 1.0 s are retried; the one at 1.5 s reaches the timeout.
    assert_eq!(starts, ms(&[0, 500, 1000, 1500]));
}

#[tokio::test(start_paused = true)]
async fn block_schedule_from_integer_seconds() {
    let origin = Instant::now();
    let mut starts = Vec::new();
    let result: Result<(), Transient> = stamina::retry_block!(
        on = always,
        attempts = 3,
        wait_initial = 2,
        wait_exp_base = 3,
        wait_max = 60,
        wait_jitter = 0,
        async |attempt| {
            starts.push(origin.elapsed());
            Err(Transient(attempt.num()))
        }
    )
    .await;
    assert_eq!(result, Err(Transient(3)));
    assert_eq!(starts, ms(&[0, 2000, 8000]));
}
