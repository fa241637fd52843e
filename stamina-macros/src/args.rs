//! The parameters of `#[stamina::retry(...)]` and `retry_block!(...)`: parsing
//! the `key = value` list, then checking every value, collecting all problems
//! so the user sees them together, each on its own token.

use darling::Error;
use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::ext::IdentExt as _;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Expr, ExprClosure, Ident, Lit, Token, Type, UnOp};

use crate::duration::{parse_duration_str, parse_seconds};

/// The keys both macros accept.
const POLICY_KEYS: &[&str] =
    &["on", "attempts", "timeout", "wait_initial", "wait_max", "wait_jitter", "wait_exp_base", "crate"];

/// One `key = value` (or `key(...)`) as written.
struct Entry {
    key: Ident,
    value: EntryValue,
}

enum EntryValue {
    Expr(Box<Expr>),
    /// `on = types(A, B)`.
    Types(Punctuated<Type, Token![,]>),
    /// `clone(a, b)`.
    Idents(Punctuated<Ident, Token![,]>),
    /// A bare key without a value.
    Bare,
}

/// What the user wrote, before checking: the entries, and for `retry_block!` the
/// closure at the end.
pub(crate) struct RawArgs {
    entries: Vec<Entry>,
    pub(crate) closure: Option<ExprClosure>,
}

impl RawArgs {
    /// Parses `key = value, ...`, followed by a closure when `with_closure`.
    pub(crate) fn parse_with(input: ParseStream<'_>, with_closure: bool) -> syn::Result<Self> {
        let mut entries = Vec::new();
        let mut closure = None;
        while !input.is_empty() {
            if with_closure && starts_closure(input) {
                let expr: Expr = input.parse()?;
                match expr {
                    Expr::Closure(c) => closure = Some(c),
                    other => {
                        return Err(syn::Error::new_spanned(
                            other,
                            "expected the retried code as a closure: `|attempt| { ... }` or `async |attempt| { ... }`",
                        ));
                    }
                }
                let _ = input.parse::<Option<Token![,]>>()?;
                if !input.is_empty() {
                    return Err(input.error("the closure must come last, after all `key = value` parameters"));
                }
                break;
            }
            let key = input.call(Ident::parse_any).map_err(|error| {
                syn::Error::new(
                    error.span(),
                    if with_closure {
                        "expected `key = value` parameters followed by a closure `|attempt| { ... }`"
                    } else {
                        "expected `key = value` parameters, such as `on = is_retriable, attempts = 3`"
                    },
                )
            })?;
            let value = if input.peek(Token![=]) {
                input.parse::<Token![=]>()?;
                if key == "on" {
                    if let Some(types) = try_parse_types(input) {
                        EntryValue::Types(types)
                    } else {
                        EntryValue::Expr(Box::new(input.parse()?))
                    }
                } else {
                    EntryValue::Expr(Box::new(input.parse()?))
                }
            } else if input.peek(syn::token::Paren) {
                let content;
                syn::parenthesized!(content in input);
                EntryValue::Idents(content.parse_terminated(Ident::parse_any, Token![,])?)
            } else {
                EntryValue::Bare
            };
            entries.push(Entry { key, value });
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>()?;
        }
        Ok(Self { entries, closure })
    }
}

fn starts_closure(input: ParseStream<'_>) -> bool {
    input.peek(Token![|]) || input.peek(Token![||]) || input.peek(Token![async]) || input.peek(Token![move])
}

/// `types(A, B)` followed by `,` or the end; anything else is an expression.
fn try_parse_types(input: ParseStream<'_>) -> Option<Punctuated<Type, Token![,]>> {
    use syn::parse::discouraged::Speculative as _;
    let fork = input.fork();
    let parsed = (|| -> syn::Result<_> {
        let name: Ident = fork.parse()?;
        if name != "types" {
            return Err(fork.error("not types"));
        }
        let content;
        syn::parenthesized!(content in fork);
        let types = content.parse_terminated(Type::parse, Token![,])?;
        if !(fork.is_empty() || fork.peek(Token![,])) {
            return Err(fork.error("not types"));
        }
        Ok(types)
    })();
    let types = parsed.ok()?;
    input.advance_to(&fork);
    Some(types)
}

/// The `on` predicate.
pub(crate) enum OnArg {
    /// A fn path, a closure, or any expression the runtime accepts.
    Expr(Box<Expr>),
    /// Error types to look for along a type-erased error's source chain.
    Types(Punctuated<Type, Token![,]>, Span),
}

/// A limit or wait that is either known now or computed at run time.
pub(crate) enum Value<T> {
    /// Checked at compile time.
    Const(T),
    /// An expression evaluated when the retried code starts.
    Expr(Box<Expr>),
}

