//! The code `retry_block!(key = value, ..., |attempt| { ... })` generates: a
//! block (or, for an async closure, an `async` block) holding the loop, in
//! which the closure's body runs once per attempt with the current `Attempt`,
//! like Python's `for attempt in stamina.retry_context(...)`.
//!
//! The body runs inside a closure (sync) or an `async` block (async), so `?`
//! and `return` end the attempt. A block has no declared return type, so the
//! error type is taken from the first attempt's outcome.

use proc_macro2::TokenStream;
use quote::quote;
use syn::Expr;

use super::policy::PolicyExpr;
use super::predicate::{ErrorType, Predicate};
use super::{Attempt, Exit, Flavor, Loop, current_attempt};
use crate::validate::{BlockClosure, RejectedBlock, RetryBlock};

pub(super) fn expand(retry_block: &RetryBlock) -> TokenStream {
    let RetryBlock { runtime, params, closure } = retry_block;
    let private = runtime.path();
    let policy = PolicyExpr::new(&params.policy, runtime);
    let BlockClosure { is_async, capture, attempt: pattern, output, body } = closure;
    let flavor = if *is_async { Flavor::Async } else { Flavor::Sync };
    let current = current_attempt(&policy, runtime, flavor);
    let (flavor, attempt) = if *is_async {
        // The attempt is bound by a `match`: a `let` would make clippy lint a
        // `|_attempt|` pattern as an underscore binding without effect.
        let body = async_body(body);
        (
            Flavor::Async,
            quote!(match #current { #pattern => #private::block_attempt_async(async #body).await }),
        )
    } else {
        (Flavor::Sync, quote!(#private::block_attempt_sync(#current, #capture |#pattern| #output #body)))
    };
    let retry_loop = Loop {
        runtime,
        flavor,
        policy: &policy,
        name: params.name.as_ref().map_or_else(
            || quote!(#private::CallableName::CONTEXT_BLOCK),
            |name| quote!(#private::CallableName::new(#name)),
        ),
        predicate: Predicate { runtime, on: &params.on, error: ErrorType::FromOutcome },
        attempt: Attempt(attempt),
        exit: Exit::Break,
        cancels_at: params.policy.cancels_at(),
        untimed: params.policy.untimed(),
    }
    .expand();
    if *is_async { quote!(async #capture { #retry_loop }) } else { quote!({ #retry_loop }) }
}

/// The body of an async closure as the body of an `async` block: its own
/// braces when it has them (so a one-line body is not a block in a block),
/// else new ones.
fn async_body(body: &Expr) -> TokenStream {
    match body {
        Expr::Block(block) if block.attrs.is_empty() && block.label.is_none() => quote!(#block),
        other => quote!({ #other }),
    }
}

/// After an error: the errors, and the body run once when the closure was
/// found, so the code around still type-checks and the user sees only the
/// macro's errors.
pub(super) fn fallback(rejected: &RejectedBlock) -> TokenStream {
    let errors = rejected.errors.to_compile_errors();
    let Some((runtime, closure)) = rejected.fallback.as_deref() else {
        return errors;
    };
    let private = runtime.path();
    let BlockClosure { is_async, capture, attempt: pattern, body, .. } = closure;
    let first = quote!(#private::RetryState::new(&#private::DEFAULT_POLICY, #private::sync_now).attempt(&#private::DEFAULT_POLICY));
    let run = if *is_async {
        quote!(async #capture { match #first { #pattern => #body } })
    } else {
        quote!(#private::block_attempt_sync(#first, |#pattern| #body))
    };
    quote!({ #errors #run })
}
