//! Checking the parameters of `#[stamina::retry(...)]` and `retry_block!(...)`:
//! every `key = value` is judged on its own, all problems are recorded, and
//! what passes becomes [`Params`], in which every value is known to be usable.

use darling::Error;
use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};
use syn::ext::IdentExt as _;
use syn::punctuated::Punctuated;
use syn::{Expr, Ident, Lit, Pat, Token, Type, UnOp};

use crate::duration::{parse_duration_str, parse_seconds};
use crate::errors::Errors;
use crate::parse::{Entry, EntryValue, Extent, RawArgs};

/// The keys both macros accept.
const POLICY_KEYS: &[&str] =
    &["on", "attempts", "timeout", "wait_initial", "wait_max", "wait_jitter", "wait_exp_base", "crate"];

/// Which macro the parameters belong to: only the attribute has arguments to
/// `clone`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Macro {
    Attribute,
    Block,
}

/// The `on` predicate.
pub(crate) enum OnArg {
    /// A closure whose argument has no type: it gets one from where it is
    /// passed, so it is passed where the error type is known.
    Untyped(Box<Expr>),
    /// Any other expression (a fn, a closure with a typed argument, a value):
    /// its type is checked against the error type before it is used.
    Typed(Box<Expr>),
    /// `types(A, B)`: error types to look for along a type-erased error's
    /// source chain, with the span of `on`.
    Types(Punctuated<Type, Token![,]>, Span),
}

impl OnArg {
    /// Where the value was written (its first token), to show type errors on.
    pub(crate) fn span(&self) -> Span {
        match self {
            Self::Untyped(expr) | Self::Typed(expr) => first_span(&**expr),
            Self::Types(_, span) => *span,
        }
    }
}

/// A limit or wait that is either known now or computed at run time.
pub(crate) enum Value<T> {
    /// Checked at compile time.
    Const(T),
    /// An expression evaluated when the retried code starts.
    Expr(Box<Expr>),
}

/// The policy parameters given; `None` keeps the default.
pub(crate) struct PolicyParams {
    pub(crate) attempts: Option<Value<Option<u32>>>,
    /// Nanoseconds, `None` for no limit.
    pub(crate) timeout: Option<Value<Option<u64>>>,
    /// Nanoseconds, each.
    pub(crate) wait_initial: Option<Value<u64>>,
    pub(crate) wait_max: Option<Value<u64>>,
    pub(crate) wait_jitter: Option<Value<u64>>,
    pub(crate) wait_exp_base: Option<Value<f64>>,
}

/// The checked parameters.
pub(crate) struct Params {
    pub(crate) on: OnArg,
    pub(crate) policy: PolicyParams,
    /// Arguments each attempt clones (`#[retry]` only).
    pub(crate) clone: Vec<Ident>,
}

/// The path generated code names the runtime through: `::stamina::__private`,
/// or `<crate>::__private` for `crate = "..."`.
pub(crate) struct Runtime(TokenStream);

impl Runtime {
    /// The path, spanned where the macro was called.
    pub(crate) fn path(&self) -> &TokenStream {
        &self.0
    }
}

impl Default for Runtime {
    fn default() -> Self {
        Self(quote!(::stamina::__private))
    }
}

