//! Issue 14's goal 3 in wall time, measured so that the machine's drift
//! cancels out: each path's cases run in alternating short batches, so that
//! every round sees the peer, stamina and the clock under the same
//! conditions, and the per-round ratios are summarised by their median.
//!
//! On this project's 2-vCPU VM, criterion's medians of one case move by up to
//! a factor of two between runs (`overhead.rs`; see the performance notes),
//! which hides differences of a few nanoseconds; a ratio taken within one
//! round of a few microseconds does not drift that way.
//!
//! Per path (success and retry3, sync and async, each API), with the default
//! hooks installed and no `tracing` subscriber, as users run stamina:
//! - `peer`: backon with a `tracing::warn!` per retry (from a fn of the same
//!   signature for `#[retry]`, as `overhead.rs`'s `ᶠ` rows), its builder
//!   made in the call, where the compiler folds its parameters as it folds
//!   the macros' constant policies;
//! - `configured peer`, for the callers and `retry_context`: the same with a
//!   builder made once at run time and reused, as their policies are;
//! - `untimed`: stamina with `timeout = None`;
//! - `default`: stamina's default configuration (the 45 s timeout);
//! - `read`: one read of the coarse clock, as `overhead.rs`'s `clock_read`.
//!
//! Reported per path: `untimed / peer` (goal 3's first test: at most 1), and
//! `(default - peer) / (reads * read)` (its second: the default configuration
//! costs the peer plus at most its clock reads, one at the start and one per
//! failure, when this is at most 1), each against both peers where there are
//! two.
//!
//! Run: `cargo bench -p stamina --bench paired` (about a second); `--
//! --rounds=N` for more rounds (default 2000), `-- --only=TEXT` for the paths
//! whose name contains it (`--only="retry3, sync"`). One build's ratios move
//! with where the linker put each function; `stamina/benches/layouts.sh` runs
//! this bench over eight layouts, and is what the performance notes quote.

mod support;

use std::cell::Cell;
use std::hint::black_box;
use std::time::{Duration, Instant};

use stamina::instrumentation::set_on_retry_hooks;
use support::{
    async_operation, backon_notify_configured_operation, backon_notify_configured_operation_sync,
    backon_notify_operation, backon_notify_operation_sync, configured_backon, operation, poll_once,
    retried_async_operation, retried_async_operation_no_timeout, retried_operation,
    retried_operation_no_timeout, retryable, warn_retry, zero_wait_backon,
};

/// Calls of each case per batch: a few microseconds, shorter than the
/// machine's slow drift, longer than a clock read's resolution matters.
const BATCH: u32 = 256;

/// One case: runs `BATCH` calls.
type Batch<'a> = Box<dyn Fn() + 'a>;

/// The cases of one path.
struct Path<'a> {
    name: String,
    failures: u32,
    peer: Batch<'a>,
    /// The peer configured as this path's stamina form is: for the callers
    /// and `retry_context`, whose policies are run-time values, backon with
    /// a builder made at run time; `None` where that is `peer` itself.
    configured_peer: Option<Batch<'a>>,
    untimed: Batch<'a>,
    default: Batch<'a>,
}

/// A batch of `call`s, each first setting the failures to come.
fn batch<'a, T>(left: &'a Cell<u32>, failures: u32, call: impl Fn() -> T + 'a) -> Batch<'a> {
    Box::new(move || {
        for _ in 0..BATCH {
            left.set(failures);
            black_box(call());
        }
    })
}

fn read_batch() {
    for _ in 0..BATCH {
        black_box(coarsetime::Instant::now_without_cache_update().as_ticks());
    }
}

