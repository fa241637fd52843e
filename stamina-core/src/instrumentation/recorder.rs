//! The test recorder: what every retry loop did on one thread, or in one
//! future, for assertions such as "this call retried exactly twice, waiting
//! 100 ms and then 200 ms" or "nothing was retried".
//!
//! A recorder is reached through the thread that runs the loop: a
//! [`thread_scope`](Recorder::thread_scope) guard installs it on this thread,
//! and [`future_scope`](Recorder::future_scope) installs it around each poll of
//! one future, whichever thread polls it. Tests running in parallel record
//! separately.
//!
//! While no recorder scope is alive anywhere in the process, a loop pays
//! nothing for this: the hook registry's state word, which a loop loads
//! anyway, also counts the live scopes.

use core::cell::RefCell;
use core::fmt;
use core::future::Future;
use core::marker::PhantomData;
use core::pin::Pin;
use core::task::{Context, Poll};
use core::time::Duration;
use std::sync::{Arc, Mutex, PoisonError};

use super::details::GiveUpReason;
use super::registry;

type Log = Arc<Mutex<Vec<AttemptRecord>>>;

thread_local! {
    /// The recorder in scope on this thread, if any.
    static IN_SCOPE: RefCell<Option<Log>> = const { RefCell::new(None) };
}

/// Records every attempt of the retry loops that run in its scopes, with what
/// followed it: a success, a scheduled retry with its wait, or giving up with
/// the reason.
///
/// Waits are recorded as planned: in testing mode, where no loop waits, the
/// recorder still shows what the policy (or `on`) scheduled, next to the zero
/// that was slept. In inactive mode (`set_active(false)`), nothing is
/// recorded: retrying is off.
///
/// Clones share one record.
///
/// ```
/// use std::time::Duration;
/// use stamina::testing::{self, Mode, Recorder, TestMode};
///
/// #[stamina::retry(on = |_| true, attempts = 3, wait_initial = "100ms", wait_jitter = 0)]
/// fn always_fails() -> Result<(), &'static str> {
///     Err("unavailable")
/// }
///
/// let recorder = Recorder::new();
/// {
///     let _mode = testing::thread_scope(Mode::Testing(TestMode::new(3)));
///     let _recording = recorder.thread_scope();
///     assert!(always_fails().is_err());
/// }
/// // Two retries were scheduled, as the policy planned them, though testing
/// // mode slept neither.
/// assert_eq!(recorder.retries(), 2);
/// assert_eq!(recorder.planned_waits(), [Duration::from_millis(100), Duration::from_millis(200)]);
/// assert_eq!(recorder.attempts().len(), 3);
/// ```
#[derive(Clone, Default)]
pub struct Recorder {
    log: Log,
}

/// One attempt of a retry loop, as a [`Recorder`] saw it.
///
/// ```
/// use std::time::Duration;
/// use stamina::testing::{AttemptOutcome, Recorder};
///
/// let recorder = Recorder::new();
/// let _recording = recorder.thread_scope();
/// let caller = stamina::RetryingCaller::new().wait_max(Duration::ZERO).name("fetch_repo");
/// let mut calls = 0;
/// let _ = caller.call(|_: &()| true, || {
///     calls += 1;
///     if calls < 2 { Err(()) } else { Ok(()) }
/// });
///
/// let attempts = recorder.attempts();
/// assert_eq!(attempts.len(), 2);
/// assert_eq!((attempts[0].name.as_str(), attempts[0].num), ("fetch_repo", 1));
/// assert!(matches!(attempts[0].outcome, AttemptOutcome::Retried { .. }));
/// assert_eq!(attempts[1].outcome, AttemptOutcome::Succeeded);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AttemptRecord {
    /// The name hooks see: the fn's path, `Type::method`, a block's, a caller's
    /// or a context's own name, or `<context block>`.
    pub name: String,
    /// The attempt's number, from 1.
    pub num: u32,
    /// What followed it.
    pub outcome: AttemptOutcome,
}

