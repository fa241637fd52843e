//! The generated `RetryPolicy`, bound once before the loop.
//!
//! Literal parameters become `const` builder calls on values the macro
//! computed, so an all-literal policy is a `const` item, which a retried future
//! only points to; a policy with expressions goes through the runtime's
//! checked builders into a local.

use proc_macro2::{Literal, Span, TokenStream};
use quote::quote;
use syn::Expr;

use super::{local, located_at};
use crate::args::{self, BudgetArg, PolicyParams, Runtime, Value};

/// The policy, with whether it is known at compile time.
pub(super) enum PolicyExpr {
    /// Every parameter is a literal: the builder chain is a constant.
    Const(TokenStream),
    /// Some parameter is an expression: these statements bind it (once), the
    /// last one to the policy's local.
    Runtime(TokenStream),
}

impl PolicyExpr {
    pub(super) fn new(params: &PolicyParams, runtime: &Runtime) -> Self {
        let private = runtime.path();
        let mut setup = TokenStream::new();
        let mut chain = quote!(#private::DEFAULT_POLICY);
        let mut all_const = true;
        match &params.attempts {
            None => {}
            Some(Value::Const(None)) => chain.extend(quote!(.with_attempts(#private::Option::None))),
            Some(Value::Const(Some(n))) => {
                let n = Literal::u32_unsuffixed(*n);
                chain.extend(quote!(.with_attempts(#private::Option::Some(#n))));
            }
            Some(Value::Expr(expr)) => {
                all_const = false;
                let attempts = local("stamina_attempts");
                setup.extend(quote!(let #attempts = #expr;));
                let checked = attempts_check(&attempts, expr, private);
                chain.extend(quote!(.with_attempts(#checked)));
            }
        }
        match &params.timeout {
            None => {}
            Some(Value::Const(None)) => chain.extend(quote!(.with_timeout(#private::Option::None))),
            Some(Value::Const(Some(nanos))) => {
                let timeout = duration(private, *nanos);
                chain.extend(quote!(.with_timeout(#private::Option::Some(#timeout))));
            }
            Some(Value::Expr(expr)) => {
                all_const = false;
                chain.extend(quote!(.timeout(#expr)));
            }
        }
        if let Some((strict, _)) = params.strict_timeout {
            let mode = if strict { quote!(Strict) } else { quote!(Soft) };
            chain.extend(quote!(.timeout_mode(#private::TimeoutMode::#mode)));
        }
        match &params.attempt_timeout {
            None => {}
            Some((Value::Const(None), _)) => {
                chain.extend(quote!(.with_attempt_timeout(#private::Option::None)));
            }
            Some((Value::Const(Some(nanos)), _)) => {
                let limit = duration(private, *nanos);
                chain.extend(quote!(.with_attempt_timeout(#private::Option::Some(#limit))));
            }
            Some((Value::Expr(expr), _)) => {
                all_const = false;
                chain.extend(quote!(.attempt_timeout(#expr)));
            }
        }
        for (name, value) in [
            ("wait_initial", &params.wait_initial),
            ("wait_max", &params.wait_max),
            ("wait_jitter", &params.wait_jitter),
        ] {
            let method = syn::Ident::new(name, Span::call_site());
            match value {
                None => {}
                Some(Value::Const(nanos)) => {
                    let wait = duration(private, *nanos);
                    chain.extend(quote!(.#method(#wait)));
                }
                Some(Value::Expr(expr)) => {
                    all_const = false;
                    chain.extend(quote!(.#method(#expr)));
                }
            }
        }
        match &params.wait_exp_base {
            None => {}
            Some(Value::Const(base)) => {
                let base = Literal::f64_unsuffixed(*base);
                chain.extend(quote!(.wait_exp_base(#base)));
            }
            Some(Value::Expr(expr)) => {
                all_const = false;
                chain.extend(quote!(.wait_exp_base(#expr)));
            }
        }
        match &params.budget {
            None => {}
            // A reference to a `static`, which a constant may hold.
            Some(BudgetArg::Static(path)) => chain.extend(quote!(.budget(&#path))),
            Some(BudgetArg::Expr(expr)) => {
                all_const = false;
                chain.extend(quote!(.budget(#expr)));
            }
        }
        if all_const {
            Self::Const(quote!(const STAMINA_POLICY: #private::RetryPolicy = #chain;))
        } else {
            let policy = local("stamina_policy");
            setup.extend(quote!(let #policy = #chain;));
            Self::Runtime(setup)
        }
    }

    /// The statements (or item) that bind the policy.
    pub(super) fn binding(&self) -> &TokenStream {
        match self {
            Self::Const(item) | Self::Runtime(item) => item,
        }
    }

    /// A `RetryPolicy` expression (a copy), for the retried streams, which own
    /// theirs.
    pub(super) fn value(&self) -> TokenStream {
        match self {
            Self::Const(_) => quote!(STAMINA_POLICY),
            Self::Runtime(_) => {
                let policy = local("stamina_policy");
                quote!(#policy)
            }
        }
    }

    /// A `&RetryPolicy` expression: the constant is promoted to a `&'static`,
    /// the local borrowed.
    pub(super) fn reference(&self) -> TokenStream {
        match self {
            Self::Const(_) => quote!(&STAMINA_POLICY),
            Self::Runtime(_) => {
                let policy = local("stamina_policy");
                quote!(&#policy)
            }
        }
    }
}

/// `attempts = expr` as an `Option<u32>`, with an error on `expr` saying what
/// `attempts` takes when it is neither a `u32` nor an `Option<u32>` (rustc
/// alone would only say that `Option<u32>: From<usize>` does not hold). The
/// trait lives in a block of its own, away from the user's code.
fn attempts_check(attempts: &syn::Ident, expr: &Expr, private: &TokenStream) -> TokenStream {
    let check = quote! {
        {
            #[diagnostic::on_unimplemented(
                message = "`attempts` takes a `u32` (or an `Option<u32>`, `None` for no limit), not `{Self}`",
                label = "expected a `u32`",
                note = "convert it, such as `attempts = u32::try_from(n).unwrap_or(u32::MAX)`"
            )]
            trait Attempts {
                fn attempts(self) -> #private::Option<u32>;
            }
            impl Attempts for u32 {
                fn attempts(self) -> #private::Option<u32> {
                    #private::Option::Some(self)
                }
            }
            impl Attempts for #private::Option<u32> {
                fn attempts(self) -> #private::Option<u32> {
                    self
                }
            }
            <_ as Attempts>::attempts(#attempts)
        }
    };
    located_at(check, args::first_span(expr))
}

/// `1_500_000_000`: nanosecond counts with separators, so they read well in
/// expansions and satisfy `clippy::unreadable_literal`.
fn nanos_literal(nanos: u64) -> TokenStream {
    let digits = nanos.to_string();
    let mut grouped = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push('_');
        }
        grouped.push(digit);
    }
    grouped.parse().expect("digits and underscores are an integer literal")
}

fn duration(private: &TokenStream, nanos: u64) -> TokenStream {
    let literal = nanos_literal(nanos);
    quote!(#private::nanos(#literal))
}
