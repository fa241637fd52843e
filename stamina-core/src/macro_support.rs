//! Entry points for the code that `stamina`'s macros generate.
//!
//! **Not public API.** Nothing here follows semver; it is reached through
//! `stamina::__private` by generated code only.

pub use crate::engine::{AttemptLimit, Timed, TimedOutError};
pub use crate::engine::{Pause, RetryState, Settled, Site, Sleeping, Stamp};
pub use crate::instrumentation::CallableName;
/// Retried streams and iterators, for stream fns under `#[retry]`.
pub use crate::stream;
pub use core::pin::pin;

use core::fmt::Debug;
use core::time::Duration;

use crate::{IntoDecision, RetryPolicy};

/// The clock of sync retry loops.
#[inline]
pub fn sync_now() -> Stamp {
    crate::engine::coarse_stamp()
}

/// A duration from a whole number of nanoseconds, for durations the macros parsed
/// at compile time.
#[inline]
pub const fn nanos(n: u64) -> Duration {
    Duration::from_nanos(n)
}

/// The policy every generated loop starts from.
pub const DEFAULT_POLICY: RetryPolicy = RetryPolicy::new();

/// Names the error type of a retried fn's return type `R`, so that a closure
/// passed as `on` gets its argument type from the fn's signature.
#[diagnostic::on_unimplemented(
    message = "`#[stamina::retry]` needs a function that returns a `Result`, not `{Self}`",
    label = "this return type is not a `Result`",
    note = "stamina retries on errors: return `Result<T, E>` (or an alias such as `std::io::Result<T>`)"
)]
pub trait RetryResult {
    /// The `Ok` type.
    type Ok;
    /// The error type.
    type Err;
    /// The value as a `Result`.
    fn into_result(self) -> Result<Self::Ok, Self::Err>;
    /// The value back from a `Result`.
    fn from_result(result: Result<Self::Ok, Self::Err>) -> Self;
}

impl<T, E> RetryResult for Result<T, E> {
    type Ok = T;
    type Err = E;
    #[inline]
    fn into_result(self) -> Self {
        self
    }
    #[inline]
    fn from_result(result: Self) -> Self {
        result
    }
}

/// Gives `on` the signature `Fn(&<R as RetryResult>::Err) -> D`, so closures
/// infer their argument type, and checks it early with a readable message.
#[inline]
pub fn predicate_for<R, P, D>(on: P) -> P
where
    R: RetryResult,
    R::Err: Debug,
    P: Fn(&R::Err) -> D,
    D: IntoDecision,
{
    on
}

pub use crate::engine::Sleeper;
pub use crate::{Attempt, TimeoutMode};

/// Runs one attempt of a sync fn's body. The bound gives the body's closure its
/// return type `R`, so `?` and `return` inside it know what they produce.
#[inline]
pub fn attempt_sync<R, F: FnOnce() -> R>(body: F) -> R {
    body()
}

/// Types one attempt of an async fn's body: the bound gives the `async` block
/// its output type `R`, so `?` and `return` inside it know what they produce.
#[inline]
pub fn attempt_async<R, F: Future<Output = R>>(body: F) -> F {
    body
}

/// Runs one attempt of a sync `retry_block!`.
#[inline]
pub fn block_attempt_sync<T, E, F: FnOnce(Attempt) -> Result<T, E>>(
    attempt: Attempt,
    body: F,
) -> Result<T, E> {
    body(attempt)
}

/// Types one attempt of an async `retry_block!` as a `Result`.
#[inline]
pub fn block_attempt_async<T, E, F: Future<Output = Result<T, E>>>(body: F) -> F {
    body
}

/// Gives `on` the signature `Fn(&E) -> D` from an attempt's outcome, for blocks,
/// whose error type is only known once the block has been type-checked.
#[inline]
pub fn predicate_for_outcome<T, E, P, D>(_outcome: &Result<T, E>, on: P) -> P
where
    E: Debug,
    P: Fn(&E) -> D,
    D: IntoDecision,
{
    on
}

// --- Result predicates (`on_result = ...`) ----------------------------------

/// Gives `on_result` the signature `Fn(&Result<T, E>) -> D` from the fn's
/// return type `R`, so a closure infers its argument type.
#[inline]
pub fn result_predicate_for<R, P, D>(on_result: P) -> P
where
    R: RetryResult,
    R::Err: Debug,
    P: Fn(&Result<R::Ok, R::Err>) -> D,
    D: IntoDecision,
{
    on_result
}

/// Gives `on_result` its signature from an attempt's outcome, for blocks.
#[inline]
pub fn result_predicate_for_outcome<T, E, P, D>(_outcome: &Result<T, E>, on_result: P) -> P
where
    E: Debug,
    P: Fn(&Result<T, E>) -> D,
    D: IntoDecision,
{
    on_result
}

/// [`RetryState::settle`] for a loop with a result predicate: the whole
/// `outcome` is decided on, a retried `Ok` is carried to the core as its
/// error, and the last result comes back unchanged (see `api::results`).
#[inline]
pub fn settle_on_result<T, E, P, D, W>(
    state: &mut RetryState,
    site: Site<'_>,
    outcome: Result<T, E>,
    on_result: &P,
    now: impl FnOnce() -> Stamp,
    view: W,
) -> Settled<T, E>
where
    E: Debug,
    P: Fn(&Result<T, E>) -> D,
    D: IntoDecision,
    W: ErrorView<E> + Copy,
{
    let decision = crate::api::results::decide(state, on_result, &outcome);
    match crate::api::results::Shown::with_view(view).settle(state, site, outcome, decision, now) {
        Settled::Done(result) => Settled::Done(crate::api::results::unwrap(result)),
        Settled::Wait(pause) => Settled::Wait(pause),
    }
}

