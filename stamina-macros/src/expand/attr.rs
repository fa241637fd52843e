//! The code `#[stamina::retry]` generates: the fn's signature token for token
//! (so rustdoc and IDEs see the original fn), and a body that runs the
//! original body once per attempt, inside a closure (sync) or an `async` block
//! (async): `?` and `return` end the attempt, never the loop.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt as _;
use syn::{AttrStyle, FnArg, Ident, Pat, Signature};

use super::policy::PolicyExpr;
use super::predicate::{ErrorType, Predicate};
use super::{Attempt, Exit, Flavor, Loop, result_item};
use crate::validate::RetryFn;

pub(super) fn expand(retry_fn: &RetryFn) -> TokenStream {
    if let Some(kind) = retry_fn.stream {
        return super::stream::expand(retry_fn, kind);
    }
    let RetryFn { runtime, params, function, result, .. } = retry_fn;
    let private = runtime.path();
    let mut signature = function.sig.clone();
    let (take_ownership, clones) = clone_arguments(&params.clone, &mut signature, private);
    let flavor = if signature.asyncness.is_some() { Flavor::Async } else { Flavor::Sync };
    let result_type = &result.ty;
    // The body keeps its own braces, so a `use` in it stays in it; nothing
    // else is put in them, so a one-line body is still one block, not a block
    // in a block (`unused_braces`).
    let body = &function.block;
    let run = match flavor {
        Flavor::Async => quote!(#private::attempt_async::<#result_type, _>(async #body).await),
        Flavor::Sync => quote!(#private::attempt_sync::<#result_type, _>(|| #body)),
    };
    // A return type that is not a `Result` is reported on the return type.
    let into_result = result_item(runtime, result, "into_result", Some(run));
    let attempt = if clones.is_empty() { into_result } else { quote!({ #clones #into_result }) };
    let policy = PolicyExpr::new(&params.policy, runtime);
    let retry_loop = Loop {
        runtime,
        flavor,
        policy: &policy,
        name: callable_name(&signature, private),
        predicate: Predicate {
            runtime,
            on: &params.on,
            error: if result.names_error { ErrorType::Declared(result) } else { ErrorType::FromOutcome },
        },
        attempt: Attempt(attempt),
        exit: Exit::Return(result),
        cancels_at: params.policy.cancels_at(),
        untimed: params.policy.untimed(),
    }
    .expand();
    let (inner_attrs, outer_attrs): (Vec<_>, Vec<_>) =
        function.attrs.iter().partition(|attr| matches!(attr.style, AttrStyle::Inner(_)));
    let vis = &function.vis;
    quote! {
        #(#outer_attrs)*
        #vis #signature {
            #(#inner_attrs)*
            #take_ownership
            #retry_loop
        }
    }
}

/// Each cloned argument is shadowed by a clone before each attempt, and its
/// `mut`, if any, moves to the clone. The fn first moves the argument into a
/// local of its own, so the argument counts as used by value (no
/// `clippy::needless_pass_by_value`). Returns (what the fn does once, what
/// each attempt does).
pub(super) fn clone_arguments(
    cloned: &[Ident],
    signature: &mut Signature,
    private: &TokenStream,
) -> (TokenStream, TokenStream) {
    let mut take_ownership = TokenStream::new();
    let mut per_attempt = TokenStream::new();
    for ident in cloned {
        for input in &mut signature.inputs {
            if let FnArg::Typed(typed) = input
                && let Pat::Ident(pat) = &mut *typed.pat
                && &pat.ident == ident
            {
                let mutability = pat.mutability.take();
                let owned = format_ident!("stamina_owned_{}", ident.unraw(), span = Span::mixed_site());
                take_ownership.extend(quote!(let #owned = #ident;));
                per_attempt.extend(quote_spanned!(ident.span()=>
                    let #mutability #ident = #private::Clone::clone(&#owned);
                ));
            }
        }
    }
    (take_ownership, per_attempt)
}

/// The name hooks see: `module::fn`, or the `Self` type's path and the method
/// name for fns with a receiver.
pub(super) fn callable_name(signature: &Signature, private: &TokenStream) -> TokenStream {
    let name_text = signature.ident.unraw().to_string();
    if signature.receiver().is_some() {
        quote!(#private::CallableName::method(#private::type_name::<Self>, #name_text))
    } else {
        quote!(#private::CallableName::new(#private::concat!(#private::module_path!(), "::", #name_text)))
    }
}
