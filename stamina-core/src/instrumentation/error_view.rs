//! How a retry loop shows its error to hooks as `&dyn Error`, when it can.
//!
//! The loop is generic over `E: Debug`, and without specialization it cannot
//! ask whether `E: Error`. The code that knows the concrete error type (the
//! macros' expansion) picks a view, a zero-sized type, with autoref specialization
//! (`macro_support::ErrorViewProbe`) and hands it to each `settle` step; every
//! other loop uses [`NoErrorView`], or `DynErrorView` once its user opts in
//! with `.with_dyn_error()` (the runtime API, `api/dyn_error.rs`).

use std::error::Error;

/// Shows an error of type `E` as `&dyn Error`, or not at all.
#[doc(hidden)]
pub trait ErrorView<E: ?Sized> {
    /// The error as `&dyn Error`, if this view can show it.
    fn view<'e>(&self, error: &'e E) -> Option<&'e (dyn Error + 'static)>;

    /// The error's type name, as hooks see it in `error_type`: `E`'s, except
    /// where `E` only carries the retried result (a result predicate's loop:
    /// the inner error's type, and none for a retried `Ok`).
    #[inline]
    fn error_type(&self, _error: &E) -> &'static str {
        core::any::type_name::<E>()
    }
}

/// The view of loops that do not know whether their error is an `Error`.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NoErrorView;

impl<E: ?Sized> ErrorView<E> for NoErrorView {
    #[inline]
    fn view<'e>(&self, _: &'e E) -> Option<&'e (dyn Error + 'static)> {
        None
    }
}
