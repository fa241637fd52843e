//! Values a hook keeps alive across the wait before the next attempt.

use core::fmt;

/// A value a hook returns to keep alive while the loop waits: it is dropped
/// exactly once, right before the next attempt starts (after the sleep).
///
/// This is the Rust form of Python stamina's hooks that return a context
/// manager: the guard's `Drop` is the context manager's exit. A guard must be
/// `Send`, because async retry loops hold it across `.await` and their futures
/// stay `Send`.
///
/// **`tracing` spans:** an entered span (`Span::entered`) is `!Send`, and a span
/// entered on one thread must not be exited on another, so it cannot be a
/// guard. Keep the [`Span`](https://docs.rs/tracing/latest/tracing/struct.Span.html)
/// itself alive instead: a span opens when it is created and closes when its
/// last handle drops, so its lifetime covers exactly the wait, and subscribers
/// that report span closes (`FmtSpan::CLOSE`) show how long the wait took.
///
/// ```
/// use stamina::instrumentation::{HookGuard, RetryDetails};
///
/// fn count_waits(details: &RetryDetails<'_>) -> HookGuard {
///     let started = std::time::Instant::now();
///     let retry_num = details.retry_num;
///     HookGuard::on_drop(move || {
///         eprintln!("retry {retry_num}: waited {:?}", started.elapsed());
///     })
/// }
/// # let _ = count_waits;
/// ```
#[must_use = "a guard is dropped at once unless returned from the hook"]
pub struct HookGuard {
    value: Option<Box<dyn Send>>,
}

impl HookGuard {
    /// No guard: nothing is kept alive, nothing allocated.
    ///
    /// ```
    /// assert!(stamina::instrumentation::HookGuard::none().is_none());
    /// ```
    pub const fn none() -> Self {
        Self { value: None }
    }

    /// Keeps `value` alive until right before the next attempt, then drops it.
    ///
    /// A `tracing` span kept this way lasts exactly as long as the wait:
    ///
    /// ```
    /// use stamina::instrumentation::{HookGuard, RetryDetails, set_on_retry_hooks};
    ///
    /// set_on_retry_hooks((|details: &RetryDetails<'_>| {
    ///     HookGuard::new(tracing::info_span!("waiting_to_retry", retry_num = details.retry_num))
    /// },));
    /// # set_on_retry_hooks(None);
    /// ```
    pub fn new<G: Send + 'static>(value: G) -> Self {
        Self { value: Some(Box::new(value)) }
    }

    /// Calls `on_drop` right before the next attempt.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicBool, Ordering};
    /// use stamina::instrumentation::HookGuard;
    ///
    /// let dropped = Arc::new(AtomicBool::new(false));
    /// let flag = Arc::clone(&dropped);
    /// let guard = HookGuard::on_drop(move || flag.store(true, Ordering::Relaxed));
    /// drop(guard); // the retry loop drops it right before the next attempt
    /// assert!(dropped.load(Ordering::Relaxed));
    /// ```
    pub fn on_drop<F: FnOnce() + Send + 'static>(on_drop: F) -> Self {
        struct OnDrop<F: FnOnce()>(Option<F>);
        impl<F: FnOnce()> Drop for OnDrop<F> {
            fn drop(&mut self) {
                if let Some(f) = self.0.take() {
                    f();
                }
            }
        }
        Self::new(OnDrop(Some(on_drop)))
    }

    /// Whether this guard keeps anything alive.
    ///
    /// ```
    /// use stamina::instrumentation::HookGuard;
    ///
    /// assert!(HookGuard::none().is_none());
    /// assert!(!HookGuard::new(()).is_none());
    /// ```
    pub const fn is_none(&self) -> bool {
        self.value.is_none()
    }
}

impl Default for HookGuard {
    fn default() -> Self {
        Self::none()
    }
}

impl fmt::Debug for HookGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.value.is_some() { "HookGuard(Some(..))" } else { "HookGuard(None)" })
    }
}

/// What a plain hook (a closure or fn taking `&RetryDetails`) may return:
/// `()`, a [`HookGuard`], or an `Option<HookGuard>`.
///
/// ```
/// use stamina::instrumentation::{HookGuard, RetryDetails, set_on_retry_hooks};
///
/// fn time_long_waits(details: &RetryDetails<'_>) -> Option<HookGuard> {
///     let started = std::time::Instant::now();
///     (details.wait_for.as_secs() >= 1).then(|| HookGuard::on_drop(move || eprintln!("waited {:?}", started.elapsed())))
/// }
///
/// set_on_retry_hooks((time_long_waits, |_: &RetryDetails<'_>| ()));
/// # set_on_retry_hooks(None);
/// ```
pub trait IntoHookGuard {
    /// The guard to keep alive across the wait (see the
    /// [trait's example](IntoHookGuard)).
    fn into_hook_guard(self) -> HookGuard;
}

impl IntoHookGuard for () {
    #[inline]
    fn into_hook_guard(self) -> HookGuard {
        HookGuard::none()
    }
}

impl IntoHookGuard for HookGuard {
    #[inline]
    fn into_hook_guard(self) -> HookGuard {
        self
    }
}

impl IntoHookGuard for Option<HookGuard> {
    #[inline]
    fn into_hook_guard(self) -> HookGuard {
        self.unwrap_or_default()
    }
}

/// The guards of one scheduled retry, dropped in reverse order of the hooks
/// that returned them, right before the next attempt.
///
/// Not public API: the retry loop holds it between
/// [`Settled::Wait`](crate::macro_support::Settled) and the next attempt.
#[doc(hidden)]
#[derive(Default)]
pub struct HookGuards {
    // Allocated only when a hook returns a guard. One pointer wide, so that
    // the retry loop passes it around in a register (measured: a 24-byte
    // `Vec` here cost about 15 ns per retry in stores and reloads).
    #[allow(clippy::box_collection)]
    guards: Option<Box<Vec<HookGuard>>>,
}

impl HookGuards {
    /// No guards; does not allocate.
    pub const fn none() -> Self {
        Self { guards: None }
    }

    /// Drops the guards, in reverse order; with none, does nothing at all.
    ///
    /// The drop glue is not inlined into the retry loop: a call per retry
    /// (measured: about 2 ns) to find out there is nothing to drop.
    #[inline]
    pub(crate) fn release(self) {
        if self.guards.is_some() {
            drop(self);
        } else {
            // Nothing is owned: forgetting it leaks nothing.
            core::mem::forget(self);
        }
    }

    pub(crate) fn push(&mut self, guard: HookGuard) {
        if !guard.is_none() {
            self.guards.get_or_insert_with(Box::default).push(guard);
        }
    }
}

impl fmt::Debug for HookGuards {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HookGuards")
            .field("len", &self.guards.as_ref().map_or(0, |guards| guards.len()))
            .finish()
    }
}

impl Drop for HookGuards {
    #[inline]
    fn drop(&mut self) {
        if let Some(guards) = &mut self.guards {
            // Reverse order, like nested context managers exiting.
            while let Some(guard) = guards.pop() {
                drop(guard);
            }
        }
    }
}