/// The checked parameters.
pub(crate) struct Params {
    pub(crate) on: Option<OnArg>,
    pub(crate) attempts: Option<Value<Option<u32>>>,
    /// Nanoseconds, `None` for no limit.
    pub(crate) timeout: Option<Value<Option<u64>>>,
    pub(crate) wait_initial: Option<Value<u64>>,
    pub(crate) wait_max: Option<Value<u64>>,
    pub(crate) wait_jitter: Option<Value<u64>>,
    pub(crate) wait_exp_base: Option<Value<f64>>,
    pub(crate) krate: Option<syn::Path>,
    /// Arguments each attempt clones (`#[retry]` only).
    pub(crate) clone: Vec<Ident>,
}

/// Checks every entry, collecting all problems. `allow_clone` is true for the
/// attribute, where arguments exist.
pub(crate) fn check(raw: RawArgs, allow_clone: bool) -> (Params, Vec<Error>) {
    let mut errors = Error::accumulator();
    let mut params = Params {
        on: None,
        attempts: None,
        timeout: None,
        wait_initial: None,
        wait_max: None,
        wait_jitter: None,
        wait_exp_base: None,
        krate: None,
        clone: Vec::new(),
    };
    let mut seen: Vec<String> = Vec::new();
    for Entry { key, value } in raw.entries {
        let name = key.unraw().to_string();
        let known = POLICY_KEYS.contains(&name.as_str()) || (allow_clone && name == "clone");
        if !known {
            let mut alternatives: Vec<&&str> = POLICY_KEYS.iter().collect();
            if allow_clone {
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
        if name == "clone" {
            match value {
                EntryValue::Idents(idents) => params.clone.extend(idents),
                _ => errors.push(
                    Error::custom(
                        "write `clone(arg, ...)` with the names of the arguments each attempt clones",
                    )
                    .with_span(&key),
                ),
            }
            continue;
        }
        let expr = match value {
            EntryValue::Expr(expr) => expr,
            EntryValue::Types(types) if name == "on" => {
                if types.is_empty() {
                    errors.push(
                        Error::custom(
                            "`types()` needs at least one error type, such as `types(std::io::Error)`",
                        )
                        .with_span(&key),
                    );
                } else {
                    params.on = Some(OnArg::Types(types, key.span()));
                }
                continue;
            }
            EntryValue::Types(_) | EntryValue::Idents(_) | EntryValue::Bare => {
                errors.push(
                    Error::custom(format!("`{name}` needs a value: write `{name} = ...`")).with_span(&key),
                );
                continue;
            }
        };
        let expr = unwrap_groups(*expr);
        match name.as_str() {
            "on" => params.on = Some(OnArg::Expr(Box::new(expr))),
            "attempts" => params.attempts = errors.handle(attempts(expr)),
            "timeout" => params.timeout = errors.handle(timeout(expr)),
            "wait_initial" => params.wait_initial = errors.handle(wait(expr, "wait_initial")),
            "wait_max" => params.wait_max = errors.handle(wait(expr, "wait_max")),
            "wait_jitter" => params.wait_jitter = errors.handle(wait(expr, "wait_jitter")),
            "wait_exp_base" => params.wait_exp_base = errors.handle(exp_base(expr)),
            "crate" => params.krate = errors.handle(crate_path(&expr)),
            _ => unreachable!("every known key is handled"),
        }
    }
    (params, errors.into_inner())
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

fn crate_path(expr: &Expr) -> darling::Result<syn::Path> {
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
    Ok(path)
}

impl Params {
    /// The facade path generated code names the runtime through.
    pub(crate) fn private_path(&self) -> TokenStream {
        let root = self.krate.as_ref().map_or_else(|| quote::quote!(::stamina), |path| quote::quote!(#path));
        quote::quote!(#root::__private)
    }

    /// Where `on`'s value was written.
    pub(crate) fn on_span(&self) -> Span {
        match &self.on {
            Some(OnArg::Expr(expr)) => syn::spanned::Spanned::span(&**expr),
            Some(OnArg::Types(_, span)) => *span,
            None => Span::call_site(),
        }
    }

    /// Errors for a missing `on`, spanned on `span` (the macro call).
    pub(crate) fn require_on(&self, span: Span) -> Option<Error> {
        self.on.is_none().then(|| {
            Error::custom(
                "missing `on`: name the errors to retry on, e.g. `on = is_retriable` (a fn or closure taking \
                 `&YourError`) or `on = types(std::io::Error)`; stamina never retries on every error by default, \
                 because retrying a bug or a rejected request only makes things worse",
            )
            .with_span(&span)
        })
    }
}

impl Parse for RawArgs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        Self::parse_with(input, false)
    }
}
