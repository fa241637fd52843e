//! Expansion: the code generated for a [`RetryFn`](crate::validate::RetryFn)
//! or a [`RetryBlock`](crate::validate::RetryBlock), and the two pipelines
//! that get there (parse, then check, then expand).
//!
//! Both macros generate the same loop: a few lines that hand each attempt's
//! outcome to stamina-core's `RetryState::settle`, which makes every decision,
//! computes every wait and calls every hook. The runtime is named only through
//! its `__private` module.

mod attr;
mod block;
mod policy;
mod predicate;
mod stream;

use proc_macro2::{Delimiter, Group, Ident, Span, TokenStream, TokenTree};
use quote::quote;

use crate::args::Runtime;
use crate::parse::{self, Extent};
use crate::validate::{self, Rejected, ResultType};
use policy::PolicyExpr;
use predicate::Predicate;

/// `#[stamina::retry(...)]`. On any error the item is emitted as written next
/// to the errors, so the rest of the crate (and the user's IDE) still sees it.
pub(crate) fn retry_attr(attr: TokenStream, item: &TokenStream) -> TokenStream {
    let args = parse::attr_args(attr);
    let raw_item = parse::item(item);
    match validate::retry_fn(args, raw_item) {
        Ok(retry_fn) => attr::expand(&retry_fn),
        Err(Rejected { errors, in_expression: false }) => {
            let errors = errors.to_compile_errors();
            quote!(#errors #item)
        }
        // A closure under the attribute must stay an expression.
        Err(Rejected { errors, in_expression: true }) => {
            let errors = errors.to_compile_errors();
            quote!({ #errors #item })
        }
    }
}

/// `retry_block!(...)`. On any error the closure's body runs once, so the code
/// around still type-checks and the user sees only the macro's errors.
pub(crate) fn retry_block(input: TokenStream) -> TokenStream {
    match validate::retry_block(parse::block_input(input)) {
        Ok(retry_block) => block::expand(&retry_block),
        Err(rejected) => block::fallback(&rejected),
    }
}

/// The generated locals. `Span::mixed_site()` keeps them out of reach of the
/// user's code, so they cannot clash with its names.
struct Locals {
    state: Ident,
    outcome: Ident,
    result: Ident,
    sleeper: Ident,
    pause: Ident,
    sleeping: Ident,
}

impl Locals {
    fn new() -> Self {
        Self {
            state: local("stamina_state"),
            outcome: local("stamina_outcome"),
            result: local("stamina_result"),
            sleeper: local("stamina_sleeper"),
            pause: local("stamina_pause"),
            sleeping: local("stamina_sleeping"),
        }
    }
}

/// A generated local's name.
fn local(name: &str) -> Ident {
    Ident::new(name, Span::mixed_site())
}

/// `tokens`, shown at `span`: each token keeps its hygiene and only moves, so
/// that a type error rustc finds in generated code points at the user's token
/// it is about. Never used on the user's own tokens, which keep their place.
fn located_at(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|token| match token {
            TokenTree::Group(group) => {
                let mut moved = Group::new(group.delimiter(), located_at(group.stream(), span));
                moved.set_span(group.span().located_at(span));
                TokenTree::Group(moved)
            }
            mut other => {
                other.set_span(other.span().located_at(span));
                other
            }
        })
        .collect()
}

/// `tokens` (paths only, no locals), given exactly `span`, the span of a user's
/// token.
fn spanned_as(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|token| match token {
            TokenTree::Group(group) => {
                let mut moved = Group::new(group.delimiter(), spanned_as(group.stream(), span));
                moved.set_span(span);
                TokenTree::Group(moved)
            }
            mut other => {
                other.set_span(span);
                other
            }
        })
        .collect()
}

/// `<R as RetryResult>::<item>` for the fn's return type `R`, followed by
/// `args` in parentheses when given, shown under all of the return type as
/// written: the tokens around `R` take the user's own spans of its first and
/// last token, so rustc's span of the path (and of the call) is exactly its
/// span of `R`. Where rustc finds the same unmet bound (`R: RetryResult`)
/// under the same span more than once, it reports it once. `R` is named, not
/// inferred from `args`, or rustc would show the error under an argument.
fn result_item(runtime: &Runtime, result: &ResultType, item: &str, args: Option<TokenStream>) -> TokenStream {
    let private = runtime.path();
    let Extent { first, last } = result.extent;
    let ty = &result.ty;
    let item = Ident::new(item, last);
    let open = spanned_as(quote!(<), first);
    let close = spanned_as(quote!(as #private::RetryResult>::#item), last);
    let mut tokens = quote!(#open #ty #close);
    if let Some(args) = args {
        let mut parens = Group::new(Delimiter::Parenthesis, args);
        parens.set_span(last);
        tokens.extend([TokenTree::Group(parens)]);
    }
    tokens
}

/// `callee(args)`, with the parentheses given `span` too, so that rustc's span
/// of the call is `span`, not one that reaches back to the macro call; `args`
/// keep their spans.
fn call_at(callee: &TokenStream, args: TokenStream, span: Span) -> TokenStream {
    let mut parens = Group::new(Delimiter::Parenthesis, args);
    parens.set_span(span);
    quote!(#callee #parens)
}

/// The current `Attempt` of a loop: an expression valid inside it, with the
/// loop's clock (`flavor`'s), which it reads only if asked the time elapsed.
fn current_attempt(policy: &PolicyExpr, runtime: &Runtime, flavor: Flavor) -> TokenStream {
    let Locals { state, sleeper, .. } = Locals::new();
    let policy = policy.reference();
    let private = runtime.path();
    let clock = match flavor {
        Flavor::Async => quote!(#private::Sleeper::clock(&#sleeper)),
        Flavor::Sync => quote!(#private::sync_now),
    };
    quote!(#state.attempt_at(#policy, #clock))
}

/// How the loop waits.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Flavor {
    /// On the thread, reading the coarse clock.
    Sync,
    /// On the default sleeper, reading its clock.
    Async,
}

/// An expression that runs one attempt and evaluates to its outcome: a
/// `Result`, or for the attribute, the fn's return type.
struct Attempt(TokenStream);

/// How the loop ends once `settle` is done, with the final `Result`.
enum Exit<'a> {
    /// Return it from the fn, converted back to the fn's return type.
    Return(&'a ResultType),
    /// Make it the value of the loop (a block).
    Break,
}

/// The retry loop, with everything it needs set up before it.
struct Loop<'a> {
    runtime: &'a Runtime,
    flavor: Flavor,
    policy: &'a PolicyExpr,
    /// A `CallableName` constant expression: what hooks see.
    name: TokenStream,
    predicate: Predicate<'a>,
    attempt: Attempt,
    exit: Exit<'a>,
    /// Where an async loop may cancel its attempts (the key that asks for
    /// it): each attempt then races a timer. `None`: the attempt is awaited
    /// as it is, with no timer and no room for one.
    cancels_at: Option<Span>,
    /// Whether the policy has no timeout: `settle` then needs not ask
    /// whether the loop is timed (`RetryState::settle_untimed`).
    untimed: bool,
}

impl Loop<'_> {
    /// `|| now` for the state: the sleeper's clock, or the sync clock.
    fn now(&self, locals: &Locals) -> TokenStream {
        let private = self.runtime.path();
        let sleeper = &locals.sleeper;
        match self.flavor {
            Flavor::Async => quote!(|| #private::Sleeper::stamp(&#sleeper)),
            Flavor::Sync => quote!(#private::sync_now),
        }
    }

    /// The expression that runs one attempt. With a limit on it (async only),
    /// the attempt races its timer, and one that runs out becomes the error
    /// `E::from(AttemptTimedOut)`; a missing conversion is reported at the
    /// key that asked for the limit.
    fn run_attempt(&self, locals: &Locals) -> TokenStream {
        let attempt = &self.attempt.0;
        let Some(key) = self.cancels_at.filter(|_| self.flavor == Flavor::Async) else {
            return attempt.clone();
        };
        let private = self.runtime.path();
        let Locals { state, sleeper, .. } = locals;
        let policy = self.policy.reference();
        let now = self.now(locals);
        let running = local("stamina_attempt");
        let raced = local("stamina_raced");
        let limit = local("stamina_limit");
        let outcome_within = located_at(quote!(#state.outcome_within(#raced)), key);
        quote!({
            let #raced = {
                let #running = #private::pin!(async { #attempt });
                match #state.attempt_limit(#policy, #now) {
                    #private::Option::None => #private::Result::Ok(#running.await),
                    #private::Option::Some(#limit) => #private::Timed::new(#running, #limit, &#sleeper).await,
                }
            };
            #outcome_within
        })
    }

    /// The policy binding, the predicate's setup, the sleeper, the state and
    /// the loop.
    fn expand(&self) -> TokenStream {
        let locals = Locals::new();
        let Locals { state, outcome, result, sleeper, pause, sleeping } = &locals;
        let private = self.runtime.path();
        let policy_binding = self.policy.binding();
        let policy = self.policy.reference();
        let now = self.now(&locals);
        let (sleeper_setup, sleep) = match self.flavor {
            Flavor::Async => (
                quote!(let #sleeper = <#private::DefaultSleeper as #private::Default>::default();),
                quote!(if let #private::Option::Some(#sleeping) = #pause.sleep_async(&#sleeper) {
                    #sleeping.await;
                }),
            ),
            Flavor::Sync => (TokenStream::new(), quote!(#pause.sleep_sync();)),
        };
        let predicate = self.predicate.expand(outcome);
        let (before_loop, before_settle, on, view) =
            (&predicate.before_loop, &predicate.before_settle, &predicate.on, &predicate.view);
        let name = &self.name;
        // The view looks at the outcome, so it is taken before `settle`
        // takes the outcome.
        let view_var = local("stamina_view");
        // A predicate of the wrong type is reported at `on`.
        let site = quote!(#private::Site { policy: #policy, name: &const { #name } });
        let settle = if predicate.on_result {
            quote!(#private::settle_on_result(&mut #state, #site, #outcome, #on, #now, #view_var))
        } else if self.untimed {
            quote!(#state.settle_untimed(#site, #outcome, #on, #now, #view_var))
        } else {
            quote!(#state.settle(#site, #outcome, #on, #now, #view_var))
        };
        let settle = located_at(settle, self.predicate.span());
        let attempt = self.run_attempt(&locals);
        let exit = match self.exit {
            Exit::Return(result_type) => {
                let from_result =
                    result_item(self.runtime, result_type, "from_result", Some(quote!(#result)));
                quote!(return #from_result)
            }
            Exit::Break => quote!(break #result),
        };
        quote! {
            #policy_binding
            #before_loop
            #sleeper_setup
            let mut #state = #private::RetryState::new(#policy, #now);
            loop {
                let #outcome = #attempt;
                // The match ends before the wait, so its temporaries take no
                // room in the future while it sleeps.
                let #pause = match {
                    #before_settle
                    let #view_var = #view;
                    #settle
                } {
                    #private::Settled::Done(#result) => #exit,
                    #private::Settled::Wait(#pause) => #pause,
                };
                #sleep
            }
        }
    }
}

#[cfg(test)]
mod snapshot;