/// Checks every entry, recording all problems in `errors`. Returns the runtime
/// path even when something else is wrong (a block's fallback needs it), and
/// the parameters when everything is right.
pub(crate) fn check(raw: RawArgs, for_macro: Macro, errors: &mut Errors) -> (Runtime, Option<Params>) {
    let found_before = errors.len();
    let mut on = None;
    let mut policy = PolicyParams {
        attempts: None,
        timeout: None,
        wait_initial: None,
        wait_max: None,
        wait_jitter: None,
        wait_exp_base: None,
    };
    let mut runtime = Runtime::default();
    let mut clone = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for Entry { key, value } in raw.entries {
        let name = key.unraw().to_string();
        let allows_clone = for_macro == Macro::Attribute;
        if !(POLICY_KEYS.contains(&name.as_str()) || (allows_clone && name == "clone")) {
            let mut alternatives: Vec<&&str> = POLICY_KEYS.iter().collect();
            if allows_clone {
                alternatives.push(&"clone");
            }
            errors.push(Error::unknown_field_with_alts(&name, alternatives).with_span(&key));
            continue;
        }
        if seen.contains(&name) {
            errors.push(Error::custom(format!("duplicate parameter `{name}`: give it once")).with_span(&key));
            continue;
        }
        seen.push(name.clone());
        let expr = match value {
            EntryValue::Idents(idents) if name == "clone" => {
                clone.extend(idents);
                continue;
            }
            EntryValue::Types(types) if name == "on" => {
                if types.is_empty() {
                    errors.at(
                        key.span(),
                        "`types()` needs at least one error type, such as `types(std::io::Error)`",
                    );
                } else {
                    on = Some(OnArg::Types(types, key.span()));
                }
                continue;
            }
            EntryValue::Expr(expr) if name != "clone" => unwrap_groups(*expr),
            _ if name == "clone" => {
                errors.at(
                    key.span(),
                    "write `clone(arg, ...)` with the names of the arguments each attempt clones",
                );
                continue;
            }
            _ => {
                errors.at(key.span(), format!("`{name}` needs a value: write `{name} = ...`"));
                continue;
            }
        };
        match name.as_str() {
            "on" => on = Some(on_arg(expr)),
            "attempts" => policy.attempts = errors.handle(attempts(expr)),
            "timeout" => policy.timeout = errors.handle(timeout(expr)),
            "wait_initial" => policy.wait_initial = errors.handle(wait(expr, "wait_initial")),
            "wait_max" => policy.wait_max = errors.handle(wait(expr, "wait_max")),
            "wait_jitter" => policy.wait_jitter = errors.handle(wait(expr, "wait_jitter")),
            "wait_exp_base" => policy.wait_exp_base = errors.handle(exp_base(expr)),
            // `crate`, the last of `POLICY_KEYS`.
            _ => runtime = errors.handle(crate_path(&expr)).unwrap_or_default(),
        }
    }
    let Some(on) = on else {
        // An `on` that was given but is wrong has its own error already.
        if !seen.iter().any(|name| name == "on") {
            missing_on(raw.extent, errors);
        }
        return (runtime, None);
    };
    let params = (errors.len() == found_before).then_some(Params { on, policy, clone });
    (runtime, params)
}