/// The four APIs' paths of one `mode` ("sync", "async"), from each API's
/// `(untimed, default)` cases, in the order `#[retry]`, `retry_block!`,
/// caller, `retry_context`: the attribute against `attribute_peer` (backon
/// called from a fn, as `#[retry]` makes one), the others against `peer`,
/// and the callers and `retry_context` also against `configured_peer`.
fn paths_of<'a>(
    mode: &str,
    failures: u32,
    attribute_peer: Batch<'a>,
    peer: impl Fn() -> Batch<'a>,
    configured_peer: impl Fn() -> Batch<'a>,
    cases: [(Batch<'a>, Batch<'a>); 4],
) -> Vec<Path<'a>> {
    let kind = if failures == 0 { "success" } else { "retry3" };
    let [attribute, block, caller, context] = cases;
    let path = |api: &str, peer, configured_peer, (untimed, default): (Batch<'a>, Batch<'a>)| Path {
        name: format!("{kind}, {mode}, {api}"),
        failures,
        peer,
        configured_peer,
        untimed,
        default,
    };
    vec![
        path("`#[retry]`", attribute_peer, None, attribute),
        path("`retry_block!`", peer(), None, block),
        path("caller", peer(), Some(configured_peer()), caller),
        path("`retry_context`", peer(), Some(configured_peer()), context),
    ]
}

fn sync_paths(left: &Cell<u32>, failures: u32) -> Vec<Path<'_>> {
    use backon::BlockingRetryable;
    let builder = configured_backon();
    let caller = stamina::RetryingCaller::new().wait_max(Duration::ZERO);
    let untimed_caller = caller.timeout(None);
    let context = stamina::retry_context(retryable).wait_max(Duration::ZERO);
    let untimed_context = context.timeout(None);
    let peer = move || {
        batch(left, failures, move || {
            (|| operation(left))
                .retry(zero_wait_backon())
                .sleep(|_| {})
                .when(retryable)
                .notify(warn_retry)
                .call()
                .unwrap()
        })
    };
    let configured_peer = move || {
        batch(left, failures, move || backon_notify_configured_operation_sync(builder, left).unwrap())
    };
    let attribute = (
        batch(left, failures, move || retried_operation_no_timeout(left).unwrap()),
        batch(left, failures, move || retried_operation(left).unwrap()),
    );
    let block = (
        batch(left, failures, move || {
            stamina::retry_block!(on = retryable, wait_max = 0, timeout = None, |_attempt| operation(left))
                .unwrap()
        }),
        batch(left, failures, move || {
            stamina::retry_block!(on = retryable, wait_max = 0, |_attempt| operation(left)).unwrap()
        }),
    );
    let callers = (
        batch(left, failures, move || untimed_caller.call(retryable, || operation(left)).unwrap()),
        batch(left, failures, move || caller.call(retryable, || operation(left)).unwrap()),
    );
    let contexts = (
        batch(left, failures, move || untimed_context.call(|_| operation(left)).unwrap()),
        batch(left, failures, move || context.call(|_| operation(left)).unwrap()),
    );
    let attribute_peer = batch(left, failures, move || backon_notify_operation_sync(left).unwrap());
    paths_of("sync", failures, attribute_peer, peer, configured_peer, [attribute, block, callers, contexts])
}

fn async_paths(left: &Cell<u32>, failures: u32) -> Vec<Path<'_>> {
    use backon::Retryable;
    let builder = configured_backon();
    let caller = stamina::AsyncRetryingCaller::new().wait_max(Duration::ZERO);
    let untimed_caller = caller.timeout(None);
    let context = stamina::retry_context(retryable).wait_max(Duration::ZERO);
    let untimed_context = context.timeout(None);
    let peer = move || {
        batch(left, failures, move || {
            poll_once(
                (|| async_operation(left))
                    .retry(zero_wait_backon())
                    .sleep(|_| std::future::ready(()))
                    .when(retryable)
                    .notify(warn_retry),
            )
            .unwrap()
        })
    };
    let configured_peer = move || {
        batch(left, failures, move || poll_once(backon_notify_configured_operation(builder, left)).unwrap())
    };
    let attribute = (
        batch(left, failures, move || poll_once(retried_async_operation_no_timeout(left)).unwrap()),
        batch(left, failures, move || poll_once(retried_async_operation(left)).unwrap()),
    );
    let block = (
        batch(left, failures, move || {
            poll_once(stamina::retry_block!(on = retryable, wait_max = 0, timeout = None, async |_attempt| {
                async_operation(left).await
            }))
            .unwrap()
        }),
        batch(left, failures, move || {
            poll_once(stamina::retry_block!(on = retryable, wait_max = 0, async |_attempt| {
                async_operation(left).await
            }))
            .unwrap()
        }),
    );
    let callers = (
        batch(left, failures, move || {
            poll_once(untimed_caller.call(retryable, || async_operation(left))).unwrap()
        }),
        batch(left, failures, move || poll_once(caller.call(retryable, || async_operation(left))).unwrap()),
    );
    let contexts = (
        batch(left, failures, move || {
            poll_once(untimed_context.call_async(|_| async_operation(left))).unwrap()
        }),
        batch(left, failures, move || poll_once(context.call_async(|_| async_operation(left))).unwrap()),
    );
    let attribute_peer = batch(left, failures, move || poll_once(backon_notify_operation(left)).unwrap());
    paths_of("async", failures, attribute_peer, peer, configured_peer, [attribute, block, callers, contexts])
}

