//! The problems found in a macro's input, collected so that the user sees all
//! of them at once, each on its own tokens.

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;

/// Every problem found so far, in the order found.
#[derive(Default)]
pub(crate) struct Errors(Vec<syn::Error>);

impl Errors {
    /// Records a problem (darling's errors keep their message and span).
    pub(crate) fn push(&mut self, error: impl Into<syn::Error>) {
        self.0.push(error.into());
    }

    /// Records a problem shown under `span`.
    pub(crate) fn at(&mut self, span: Span, message: impl std::fmt::Display) {
        self.0.push(syn::Error::new(span, message));
    }

    /// Records a problem shown under all of `tokens`, from the first to the
    /// last.
    pub(crate) fn spanned(&mut self, tokens: impl ToTokens, message: impl std::fmt::Display) {
        self.0.push(syn::Error::new_spanned(tokens, message));
    }

    /// The value of a check, recording its problem if it has one.
    pub(crate) fn handle<T>(&mut self, result: darling::Result<T>) -> Option<T> {
        result.map_err(|error| self.push(error)).ok()
    }

    /// How many problems were found.
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    /// `value` if nothing was found, else every problem.
    pub(crate) fn finish<T>(self, value: T) -> Result<T, Self> {
        if self.0.is_empty() { Ok(value) } else { Err(self) }
    }

    /// The messages, in order.
    #[cfg(test)]
    pub(crate) fn messages(&self) -> Vec<String> {
        self.0.iter().map(ToString::to_string).collect()
    }

    /// One `compile_error!` per problem.
    pub(crate) fn to_compile_errors(&self) -> TokenStream {
        self.0.iter().map(syn::Error::to_compile_error).collect()
    }
}
