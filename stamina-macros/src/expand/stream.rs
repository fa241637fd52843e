//! The code `#[stamina::retry]` generates on a fn that returns `impl
//! Stream<Item = Result<T, E>>` or `impl Iterator<Item = Result<T, E>>`: the
//! fn's signature token for token, and a body that hands the runtime's
//! `RetryingStream` (or `RetryingIter`) the policy, the name, `on`, and the
//! original body as the factory, a `move` closure run once per attempt.
//!
//! No loop is generated: the runtime's stream drives `RetryState::settle`
//! like every other loop. Arguments follow the async fns' rules: references
//! are copied into the factory; an argument the body moves needs
//! `clone(...)`, which the factory clones once per attempt.

use proc_macro2::TokenStream;
use quote::quote;

use super::attr::{callable_name, clone_arguments};
use super::local;
use super::policy::PolicyExpr;
use super::predicate::{ErrorType, Predicate};
use crate::args::StreamBehaviour;
use crate::validate::RetryFn;
use crate::validate::stream::StreamKind;

pub(super) fn expand(retry_fn: &RetryFn, kind: StreamKind) -> TokenStream {
    let RetryFn { runtime, params, function, result, .. } = retry_fn;
    let private = runtime.path();
    let mut signature = function.sig.clone();
    let (take_ownership, clones) = clone_arguments(&params.clone, &mut signature, private);
    let body = &function.block;
    // The body keeps its own braces (a `use` in it stays in it).
    let factory_body = if clones.is_empty() { quote!(#body) } else { quote!({ #clones #body }) };
    let factory = quote!(move |_: #private::Attempt| #factory_body);
    let policy = PolicyExpr::new(&params.policy, runtime);
    let policy_binding = policy.binding();
    let policy_value = policy.value();
    let predicate = Predicate { runtime, on: &params.on, error: ErrorType::Declared(result) };
    // `Declared` needs no outcome: the name is unused.
    let code = predicate.expand(&local("stamina_outcome"));
    let (before_loop, view) = (&code.before_loop, &code.view);
    let on_var = local("stamina_on");
    let view_var = local("stamina_view");
    let name = callable_name(&signature, private);
    let behaviour = match params.stream.map(|(behaviour, _)| behaviour) {
        None | Some(StreamBehaviour::Restart) => quote!(#private::stream::Restart),
        Some(StreamBehaviour::Commit) => quote!(<#private::stream::Commit as #private::Default>::default()),
    };
    let retried = match kind {
        StreamKind::Stream => quote! {
            #private::stream::RetryingStream::new(
                #policy_value,
                const { #name },
                #on_var,
                <#private::DefaultSleeper as #private::Default>::default(),
                #behaviour,
                #view_var,
                #factory,
            )
        },
        StreamKind::Iterator => quote! {
            #private::stream::RetryingIter::new(
                #policy_value,
                const { #name },
                #on_var,
                #behaviour,
                #view_var,
                #factory,
            )
        },
    };
    let (inner_attrs, outer_attrs): (Vec<_>, Vec<_>) =
        function.attrs.iter().partition(|attr| matches!(attr.style, syn::AttrStyle::Inner(_)));
    let vis = &function.vis;
    quote! {
        #(#outer_attrs)*
        #vis #signature {
            #(#inner_attrs)*
            #take_ownership
            #policy_binding
            #before_loop
            let #view_var = #view;
            #retried
        }
    }
}
