//! Retrying streams and iterators of `Result`s: one stream (or iterator) per
//! attempt, made by a factory that sees the [`Attempt`].
//!
//! The drivers here are thin: every failure goes to
//! [`RetryState::settle`](crate::macro_support::RetryState::settle), the one
//! decision core, which decides, waits, calls the hooks and gives up exactly
//! as it does for `retry_context`'s blocks. What is specific to streams is
//! only what happens to the items already yielded when an attempt fails, the
//! [`Behaviour`]: [`Restart`] (Python stamina's), [`Resume`] or [`Commit`].

use core::convert::Infallible;
use core::fmt;
use core::fmt::Debug;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, ready};

use futures_core::{FusedStream, Stream};
use pin_project_lite::pin_project;

use crate::engine::{Pause, RetryState, Settled, Site, Sleeper, Sleeping, Stamp, coarse_stamp};
use crate::instrumentation::{CallableName, ErrorView, GiveUpReason, NoErrorView};
use crate::on::{Decision, IntoDecision, decide};
use crate::{Attempt, RetryContext, RetryPolicy};

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::Restart {}
    impl Sealed for super::Commit {}
    impl<C, A> Sealed for super::Resume<C, A> {}
}

/// What a retried stream does with the items an attempt already yielded when
/// the attempt fails: [`Restart`], [`Resume`] or [`Commit`]. It also calls the
/// factory, whose signature it decides (`Resume`'s sees the cursor).
///
/// Sealed: the three behaviours are the ones the docs describe.
///
/// ```
/// use stamina::stream::{Behaviour, Restart};
///
/// fn restarts<B: Behaviour<fn(stamina::Attempt) -> std::vec::IntoIter<Result<u8, ()>>, std::vec::IntoIter<Result<u8, ()>>, u8>>(_: &B) {}
/// restarts(&Restart);
/// ```
pub trait Behaviour<F, O, T>: sealed::Sealed {
    /// Makes the stream (or iterator) of `attempt`.
    #[doc(hidden)]
    fn make(&mut self, factory: &mut F, attempt: Attempt) -> O;
    /// Sees an item before it is yielded.
    #[doc(hidden)]
    fn yielded(&mut self, item: &T);
    /// Whether an error may no longer be retried.
    #[doc(hidden)]
    fn committed(&self) -> bool;
}

/// The default, Python stamina's: a failed attempt's stream is dropped and the
/// next attempt's starts from the beginning, so **the items already yielded are
/// yielded again**. The factory is `FnMut(Attempt) -> St`.
///
/// ```
/// let items: Vec<Result<u32, &str>> = stamina::retry_context(|_: &&str| true)
///     .wait_max(std::time::Duration::ZERO)
///     .iter(|attempt| {
///         let fail = attempt.num() < 2;
///         [Ok(1), if fail { Err("lost") } else { Ok(2) }].into_iter()
///     })
///     .collect();
/// assert_eq!(items, [Ok(1), Ok(1), Ok(2)]); // 1 twice
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Restart;

/// gRPC's rule: once an item has been yielded, the call is committed and never
/// retried again: an error after the first item ends the stream with that
/// error. Errors before the first item are retried as usual. The factory is
/// `FnMut(Attempt) -> St`.
///
/// ```
/// let items: Vec<Result<u32, &str>> = stamina::retry_context(|_: &&str| true)
///     .wait_max(std::time::Duration::ZERO)
///     .iter_committed(|attempt| match attempt.num() {
///         1 => vec![Err("before any item: retried")],
///         _ => vec![Ok(1), Err("after an item: final"), Ok(2)],
///     }.into_iter())
///     .collect();
/// assert_eq!(items, [Ok(1), Err("after an item: final")]);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Commit {
    /// Whether an item was yielded.
    yielded: bool,
}

/// Continues where the failed attempt stopped: a cursor, advanced by
/// `advance(&mut cursor, &item)` for every item yielded, is handed to the
/// factory, `FnMut(Attempt, &C) -> St`, which starts the next stream from it:
/// a page number or a next-page link, an event id, an offset.
///
/// ```
/// // Numbers from 1 to 4; the first attempt fails after 2.
/// let items: Vec<Result<u32, &str>> = stamina::retry_context(|_: &&str| true)
///     .wait_max(std::time::Duration::ZERO)
///     .iter_resumed(0, |last: &mut u32, item: &u32| *last = *item, |attempt, last: &u32| {
///         let fail_after = if attempt.num() == 1 { 2 } else { u32::MAX };
///         (*last + 1..=4).map(move |n| if n > fail_after { Err("lost") } else { Ok(n) })
///     })
///     .collect();
/// assert_eq!(items, [Ok(1), Ok(2), Ok(3), Ok(4)]); // no duplicates
/// ```
#[derive(Clone, Copy)]
pub struct Resume<C, A> {
    cursor: C,
    advance: A,
}

