//! `Attempt::elapsed` in every form that hands a block its attempt: the time
//! since the first attempt started, and at least the waits planned so far.
//! Waits of 100 and 200 ms with no jitter: attempts 1 to 3 see 0, 100 and
//! 300 ms in paused time; the sync forms, which sleep in real time, wait 1
//! and 2 ms and see at least 0, 1 and 3 ms.

use std::cell::RefCell;
use std::time::Duration;

use futures_lite::{StreamExt as _, stream};
use stamina::{Attempt, RetryContext, retry_context};

const PLANNED: [Duration; 3] = [Duration::ZERO, Duration::from_millis(100), Duration::from_millis(300)];

fn waits<P>(context: RetryContext<P>) -> RetryContext<P> {
    context.attempts(3).wait_initial(Duration::from_millis(100)).wait_jitter(Duration::ZERO)
}

fn short_waits<P>(context: RetryContext<P>) -> RetryContext<P> {
    waits(context).wait_initial(Duration::from_millis(1))
}

/// Records each attempt's elapsed time.
#[derive(Default)]
struct Seen(RefCell<Vec<Duration>>);

impl Seen {
    fn record(&self, attempt: Attempt) {
        self.0.borrow_mut().push(attempt.elapsed());
    }

    fn take(&self) -> Vec<Duration> {
        self.0.take()
    }
}

#[tokio::test(start_paused = true)]
async fn async_blocks_see_the_time_since_the_first_attempt() {
    let seen = Seen::default();
    let _ = waits(retry_context(|(): &()| true))
        .call_async(async |attempt| {
            seen.record(attempt);
            Err::<(), ()>(())
        })
        .await;
    assert_eq!(seen.take(), PLANNED);

    let _ = waits(retry_context(|result: &Result<(), ()>| result.is_ok()))
        .call_async_on_result(async |attempt| {
            seen.record(attempt);
            Ok::<(), ()>(())
        })
        .await;
    assert_eq!(seen.take(), PLANNED, "a result predicate's block");

    let items: Vec<Result<u32, ()>> = waits(retry_context(|(): &()| true))
        .stream(|attempt| {
            seen.record(attempt);
            stream::iter([Err(())])
        })
        .collect()
        .await;
    assert_eq!(items, [Err(())]);
    assert_eq!(seen.take(), PLANNED, "a stream's factory");
}

#[test]
fn sync_blocks_see_at_least_the_planned_waits() {
    let seen = Seen::default();
    let check = |what: &str, elapsed: Vec<Duration>| {
        assert_eq!(elapsed.len(), 3, "{what}");
        let planned = [Duration::ZERO, Duration::from_millis(1), Duration::from_millis(3)];
        for (elapsed, planned) in elapsed.iter().zip(planned) {
            assert!(
                *elapsed >= planned && *elapsed < planned + Duration::from_secs(5),
                "{what}: {elapsed:?}"
            );
        }
    };
    let _ = short_waits(retry_context(|(): &()| true)).call(|attempt| {
        seen.record(attempt);
        Err::<(), ()>(())
    });
    check("a block", seen.take());

    let _ = short_waits(retry_context(|result: &Result<(), ()>| result.is_ok())).call_on_result(|attempt| {
        seen.record(attempt);
        Ok::<(), ()>(())
    });
    check("a result predicate's block", seen.take());

    let items: Vec<Result<u32, ()>> = short_waits(retry_context(|(): &()| true))
        .iter(|attempt| {
            seen.record(attempt);
            [Err(())].into_iter()
        })
        .collect();
    assert_eq!(items, [Err(())]);
    check("an iterator's factory", seen.take());
}
