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
const POLICY_KEYS: &[&str] = &[
    "on",
    "attempts",
    "timeout",
    "timeout_mode",
    "attempt_timeout",
    "wait_initial",
    "wait_max",
    "wait_jitter",
    "wait_exp_base",
    "budget",
    "crate",
];

/// Which macro the parameters belong to: only the attribute has arguments to
/// `clone`, and only a block needs a `name` (the attribute's is its fn's path).
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
    /// `on_result = ...`: a predicate over the whole `&Result<T, E>`, so that
    /// an `Ok` value can be retried too.
    Result(Box<Expr>),
}

impl OnArg {
    /// Where the value was written (its first token), to show type errors on.
    pub(crate) fn span(&self) -> Span {
        match self {
            Self::Untyped(expr) | Self::Typed(expr) | Self::Result(expr) => first_span(&**expr),
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
    /// The retry budget: the path of a `static` (borrowed in a constant), or
    /// a `&'static RetryBudget` expression (`PER_HOST.get(host)`).
    pub(crate) budget: Option<BudgetArg>,
    /// `attempt_timeout = ...`: nanoseconds, `None` for no limit; with the
    /// key's span, where a sync fn's error and a missing conversion's go.
    pub(crate) attempt_timeout: Option<(Value<Option<u64>>, Span)>,
    /// `timeout_mode = strict` (true) or `soft`, with the key's span.
    pub(crate) strict_timeout: Option<(bool, Span)>,
}

impl PolicyParams {
    /// Whether the policy has no timeout (`timeout = None`): its loop needs
    /// no clock after its start, and does not ask for one.
    pub(crate) fn untimed(&self) -> bool {
        matches!(self.timeout, Some(Value::Const(None)))
    }

    /// Where the loop may cancel an attempt, if it may: the span of the key
    /// that asks for it (`attempt_timeout`, or a strict `timeout_mode`).
    pub(crate) fn cancels_at(&self) -> Option<Span> {
        // `attempt_timeout = None` asks for no limit, and needs no conversion.
        let attempt_timeout = match &self.attempt_timeout {
            Some((Value::Const(None), _)) | None => None,
            Some((_, span)) => Some(*span),
        };
        attempt_timeout.or_else(|| self.strict_timeout.and_then(|(strict, span)| strict.then_some(span)))
    }
}

/// `budget = ...`.
pub(crate) enum BudgetArg {
    /// `budget = GITHUB`: a `static`'s path.
    Static(syn::Path),
    /// Any other expression, evaluated when the retried code starts.
    Expr(Box<Expr>),
}

/// The checked parameters.
pub(crate) struct Params {
    pub(crate) on: OnArg,
    pub(crate) policy: PolicyParams,
    /// Arguments each attempt clones (`#[retry]` only).
    pub(crate) clone: Vec<Ident>,
    /// The name hooks see (`retry_block!` only); `<context block>` without.
    pub(crate) name: Option<syn::LitStr>,
    /// `stream = "restart" | "commit"` (`#[retry]` on stream and iterator fns
    /// only), with where it was written.
    pub(crate) stream: Option<(StreamBehaviour, Span)>,
}

/// What a retried stream fn does with the items already yielded when an
/// attempt fails (`stream = ...`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StreamBehaviour {
    /// Start the stream again (the default, Python's).
    Restart,
    /// No retry after the first item (gRPC's rule).
    Commit,
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

/// Whether `name` is a parameter of `for_macro`. `on_result` is not in the
/// lists of known keys that errors show: it is the rarer form of `on`, which
/// they name.
fn is_known(name: &str, for_macro: Macro) -> bool {
    POLICY_KEYS.contains(&name)
        || name == "on_result"
        || (for_macro == Macro::Attribute && (name == "clone" || name == "stream"))
        || (for_macro == Macro::Block && name == "name")
}

/// The parameters an unknown one's error lists for `for_macro`.
fn known_keys(for_macro: Macro) -> Vec<&'static str> {
    let mut known: Vec<&str> = POLICY_KEYS.to_vec();
    match for_macro {
        Macro::Attribute => known.extend(["clone", "stream"]),
        Macro::Block => known.push("name"),
    }
    known
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
        budget: None,
        attempt_timeout: None,
        strict_timeout: None,
    };
    let mut runtime = Runtime::default();
    let mut clone = Vec::new();
    let mut name_given = None;
    let mut stream = None;
    let mut seen: Vec<String> = Vec::new();
    for Entry { key, value } in raw.entries {
        let name = key.unraw().to_string();
        if !is_known(&name, for_macro) {
            errors.push(Error::custom(unknown_parameter(&name, &known_keys(for_macro))).with_span(&key));
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
        if (name == "on" || name == "on_result") && on.is_some() {
            errors.at(
                key.span(),
                "give `on` or `on_result`, not both: `on` decides on errors, `on_result` on the whole result",
            );
            continue;
        }
        match name.as_str() {
            "on" => on = Some(on_arg(expr)),
            "on_result" => on = Some(OnArg::Result(Box::new(expr))),
            "attempts" => policy.attempts = errors.handle(attempts(expr)),
            "timeout" => policy.timeout = errors.handle(timeout(expr)),
            "timeout_mode" => {
                policy.strict_timeout = errors.handle(timeout_mode(&expr)).map(|strict| (strict, key.span()));
            }
            "attempt_timeout" => {
                policy.attempt_timeout =
                    errors.handle(attempt_timeout(expr)).map(|value| (value, key.span()));
            }
            "wait_initial" => policy.wait_initial = errors.handle(wait(expr, "wait_initial")),
            "wait_max" => policy.wait_max = errors.handle(wait(expr, "wait_max")),
            "wait_jitter" => policy.wait_jitter = errors.handle(wait(expr, "wait_jitter")),
            "wait_exp_base" => policy.wait_exp_base = errors.handle(exp_base(expr)),
            "name" => name_given = errors.handle(block_name(expr)),
            "stream" => stream = errors.handle(stream_behaviour(&expr)).map(|given| (given, key.span())),
            "budget" => policy.budget = Some(budget_arg(expr)),
            // `crate`, the last of `POLICY_KEYS`.
            _ => runtime = errors.handle(crate_path(&expr)).unwrap_or_default(),
        }
    }
    let Some(on) = on else {
        // An `on` that was given but is wrong has its own error already.
        if !seen.iter().any(|name| name == "on" || name == "on_result") {
            missing_on(raw.extent, errors);
        }
        return (runtime, None);
    };
    let params =
        (errors.len() == found_before).then_some(Params { on, policy, clone, name: name_given, stream });
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

/// "unknown parameter", with the closest known one when a typo is likely,
/// else the whole list.
fn unknown_parameter(name: &str, known: &[&str]) -> String {
    let closest = known.iter().map(|candidate| (edit_distance(name, candidate), *candidate)).min();
    match closest {
        Some((distance, candidate)) if distance <= 2.max(name.len() / 3) => {
            format!("unknown parameter `{name}`: did you mean `{candidate}`?")
        }
        _ => {
            let list: Vec<String> = known.iter().map(|key| format!("`{key}`")).collect();
            format!("unknown parameter `{name}`: the parameters are {}", list.join(", "))
        }
    }
}

/// Levenshtein distance, for suggestions.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

/// `budget = GITHUB` (a `static`'s path) or `budget = PER_HOST.get(host)`.
fn budget_arg(expr: Expr) -> BudgetArg {
    match expr {
        Expr::Path(path) if path.qself.is_none() => BudgetArg::Static(path.path),
        other => BudgetArg::Expr(Box::new(other)),
    }
}

/// `name = "..."`: a string literal, since hooks get a `&'static str`.
fn block_name(expr: Expr) -> darling::Result<syn::LitStr> {
    match expr {
        Expr::Lit(syn::ExprLit { lit: Lit::Str(name), .. }) if !name.value().is_empty() => Ok(name),
        other => Err(Error::custom(
            "`name` takes a non-empty string literal, such as `name = \"fetch_readme\"`: the name hooks, logs and metrics see",
        )
        .with_span(&other)),
    }
}

/// `stream = "restart"` or `stream = "commit"`.
fn stream_behaviour(expr: &Expr) -> darling::Result<StreamBehaviour> {
    match expr {
        Expr::Lit(syn::ExprLit { lit: Lit::Str(text), .. }) if text.value() == "restart" => {
            Ok(StreamBehaviour::Restart)
        }
        Expr::Lit(syn::ExprLit { lit: Lit::Str(text), .. }) if text.value() == "commit" => {
            Ok(StreamBehaviour::Commit)
        }
        _ => Err(Error::custom(
            "`stream` takes \"restart\" (the default: a retry starts the stream again, so its items are \
             yielded again) or \"commit\" (no retry once an item was yielded); to resume where the stream \
             stopped, use `stamina::retry_context(..).stream_resumed(cursor, advance, factory)`",
        )
        .with_span(expr)),
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
        other => {
            return Err(Error::custom(format!(
                "`{name}` takes a duration: a string with units (\"30s\", \"250ms\", \"1m30s\"), a number of \
                 seconds (30, 0.5), or a `Duration` expression; found `{}`",
                other.to_token_stream()
            ))
            .with_span(other));
        }
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

/// `timeout_mode = strict` or `soft` (or `TimeoutMode::Strict`, `Soft`):
/// whether the timeout is a strict deadline. Known at compile time, since it
/// decides whether the loop races each attempt against a timer.
fn timeout_mode(expr: &Expr) -> darling::Result<bool> {
    if let Expr::Path(path) = expr
        && path.qself.is_none()
        && let Some(last) = path.path.segments.last()
        && last.arguments.is_empty()
    {
        match last.ident.to_string().as_str() {
            "strict" | "Strict" => return Ok(true),
            "soft" | "Soft" => return Ok(false),
            _ => {}
        }
    }
    Err(Error::custom(
        "`timeout_mode` takes `strict` (a deadline that no wait passes and that cancels an async attempt) \
         or `soft` (Python's timeout, the default)",
    )
    .with_span(expr))
}

/// `attempt_timeout = "2s"`, a `Duration` expression, or `None`.
fn attempt_timeout(expr: Expr) -> darling::Result<Value<Option<u64>>> {
    if is_none(&expr) {
        return Ok(Value::Const(None));
    }
    match duration_literal(&expr, "attempt_timeout")? {
        Some(0) => Err(Error::custom(
            "a zero `attempt_timeout` would fail every attempt: give it the time an attempt may take, such as \"2s\"",
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

#[cfg(test)]
mod tests {
    use proc_macro2::TokenStream;
    use quote::quote;

    use super::*;

    /// The parameters and problems of `args` given to `for_macro`.
    fn check_args(args: TokenStream, for_macro: Macro) -> (Option<Params>, Vec<String>) {
        let raw = syn::parse2::<RawArgs>(args).expect("the arguments parse");
        let mut errors = Errors::default();
        let (_, params) = check(raw, for_macro, &mut errors);
        (params, errors.messages())
    }

    fn problems(args: TokenStream) -> Vec<String> {
        check_args(args, Macro::Attribute).1
    }

    fn only_problem(args: TokenStream) -> String {
        let found = problems(args);
        assert_eq!(found.len(), 1, "{found:?}");
        found.into_iter().next().unwrap_or_default()
    }

    #[test]
    fn every_parameter_is_checked_into_its_value() {
        let (params, found) = check_args(
            quote!(
                on = is_retriable,
                attempts = 3,
                timeout = "1m30s",
                wait_initial = 0.5,
                wait_max = 2,
                wait_jitter = "250ms",
                wait_exp_base = 1.5,
                clone(body),
                crate = "my::stamina"
            ),
            Macro::Attribute,
        );
        assert!(found.is_empty(), "{found:?}");
        let Params { on, policy, clone, name, .. } = params.expect("valid parameters");
        assert!(name.is_none());
        assert!(matches!(on, OnArg::Typed(_)));
        assert!(matches!(policy.attempts, Some(Value::Const(Some(3)))));
        assert!(matches!(policy.timeout, Some(Value::Const(Some(90_000_000_000)))));
        assert!(matches!(policy.wait_initial, Some(Value::Const(500_000_000))));
        assert!(matches!(policy.wait_max, Some(Value::Const(2_000_000_000))));
        assert!(matches!(policy.wait_jitter, Some(Value::Const(250_000_000))));
        assert!(
            matches!(policy.wait_exp_base, Some(Value::Const(base)) if (base - 1.5).abs() < f64::EPSILON)
        );
        assert_eq!(clone, ["body"]);
    }

    #[test]
    fn limits_can_be_none_or_expressions() {
        let (params, found) =
            check_args(quote!(on = is_retriable, attempts = None, timeout = self.timeout), Macro::Block);
        assert!(found.is_empty(), "{found:?}");
        let policy = params.expect("valid parameters").policy;
        assert!(matches!(policy.attempts, Some(Value::Const(None))));
        assert!(matches!(policy.timeout, Some(Value::Expr(_))));
    }

    #[test]
    fn the_runtime_path_follows_crate() {
        let raw = syn::parse2::<RawArgs>(quote!(on = f, crate = "my::stamina")).expect("parses");
        let (runtime, _) = check(raw, Macro::Block, &mut Errors::default());
        assert_eq!(runtime.path().to_string(), "my :: stamina :: __private");
        assert_eq!(Runtime::default().path().to_string(), ":: stamina :: __private");
        assert!(only_problem(quote!(on = f, crate = my::stamina)).starts_with("`crate` takes the path"));
        assert!(only_problem(quote!(on = f, crate = "not a path")).starts_with("`crate` takes the path"));
    }

    #[test]
    fn on_is_told_apart_by_whether_its_type_is_written() {
        let on = |args| check_args(args, Macro::Block).0.expect("valid parameters").on;
        assert!(matches!(on(quote!(on = |e| e.is_timeout())), OnArg::Untyped(_)));
        assert!(matches!(on(quote!(on = |e: &Error| e.is_timeout())), OnArg::Typed(_)));
        assert!(matches!(on(quote!(on = is_retriable)), OnArg::Typed(_)));
        assert!(
            matches!(on(quote!(on = types(std::io::Error, Other))), OnArg::Types(types, _) if types.len() == 2)
        );
    }

    #[test]
    fn on_is_required() {
        let message = only_problem(quote!(attempts = 3));
        assert!(message.starts_with("missing `on`: name the errors to retry on"), "{message}");
        assert!(only_problem(quote!()).starts_with("missing `on`"));
        // An `on` that is there but wrong has its own error, and no other.
        assert_eq!(only_problem(quote!(on)), "`on` needs a value: write `on = ...`");
        assert_eq!(
            only_problem(quote!(on = types())),
            "`types()` needs at least one error type, such as `types(std::io::Error)`"
        );
    }

    #[test]
    fn keys_are_known_and_given_once() {
        assert_eq!(
            only_problem(quote!(on = f, attemps = 3)),
            "unknown parameter `attemps`: did you mean `attempts`?"
        );
        assert_eq!(
            only_problem(quote!(on = f, attempts = 2, attempts = 3)),
            "duplicate parameter `attempts`: give it once"
        );
        assert_eq!(
            check_args(quote!(on = f, clone(x)), Macro::Block).1,
            ["unknown parameter `clone`: the parameters are `on`, `attempts`, `timeout`, `timeout_mode`, \
                 `attempt_timeout`, `wait_initial`, `wait_max`, `wait_jitter`, `wait_exp_base`, `budget`, `crate`, `name`"]
        );
        assert_eq!(
            only_problem(quote!(on = f, clone = x)),
            "write `clone(arg, ...)` with the names of the arguments each attempt clones"
        );
        assert_eq!(
            only_problem(quote!(on = f, attempts)),
            "`attempts` needs a value: write `attempts = ...`"
        );
    }

    #[test]
    fn attempts_must_run_the_code() {
        assert!(
            only_problem(quote!(on = f, attempts = 0)).starts_with("`attempts = 0` would never run the code")
        );
        assert!(only_problem(quote!(on = f, attempts = -1)).starts_with("`attempts` cannot be negative"));
        assert!(only_problem(quote!(on = f, attempts = 2.5)).starts_with("`attempts` takes a whole number"));
        assert!(
            only_problem(quote!(on = f, attempts = 5_000_000_000))
                .starts_with("`attempts` must fit in a `u32`")
        );
    }

    #[test]
    fn durations_are_checked_at_compile_time() {
        assert_eq!(
            only_problem(quote!(on = f, timeout = "1 fortnight")),
            "`timeout`: unknown unit `fortnight` in duration \"1 fortnight\": units are `h`, `m`, `s`, `ms`, `us` or `ns`"
        );
        assert!(only_problem(quote!(on = f, wait_max = "30")).contains("is missing a unit after `30`"));
        assert!(
            only_problem(quote!(on = f, wait_initial = -1)).starts_with("`wait_initial` cannot be negative")
        );
        assert!(
            only_problem(quote!(on = f, wait_jitter = None)).starts_with("`wait_jitter` cannot be `None`")
        );
        assert!(only_problem(quote!(on = f, wait_max = true)).starts_with("`wait_max` takes a duration"));
        assert!(only_problem(quote!(on = f, timeout = 0)).starts_with("a zero `timeout` would never retry"));
    }

    #[test]
    fn time_limits_are_checked_at_compile_time() {
        let policy = |args| check_args(args, Macro::Block).0.expect("valid parameters").policy;
        let limits = policy(quote!(on = f, timeout_mode = strict, attempt_timeout = "2s"));
        assert!(matches!(limits.attempt_timeout, Some((Value::Const(Some(2_000_000_000)), _))));
        assert!(matches!(limits.strict_timeout, Some((true, _))));
        assert!(limits.cancels_at().is_some());
        assert!(policy(quote!(on = f, timeout_mode = TimeoutMode::Soft)).cancels_at().is_none());
        assert!(policy(quote!(on = f, attempt_timeout = None)).cancels_at().is_none());
        assert!(matches!(
            policy(quote!(on = f, attempt_timeout = limit)).attempt_timeout,
            Some((Value::Expr(_), _))
        ));
        assert!(
            only_problem(quote!(on = f, timeout_mode = "strict"))
                .starts_with("`timeout_mode` takes `strict`")
        );
        assert!(
            only_problem(quote!(on = f, timeout_mode = hard)).starts_with("`timeout_mode` takes `strict`")
        );
        assert!(
            only_problem(quote!(on = f, attempt_timeout = 0))
                .starts_with("a zero `attempt_timeout` would fail")
        );
        assert!(
            only_problem(quote!(on = f, attempt_timeout = -1))
                .starts_with("`attempt_timeout` cannot be negative")
        );
    }

    #[test]
    fn the_exponential_base_is_positive() {
        for base in [quote!(0), quote!(-2.0), quote!("2")] {
            assert!(
                only_problem(quote!(on = f, wait_exp_base = #base)).starts_with("`wait_exp_base` must be")
            );
        }
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let found =
            problems(quote!(attempts = 0, timeout = "soon", wait_max = -1, atempts = 2, attempts = 3));
        assert_eq!(found.len(), 6, "{found:?}");
        assert!(found[5].starts_with("missing `on`"));
    }

    #[test]
    fn a_block_takes_a_name_and_the_attribute_does_not() {
        let (params, found) = check_args(quote!(on = f, name = "fetch_readme"), Macro::Block);
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(params.expect("valid parameters").name.expect("a name").value(), "fetch_readme");
        for (args, message) in [
            (quote!(on = f, name = fetch_readme), "`name` takes a non-empty string literal"),
            (quote!(on = f, name = ""), "`name` takes a non-empty string literal"),
        ] {
            let (params, found) = check_args(args, Macro::Block);
            assert!(params.is_none());
            assert!(found.len() == 1 && found[0].starts_with(message), "{found:?}");
        }
        let (params, found) = check_args(quote!(on = f, name = "x"), Macro::Attribute);
        assert!(params.is_none());
        assert!(found.len() == 1 && found[0].contains("name"), "{found:?}");
    }

    #[test]
    fn a_budget_is_a_static_or_an_expression() {
        let budget = |args| check_args(args, Macro::Attribute).0.expect("valid parameters").policy.budget;
        assert!(matches!(
            budget(quote!(on = f, budget = crate::budgets::GITHUB)),
            Some(BudgetArg::Static(_))
        ));
        assert!(matches!(budget(quote!(on = f, budget = PER_HOST.get(host))), Some(BudgetArg::Expr(_))));
    }
}