impl<C, A> Resume<C, A> {
    /// The cursor: where the next stream would start.
    ///
    /// ```
    /// let mut items = stamina::retry_context(|_: &()| true)
    ///     .iter_resumed(0_usize, |seen: &mut usize, _: &char| *seen += 1, |_, &seen: &usize| {
    ///         "abc".chars().skip(seen).map(Ok::<char, ()>)
    ///     });
    /// assert_eq!(items.next(), Some(Ok('a')));
    /// assert_eq!(*items.behaviour().cursor(), 1);
    /// ```
    pub fn cursor(&self) -> &C {
        &self.cursor
    }
}

impl<C: Debug, A> Debug for Resume<C, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Resume").field("cursor", &self.cursor).finish_non_exhaustive()
    }
}

impl<F: FnMut(Attempt) -> O, O, T> Behaviour<F, O, T> for Restart {
    #[inline]
    fn make(&mut self, factory: &mut F, attempt: Attempt) -> O {
        factory(attempt)
    }
    #[inline]
    fn yielded(&mut self, _: &T) {}
    #[inline]
    fn committed(&self) -> bool {
        false
    }
}

impl<F: FnMut(Attempt) -> O, O, T> Behaviour<F, O, T> for Commit {
    #[inline]
    fn make(&mut self, factory: &mut F, attempt: Attempt) -> O {
        factory(attempt)
    }
    #[inline]
    fn yielded(&mut self, _: &T) {
        self.yielded = true;
    }
    #[inline]
    fn committed(&self) -> bool {
        self.yielded
    }
}

impl<C, A: FnMut(&mut C, &T), F: FnMut(Attempt, &C) -> O, O, T> Behaviour<F, O, T> for Resume<C, A> {
    #[inline]
    fn make(&mut self, factory: &mut F, attempt: Attempt) -> O {
        factory(attempt, &self.cursor)
    }
    #[inline]
    fn yielded(&mut self, item: &T) {
        (self.advance)(&mut self.cursor, item);
    }
    #[inline]
    fn committed(&self) -> bool {
        false
    }
}

/// What the stream and the iterator share: the configuration, the loop's
/// state (made at the first poll, when the first attempt starts, so the
/// switches are read then, as Python reads them when a generator starts), and
/// whether the retried stream has ended.
struct Core<P, B, W> {
    policy: RetryPolicy,
    name: CallableName,
    on: P,
    behaviour: B,
    view: W,
    state: Option<RetryState>,
    finished: bool,
}

impl<P, B, W> Core<P, B, W> {
    fn new(policy: RetryPolicy, name: CallableName, on: P, behaviour: B, view: W) -> Self {
        Self { policy, name, on, behaviour, view, state: None, finished: false }
    }

    /// The next attempt's stream; `clock` is the one its attempt tells the
    /// elapsed time on.
    #[inline]
    fn start<F, O, T>(&mut self, factory: &mut F, now: impl FnOnce() -> Stamp, clock: fn() -> Stamp) -> O
    where
        B: Behaviour<F, O, T>,
    {
        let policy = &self.policy;
        let attempt =
            self.state.get_or_insert_with(|| RetryState::new(policy, now)).attempt_at(policy, clock);
        self.behaviour.make(factory, attempt)
    }

    /// The attempt's stream ended: a success, reported as one.
    #[cold]
    fn ended(&mut self, now: impl FnOnce() -> Stamp) {
        self.finished = true;
        if let Some(state) = &mut self.state {
            let site = Site { policy: &self.policy, name: &self.name };
            let never = |never: &Infallible| -> bool { match *never {} };
            let _ = state.settle(site, Ok::<(), Infallible>(()), &never, now, NoErrorView);
        }
    }

