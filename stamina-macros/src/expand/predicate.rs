//! How `on` reaches `settle`: tied to the error type, checked against it, and
//! how hooks see the error (as `&dyn Error` where it is one).
//!
//! The error type is either named by the fn's declared return type, or, in a
//! block (or a fn returning an `impl Trait`), known only once the first
//! attempt's outcome has been type-checked.
//!
//! A closure without a type on its argument gets its type from where it is
//! passed (`predicate_for`), so it cannot take the wrong one. Any other `on`
//! is checked first, in a statement of its own whose errors point at `on`: a
//! predicate of the wrong argument type gets one error that names the type it
//! must take, and the checked value has an error type then, so nothing after
//! it reports the same mistake again with the runtime's internals.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{quote, quote_spanned};

use super::{call_at, local, located_at, result_item, spanned_as};
use crate::args::{OnArg, Runtime};
use crate::parse::Extent;
use crate::validate::ResultType;

/// Where the loop learns the error type.
pub(super) enum ErrorType<'a> {
    /// From the fn's declared return type.
    Declared(&'a ResultType),
    /// From the first attempt's outcome.
    FromOutcome,
}

/// The predicate of a loop.
pub(super) struct Predicate<'a> {
    pub(super) runtime: &'a Runtime,
    pub(super) on: &'a OnArg,
    pub(super) error: ErrorType<'a>,
}

/// The code of a [`Predicate`], and what `settle` is given.
pub(super) struct PredicateCode {
    /// Statements before the loop.
    pub(super) before_loop: TokenStream,
    /// Statements before each `settle`, once the outcome is bound.
    pub(super) before_settle: TokenStream,
    /// The `&P` expression `settle` gets.
    pub(super) on: TokenStream,
    /// The error view expression `settle` gets.
    pub(super) view: TokenStream,
    /// Whether `on` is a result predicate (`on_result = ...`): the loop
    /// settles through `settle_on_result` then.
    pub(super) on_result: bool,
}