/// What followed an attempt.
///
/// ```
/// use std::time::Duration;
/// use stamina::instrumentation::GiveUpReason;
/// use stamina::testing::{self, AttemptOutcome, Recorder, TestMode};
///
/// let _testing = testing::thread_scope(TestMode::new(2));
/// let recorder = Recorder::new();
/// let _recording = recorder.thread_scope();
/// let caller = stamina::RetryingCaller::new().wait_jitter(Duration::ZERO);
/// let _ = caller.call(|_: &&str| true, || Err::<(), _>("busy"));
///
/// let outcomes: Vec<AttemptOutcome> = recorder.attempts().into_iter().map(|attempt| attempt.outcome).collect();
/// assert_eq!(outcomes, [
///     // Testing mode slept nothing of the 100 ms the policy planned.
///     AttemptOutcome::Retried { planned_wait: Duration::from_millis(100), actual_wait: Duration::ZERO, error_type: "&str" },
///     AttemptOutcome::GaveUp { reason: GiveUpReason::AttemptsExhausted, error_type: "&str" },
/// ]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AttemptOutcome {
    /// It succeeded: the loop returned its `Ok`.
    Succeeded,
    /// It failed and a retry was scheduled.
    Retried {
        /// The wait the policy's backoff, or `on`, scheduled.
        planned_wait: Duration,
        /// The wait slept: zero in testing mode, else the planned one.
        actual_wait: Duration,
        /// The type name of the error.
        error_type: &'static str,
    },
    /// It failed and the loop gave up, returning the error.
    GaveUp {
        /// Why.
        reason: GiveUpReason,
        /// The type name of the error.
        error_type: &'static str,
    },
}

impl Recorder {
    /// An empty recorder, in no scope yet.
    ///
    /// ```
    /// assert!(stamina::testing::Recorder::new().attempts().is_empty());
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Records the loops that run on **this thread** until the guard drops.
    /// Scopes nest: the innermost recorder records.
    ///
    /// A thread scope does not follow work that `tokio::spawn` moves to
    /// other worker threads; use [`future_scope`](Self::future_scope) for a
    /// future that may run anywhere.
    ///
    /// ```
    /// use stamina::testing::Recorder;
    ///
    /// let recorder = Recorder::new();
    /// {
    ///     let _recording = recorder.thread_scope();
    ///     let caller = stamina::RetryingCaller::new();
    ///     assert_eq!(caller.call(|_: &()| true, || Ok::<_, ()>(7)), Ok(7));
    /// }
    /// assert_eq!(recorder.retries(), 0); // nothing was retried
    /// assert_eq!(recorder.attempts().len(), 1);
    /// ```
    #[must_use = "the recorder records until the guard drops; bind it with `let _recording = ...`"]
    pub fn thread_scope(&self) -> RecorderGuard {
        let observer = Observer::new();
        let previous = install(Some(Arc::clone(&self.log)));
        RecorderGuard { previous, _observer: observer, not_send: PhantomData }
    }

    /// Records the loops that run inside `future`, whichever thread polls it:
    /// the recorder is installed for the duration of each poll. The returned
    /// future is `Send` when `future` is.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use stamina::testing::Recorder;
    ///
    /// let recorder = Recorder::new();
    /// let result = recorder
    ///     .future_scope(async {
    ///         let caller = stamina::AsyncRetryingCaller::new().wait_max(std::time::Duration::ZERO);
    ///         caller.call(|_: &()| false, || async { Err::<(), _>(()) }).await
    ///     })
    ///     .await;
    /// assert!(result.is_err());
    /// assert_eq!(recorder.attempts().len(), 1);
    /// assert_eq!(recorder.retries(), 0);
    /// # }
    /// ```
    pub fn future_scope<F: Future>(&self, future: F) -> RecordedFuture<F> {
        RecordedFuture { future: Box::pin(future), log: Arc::clone(&self.log), _observer: Observer::new() }
    }

    /// Every attempt recorded so far, in the order they ended.
    ///
    /// ```
    /// assert!(stamina::testing::Recorder::new().attempts().is_empty());
    /// ```
    pub fn attempts(&self) -> Vec<AttemptRecord> {
        self.lock().clone()
    }

    /// How many retries were scheduled.
    ///
    /// ```
    /// assert_eq!(stamina::testing::Recorder::new().retries(), 0);
    /// ```
    pub fn retries(&self) -> usize {
        self.lock().iter().filter(|record| matches!(record.outcome, AttemptOutcome::Retried { .. })).count()
    }

    /// The planned wait of every scheduled retry, in order.
    ///
    /// ```
    /// assert!(stamina::testing::Recorder::new().planned_waits().is_empty());
    /// ```
    pub fn planned_waits(&self) -> Vec<Duration> {
        self.lock()
            .iter()
            .filter_map(|record| match record.outcome {
                AttemptOutcome::Retried { planned_wait, .. } => Some(planned_wait),
                _ => None,
            })
            .collect()
    }