    /// The attempt's stream yielded `error`: `Ok` to wait and retry, `Err` to
    /// yield it as the last item.
    #[cold]
    fn failed<F, O, T, E, D>(&mut self, error: E, now: impl FnOnce() -> Stamp) -> Result<Pause, E>
    where
        B: Behaviour<F, O, T>,
        E: Debug,
        P: Fn(&E) -> D,
        D: IntoDecision,
        W: ErrorView<E> + Copy,
    {
        let Some(state) = &mut self.state else {
            self.finished = true;
            return Err(error);
        };
        let site = Site { policy: &self.policy, name: &self.name };
        let committed = self.behaviour.committed();
        // A committed stream's error is not retried: one `on` would retry ends
        // the stream with its own reason; one it rejects is given up on as not
        // retryable. `on` is asked once either way.
        if committed && state.retrying() && decide(&self.on, &error).retries() {
            state.give_up_for(site, GiveUpReason::StreamCommitted, &error, &self.view);
            self.finished = true;
            return Err(error);
        }
        let on = &self.on;
        let on = |error: &E| if committed { Decision::NoRetry } else { decide(on, error) };
        match state.settle(site, Err::<Infallible, E>(error), &on, now, self.view) {
            Settled::Wait(pause) => Ok(pause),
            Settled::Done(Err(error)) => {
                self.finished = true;
                Err(error)
            }
            Settled::Done(Ok(never)) => match never {},
        }
    }
}

pin_project! {
    /// A stream retried by [`RetryContext::stream`] (or `stream_resumed`,
    /// `stream_committed`): it yields the items of the current attempt's
    /// stream; when one yields an `Err` that `on` retries, that stream is
    /// dropped, the loop waits, and the factory makes the next one. An `Err`
    /// that is not retried, or the last one when the loop gives up, is the
    /// last item; the stream ends when an attempt's stream ends.
    ///
    /// Dropping it stops everything: the attempt's stream or the wait is
    /// dropped, with the hooks' guards, and no hook is called. It is `Send`
    /// when the factory, its streams, `on` and the sleeper are, and it
    /// allocates nothing per item.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use futures_lite::StreamExt as _;
    ///
    /// let stream = stamina::retry_context(|_: &&str| true)
    ///     .wait_max(std::time::Duration::ZERO)
    ///     .stream(|attempt| futures_lite::stream::iter([Ok(1), if attempt.num() < 2 { Err("lost") } else { Ok(2) }]));
    /// assert_eq!(stream.collect::<Vec<_>>().await, [Ok(1), Ok(1), Ok(2)]);
    /// # }
    /// ```
    #[must_use = "streams do nothing unless polled"]
    pub struct RetryingStream<P, S: Sleeper, F, St, B = Restart, W = NoErrorView> {
        #[pin]
        current: Option<St>,
        sleeping: Option<Sleeping<S::Sleep>>,
        core: Core<P, B, W>,
        factory: F,
        sleeper: S,
    }
}

impl<P, S: Sleeper, F, St, B, W> RetryingStream<P, S, F, St, B, W> {
    /// Not public API: the macros' constructor, which picks the view.
    #[doc(hidden)]
    pub fn new(
        policy: RetryPolicy,
        name: CallableName,
        on: P,
        sleeper: S,
        behaviour: B,
        view: W,
        factory: F,
    ) -> Self {
        Self {
            current: None,
            sleeping: None,
            core: Core::new(policy, name, on, behaviour, view),
            factory,
            sleeper,
        }
    }

    /// The behaviour, with its state: [`Resume::cursor`] says where the next
    /// attempt would start.
    ///
    /// ```
    /// let stream = stamina::retry_context(|_: &()| true)
    ///     .stream_resumed(7_u32, |_: &mut u32, _: &u32| {}, |_, &from: &u32| futures_lite::stream::iter([Ok::<u32, ()>(from)]));
    /// assert_eq!(*stream.behaviour().cursor(), 7);
    /// ```
    pub fn behaviour(&self) -> &B {
        &self.core.behaviour
    }
}

use super::DynErrorView;

