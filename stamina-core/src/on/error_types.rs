//! Predicates that retry on error *types*, for type-erased errors such as
//! `Box<dyn Error + Send + Sync>` and `anyhow::Error`.
//!
//! They match by downcasting each error along the [`source()`](Error::source)
//! chain, so a retryable error wrapped in context is still found.

use core::error::Error;

/// A type-erased error whose chain of causes can be walked: `Box<dyn Error>`
/// (with or without `Send`/`Sync`), `dyn Error` and, with the `anyhow` feature,
/// `anyhow::Error`.
///
/// A concrete error type knows its variants: write a predicate
/// `fn(&MyError) -> bool` for it instead.
///
/// ```
/// use std::error::Error;
/// use stamina::ErrorChain;
///
/// let boxed: Box<dyn Error + Send + Sync> = std::io::Error::other("reset").into();
/// assert!(boxed.outermost().is::<std::io::Error>());
///
/// // Anything that is an `ErrorChain` works with `error_types`.
/// fn is_io<E: ErrorChain + ?Sized>(error: &E) -> bool {
///     stamina::error_type::<std::io::Error, E>()(error)
/// }
/// assert!(is_io(&boxed));
/// ```
#[diagnostic::on_unimplemented(
    message = "stamina cannot look for error types inside `{Self}`",
    note = "type-based predicates work on type-erased errors: `Box<dyn Error ...>` or `anyhow::Error`; \
            for `{Self}` write a predicate `fn(&{Self}) -> bool` that matches its variants"
)]
pub trait ErrorChain {
    /// The outermost error of the chain.
    ///
    /// ```
    /// use stamina::ErrorChain;
    ///
    /// let boxed: Box<dyn std::error::Error> = "bad request".into();
    /// assert_eq!(boxed.outermost().to_string(), "bad request");
    /// ```
    fn outermost(&self) -> &(dyn Error + 'static);
}

impl ErrorChain for dyn Error + 'static {
    fn outermost(&self) -> &(dyn Error + 'static) {
        self
    }
}

impl ErrorChain for dyn Error + Send + Sync + 'static {
    fn outermost(&self) -> &(dyn Error + 'static) {
        self
    }
}

impl ErrorChain for Box<dyn Error + 'static> {
    fn outermost(&self) -> &(dyn Error + 'static) {
        &**self
    }
}

impl ErrorChain for Box<dyn Error + Send + 'static> {
    fn outermost(&self) -> &(dyn Error + 'static) {
        &**self
    }
}

impl ErrorChain for Box<dyn Error + Send + Sync + 'static> {
    fn outermost(&self) -> &(dyn Error + 'static) {
        &**self
    }
}

#[cfg(feature = "anyhow")]
impl ErrorChain for anyhow::Error {
    fn outermost(&self) -> &(dyn Error + 'static) {
        self.as_ref()
    }
}