/// The missing-`on` error, under the whole parameter list (or the macro call
/// when there is none). Why `on` is required is in the docs.
fn missing_on(extent: Option<Extent>, errors: &mut Errors) {
    const MESSAGE: &str = "missing `on`: name the errors to retry on, such as `on = is_retriable` \
                           with `fn is_retriable(error: &YourError) -> bool`";
    match extent {
        Some(Extent { first, last }) => {
            let ends = [Ident::new("first", first), Ident::new("last", last)];
            errors.spanned(quote!(#(#ends)*), MESSAGE);
        }
        None => errors.at(Span::call_site(), MESSAGE),
    }
}

/// `on`'s expression, told apart by whether its type says what it takes.
fn on_arg(expr: Expr) -> OnArg {
    match &expr {
        Expr::Closure(closure) if closure.inputs.iter().any(|input| !matches!(input, Pat::Type(_))) => {
            OnArg::Untyped(Box::new(expr))
        }
        _ => OnArg::Typed(Box::new(expr)),
    }
}

/// The span of the first token of `tokens`.
pub(crate) fn first_span(tokens: &impl ToTokens) -> Span {
    tokens.to_token_stream().into_iter().next().map_or_else(Span::call_site, |token| token.span())
}

fn unwrap_groups(expr: Expr) -> Expr {
    match expr {
        Expr::Group(group) => unwrap_groups(*group.expr),
        Expr::Paren(paren) if matches!(*paren.expr, Expr::Lit(_)) => unwrap_groups(*paren.expr),
        other => other,
    }
}

fn is_none(expr: &Expr) -> bool {
    matches!(expr, Expr::Path(path) if path.qself.is_none() && path.path.is_ident("None"))
}

/// `-literal`, always wrong for our parameters: the literal, to span the error on.
fn negative_literal(expr: &Expr) -> Option<Expr> {
    match expr {
        Expr::Unary(unary) if matches!(unary.op, UnOp::Neg(_)) => {
            let inner = unwrap_groups((*unary.expr).clone());
            matches!(inner, Expr::Lit(_)).then_some(inner)
        }
        _ => None,
    }
}

fn attempts(expr: Expr) -> darling::Result<Value<Option<u32>>> {
    if is_none(&expr) {
        return Ok(Value::Const(None));
    }
    if let Some(literal) = negative_literal(&expr) {
        return Err(Error::custom(
            "`attempts` cannot be negative: it counts all attempts including the first; use `attempts = None` for no limit",
        )
        .with_span(&literal));
    }
    match &expr {
        Expr::Lit(lit) => match &lit.lit {
            Lit::Int(int) => {
                let n: u32 = int.base10_parse().map_err(|_| {
                    Error::custom("`attempts` must fit in a `u32`; use `attempts = None` for no limit").with_span(int)
                })?;
                if n == 0 {
                    return Err(Error::custom(
                        "`attempts = 0` would never run the code: `attempts` counts the first attempt too; \
                         use `attempts = 1` for no retries or `attempts = None` for no limit",
                    )
                    .with_span(int));
                }
                Ok(Value::Const(Some(n)))
            }
            other => Err(Error::custom(
                "`attempts` takes a whole number (`attempts = 3`), `None` for no limit, or a `u32` expression",
            )
            .with_span(other)),
        },
        _ => Ok(Value::Expr(Box::new(expr))),
    }
}

/// A duration literal in nanoseconds, or `None` when `expr` is not a literal.
fn duration_literal(expr: &Expr, name: &str) -> darling::Result<Option<u64>> {
    if let Some(literal) = negative_literal(expr) {
        return Err(Error::custom(format!(
            "`{name}` cannot be negative: write a duration such as \"100ms\" or 0.1"
        ))
        .with_span(&literal));
    }
    let Expr::Lit(lit) = expr else { return Ok(None) };
    let parsed = match &lit.lit {
        Lit::Str(text) => parse_duration_str(&text.value()),
        Lit::Int(int) => parse_seconds(int.base10_digits()),
        Lit::Float(float) => parse_seconds(float.base10_digits()),
        other => Err(format!(
            "`{name}` takes a duration: a string with units (\"30s\", \"250ms\", \"1m30s\"), a number of \
             seconds (30, 0.5), or a `Duration` expression; found `{}`",
            other.to_token_stream()
        )),
    };
    parsed.map(Some).map_err(|message| Error::custom(format!("`{name}`: {message}")).with_span(&lit.lit))
}

fn timeout(expr: Expr) -> darling::Result<Value<Option<u64>>> {
    if is_none(&expr) {
        return Ok(Value::Const(None));
    }
    match duration_literal(&expr, "timeout")? {
        Some(0) => Err(Error::custom(
            "a zero `timeout` would never retry: use `timeout = None` for no time limit, or `attempts = 1` for no retries",
        )
        .with_span(&expr)),
        Some(nanos) => Ok(Value::Const(Some(nanos))),
        None => Ok(Value::Expr(Box::new(expr))),
    }
}

fn wait(expr: Expr, name: &str) -> darling::Result<Value<u64>> {
    if is_none(&expr) {
        return Err(Error::custom(format!(
            "`{name}` cannot be `None`: write a duration such as \"100ms\" or 0"
        ))
        .with_span(&expr));
    }
    Ok(match duration_literal(&expr, name)? {
        Some(nanos) => Value::Const(nanos),
        None => Value::Expr(Box::new(expr)),
    })
}

fn exp_base(expr: Expr) -> darling::Result<Value<f64>> {
    const HINT: &str = "use 2.0 for doubling waits or 1.0 for constant waits";
    if let Some(literal) = negative_literal(&expr) {
        return Err(
            Error::custom(format!("`wait_exp_base` must be greater than zero: {HINT}")).with_span(&literal)
        );
    }
    let Expr::Lit(lit) = &expr else { return Ok(Value::Expr(Box::new(expr))) };
    let value: f64 = match &lit.lit {
        Lit::Float(float) => {
            float.base10_parse().map_err(|e| Error::custom(e.to_string()).with_span(float))?
        }
        Lit::Int(int) => int.base10_parse().map_err(|e| Error::custom(e.to_string()).with_span(int))?,
        other => {
            return Err(Error::custom(format!("`wait_exp_base` must be a number, such as 2.0: {HINT}"))
                .with_span(other));
        }
    };
    if !(value.is_finite() && value > 0.0) {
        return Err(
            Error::custom(format!("`wait_exp_base` must be greater than zero: {HINT}")).with_span(&lit.lit)
        );
    }
    Ok(Value::Const(value))
}

fn crate_path(expr: &Expr) -> darling::Result<Runtime> {
    let error = || {
        Error::custom(
            "`crate` takes the path of the stamina crate as a string: `crate = \"my_crate::stamina\"`",
        )
    };
    let Expr::Lit(syn::ExprLit { lit: Lit::Str(text), .. }) = expr else {
        return Err(error().with_span(expr));
    };
    let tokens: TokenStream = text.value().parse().map_err(|_| error().with_span(text))?;
    let mut path: syn::Path = syn::parse2(tokens).map_err(|_| error().with_span(text))?;
    for segment in &mut path.segments {
        segment.ident.set_span(text.span());
    }
    Ok(Runtime(quote!(#path::__private)))
}