impl<P, S: Sleeper, F, St, B> RetryingStream<P, S, F, St, B, NoErrorView> {
    /// Shows the hooks each error as a `std::error::Error` too
    /// ([`RetryDetails::error`](crate::instrumentation::RetryDetails::error)),
    /// so the built-in sinks log its `Display` and `source()` chain instead
    /// of its `Debug`. The runtime API cannot tell by itself whether a generic
    /// error type is an `Error`; the attribute can, and does this itself.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use futures_lite::{StreamExt as _, stream};
    ///
    /// let lines = stamina::retry_context(|_: &std::io::Error| true)
    ///     .wait_max(std::time::Duration::ZERO)
    ///     .stream(|attempt| {
    ///         let line = if attempt.num() == 1 { Err(std::io::ErrorKind::ConnectionReset.into()) } else { Ok("a") };
    ///         stream::iter([line])
    ///     })
    ///     .with_dyn_error();
    /// assert_eq!(lines.map(Result::unwrap).collect::<Vec<_>>().await, ["a"]);
    /// # }
    /// ```
    pub fn with_dyn_error<T, E>(self) -> RetryingStream<P, S, F, St, B, DynErrorView>
    where
        St: Stream<Item = Result<T, E>>,
        E: std::error::Error + 'static,
    {
        let Self { current, sleeping, core, factory, sleeper } = self;
        let Core { policy, name, on, behaviour, view: NoErrorView, state, finished } = core;
        let view = DynErrorView;
        RetryingStream {
            current,
            sleeping,
            core: Core { policy, name, on, behaviour, view, state, finished },
            factory,
            sleeper,
        }
    }
}

impl<P, S, F, St, B, W, T, E, D> Stream for RetryingStream<P, S, F, St, B, W>
where
    S: Sleeper,
    St: Stream<Item = Result<T, E>>,
    B: Behaviour<F, St, T>,
    E: Debug,
    P: Fn(&E) -> D,
    D: IntoDecision,
    W: ErrorView<E> + Copy,
{
    type Item = Result<T, E>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let mut this = self.project();
        loop {
            if let Some(sleeping) = this.sleeping {
                ready!(Pin::new(sleeping).poll(cx));
                *this.sleeping = None;
            }
            let sleeper = &*this.sleeper;
            if this.current.is_none() {
                if this.core.finished {
                    return Poll::Ready(None);
                }
                let stream = this.core.start(this.factory, || sleeper.stamp(), sleeper.clock());
                this.current.set(Some(stream));
            }
            let Some(current) = this.current.as_mut().as_pin_mut() else {
                return Poll::Ready(None);
            };
            match ready!(current.poll_next(cx)) {
                Some(Ok(item)) => {
                    this.core.behaviour.yielded(&item);
                    return Poll::Ready(Some(Ok(item)));
                }
                // Dropped before the wait: what it holds (a connection) is not
                // kept through the backoff.
                Some(Err(error)) => {
                    this.current.set(None);
                    match this.core.failed(error, || sleeper.stamp()) {
                        Ok(pause) => *this.sleeping = pause.sleep_async(sleeper),
                        Err(error) => return Poll::Ready(Some(Err(error))),
                    }
                }
                None => {
                    this.current.set(None);
                    this.core.ended(|| sleeper.stamp());
                    return Poll::Ready(None);
                }
            }
        }
    }
}

impl<P, S, F, St, B, W, T, E, D> FusedStream for RetryingStream<P, S, F, St, B, W>
where
    Self: Stream,
    S: Sleeper,
    St: Stream<Item = Result<T, E>>,
    B: Behaviour<F, St, T>,
    E: Debug,
    P: Fn(&E) -> D,
    D: IntoDecision,
    W: ErrorView<E> + Copy,
{
    fn is_terminated(&self) -> bool {
        self.core.finished && self.current.is_none()
    }
}

impl<P, S: Sleeper, F, St, B: Debug, W> Debug for RetryingStream<P, S, F, St, B, W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryingStream")
            .field("name", &self.core.name.path())
            .field("behaviour", &self.core.behaviour)
            .field("attempt", &self.core.state.as_ref().map(|state| state.attempt(&self.core.policy).num()))
            .field("waiting", &self.sleeping.is_some())
            .field("finished", &self.core.finished)
            .finish_non_exhaustive()
    }
}

/// An iterator retried by [`RetryContext::iter`] (or `iter_resumed`,
/// `iter_committed`): the sync form of [`RetryingStream`], which waits on the
/// thread inside `next`.
///
/// ```
/// let lines: Vec<Result<&str, std::io::Error>> = stamina::retry_context(|e: &std::io::Error| e.kind() == std::io::ErrorKind::Interrupted)
///     .wait_max(std::time::Duration::ZERO)
///     .iter(|attempt| {
///         let second = if attempt.num() < 2 { Err(std::io::ErrorKind::Interrupted.into()) } else { Ok("b") };
///         [Ok("a"), second].into_iter()
///     })
///     .collect();
/// assert_eq!(lines.into_iter().map(Result::unwrap).collect::<Vec<_>>(), ["a", "a", "b"]);
/// ```
#[must_use = "iterators do nothing unless iterated"]
pub struct RetryingIter<P, F, I, B = Restart, W = NoErrorView> {
    current: Option<I>,
    core: Core<P, B, W>,
    factory: F,
}

