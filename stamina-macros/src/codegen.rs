//! What the attribute and the block macro generate alike: the names of the
//! generated locals, how the loop tells the time and waits (sync or async), and
//! the loop itself. The loop is a few lines that hand every outcome to
//! stamina-core's `RetryState`; every decision is made there.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

/// The generated locals. `Span::mixed_site()` keeps them out of reach of the
/// user's code, so they cannot clash with its names.
pub(crate) struct Locals {
    pub(crate) policy: Ident,
    pub(crate) on: Ident,
    pub(crate) state: Ident,
    pub(crate) attempt: Ident,
    pub(crate) outcome: Ident,
    pub(crate) result: Ident,
    pub(crate) sleeper: Ident,
    pub(crate) pause: Ident,
    pub(crate) sleeping: Ident,
    pub(crate) view: Ident,
}

impl Locals {
    pub(crate) fn new() -> Self {
        let local = |name: &str| Ident::new(name, Span::mixed_site());
        Self {
            policy: local("stamina_policy"),
            on: local("stamina_on"),
            state: local("stamina_state"),
            attempt: local("stamina_attempt"),
            outcome: local("stamina_outcome"),
            result: local("stamina_result"),
            sleeper: local("stamina_sleeper"),
            pause: local("stamina_pause"),
            sleeping: local("stamina_sleeping"),
            view: local("stamina_view"),
        }
    }
}

/// The pieces of the loop that differ between the attribute and the block.
pub(crate) struct Loop {
    /// `#private`.
    pub(crate) private: TokenStream,
    /// Whether the loop is async (sleeps on the default sleeper).
    pub(crate) is_async: bool,
    /// A `&RetryPolicy` expression.
    pub(crate) policy_ref: TokenStream,
    /// The `Site` expression.
    pub(crate) site: TokenStream,
    /// Statements at the top of each iteration (the block binds its `Attempt`).
    pub(crate) before_attempt: TokenStream,
    /// The expression that runs one attempt and evaluates to its `Result`.
    pub(crate) attempt: TokenStream,
    /// Statements before settling, inside a block that ends before the wait:
    /// they must bind the predicate reference `on` and the error view `view`.
    pub(crate) prelude: TokenStream,
    /// The `settle` method path, spanned where predicate errors should point.
    pub(crate) settle: TokenStream,
    /// How the loop ends with the result bound to `result`.
    pub(crate) exit: TokenStream,
}

impl Loop {
    /// `|| now` for the state: the sleeper's clock, or the sync clock.
    pub(crate) fn now(&self, locals: &Locals) -> TokenStream {
        let private = &self.private;
        let sleeper = &locals.sleeper;
        if self.is_async {
            quote!(|| #private::Sleeper::stamp(&#sleeper))
        } else {
            quote!(#private::sync_now)
        }
    }

    /// The loop, with its sleeper and state.
    pub(crate) fn expand(&self, locals: &Locals) -> TokenStream {
        let Self { private, policy_ref, site, before_attempt, attempt, prelude, settle, exit, .. } = self;
        let Locals { state, outcome, on, result, sleeper, pause, sleeping, view, .. } = locals;
        let now = self.now(locals);
        let (sleeper_setup, sleep) = if self.is_async {
            (
                quote!(let #sleeper = <#private::DefaultSleeper as #private::Default>::default();),
                quote!(if let #private::Option::Some(#sleeping) = #pause.sleep_async(&#sleeper) {
                    #sleeping.await;
                }),
            )
        } else {
            (TokenStream::new(), quote!(#pause.sleep_sync()))
        };
        quote! {
            #sleeper_setup
            let mut #state = #private::RetryState::new(#policy_ref, #now);
            loop {
                #before_attempt
                let #outcome = #attempt;
                // The match ends before the wait, so its temporaries take no
                // room in the future while it sleeps.
                let #pause = match {
                    #prelude
                    #settle(#site, #outcome, #on, #now, #view)
                } {
                    #private::Settled::Done(#result) => #exit,
                    #private::Settled::Wait(#pause) => #pause,
                };
                #sleep;
            }
        }
    }
}