// --- Errors shown to hooks as `&dyn Error` (instrumentation) ---------------

pub use crate::instrumentation::{ErrorView, NoErrorView};

/// Picks, at a call site where the error type `E` is concrete, how hooks see
/// the error: as `&dyn Error` when `E: Error + 'static`, else only as `Debug`.
/// Autoref specialization: the generated code writes
///
/// ```ignore
/// let view = (&&ErrorViewProbe::for_predicate(&on)).error_view(); // #[retry]
/// let view = (&&ErrorViewProbe::of(&outcome)).error_view();       // retry_block!
/// state.settle(site, outcome, &on, now, view)
/// ```
///
/// Each view is a zero-sized type ([`DynErrorView`](crate::DynErrorView),
/// [`ChainErrorView`], [`NoErrorView`](crate::instrumentation::NoErrorView)),
/// not a fn pointer: a pointer is one more argument for every failure to pass
/// down to the decision core (the seventh of `schedule`, on the stack), and
/// one more register the retried fn keeps across its loop (callgrind, sync
/// retry3: 3 to 8 instructions fewer per call with zero-sized views).
///
/// Method lookup on the receiver `&&ErrorViewProbe<E>` first finds
/// [`ViaError`] (implemented for `&ErrorViewProbe<E>`, taking `&self`) when
/// `E: Error + 'static`, or [`ViaErrorChain`] (implemented for
/// `&&ErrorViewProbe<E>`, taking `self`) when `E` is a type-erased error, and
/// only otherwise autorefs once more and finds [`ViaDebug`] (implemented for
/// `&&ErrorViewProbe<E>`, taking `&self`). Where `E` is a generic parameter, the fallback
/// is picked.
pub struct ErrorViewProbe<E: ?Sized>(core::marker::PhantomData<fn(&E)>);

impl<E: ?Sized> ErrorViewProbe<E> {
    /// The probe for `E`.
    #[inline]
    pub const fn new() -> Self {
        Self(core::marker::PhantomData)
    }

    /// The probe for the error type of `outcome`, where the type is inferred
    /// (`retry_block!`): `(&&ErrorViewProbe::of(&outcome)).error_view()` after
    /// the first attempt, whose outcome has a known type by then.
    #[inline]
    pub const fn of<T>(_outcome: &Result<T, E>) -> Self
    where
        E: Sized,
    {
        Self::new()
    }
}

impl<T, E> ErrorViewProbe<Result<T, E>> {
    /// The probe for the whole type of `outcome`, which a result predicate
    /// (`on_result = ...`) of a block is checked to take.
    #[inline]
    pub const fn of_whole(_outcome: &Result<T, E>) -> Self {
        Self(core::marker::PhantomData)
    }
}

impl<E> ErrorViewProbe<E> {
    /// The probe for the error type that the predicate `on` takes: known as
    /// soon as `on` is a fn, even where the retried fn's return type is wrong,
    /// so that mistake is reported once, without follow-up errors from here.
    #[inline]
    pub const fn for_predicate<P, D>(_on: &P) -> Self
    where
        P: Fn(&E) -> D,
    {
        Self::new()
    }
}

impl<E: ?Sized> Default for ErrorViewProbe<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: ?Sized> Debug for ErrorViewProbe<E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("ErrorViewProbe")
    }
}

/// The specific case of [`ErrorViewProbe`]: `E` is an `Error`.
pub trait ViaError<E> {
    /// The view that shows the error as `&dyn Error`.
    fn error_view(&self) -> crate::DynErrorView;
}

impl<E: std::error::Error + 'static> ViaError<E> for &ErrorViewProbe<E> {
    #[inline]
    fn error_view(&self) -> crate::DynErrorView {
        crate::DynErrorView
    }
}

/// The middle case of [`ErrorViewProbe`]: `E` is a type-erased error
/// (`anyhow::Error`, `Box<dyn Error>`), which is not an `Error` itself but
/// holds one. Implemented for `&&ErrorViewProbe<E>` taking `self` by value, so
/// that it is found at the same step as [`ViaError`] (the two never both
/// apply) and before [`ViaDebug`].
pub trait ViaErrorChain<E> {
    /// The view that shows the erased error as `&dyn Error`.
    fn error_view(self) -> ChainErrorView;
}

impl<E: crate::ErrorChain> ViaErrorChain<E> for &&ErrorViewProbe<E> {
    #[inline]
    fn error_view(self) -> ChainErrorView {
        ChainErrorView
    }
}

/// Shows a type-erased error (an [`ErrorChain`](crate::ErrorChain):
/// `anyhow::Error`, `Box<dyn Error>`) as the `&dyn Error` it holds.
#[derive(Clone, Copy, Debug, Default)]
pub struct ChainErrorView;

impl<E: crate::ErrorChain> crate::instrumentation::ErrorView<E> for ChainErrorView {
    #[inline]
    fn view<'e>(&self, error: &'e E) -> Option<&'e (dyn std::error::Error + 'static)> {
        Some(error.outermost())
    }
}

/// The fallback of [`ErrorViewProbe`]: any error type.
pub trait ViaDebug<E> {
    /// The view that shows nothing more than `Debug`.
    fn error_view(&self) -> crate::instrumentation::NoErrorView;
}

impl<E> ViaDebug<E> for &&ErrorViewProbe<E> {
    #[inline]
    fn error_view(&self) -> crate::instrumentation::NoErrorView {
        crate::instrumentation::NoErrorView
    }
}