impl<P, F, I, B, W> RetryingIter<P, F, I, B, W> {
    /// Not public API: the macros' constructor, which picks the view.
    #[doc(hidden)]
    pub fn new(policy: RetryPolicy, name: CallableName, on: P, behaviour: B, view: W, factory: F) -> Self {
        Self { current: None, core: Core::new(policy, name, on, behaviour, view), factory }
    }

    /// The behaviour, with its state: [`Resume::cursor`] says where the next
    /// attempt would start.
    ///
    /// ```
    /// let mut items = stamina::retry_context(|_: &()| true)
    ///     .iter_committed(|_| [Ok::<u8, ()>(1)].into_iter());
    /// assert_eq!(items.next(), Some(Ok(1)));
    /// assert!(format!("{:?}", items.behaviour()).contains("yielded: true"));
    /// ```
    pub fn behaviour(&self) -> &B {
        &self.core.behaviour
    }
}

impl<P, F, I, B> RetryingIter<P, F, I, B, NoErrorView> {
    /// Shows the hooks each error as a `std::error::Error` too, as
    /// [`RetryingStream::with_dyn_error`] does.
    ///
    /// ```
    /// let lines: Vec<_> = stamina::retry_context(|_: &std::io::Error| true)
    ///     .wait_max(std::time::Duration::ZERO)
    ///     .iter(|attempt| {
    ///         let line = if attempt.num() == 1 { Err(std::io::ErrorKind::ConnectionReset.into()) } else { Ok("a") };
    ///         std::iter::once(line)
    ///     })
    ///     .with_dyn_error()
    ///     .map(Result::unwrap)
    ///     .collect();
    /// assert_eq!(lines, ["a"]);
    /// ```
    pub fn with_dyn_error<T, E>(self) -> RetryingIter<P, F, I, B, DynErrorView>
    where
        I: Iterator<Item = Result<T, E>>,
        E: std::error::Error + 'static,
    {
        let Self { current, core, factory } = self;
        let Core { policy, name, on, behaviour, view: NoErrorView, state, finished } = core;
        let view = DynErrorView;
        RetryingIter { current, core: Core { policy, name, on, behaviour, view, state, finished }, factory }
    }
}

impl<P, F, I, B, W, T, E, D> Iterator for RetryingIter<P, F, I, B, W>
where
    I: Iterator<Item = Result<T, E>>,
    B: Behaviour<F, I, T>,
    E: Debug,
    P: Fn(&E) -> D,
    D: IntoDecision,
    W: ErrorView<E> + Copy,
{
    type Item = Result<T, E>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.current.is_none() {
                if self.core.finished {
                    return None;
                }
                self.current = Some(self.core.start(&mut self.factory, coarse_stamp, coarse_stamp));
            }
            let current = self.current.as_mut()?;
            match current.next() {
                Some(Ok(item)) => {
                    self.core.behaviour.yielded(&item);
                    return Some(Ok(item));
                }
                Some(Err(error)) => {
                    self.current = None;
                    match self.core.failed(error, coarse_stamp) {
                        Ok(pause) => pause.sleep_sync(),
                        Err(error) => return Some(Err(error)),
                    }
                }
                None => {
                    self.current = None;
                    self.core.ended(coarse_stamp);
                    return None;
                }
            }
        }
    }
}

impl<P, F, I, B, W, T, E, D> core::iter::FusedIterator for RetryingIter<P, F, I, B, W>
where
    I: Iterator<Item = Result<T, E>>,
    B: Behaviour<F, I, T>,
    E: Debug,
    P: Fn(&E) -> D,
    D: IntoDecision,
    W: ErrorView<E> + Copy,
{
}

impl<P, F, I, B: Debug, W> Debug for RetryingIter<P, F, I, B, W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryingIter")
            .field("name", &self.core.name.path())
            .field("behaviour", &self.core.behaviour)
            .field("attempt", &self.core.state.as_ref().map(|state| state.attempt(&self.core.policy).num()))
            .field("finished", &self.core.finished)
            .finish_non_exhaustive()
    }
}

