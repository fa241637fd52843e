//! The generated expression that builds a [`RetryPolicy`] from the parameters.
//!
//! Literal parameters become `const` builder calls on constants the macro
//! computed, so an all-literal policy is a compile-time constant; expressions
//! go through the runtime's checked builders.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::args::{OnArg, Params, Value};

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

impl Params {
    /// The policy expression.
    pub(crate) fn policy(&self) -> TokenStream {
        let private = self.private_path();
        let mut chain = quote!(#private::DEFAULT_POLICY);
        let mut all_const = true;
        match &self.attempts {
            None => {}
            Some(Value::Const(None)) => chain.extend(quote!(.with_attempts(#private::Option::None))),
            Some(Value::Const(Some(n))) => {
                let n = Literal::u32_unsuffixed(*n);
                chain.extend(quote!(.with_attempts(#private::Option::Some(#n))));
            }
            Some(Value::Expr(expr)) => {
                all_const = false;
                chain.extend(quote!(.attempts(#expr)));
            }
        }
        match &self.timeout {
            None => {}
            Some(Value::Const(None)) => chain.extend(quote!(.with_timeout(#private::Option::None))),
            Some(Value::Const(Some(nanos))) => {
                let d = duration(&private, *nanos);
                chain.extend(quote!(.with_timeout(#private::Option::Some(#d))));
            }
            Some(Value::Expr(expr)) => {
                all_const = false;
                chain.extend(quote!(.timeout(#expr)));
            }
        }
        for (name, value) in [
            ("wait_initial", &self.wait_initial),
            ("wait_max", &self.wait_max),
            ("wait_jitter", &self.wait_jitter),
        ] {
            let method = syn::Ident::new(name, proc_macro2::Span::call_site());
            match value {
                None => {}
                Some(Value::Const(nanos)) => {
                    let d = duration(&private, *nanos);
                    chain.extend(quote!(.#method(#d)));
                }
                Some(Value::Expr(expr)) => {
                    all_const = false;
                    chain.extend(quote!(.#method(#expr)));
                }
            }
        }
        match &self.wait_exp_base {
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
        if all_const { quote!(const { #chain }) } else { chain }
    }

    /// How the generated code holds the policy: `(setup, reference)`. A policy
    /// of literals is a promoted `&'static` constant, so a retried future
    /// carries only a pointer; one with expressions is a local, borrowed.
    pub(crate) fn policy_binding(&self, var: &syn::Ident) -> (TokenStream, TokenStream) {
        let policy = self.policy();
        if policy.to_string().starts_with("const") {
            (TokenStream::new(), quote!(&#policy))
        } else {
            (quote!(let #var = #policy;), quote!(&#var))
        }
    }

    /// The predicate expression, before it is tied to the error type.
    pub(crate) fn on_expr(&self) -> TokenStream {
        let private = self.private_path();
        match &self.on {
            Some(OnArg::Expr(expr)) => quote!(#expr),
            Some(OnArg::Types(types, span)) => {
                let types = types.iter();
                quote::quote_spanned!(*span=> #private::error_types::<(#(#types,)*), _>())
            }
            None => quote!(unreachable!()),
        }
    }
}
