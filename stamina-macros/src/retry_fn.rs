//! `#[stamina::retry(...)]`: wraps a fn's body in a retry loop driven by
//! stamina-core's `RetryState`.
//!
//! The signature is re-emitted token for token, so rustdoc and IDEs see the
//! original fn. The body is emitted once, in its own block, inside a closure
//! (sync) or an `async` block (async) that runs once per attempt: `?` and
//! `return` end the attempt, never the loop.

use darling::Error;
use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::spanned::Spanned as _;
use syn::visit_mut::VisitMut;
use syn::{AttrStyle, FnArg, Ident, Item, ItemFn, Pat, ReturnType, Type};

use crate::args::{Params, RawArgs, check};
use crate::codegen::{Locals, Loop};
use crate::consumed::consumed_arguments;

/// Expands the attribute. On any error, the item is emitted unchanged next to
/// the errors, so the rest of the crate (and the user's IDE) still sees it.
pub(crate) fn expand(attr: TokenStream, item: &TokenStream) -> TokenStream {
    let mut errors = Vec::new();
    let params = match syn::parse2::<RawArgs>(attr) {
        Ok(raw) => {
            let (params, found) = check(raw, true);
            errors.extend(found);
            Some(params)
        }
        Err(error) => {
            errors.push(Error::from(error));
            None
        }
    };
    let function = match syn::parse2::<Item>(item.clone()) {
        Ok(Item::Fn(function)) => Some(function),
        Ok(other) => {
            errors.push(not_a_fn(&other));
            None
        }
        // Not an item (a closure, where rustc has already said that attributes
        // on expressions are unstable), or a fn without a body.
        Err(_) => {
            if matches!(syn::parse2::<syn::Expr>(item.clone()), Ok(syn::Expr::Closure(_))) {
                errors.push(
                    Error::custom(
                        "`#[stamina::retry]` goes on a fn, not a closure: to retry a closure's code, use \
                         `stamina::retry_block!(on = ..., |attempt| { ... })`",
                    )
                    .with_span(&item_span(item)),
                );
                // In expression position: keep the closure an expression.
                let errors = Error::multiple(errors).write_errors();
                return quote!({ #errors; #item });
            }
            errors.push(
                Error::custom("`#[stamina::retry]` goes on a fn with a body, such as `fn fetch() -> Result<T, E> { ... }`")
                    .with_span(&item_span(item)),
            );
            None
        }
    };
    if let Some(params) = &params {
        errors.extend(params.require_on(Span::call_site()));
    }
    if let Some(function) = &function {
        errors.extend(check_signature(function));
        if let Some(params) = &params {
            errors.extend(check_clones(function, params));
        }
    }
    match (params, function) {
        (Some(params), Some(function)) if errors.is_empty() => generate(&params, function),
        _ => {
            let errors = Error::multiple(errors).write_errors();
            quote!(#errors #item)
        }
    }
}

fn item_span(item: &TokenStream) -> Span {
    item.clone().into_iter().next().map_or_else(Span::call_site, |token| token.span())
}

fn not_a_fn(item: &Item) -> Error {
    let what = match item {
        Item::Struct(_) => "a struct",
        Item::Enum(_) => "an enum",
        Item::Impl(_) => "an impl block (put it on the methods inside instead)",
        Item::Trait(_) => "a trait",
        Item::Mod(_) => "a module",
        Item::Const(_) => "a const",
        Item::Static(_) => "a static",
        Item::Type(_) => "a type alias",
        Item::Use(_) => "a `use`",
        Item::ForeignMod(_) => "an extern block",
        _ => "this item",
    };
    let span = match item {
        Item::Struct(s) => s.struct_token.span,
        Item::Enum(e) => e.enum_token.span,
        Item::Impl(i) => i.impl_token.span,
        Item::Trait(t) => t.trait_token.span,
        Item::Mod(m) => m.mod_token.span,
        Item::Const(c) => c.const_token.span,
        Item::Static(s) => s.static_token.span,
        Item::Type(t) => t.type_token.span,
        _ => item.span(),
    };
    Error::custom(format!(
        "`#[stamina::retry]` goes on a fn that returns a `Result`, not on {what}; \
         to retry code inline, use `stamina::retry_block!`"
    ))
    .with_span(&span)
}

/// What the signature itself rules out.
fn check_signature(function: &ItemFn) -> Vec<Error> {
    let sig = &function.sig;
    let mut errors = Vec::new();
    if let Some(constness) = &sig.constness {
        errors.push(
            Error::custom(
                "`#[stamina::retry]` cannot go on a `const fn`: retrying sleeps and reads the clock, which \
                 a const fn cannot do; remove `const`",
            )
            .with_span(constness),
        );
    }
    if let Some(abi) = &sig.abi {
        errors.push(
            Error::custom(
                "`#[stamina::retry]` cannot go on an `extern` fn: retry a Rust fn and call it from the \
                 extern fn instead",
            )
            .with_span(abi),
        );
    }
    if let Some(variadic) = &sig.variadic {
        errors.push(Error::custom("`#[stamina::retry]` cannot go on a variadic fn").with_span(variadic));
    }
    if let ReturnType::Default = sig.output {
        errors.push(
            Error::custom(format!(
                "`#[stamina::retry]` needs a fn that returns a `Result`, but `{}` returns `()`: stamina \
                 retries on errors, so return `Result<T, E>` (or an alias such as `std::io::Result<T>`)",
                sig.ident
            ))
            .with_span(&sig.ident),
        );
    }
    errors
}

/// The typed arguments by name, with their patterns.
fn named_arguments(function: &ItemFn) -> impl Iterator<Item = (&Ident, &syn::PatType)> {
    function.sig.inputs.iter().filter_map(|input| match input {
        FnArg::Typed(typed) => match &*typed.pat {
            Pat::Ident(ident) => Some((&ident.ident, typed)),
            _ => None,
        },
        FnArg::Receiver(_) => None,
    })
}

/// `clone(...)` must name arguments; arguments moved by the body must be in it.
fn check_clones(function: &ItemFn, params: &Params) -> Vec<Error> {
    let mut errors = Vec::new();
    for ident in &params.clone {
        if ident == "self" {
            errors.push(
                Error::custom(
                    "`clone(self)` is not supported: take `&self` (or `&mut self`) so each attempt can \
                     borrow it, or clone inside the body",
                )
                .with_span(ident),
            );
        } else if !named_arguments(function).any(|(name, _)| name == ident) {
            errors.push(
                Error::custom(format!("`clone({ident})` names no argument of `{}`", function.sig.ident))
                    .with_span(ident),
            );
        }
    }
    for (ident, typed) in consumed_arguments(function) {
        if params.clone.iter().any(|cloned| cloned == ident) {
            continue;
        }
        errors.push(
            Error::custom(format!(
                "`{ident}` is moved by the retried body, but every attempt needs it again: add \
                 `clone({ident})` to `#[stamina::retry(...)]` to give each attempt its own clone, \
                 or take it by reference (`{ident}: &{}`)",
                compact(&typed.ty.to_token_stream().to_string())
            ))
            .with_span(&typed.pat),
        );
    }
    errors
}

/// Replaces `impl Trait` with `_`, so a return type can name a local's type.
struct EraseImplTrait {
    erased: bool,
}

impl VisitMut for EraseImplTrait {
    fn visit_type_mut(&mut self, ty: &mut Type) {
        if let Type::ImplTrait(impl_trait) = ty {
            self.erased = true;
            *ty = Type::Infer(syn::TypeInfer {
                attrs: Vec::new(),
                underscore_token: syn::Token![_](impl_trait.impl_token.span),
            });
        } else {
            syn::visit_mut::visit_type_mut(self, ty);
        }
    }
}

/// Each cloned argument is shadowed by a clone at the start of each attempt,
/// and its `mut`, if any, moves to the clone. The fn first moves the argument
/// into a local of its own, so the argument counts as used by value (no
/// `clippy::needless_pass_by_value`). Returns (what the fn does once, what
/// each attempt does).
fn clone_arguments(
    params: &Params,
    function: &mut ItemFn,
    private: &TokenStream,
) -> (TokenStream, TokenStream) {
    let mut take_ownership = TokenStream::new();
    let mut clones = TokenStream::new();
    for ident in &params.clone {
        for input in &mut function.sig.inputs {
            if let FnArg::Typed(typed) = input
                && let Pat::Ident(pat) = &mut *typed.pat
                && &pat.ident == ident
            {
                let mutability = pat.mutability.take();
                let owned =
                    format_ident!("stamina_owned_{}", ident.unraw_string(), span = Span::mixed_site());
                take_ownership.extend(quote!(let #owned = #ident;));
                clones.extend(quote_spanned!(ident.span()=>
                    let #mutability #ident = #private::Clone::clone(&#owned);
                ));
            }
        }
    }
    (take_ownership, clones)
}

/// The name hooks see: `module::fn`, or the `Self` type's path and the method
/// name for fns with a receiver.
fn callable_name(function: &ItemFn, private: &TokenStream) -> TokenStream {
    let name_text = function.sig.ident.unraw_string();
    if function.sig.receiver().is_some() {
        quote!(#private::CallableName::method(::core::any::type_name::<Self>, #name_text))
    } else {
        quote!(#private::CallableName::new(::core::concat!(::core::module_path!(), "::", #name_text)))
    }
}

fn generate(params: &Params, mut function: ItemFn) -> TokenStream {
    let private = params.private_path();
    let ReturnType::Type(_, return_type) = &function.sig.output else {
        unreachable!("checked by check_signature")
    };
    let mut result_type = (**return_type).clone();
    let mut eraser = EraseImplTrait { erased: false };
    eraser.visit_type_mut(&mut result_type);
    let result_span = return_type.span();

    let (take_ownership, clones) = clone_arguments(params, &mut function, &private);
    let name = callable_name(&function, &private);

    let locals = Locals::new();
    let Locals {
        policy: policy_var,
        on: on_var,
        state: state_var,
        outcome: outcome_var,
        result: result_var,
        view: view_var,
        ..
    } = &locals;
    let (policy_setup, policy_ref) = params.policy_binding(policy_var);
    let on = params.on_expr();
    // The predicate gets its argument type from the return type, so closures
    // infer it. When the return type has an `impl Trait` (erased to `_` here),
    // the return type alone does not name a type, and the predicate is typed
    // from the first attempt's outcome instead, as in `retry_block!`.
    // It is held by value: a fn item or a closure without captures takes no
    // room in the retried future.
    let (on_setup, on_after_attempt) = if eraser.erased {
        (
            quote!(let mut #on_var = #private::Option::None;),
            quote!(let #on_var = &*#on_var.get_or_insert_with(|| #private::predicate_for_outcome(&#outcome_var, #on));),
        )
    } else {
        (
            quote_spanned!(result_span=> let #on_var = #private::predicate_for::<#result_type, _, _>(#on);),
            quote!(let #on_var = &#on_var;),
        )
    };
    let body = &function.block;
    let (inner_attrs, outer_attrs): (Vec<_>, Vec<_>) =
        function.attrs.iter().partition(|attr| matches!(attr.style, AttrStyle::Inner(_)));

    // A return type that is not a `Result` is reported on the return type.
    let into_result = quote_spanned!(result_span=> #private::RetryResult::into_result);
    let from_result = quote_spanned!(result_span=> #private::RetryResult::from_result);
    // A predicate of the wrong type is reported at `on`, here too.
    let on_span = params.on_span();
    let settle = quote_spanned!(on_span=> #state_var.settle);
    let site = quote!(#private::Site { policy: #policy_ref, name: &const { #name } });
    // Hooks see the error as `&dyn Error` when its type is one: chosen by
    // autoref specialization on the outcome's concrete type.
    // The probe takes the error type from the predicate where it can (a fn's
    // signature names it), so that a return type that is not a `Result` is
    // reported once, without follow-up errors from the probe.
    let probe = if eraser.erased {
        quote!(#private::ErrorViewProbe::of(&#outcome_var))
    } else {
        quote!(#private::ErrorViewProbe::for_predicate(#on_var))
    };
    let error_view = quote! {
        {
            use #private::{ViaDebug as _, ViaError as _, ViaErrorChain as _};
            (&&#probe).error_view()
        }
    };
    let is_async = function.sig.asyncness.is_some();
    // Unlike `run_async`, the attempt's future is not pinned where it is built
    // (`pin!(..).await`): the pointer the await would then hold makes every
    // retried future 8 bytes larger (against the +64 B bound), and the
    // benchmarks showed no gain for the attribute.
    let attempt = if is_async {
        quote!(#private::attempt_async::<#result_type, _>(async { #clones #body }).await)
    } else {
        quote!(#private::attempt_sync::<#result_type, _>(|| { #clones #body }))
    };
    let retry_loop = Loop {
        private: private.clone(),
        is_async,
        policy_ref,
        site,
        before_attempt: TokenStream::new(),
        attempt: quote!(#into_result(#attempt)),
        prelude: quote! {
            #on_after_attempt
            let #view_var = #error_view;
        },
        settle,
        exit: quote!(return #from_result(#result_var)),
    }
    .expand(&locals);
    let vis = &function.vis;
    let sig = &function.sig;
    quote! {
        #(#outer_attrs)*
        #vis #sig {
            #(#inner_attrs)*
            #take_ownership
            #policy_setup
            #on_setup
            #retry_loop
        }
    }
}

trait UnrawString {
    fn unraw_string(&self) -> String;
}

impl UnrawString for Ident {
    fn unraw_string(&self) -> String {
        use syn::ext::IdentExt as _;
        self.unraw().to_string()
    }
}

/// `Vec < u8 >` as a user would write it: `Vec<u8>`.
fn compact(tokens: &str) -> String {
    tokens.replace(" < ", "<").replace("< ", "<").replace(" >", ">").replace("& ", "&").replace(" ,", ",")
}