impl<P, S: Sleeper, W> RetryContext<P, S, crate::Uncancelled, W> {
    /// Retries a stream of `Result`s, restarting it: `factory` makes one
    /// stream per attempt from the current [`Attempt`]; when a stream yields
    /// an `Err` that `on` retries, it is dropped and, after the wait, the next
    /// attempt's stream **starts from the beginning: the items already
    /// yielded are yielded again** ([`Restart`], Python stamina's behaviour).
    /// See [`stream_resumed`](Self::stream_resumed) to continue instead, and
    /// [`stream_committed`](Self::stream_committed) to never retry after the
    /// first item.
    ///
    /// An `Err` that is not retried, or the last one when the loop gives up,
    /// is the stream's last item. A stream that ends ends the call: a success.
    /// The context is taken by value, so the stream can be returned; copy or
    /// clone a context to keep it.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use futures_lite::{StreamExt as _, stream};
    ///
    /// let events = stamina::retry_context(|error: &&str| *error == "reset")
    ///     .wait_max(std::time::Duration::ZERO)
    ///     .stream(|attempt| {
    ///         let second = if attempt.num() == 1 { Err("reset") } else { Ok("b") };
    ///         stream::iter([Ok("a"), second])
    ///     });
    /// assert_eq!(events.collect::<Vec<_>>().await, [Ok("a"), Ok("a"), Ok("b")]);
    /// # }
    /// ```
    pub fn stream<F, St, T, E, D>(self, factory: F) -> RetryingStream<P, S, F, St, Restart, W>
    where
        F: FnMut(Attempt) -> St,
        St: Stream<Item = Result<T, E>>,
        E: Debug,
        P: Fn(&E) -> D,
        D: IntoDecision,
        W: ErrorView<E> + Copy,
    {
        let (policy, name, on, sleeper, view) = self.into_parts();
        RetryingStream::new(policy, name, on, sleeper, Restart, view, factory)
    }

    /// Retries a stream of `Result`s, resuming it: `advance(&mut cursor,
    /// &item)` sees every item yielded, and `factory(attempt, &cursor)` makes
    /// each attempt's stream from where the last one stopped ([`Resume`]).
    ///
    /// A paginated listing, resumed at the page that failed:
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use futures_lite::{StreamExt as _, stream};
    ///
    /// // Pages 1 to 3 of a listing; page 2 fails once.
    /// async fn fetch(page: u32, attempt: u32) -> Result<Vec<u32>, &'static str> {
    ///     if page == 2 && attempt == 1 { Err("503") } else { Ok(vec![page * 10, page * 10 + 1]) }
    /// }
    ///
    /// let pages = stamina::retry_context(|error: &&str| *error == "503")
    ///     .wait_max(std::time::Duration::ZERO)
    ///     .stream_resumed(1, |next: &mut u32, _page: &Vec<u32>| *next += 1, |attempt, &first: &u32| {
    ///         stream::unfold(first, move |page| async move {
    ///             (page <= 3).then_some(())?;
    ///             Some((fetch(page, attempt.num()).await, page + 1))
    ///         })
    ///     });
    /// let pages: Vec<_> = pages.collect().await;
    /// assert_eq!(pages, [Ok(vec![10, 11]), Ok(vec![20, 21]), Ok(vec![30, 31])]);
    /// # }
    /// ```
    pub fn stream_resumed<C, A, F, St, T, E, D>(
        self,
        cursor: C,
        advance: A,
        factory: F,
    ) -> RetryingStream<P, S, F, St, Resume<C, A>, W>
    where
        A: FnMut(&mut C, &T),
        F: FnMut(Attempt, &C) -> St,
        St: Stream<Item = Result<T, E>>,
        E: Debug,
        P: Fn(&E) -> D,
        D: IntoDecision,
        W: ErrorView<E> + Copy,
    {
        let (policy, name, on, sleeper, view) = self.into_parts();
        RetryingStream::new(policy, name, on, sleeper, Resume { cursor, advance }, view, factory)
    }

