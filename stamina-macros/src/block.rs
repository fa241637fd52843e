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

    let policy_var = Ident::new("stamina_policy", Span::mixed_site());
    let on_var = Ident::new("stamina_on", Span::mixed_site());
    let predicate_var = Ident::new("stamina_predicate", Span::mixed_site());
    let state_var = Ident::new("stamina_state", Span::mixed_site());
    let attempt_var = Ident::new("stamina_attempt", Span::mixed_site());
    let outcome_var = Ident::new("stamina_outcome", Span::mixed_site());
    let result_var = Ident::new("stamina_result", Span::mixed_site());
    let sleeper_var = Ident::new("stamina_sleeper", Span::mixed_site());
    let pause_var = Ident::new("stamina_pause", Span::mixed_site());
    let view_var = Ident::new("stamina_view", Span::mixed_site());
    let (policy_setup, policy_ref) = params.policy_binding(&policy_var);
    let site = quote!(#private::Site { policy: #policy_ref, name: &#private::CallableName::CONTEXT_BLOCK });

    let is_async = closure.asyncness.is_some();
    let (now, sleeper_setup, attempt, sleep) = if is_async {
        (
            quote!(|| #private::Sleeper::stamp(&#sleeper_var)),
            quote!(let #sleeper_var = <#private::DefaultSleeper as #private::Default>::default();),
            quote! {
                #private::block_attempt_async(async {
                    #[allow(clippy::no_effect_underscore_binding)]
                    let #attempt_pat = #attempt_var;
                    #body
                })
                .await
            },
            quote!(#pause_var.sleep_async(&#sleeper_var).await),
        )
    } else {
        (
            quote!(#private::sync_now),
            TokenStream::new(),
            quote!(#private::block_attempt_sync(#attempt_var, #capture |#attempt_pat| #output #body)),
            quote!(#pause_var.sleep_sync()),
        )
    };
    // The predicate is built once, after the first attempt, from that
    // attempt's outcome: that is when its argument type is known. So is the
    // view that shows the error to hooks as `&dyn Error` where it is one.
    let body_loop = quote! {
        #policy_setup
        #sleeper_setup
        let mut #state_var = #private::RetryState::new(#policy_ref, #now);
        let mut #on_var = #private::Option::None;
        loop {
            let #attempt_var: #private::Attempt = #state_var.attempt(#policy_ref);
            let #outcome_var = #attempt;
            let #pause_var = match {
                let #predicate_var = &*#on_var.get_or_insert_with(
                    || #private::predicate_for_outcome(&#outcome_var, #on),
                );
                let #view_var = {
                    use #private::{ViaDebug as _, ViaError as _};
                    (&&#private::ErrorViewProbe::of(&#outcome_var)).error_view()
                };
                #state_var.settle(#site, #outcome_var, #predicate_var, #now, #view_var)
            } {
                #private::Settled::Done(#result_var) => break #result_var,
                #private::Settled::Wait(#pause_var) => #pause_var,
            };
            #sleep;
        }
    };
    if is_async { quote!(async #capture { #body_loop }) } else { quote!({ #body_loop }) }
}