/// Nanoseconds per call of one batch.
fn time(batch: &dyn Fn()) -> f64 {
    let start = Instant::now();
    batch();
    start.elapsed().as_secs_f64() * 1e9 / f64::from(BATCH)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn min(values: &[f64]) -> f64 {
    values.iter().copied().fold(f64::INFINITY, f64::min)
}

/// The rounds of one path: per round, each case once, in an order that
/// rotates so that none always runs first. The times of the peer, the
/// configured peer (the peer again where there is none), stamina untimed,
/// stamina's default, and a clock read.
fn measure(path: &Path<'_>, rounds: usize) -> [Vec<f64>; 5] {
    let read: &dyn Fn() = &read_batch;
    let configured = path.configured_peer.as_deref().unwrap_or(&*path.peer);
    let cases: [&dyn Fn(); 5] = [&*path.peer, configured, &*path.untimed, &*path.default, read];
    for case in cases {
        case(); // warm-up
    }
    let mut times: [Vec<f64>; 5] = Default::default();
    for round in 0..rounds {
        for k in 0..cases.len() {
            let case = (round + k) % cases.len();
            times[case].push(time(cases[case]));
        }
    }
    times
}

fn main() {
    let arg = |key: &str| std::env::args().find_map(|arg| arg.strip_prefix(key).map(str::to_owned));
    let rounds = arg("--rounds=").map_or(2000, |rounds| rounds.parse().expect("--rounds=N"));
    // `cargo bench --no-run` builds it; `cargo test --benches` runs it once, briefly.
    let rounds = if std::env::args().any(|arg| arg == "--bench") { rounds } else { 3 };
    let only = arg("--only=").unwrap_or_default();
    // What users run: the default hooks (the `tracing` hook with stamina's
    // default features), no subscriber.
    set_on_retry_hooks(None);
    let left = Cell::new(0);
    let mut paths = Vec::new();
    for failures in [0, 3] {
        paths.extend(sync_paths(&left, failures));
        paths.extend(async_paths(&left, failures));
    }
    println!(
        "{rounds} rounds of {BATCH} calls per case; ns per call (the lowest batch), and per-round medians"
    );
    println!();
    println!(
        "| path | peer | configured peer | untimed | default | read | untimed / peer | untimed / configured peer | (default - peer) / its reads | (default - configured peer) / its reads |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for path in paths.iter().filter(|path| path.name.contains(&only)) {
        let [peer, configured, untimed, default, read] = measure(path, rounds);
        let reads = f64::from(1 + path.failures);
        let ratio = |of: &[f64], to: &[f64]| median(of.iter().zip(to).map(|(a, b)| a / b).collect());
        let in_reads = |peer: &[f64]| {
            median(default.iter().zip(peer).zip(&read).map(|((d, p), r)| (d - p) / (reads * r)).collect())
        };
        let configured_cells = if path.configured_peer.is_some() {
            [
                format!("{:.1}", min(&configured)),
                format!("{:.2}", ratio(&untimed, &configured)),
                format!("{:.2}", in_reads(&configured)),
            ]
        } else {
            [String::new(), String::new(), String::new()]
        };
        println!(
            "| {} | {:.1} | {} | {:.1} | {:.1} | {:.2} | {:.2} | {} | {:.2} | {} |",
            path.name,
            min(&peer),
            configured_cells[0],
            min(&untimed),
            min(&default),
            min(&read),
            ratio(&untimed, &peer),
            configured_cells[1],
            in_reads(&peer),
            configured_cells[2],
        );
    }
}