    /// Retries a stream of `Result`s until its first item, then never
    /// again ([`Commit`], gRPC's rule): an error after the first item is the
    /// last item.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use futures_lite::{StreamExt as _, stream};
    ///
    /// let items = stamina::retry_context(|_: &&str| true)
    ///     .wait_max(std::time::Duration::ZERO)
    ///     .stream_committed(|_| stream::iter([Ok(1), Err("broken")]));
    /// assert_eq!(items.collect::<Vec<_>>().await, [Ok(1), Err("broken")]);
    /// # }
    /// ```
    pub fn stream_committed<F, St, T, E, D>(self, factory: F) -> RetryingStream<P, S, F, St, Commit, W>
    where
        F: FnMut(Attempt) -> St,
        St: Stream<Item = Result<T, E>>,
        E: Debug,
        P: Fn(&E) -> D,
        D: IntoDecision,
        W: ErrorView<E> + Copy,
    {
        let (policy, name, on, sleeper, view) = self.into_parts();
        RetryingStream::new(policy, name, on, sleeper, Commit::default(), view, factory)
    }
}

impl<P, S, W> RetryContext<P, S, crate::Uncancelled, W> {
    /// Retries an iterator of `Result`s, restarting it: the sync form of
    /// [`stream`](Self::stream). The items already yielded are yielded again.
    ///
    /// ```
    /// let items: Vec<_> = stamina::retry_context(|_: &&str| true)
    ///     .wait_max(std::time::Duration::ZERO)
    ///     .iter(|attempt| [Ok(1), if attempt.num() < 3 { Err("no") } else { Ok(2) }].into_iter())
    ///     .collect();
    /// assert_eq!(items, [Ok(1), Ok(1), Ok(1), Ok(2)]);
    /// ```
    pub fn iter<F, I, T, E, D>(self, factory: F) -> RetryingIter<P, F, I, Restart, W>
    where
        F: FnMut(Attempt) -> I,
        I: Iterator<Item = Result<T, E>>,
        E: Debug,
        P: Fn(&E) -> D,
        D: IntoDecision,
        W: ErrorView<E> + Copy,
    {
        let (policy, name, on, _, view) = self.into_parts();
        RetryingIter::new(policy, name, on, Restart, view, factory)
    }

    /// Retries an iterator of `Result`s, resuming it: the sync form of
    /// [`stream_resumed`](Self::stream_resumed).
    ///
    /// ```
    /// let items: Vec<Result<u32, &str>> = stamina::retry_context(|_: &&str| true)
    ///     .wait_max(std::time::Duration::ZERO)
    ///     .iter_resumed(1, |next: &mut u32, item: &u32| *next = item + 1, |attempt, &from: &u32| {
    ///         (from..=3).map(move |n| if n == 2 && attempt.num() == 1 { Err("no") } else { Ok(n) })
    ///     })
    ///     .collect();
    /// assert_eq!(items, [Ok(1), Ok(2), Ok(3)]);
    /// ```
    pub fn iter_resumed<C, A, F, I, T, E, D>(
        self,
        cursor: C,
        advance: A,
        factory: F,
    ) -> RetryingIter<P, F, I, Resume<C, A>, W>
    where
        A: FnMut(&mut C, &T),
        F: FnMut(Attempt, &C) -> I,
        I: Iterator<Item = Result<T, E>>,
        E: Debug,
        P: Fn(&E) -> D,
        D: IntoDecision,
        W: ErrorView<E> + Copy,
    {
        let (policy, name, on, _, view) = self.into_parts();
        RetryingIter::new(policy, name, on, Resume { cursor, advance }, view, factory)
    }

    /// Retries an iterator of `Result`s until its first item, then never
    /// again: the sync form of [`stream_committed`](Self::stream_committed).
    ///
    /// ```
    /// let items: Vec<_> = stamina::retry_context(|_: &&str| true)
    ///     .iter_committed(|_| [Ok(1), Err("broken")].into_iter())
    ///     .collect();
    /// assert_eq!(items, [Ok(1), Err("broken")]);
    /// ```
    pub fn iter_committed<F, I, T, E, D>(self, factory: F) -> RetryingIter<P, F, I, Commit, W>
    where
        F: FnMut(Attempt) -> I,
        I: Iterator<Item = Result<T, E>>,
        E: Debug,
        P: Fn(&E) -> D,
        D: IntoDecision,
        W: ErrorView<E> + Copy,
    {
        let (policy, name, on, _, view) = self.into_parts();
        RetryingIter::new(policy, name, on, Commit::default(), view, factory)
    }
}