/// A list of error types to retry on: a tuple of up to eight types that are
/// `Error + 'static`, such as `(std::io::Error,)` or `(IoError, TimeoutError)`.
///
/// Named as the first type parameter of [`error_types`](crate::error_types);
/// the macros' `on = types(A, B)` builds one.
///
/// ```
/// use stamina::ErrorTypeList;
///
/// type Transient = (std::io::Error, std::fmt::Error);
/// assert!(Transient::contains(&std::fmt::Error));
/// assert!(!Transient::contains(&"x".parse::<u8>().unwrap_err()));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a list of error types",
    note = "name the error types as a tuple: `error_types::<(std::io::Error,)>()` or `error_types::<(A, B)>()`; \
            every type must be `std::error::Error + 'static`"
)]
pub trait ErrorTypeList {
    /// Whether `error` is one of the listed types (not looking at its
    /// sources: [`error_types`](crate::error_types) walks the chain).
    ///
    /// ```
    /// use stamina::ErrorTypeList;
    ///
    /// assert!(<(std::io::Error,)>::contains(&std::io::Error::other("reset")));
    /// ```
    fn contains(error: &(dyn Error + 'static)) -> bool;
}

macro_rules! impl_error_type_list {
    ($($name:ident),+) => {
        impl<$($name: Error + 'static),+> ErrorTypeList for ($($name,)+) {
            #[inline]
            fn contains(error: &(dyn Error + 'static)) -> bool {
                $(error.is::<$name>())||+
            }
        }
    };
}

impl_error_type_list!(A);
impl_error_type_list!(A, B);
impl_error_type_list!(A, B, C);
impl_error_type_list!(A, B, C, D);
impl_error_type_list!(A, B, C, D, F);
impl_error_type_list!(A, B, C, D, F, G);
impl_error_type_list!(A, B, C, D, F, G, H);
impl_error_type_list!(A, B, C, D, F, G, H, I);

/// Whether any error along `error`'s source chain is one of `L`.
pub(crate) fn chain_contains<L: ErrorTypeList>(error: &(dyn Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(error) = current {
        if L::contains(error) {
            return true;
        }
        current = error.source();
    }
    false
}

/// A predicate that retries when the error, or any error along its
/// [`source()`](Error::source) chain, is one of the types in the tuple `L`.
///
/// The returned value is an ordinary `Fn(&E) -> bool`, so it goes wherever a
/// predicate goes.
///
/// ```
/// use std::error::Error;
/// use stamina::error_types;
///
/// type BoxError = Box<dyn Error + Send + Sync>;
/// let on = error_types::<(std::io::Error, std::num::ParseIntError), BoxError>();
///
/// let io: BoxError = std::io::Error::other("reset").into();
/// let fmt: BoxError = std::fmt::Error.into();
/// assert!(on(&io));
/// assert!(!on(&fmt));
/// ```
pub fn error_types<L: ErrorTypeList, E: ErrorChain + ?Sized>()
-> impl Fn(&E) -> bool + Copy + Send + Sync + 'static {
    |error: &E| chain_contains::<L>(error.outermost())
}

/// A predicate that retries when the error or one of its causes is a `T`.
/// Shorthand for [`error_types::<(T,), E>()`](error_types).
///
/// ```
/// use stamina::error_type;
///
/// let on = error_type::<std::io::Error, Box<dyn std::error::Error + Send + Sync>>();
/// assert!(on(&std::io::Error::other("reset").into()));
/// ```
pub fn error_type<T: Error + 'static, E: ErrorChain + ?Sized>()
-> impl Fn(&E) -> bool + Copy + Send + Sync + 'static {
    error_types::<(T,), E>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt;

    #[derive(Debug)]
    struct Wrapper(std::io::Error);
    impl fmt::Display for Wrapper {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("wrapped")
        }
    }
    impl Error for Wrapper {
        fn source(&self) -> Option<&(dyn Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn finds_types_along_the_source_chain() {
        let on = error_types::<(std::io::Error,), Box<dyn Error + Send + Sync>>();
        let wrapped: Box<dyn Error + Send + Sync> = Box::new(Wrapper(std::io::Error::other("x")));
        assert!(on(&wrapped));
        let other: Box<dyn Error + Send + Sync> = Box::new(fmt::Error);
        assert!(!on(&other));
    }

    #[test]
    fn works_on_plain_boxes() {
        let boxed: Box<dyn Error> = Box::new(fmt::Error);
        assert!(error_types::<(std::io::Error, fmt::Error), _>()(&boxed));
        let boxed_send: Box<dyn Error + Send> = Box::new(fmt::Error);
        assert!(!error_type::<std::io::Error, _>()(&boxed_send));
    }

    #[cfg(feature = "anyhow")]
    #[test]
    fn works_on_anyhow_with_context() {
        use anyhow::Context as _;
        let err: anyhow::Error =
            Err::<(), _>(std::io::Error::other("reset")).context("while fetching").unwrap_err();
        assert!(error_type::<std::io::Error, anyhow::Error>()(&err));
        assert!(!error_type::<fmt::Error, anyhow::Error>()(&err));
    }
}