    /// Why each loop that gave up did, in order.
    ///
    /// ```
    /// assert!(stamina::testing::Recorder::new().give_ups().is_empty());
    /// ```
    pub fn give_ups(&self) -> Vec<GiveUpReason> {
        self.lock()
            .iter()
            .filter_map(|record| match record.outcome {
                AttemptOutcome::GaveUp { reason, .. } => Some(reason),
                _ => None,
            })
            .collect()
    }

    /// Forgets everything recorded so far.
    ///
    /// ```
    /// let recorder = stamina::testing::Recorder::new();
    /// recorder.clear();
    /// assert!(recorder.attempts().is_empty());
    /// ```
    pub fn clear(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<AttemptRecord>> {
        self.log.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl fmt::Debug for Recorder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recorder").field("attempts", &self.lock().len()).finish()
    }
}

/// Keeps a [`Recorder`] in scope on this thread; see
/// [`Recorder::thread_scope`]. Restores the recorder it replaced when dropped.
///
/// ```
/// use stamina::testing::Recorder;
///
/// let (outer, inner) = (Recorder::new(), Recorder::new());
/// let _outer = outer.thread_scope();
/// {
///     let _inner = inner.thread_scope();
///     let _ = stamina::RetryingCaller::new().call(|_: &()| true, || Ok::<_, ()>(()));
/// }
/// let _ = stamina::RetryingCaller::new().call(|_: &()| true, || Ok::<_, ()>(()));
/// assert_eq!((outer.attempts().len(), inner.attempts().len()), (1, 1));
/// ```
pub struct RecorderGuard {
    previous: Option<Log>,
    _observer: Observer,
    not_send: PhantomData<*const ()>,
}

impl Drop for RecorderGuard {
    fn drop(&mut self) {
        install(self.previous.take());
    }
}

impl fmt::Debug for RecorderGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecorderGuard")
    }
}

/// A future whose retry loops a [`Recorder`] records; made by
/// [`Recorder::future_scope`].
///
/// It is `Send` when the inner future is, so it can be spawned:
///
/// ```
/// # #[tokio::main(flavor = "multi_thread", worker_threads = 2)] async fn main() {
/// use stamina::testing::{RecordedFuture, Recorder};
///
/// let recorder = Recorder::new();
/// let task = async { stamina::RetryingCaller::new().call(|_: &()| true, || Ok::<_, ()>(1)) };
/// let recorded: RecordedFuture<_> = recorder.future_scope(task);
/// assert_eq!(tokio::spawn(recorded).await.unwrap(), Ok(1)); // on a worker thread
/// assert_eq!(recorder.attempts().len(), 1);
/// # }
/// ```
///
/// The inner future is boxed, so that this needs no pin projection (the
/// crate has no `unsafe`); a recorder is a testing tool.
#[must_use = "futures do nothing unless awaited"]
pub struct RecordedFuture<F> {
    future: Pin<Box<F>>,
    log: Log,
    _observer: Observer,
}

impl<F: Future> Future for RecordedFuture<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.get_mut();
        let previous = install(Some(Arc::clone(&this.log)));
        // Restored also when the poll panics.
        let _restore = Restore(previous);
        this.future.as_mut().poll(cx)
    }
}

impl<F> fmt::Debug for RecordedFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecordedFuture")
    }
}

struct Restore(Option<Log>);

impl Drop for Restore {
    fn drop(&mut self) {
        install(self.0.take());
    }
}

/// Counts one live scope in the registry's state word, so that retry loops
/// take the path that reaches recorders while it lives.
struct Observer;

impl Observer {
    fn new() -> Self {
        registry::add_recorder_scope();
        Self
    }
}

impl Drop for Observer {
    fn drop(&mut self) {
        registry::remove_recorder_scope();
    }
}

fn install(log: Option<Log>) -> Option<Log> {
    IN_SCOPE.with(|cell| cell.replace(log))
}

/// Appends an attempt to this thread's recorder, if one is in scope.
#[cold]
pub(super) fn record(name: &str, num: u32, outcome: AttemptOutcome) {
    IN_SCOPE.with(|cell| {
        if let Some(log) = &*cell.borrow() {
            let record = AttemptRecord { name: name.to_owned(), num, outcome };
            log.lock().unwrap_or_else(PoisonError::into_inner).push(record);
        }
    });
}

/// Whether this thread has a recorder in scope.
pub(super) fn in_scope() -> bool {
    IN_SCOPE.with(|cell| cell.borrow().is_some())
}
