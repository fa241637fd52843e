//! Sleeping and telling the time, for the async retry loop.
//!
//! The async loop sleeps through a [`Sleeper`] and measures its timeout on the
//! same sleeper's clock, so a paused tokio clock (`start_paused = true`) drives
//! both. The sync loop uses `std::thread::sleep` and the coarse monotonic
//! clock (`std::time::Instant` without the `coarse-clock` feature).

use core::future::Future;
use core::time::Duration;
use std::time::Instant;

/// How an async retry loop waits, and what time it is on that timer's clock.
///
/// Implemented by [`TokioSleeper`] (feature `tokio`, the default) and by any
/// `Fn(Duration) -> impl Future<Output = ()>` (a closure or fn), which measures
/// time on the coarse monotonic clock (a few nanoseconds a read, with a
/// resolution of 1 to 4 ms: plenty for timeouts of seconds). Implement it
/// yourself to run on another executor:
///
/// ```
/// use std::time::{Duration, Instant};
/// use stamina::Sleeper;
///
/// #[derive(Debug, Clone, Copy)]
/// struct ThreadSleeper; // a toy; use your runtime's timer in real code
///
/// impl Sleeper for ThreadSleeper {
///     type Sleep = std::future::Ready<()>;
///     fn sleep(&self, wait: Duration) -> Self::Sleep {
///         std::thread::sleep(wait);
///         std::future::ready(())
///     }
///     fn now(&self) -> Instant {
///         Instant::now()
///     }
/// }
/// ```
pub trait Sleeper {
    /// The future that completes after the wait.
    type Sleep: Future<Output = ()>;

    /// Starts waiting `wait`. Never called with a zero wait: the loop skips
    /// zero waits without touching the timer.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use std::time::{Duration, Instant};
    /// use stamina::{Sleeper, TokioSleeper};
    ///
    /// let started = Instant::now();
    /// TokioSleeper.sleep(Duration::from_millis(5)).await;
    /// assert!(started.elapsed() >= Duration::from_millis(5));
    /// # }
    /// ```
    fn sleep(&self, wait: Duration) -> Self::Sleep;

    /// The current time on this sleeper's clock.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use stamina::{Sleeper, TokioSleeper};
    ///
    /// let before = TokioSleeper.now();
    /// TokioSleeper.sleep(std::time::Duration::from_millis(20)).await;
    /// assert!(TokioSleeper.now() > before);
    /// # }
    /// ```
    fn now(&self) -> Instant;

    /// The current time as the retry loop stores it. Not public API: the
    /// default converts [`now`](Self::now); the built-in sleepers read the
    /// coarse clock directly, which is cheaper.
    #[doc(hidden)]
    fn stamp(&self) -> super::clock::Stamp {
        super::clock::Stamp::of(self.now())
    }

    /// [`stamp`](Self::stamp) as a fn, for an `Attempt` to read when asked
    /// its elapsed time. Not public API: a sleeper of the user's has none
    /// (its `now` needs `&self`), and attempts then tell the planned waits.
    #[doc(hidden)]
    fn clock(&self) -> fn() -> super::clock::Stamp {
        super::clock::Stamp::none
    }
}

impl<F, Fut> Sleeper for F
where
    F: Fn(Duration) -> Fut,
    Fut: Future<Output = ()>,
{
    type Sleep = Fut;

    #[inline]
    fn sleep(&self, wait: Duration) -> Fut {
        self(wait)
    }

    #[inline]
    fn now(&self) -> Instant {
        super::clock::coarse_now()
    }

    #[inline]
    fn stamp(&self) -> super::clock::Stamp {
        super::clock::coarse_stamp()
    }

    #[inline]
    fn clock(&self) -> fn() -> super::clock::Stamp {
        super::clock::coarse_stamp
    }
}

/// Sleeps on tokio's timer, so paused time (`#[tokio::test(start_paused =
/// true)]`) drives the waits.
///
/// Its clock is the coarse monotonic clock, unless the `test-util` feature is
/// enabled: then it reads tokio's clock. A loop's timeout counts the waits it
/// planned either way, so paused time stops a loop where its schedule reaches
/// the timeout; time that passes inside an attempt (a `tokio::time::sleep` or
/// `advance` in the body) counts only on tokio's clock. For that, enable
/// `test-util` in your dev-dependencies, as you do tokio's.
///
/// It is the [`DefaultSleeper`] of the async callers and `retry_context`, and
/// what async `#[stamina::retry]` fns and async `retry_block!`s sleep on. Its
/// waits need a tokio runtime with the timer enabled; a zero wait needs
/// nothing.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use std::time::Duration;
/// use stamina::{AsyncRetryingCaller, TokioSleeper};
///
/// let caller = AsyncRetryingCaller::new()
///     .attempts(2)
///     .wait_initial(Duration::from_millis(1))
///     .wait_jitter(Duration::ZERO)
///     .sleeper(TokioSleeper); // the default, spelled out
/// assert!(caller.call(|_: &()| true, || async { Err::<(), _>(()) }).await.is_err());
/// # }
/// ```
#[cfg(feature = "tokio")]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TokioSleeper;

#[cfg(feature = "tokio")]
impl Sleeper for TokioSleeper {
    type Sleep = tokio::time::Sleep;

    #[inline]
    fn sleep(&self, wait: Duration) -> Self::Sleep {
        tokio::time::sleep(wait)
    }

    #[inline]
    fn now(&self) -> Instant {
        #[cfg(feature = "test-util")]
        return tokio::time::Instant::now().into_std();
        #[cfg(not(feature = "test-util"))]
        return super::clock::coarse_now();
    }

    #[inline]
    fn stamp(&self) -> super::clock::Stamp {
        #[cfg(feature = "test-util")]
        return super::clock::Stamp::of(self.now());
        #[cfg(not(feature = "test-util"))]
        return super::clock::coarse_stamp();
    }

    #[inline]
    fn clock(&self) -> fn() -> super::clock::Stamp {
        #[cfg(feature = "test-util")]
        return || super::clock::Stamp::of(tokio::time::Instant::now().into_std());
        #[cfg(not(feature = "test-util"))]
        return super::clock::coarse_stamp;
    }
}

/// The sleeper async callers use unless told otherwise: [`TokioSleeper`] with
/// the `tokio` feature.
///
/// ```
/// use stamina::{AsyncRetryingCaller, DefaultSleeper};
///
/// let caller: AsyncRetryingCaller<DefaultSleeper> = AsyncRetryingCaller::new();
/// # let _ = caller;
/// ```
#[cfg(feature = "tokio")]
pub type DefaultSleeper = TokioSleeper;

/// Without the `tokio` feature there is no default sleeper: pass one with
/// `.sleeper(...)`. This type implements nothing, so forgetting to do so is a
/// compile error that names it.
#[cfg(not(feature = "tokio"))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NoDefaultSleeperEnableTokioOrCallSleeper;

/// The sleeper async callers use unless told otherwise. Without the `tokio`
/// feature it implements nothing: pass a [`Sleeper`] with `.sleeper(...)`.
#[cfg(not(feature = "tokio"))]
pub type DefaultSleeper = NoDefaultSleeperEnableTokioOrCallSleeper;