impl Predicate<'_> {
    /// Where `on` was written: type errors about the predicate go there.
    pub(super) fn span(&self) -> Span {
        self.on.span()
    }

    /// The predicate's code, for a loop whose outcome is bound to `outcome`.
    pub(super) fn expand(&self, outcome: &Ident) -> PredicateCode {
        if let OnArg::Result(value) = self.on {
            return self.expand_on_result(value, outcome);
        }
        let private = self.runtime.path();
        let on_span = self.span();
        let on_var = local("stamina_on");
        let value = match self.on {
            OnArg::Untyped(expr) | OnArg::Typed(expr) | OnArg::Result(expr) => quote!(#expr),
            OnArg::Types(types, span) => {
                let types = types.iter();
                quote_spanned!(*span=> #private::error_types::<(#(#types,)*), _>())
            }
        };
        let view_of = |probe: &TokenStream| {
            quote!({
                use #private::{ViaDebug as _, ViaError as _, ViaErrorChain as _};
                (&&#probe).error_view()
            })
        };
        match self.error {
            ErrorType::Declared(result) => {
                // The carrier of the error type, spanned on the return type: a
                // return type that is not a `Result` is reported there, once.
                let error_var = local("stamina_error");
                let Extent { first, last } = result.extent;
                let error_type = result_item(self.runtime, result, "Err", None);
                let (probe, probe_end) = (
                    spanned_as(quote!(#private::ErrorViewProbe::<), first),
                    spanned_as(quote!(>::new()), last),
                );
                let mut before_loop = quote!(let #error_var = #probe #error_type #probe_end;);
                before_loop.extend(match self.on {
                    OnArg::Untyped(_) => {
                        let predicate_for =
                            located_at(quote!(#private::predicate_for::<#private::Result<(), ), on_span);
                        let rest = located_at(quote!(>, _, _>), on_span);
                        let call = call_at(&quote!(#predicate_for #error_type #rest), value, on_span);
                        quote!(let #on_var = #call;)
                    }
                    OnArg::Typed(_) | OnArg::Types(..) | OnArg::Result(_) => {
                        let raw = local("stamina_on_value");
                        let checked = checked(private, &quote!(#raw), &quote!(&#error_var), on_span);
                        quote!(let #raw = #value; let #on_var = #checked;)
                    }
                });
                PredicateCode {
                    before_loop,
                    before_settle: TokenStream::new(),
                    on: quote!(&#on_var),
                    view: view_of(&quote!(#error_var)),
                    on_result: false,
                }
            }
            ErrorType::FromOutcome => {
                let probe = quote!(#private::ErrorViewProbe::of(&#outcome));
                match self.on {
                    // Typed once, from the first outcome, the only place the
                    // closure can get its argument type from.
                    OnArg::Untyped(_) => {
                        let predicates = local("stamina_predicates");
                        let callee = located_at(quote!(#private::predicate_for_outcome), on_span);
                        let call = call_at(&callee, quote!(&#outcome, #value), on_span);
                        PredicateCode {
                            before_loop: quote!(let mut #predicates = #private::Option::None;),
                            before_settle: quote! {
                                let #on_var = &*#predicates.get_or_insert_with(|| #call);
                            },
                            on: quote!(#on_var),
                            view: view_of(&probe),
                            on_result: false,
                        }
                    }
                    OnArg::Typed(_) | OnArg::Types(..) | OnArg::Result(_) => {
                        let raw = local("stamina_on_value");
                        let checked = checked(private, &quote!(&#raw), &quote!(&#probe), on_span);
                        PredicateCode {
                            before_loop: quote!(let #raw = #value;),
                            before_settle: quote!(let #on_var = #checked;),
                            on: quote!(&#on_var),
                            view: view_of(&probe),
                            on_result: false,
                        }
                    }
                }
            }
        }
    }
}

impl Predicate<'_> {
    /// `on_result = ...`: a predicate over the whole result, given its
    /// signature where the result type is known (the fn's return type, or the
    /// first outcome of a block), as a closure is given its argument type.
    fn expand_on_result(&self, value: &syn::Expr, outcome: &Ident) -> PredicateCode {
        let private = self.runtime.path();
        let on_span = self.span();
        let on_var = local("stamina_on");
        let view_of = |probe: &TokenStream| {
            quote!({
                use #private::{ViaDebug as _, ViaError as _, ViaErrorChain as _};
                (&&#probe).error_view()
            })
        };
        match self.error {
            ErrorType::Declared(result) => {
                let error_var = local("stamina_error");
                let Extent { first, last } = result.extent;
                let error_type = result_item(self.runtime, result, "Err", None);
                let (probe, probe_end) = (
                    spanned_as(quote!(#private::ErrorViewProbe::<), first),
                    spanned_as(quote!(>::new()), last),
                );
                let ty = &result.ty;
                let set_up = if matches!(value, syn::Expr::Closure(_)) {
                    // A closure gets its argument type from where it is passed.
                    let callee = located_at(quote!(#private::result_predicate_for::<#ty, _, _>), on_span);
                    let call = call_at(&callee, quote!(#value), on_span);
                    quote!(let #on_var = #call;)
                } else {
                    // Anything else is checked to take the whole result, with
                    // one error that says so.
                    let raw = local("stamina_on_value");
                    let ok_type = result_item(self.runtime, result, "Ok", None);
                    let whole =
                        quote!(&#private::ErrorViewProbe::<#private::Result<#ok_type, #error_type>>::new());
                    let checked = checked_as(private, &quote!(#raw), &whole, on_span, &ON_RESULT_TEXTS);
                    quote!(let #raw = #value; let #on_var = #checked;)
                };
                PredicateCode {
                    before_loop: quote!(let #error_var = #probe #error_type #probe_end; #set_up),
                    before_settle: TokenStream::new(),
                    on: quote!(&#on_var),
                    view: view_of(&quote!(#error_var)),
                    on_result: true,
                }
            }
            ErrorType::FromOutcome => {
                let probe = quote!(#private::ErrorViewProbe::of(&#outcome));
                let callee = located_at(quote!(#private::result_predicate_for_outcome), on_span);
                if matches!(value, syn::Expr::Closure(_)) {
                    // A closure gets its argument type from the first outcome,
                    // where it is built.
                    let predicates = local("stamina_predicates");
                    let call = call_at(&callee, quote!(&#outcome, #value), on_span);
                    PredicateCode {
                        before_loop: quote!(let mut #predicates = #private::Option::None;),
                        before_settle: quote! {
                            let #on_var = &*#predicates.get_or_insert_with(|| #call);
                        },
                        on: quote!(#on_var),
                        view: view_of(&probe),
                        on_result: true,
                    }
                } else {
                    let raw = local("stamina_on_value");
                    let whole = quote!(&#private::ErrorViewProbe::of_whole(&#outcome));
                    let checked = checked_as(private, &quote!(&#raw), &whole, on_span, &ON_RESULT_TEXTS);
                    PredicateCode {
                        before_loop: quote!(let #raw = #value;),
                        before_settle: quote!(let #on_var = #checked;),
                        on: quote!(&#on_var),
                        view: view_of(&probe),
                        on_result: true,
                    }
                }
            }
        }
    }
}

/// `predicate`, checked to take `&E`, where `error` is a `&ErrorViewProbe<E>`.
///
/// The error comes first, so that `E` is known before the predicate is looked
/// at. `Signed::of` infers the predicate's signature `M` (as a fn pointer
/// type) from its `Fn` impl alone, and the method call after it makes rustc
/// settle `M` before the second step: whether `M` is `fn(&E) -> _`. That step is a
/// trait of its own with a message naming `E` and `M`, and its result is the
/// predicate only through an associated type, which is an error type when the
/// check fails. The items live in a block of their own, away from the user's
/// code, which they could otherwise shadow.
fn checked(
    private: &TokenStream,
    predicate: &TokenStream,
    error: &TokenStream,
    on_span: Span,
) -> TokenStream {
    checked_as(private, predicate, error, on_span, &ON_TEXTS)
}

/// What [`checked_as`] says about a predicate of the wrong type.
struct CheckTexts {
    not_a_predicate: &'static str,
    message: &'static str,
    label: &'static str,
    note: &'static str,
}

/// `on = ...`'s: the predicate takes the error.
const ON_TEXTS: CheckTexts = CheckTexts {
    not_a_predicate: "the `on` predicate must be a fn or closure taking the error by reference",
    message: "the `on` predicate must take `&{E}`, but it is a `{Self}`",
    label: "expected a predicate taking `&{E}`",
    note: "a predicate looks at the error without taking it: `fn is_retriable(error: &{E}) -> bool`",
};

/// `on_result = ...`'s: the predicate takes the whole result.
const ON_RESULT_TEXTS: CheckTexts = CheckTexts {
    not_a_predicate: "the `on_result` predicate must be a fn or closure taking the whole result by reference",
    message: "the `on_result` predicate must take `&{E}`, the whole result, but it is a `{Self}`",
    label: "expected a predicate taking `&{E}`",
    note: "a result predicate looks at the result without taking it: `fn is_retriable(result: &{E}) -> bool`; \
           to decide on errors only, write `on = ...`",
};

/// [`checked`], with `texts` in its errors.
fn checked_as(
    private: &TokenStream,
    predicate: &TokenStream,
    error: &TokenStream,
    on_span: Span,
    texts: &CheckTexts,
) -> TokenStream {
    let CheckTexts { not_a_predicate, message, label, note } = texts;
    let check = quote! {
        {
            #[diagnostic::on_unimplemented(
                message = #not_a_predicate,
                label = "not a predicate"
            )]
            trait Signature<M> {}
            impl<P: Fn(A) -> D, A, D> Signature<fn(A) -> D> for P {}
            struct Signed<M, P>(P, [M; 0]);
            impl<M, P> Signed<M, P> {
                fn of(predicate: P) -> Self
                where
                    P: Signature<M>,
                {
                    Self(predicate, [])
                }
                fn settled(self) -> Self {
                    self
                }
            }
            #[diagnostic::on_unimplemented(
                message = #message,
                label = #label,
                note = #note
            )]
            trait Predicate<E>: Sized {
                type Checked<P>;
                fn checked<P>(error: &#private::ErrorViewProbe<E>, signed: Signed<Self, P>) -> Self::Checked<P>;
            }
            impl<'a, E, D> Predicate<E> for fn(&'a E) -> D {
                type Checked<P> = P;
                fn checked<P>(_: &#private::ErrorViewProbe<E>, signed: Signed<Self, P>) -> P {
                    signed.0
                }
            }
            <_ as Predicate<_>>::checked(#error, Signed::of(#predicate).settled())
        }
    };
    located_at(check, on_span)
}
