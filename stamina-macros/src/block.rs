//! `retry_block!(key = value, ..., |attempt| { ... })`: retries inline code,
//! handing each run the current `Attempt`, like Python's
//! `for attempt in stamina.retry_context(...)`.
//!
//! The closure's body runs once per attempt inside a closure (sync) or an
//! `async` block (async), so `?` and `return` end the attempt. A block has no
//! declared return type, so the `on` predicate gets its argument type from the
//! first attempt's outcome, after the body has been type-checked.

use darling::Error;
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::parse::Parser as _;
use syn::{ExprClosure, Ident, Pat};

use crate::args::{Params, RawArgs, check};
use crate::codegen::{Locals, Loop};

pub(crate) fn expand(input: TokenStream) -> TokenStream {
    let raw = match (|stream: syn::parse::ParseStream<'_>| RawArgs::parse_with(stream, true)).parse2(input) {
        Ok(raw) => raw,
        Err(error) => return error.to_compile_error(),
    };
    let closure = raw.closure.clone();
    let (params, mut errors) = check(raw, false);
    errors.extend(params.require_on(Span::call_site()));
    let Some(closure) = closure else {
        errors.push(
            Error::custom(
                "`retry_block!` needs the code to retry as a closure after the parameters: \
                 `retry_block!(on = is_retriable, |attempt| { ... })`",
            )
            .with_span(&Span::call_site()),
        );
        return Error::multiple(errors).write_errors();
    };
    let attempt_pat = match closure.inputs.len() {
        0 => quote!(_),
        1 => {
            let pat: &Pat = &closure.inputs[0];
            quote!(#pat)
        }
        _ => {
            errors.push(
                Error::custom("the closure takes one argument, the current attempt: `|attempt| { ... }`")
                    .with_span(&closure.inputs),
            );
            quote!(_)
        }
    };
    if errors.is_empty() {
        generate(&params, &closure, &attempt_pat)
    } else {
        let errors = Error::multiple(errors).write_errors();
        let fallback = fallback(&params, &closure, &attempt_pat);
        quote!({ #errors #fallback })
    }
}

/// After an error, the body run once, so the surrounding code still type-checks
/// and the user sees only the macro's errors.
fn fallback(params: &Params, closure: &ExprClosure, attempt_pat: &TokenStream) -> TokenStream {
    let private = params.private_path();
    let body = &closure.body;
    let first = quote!(#private::RetryState::new(&#private::DEFAULT_POLICY, #private::sync_now).attempt(&#private::DEFAULT_POLICY));
    if closure.asyncness.is_some() {
        let capture = &closure.capture;
        quote!(async #capture { let #attempt_pat = #first; #body })
    } else {
        quote!(#private::block_attempt_sync(#first, |#attempt_pat| #body))
    }
}

fn generate(params: &Params, closure: &ExprClosure, attempt_pat: &TokenStream) -> TokenStream {
    let private = params.private_path();
    let on = params.on_expr();
    let body = &closure.body;
    let output = &closure.output;
    let capture = &closure.capture;

    let locals = Locals::new();
    let state_var = &locals.state;
    let result_var = &locals.result;
    let predicates_var = Ident::new("stamina_predicates", Span::mixed_site());
    let Locals {
        policy: policy_var,
        on: on_var,
        attempt: attempt_var,
        outcome: outcome_var,
        view: view_var,
        ..
    } = &locals;
    let (policy_setup, policy_ref) = params.policy_binding(policy_var);
    let is_async = closure.asyncness.is_some();
    let attempt = if is_async {
        quote! {
            #private::block_attempt_async(async {
                #[allow(clippy::no_effect_underscore_binding)]
                let #attempt_pat = #attempt_var;
                #body
            })
            .await
        }
    } else {
        quote!(#private::block_attempt_sync(#attempt_var, #capture |#attempt_pat| #output #body))
    };
    // The predicate is built once, after the first attempt, from that
    // attempt's outcome: that is when its argument type is known. So is the
    // view that shows the error to hooks as `&dyn Error` where it is one.
    let retry_loop = Loop {
        private: private.clone(),
        is_async,
        policy_ref: policy_ref.clone(),
        site: quote!(#private::Site { policy: #policy_ref, name: &#private::CallableName::CONTEXT_BLOCK }),
        before_attempt: quote!(let #attempt_var: #private::Attempt = #state_var.attempt(#policy_ref);),
        attempt,
        prelude: quote! {
            let #on_var = &*#predicates_var.get_or_insert_with(
                || #private::predicate_for_outcome(&#outcome_var, #on),
            );
            let #view_var = {
                use #private::{ViaDebug as _, ViaError as _, ViaErrorChain as _};
                (&&#private::ErrorViewProbe::of(&#outcome_var)).error_view()
            };
        },
        settle: quote!(#state_var.settle),
        exit: quote!(break #result_var),
    }
    .expand(&locals);
    let body_loop = quote! {
        #policy_setup
        let mut #predicates_var = #private::Option::None;
        #retry_loop
    };
    if is_async { quote!(async #capture { #body_loop }) } else { quote!({ #body_loop }) }
}
