//! Checking: what the parsed input must satisfy before code is generated for
//! it. Every check runs, every problem is recorded, and only input that passed
//! them all becomes a [`RetryFn`] or a [`RetryBlock`], the forms expansion
//! takes.

mod consumed;
pub(crate) mod stream;

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};
use syn::spanned::Spanned as _;
use syn::visit_mut::VisitMut;
use syn::{Expr, ExprClosure, FnArg, Ident, Item, ItemFn, Pat, ReturnType, Signature, Token, Type};

use crate::args::{self, Macro, Params, Runtime};
use crate::errors::Errors;
use crate::parse::{BlockInput, Extent, RawArgs, RawItem};

/// A fn the attribute can retry.
pub(crate) struct RetryFn {
    pub(crate) runtime: Runtime,
    pub(crate) params: Params,
    pub(crate) function: ItemFn,
    /// The fn's `Result`: its return type, or a stream fn's `Item`.
    pub(crate) result: ResultType,
    /// `Some` for a fn returning `impl Stream<Item = Result<..>>` or `impl
    /// Iterator<Item = Result<..>>`, whose body makes one per attempt.
    pub(crate) stream: Option<stream::StreamKind>,
}

/// A fn's declared return type.
pub(crate) struct ResultType {
    /// As declared, with any `impl Trait` replaced by `_`.
    pub(crate) ty: Type,
    /// Where it was written: errors about it are shown there.
    pub(crate) extent: Extent,
    /// Whether the type names the error type: not when an `impl Trait` was
    /// erased (`Result<impl Display, E>` could still, but one rule is simpler
    /// to follow), and then the error type is taken from the first attempt's
    /// outcome, as in a block.
    pub(crate) names_error: bool,
}

/// What the attribute rejected: every problem, shown next to the item as it
/// was written.
pub(crate) struct Rejected {
    pub(crate) errors: Errors,
    /// The attribute is on an expression (a closure), which must stay one.
    pub(crate) in_expression: bool,
}

/// Checks the attribute's arguments and the item it is on.
pub(crate) fn retry_fn(args: syn::Result<RawArgs>, item: RawItem) -> Result<RetryFn, Rejected> {
    let mut errors = Errors::default();
    let checked = match args {
        Ok(raw) => Some(args::check(raw, Macro::Attribute, &mut errors)),
        Err(error) => {
            errors.push(error);
            None
        }
    };
    let (function, result) = match item {
        RawItem::Fn(function) => {
            let result = check_signature(&function.sig, &mut errors);
            (Some(*function), result)
        }
        // rustc reports the body's syntax error; the signature can still be
        // judged.
        RawItem::FnWithBrokenBody(signature) => {
            check_signature(&signature, &mut errors);
            (None, None)
        }
        RawItem::Closure(first) => {
            errors.at(
                first,
                "`#[stamina::retry]` goes on a fn, not a closure: to retry a closure's code, use \
                 `stamina::retry_block!(on = ..., |attempt| { ... })`",
            );
            return Err(Rejected { errors, in_expression: true });
        }
        RawItem::Other(item) => {
            not_a_fn(&item, &mut errors);
            (None, None)
        }
        RawItem::Unknown(first) => {
            errors.at(
                first,
                "`#[stamina::retry]` goes on a fn with a body, such as `fn fetch() -> Result<T, E> { ... }`",
            );
            (None, None)
        }
    };
    let (Some((runtime, Some(params))), Some(function), Some(result)) = (checked, function, result) else {
        return Err(Rejected { errors, in_expression: false });
    };
    check_clones(&function, &params, &mut errors);
    let (stream, result) = check_stream(&function, &params, result, &mut errors);
    if function.sig.asyncness.is_none() {
        reject_sync_attempt_timeout(&params, "fn", &mut errors);
    }
    errors
        .finish(RetryFn { runtime, params, function, result, stream })
        .map_err(|errors| Rejected { errors, in_expression: false })
}

/// A stream fn's `Result` is its `Item`; `stream = ...` needs one, and its
/// body makes the stream, so the fn itself is not async.
fn check_stream(
    function: &ItemFn,
    params: &Params,
    result: ResultType,
    errors: &mut Errors,
) -> (Option<stream::StreamKind>, ResultType) {
    let Some((kind, item)) = stream::stream_item(&function.sig) else {
        if let Some((_, span)) = params.stream {
            errors.at(
                span,
                "`stream` is for fns that return `impl Stream<Item = Result<T, E>>` or \
                 `impl Iterator<Item = Result<T, E>>`; remove it",
            );
        }
        return (None, result);
    };
    if let Some(asyncness) = &function.sig.asyncness {
        errors.at(
            asyncness.span,
            "a retried stream fn is not `async`: its body makes the stream once per attempt; remove \
             `async` and return the stream (`futures::stream::unfold`, `async_stream::stream!`, ...)",
        );
    }
    let mut ty = item.clone();
    let mut eraser = EraseImplTrait { erased: false };
    eraser.visit_type_mut(&mut ty);
    (Some(kind), ResultType { ty, extent: Extent::of(item), names_error: !eraser.erased })
}

fn not_a_fn(item: &Item, errors: &mut Errors) {
    let (what, span) = match item {
        Item::Struct(s) => ("a struct", s.struct_token.span),
        Item::Enum(e) => ("an enum", e.enum_token.span),
        Item::Impl(i) => ("an impl block (put it on the methods inside instead)", i.impl_token.span),
        Item::Trait(t) => ("a trait", t.trait_token.span),
        Item::Mod(m) => ("a module", m.mod_token.span),
        Item::Const(c) => ("a const", c.const_token.span),
        Item::Static(s) => ("a static", s.static_token.span),
        Item::Type(t) => ("a type alias", t.type_token.span),
        Item::Use(u) => ("a `use`", u.use_token.span),
        Item::ForeignMod(f) => ("an extern block", f.span()),
        _ => ("this item", item.span()),
    };
    errors.at(
        span,
        format!(
            "`#[stamina::retry]` goes on a fn that returns a `Result`, not on {what}; \
             to retry code inline, use `stamina::retry_block!`"
        ),
    );
}

/// What the signature itself rules out. Returns the return type when there is
/// one.
fn check_signature(sig: &Signature, errors: &mut Errors) -> Option<ResultType> {
    if let Some(constness) = &sig.constness {
        errors.at(
            constness.span,
            "`#[stamina::retry]` cannot go on a `const fn`: retrying sleeps and reads the clock, which \
             a const fn cannot do; remove `const`",
        );
    }
    if let Some(abi) = &sig.abi {
        errors.spanned(
            abi,
            "`#[stamina::retry]` cannot go on an `extern` fn: retry a Rust fn and call it from the \
             extern fn instead",
        );
    }
    if let Some(variadic) = &sig.variadic {
        errors.spanned(variadic, "`#[stamina::retry]` cannot go on a variadic fn");
    }
    match &sig.output {
        ReturnType::Default => {
            errors.at(
                sig.ident.span(),
                format!(
                    "`#[stamina::retry]` needs a fn that returns a `Result`, but `{}` returns `()`: stamina \
                     retries on errors, so return `Result<T, E>` (or an alias such as `std::io::Result<T>`)",
                    sig.ident
                ),
            );
            None
        }
        ReturnType::Type(_, declared) => {
            let mut ty = (**declared).clone();
            let mut eraser = EraseImplTrait { erased: false };
            eraser.visit_type_mut(&mut ty);
            Some(ResultType { ty, extent: Extent::of(declared), names_error: !eraser.erased })
        }
    }
}

/// Replaces `impl Trait` with `_`, so a return type can name a local's type.
struct EraseImplTrait {
    erased: bool,
}

impl VisitMut for EraseImplTrait {
    fn visit_type_mut(&mut self, ty: &mut Type) {
        if let Type::ImplTrait(impl_trait) = ty {
            self.erased = true;
            *ty = Type::Infer(syn::TypeInfer {
                attrs: Vec::new(),
                underscore_token: Token![_](impl_trait.impl_token.span),
            });
        } else {
            syn::visit_mut::visit_type_mut(self, ty);
        }
    }
}

/// The typed arguments by name, with their patterns.
pub(crate) fn named_arguments(function: &ItemFn) -> impl Iterator<Item = (&Ident, &syn::PatType)> {
    function.sig.inputs.iter().filter_map(|input| match input {
        FnArg::Typed(typed) => match &*typed.pat {
            Pat::Ident(ident) => Some((&ident.ident, typed)),
            _ => None,
        },
        FnArg::Receiver(_) => None,
    })
}

/// `clone(...)` must name arguments; arguments moved by the body must be in it.
fn check_clones(function: &ItemFn, params: &Params, errors: &mut Errors) {
    for ident in &params.clone {
        if ident == "self" {
            errors.at(
                ident.span(),
                "`clone(self)` is not supported: take `&self` (or `&mut self`) so each attempt can \
                 borrow it, or clone inside the body",
            );
        } else if !named_arguments(function).any(|(name, _)| name == ident) {
            errors
                .at(ident.span(), format!("`clone({ident})` names no argument of `{}`", function.sig.ident));
        }
    }
    for (ident, typed) in consumed::consumed_arguments(function) {
        if params.clone.iter().any(|cloned| cloned == ident) {
            continue;
        }
        errors.at(
            args::first_span(&typed.pat),
            format!(
                "`{ident}` is moved by the retried body, but every attempt needs it again: add \
                 `clone({ident})` to `#[stamina::retry(...)]` to give each attempt its own clone, \
                 or take it by reference (`{ident}: &{}`)",
                compact(&typed.ty.to_token_stream().to_string())
            ),
        );
    }
}

/// `Vec < u8 >` as a user would write it: `Vec<u8>`.
fn compact(tokens: &str) -> String {
    tokens.replace(" < ", "<").replace("< ", "<").replace(" >", ">").replace("& ", "&").replace(" ,", ",")
}

/// A `retry_block!` that can be expanded.
pub(crate) struct RetryBlock {
    pub(crate) runtime: Runtime,
    pub(crate) params: Params,
    pub(crate) closure: BlockClosure,
}

/// The parts of a block's closure that expansion uses.
pub(crate) struct BlockClosure {
    pub(crate) is_async: bool,
    pub(crate) capture: Option<Token![move]>,
    /// The pattern of the closure's argument, the current attempt (`_` when
    /// the closure takes none).
    pub(crate) attempt: TokenStream,
    pub(crate) output: ReturnType,
    pub(crate) body: Expr,
}

/// What `retry_block!` rejected: every problem, and when the closure was
/// found, what runs it once so the code around still type-checks.
pub(crate) struct RejectedBlock {
    pub(crate) errors: Errors,
    pub(crate) fallback: Option<Box<(Runtime, BlockClosure)>>,
}

/// Checks a block's parameters and closure.
pub(crate) fn retry_block(input: syn::Result<BlockInput>) -> Result<RetryBlock, RejectedBlock> {
    let mut errors = Errors::default();
    let BlockInput { args, closure } = match input {
        Ok(input) => input,
        Err(error) => {
            errors.push(error);
            return Err(RejectedBlock { errors, fallback: None });
        }
    };
    let (runtime, params) = args::check(args, Macro::Block, &mut errors);
    let Some(closure) = closure else {
        errors.at(
            Span::call_site(),
            "`retry_block!` needs the code to retry as a closure after the parameters: \
             `retry_block!(on = is_retriable, |attempt| { ... })`",
        );
        return Err(RejectedBlock { errors, fallback: None });
    };
    let closure = check_closure(closure, &mut errors);
    if let Some(params) = &params
        && !closure.is_async
    {
        reject_sync_attempt_timeout(params, "closure", &mut errors);
    }
    match params {
        Some(params) if errors.len() == 0 => Ok(RetryBlock { runtime, params, closure }),
        _ => Err(RejectedBlock { errors, fallback: Some(Box::new((runtime, closure))) }),
    }
}

/// `attempt_timeout` on sync code: it cannot be cancelled, so the limit could
/// not be kept.
fn reject_sync_attempt_timeout(params: &Params, what: &str, errors: &mut Errors) {
    if let Some((_, key)) = &params.policy.attempt_timeout {
        errors.at(
            *key,
            format!(
                "`attempt_timeout` needs an async {what}: sync code cannot be cancelled, so a hung attempt could \
                 not be stopped; give the operation its own timeout instead (an HTTP client's, such as reqwest's \
                 `ClientBuilder::timeout`, or a socket's `set_read_timeout`)"
            ),
        );
    }
}

fn check_closure(closure: ExprClosure, errors: &mut Errors) -> BlockClosure {
    let attempt = match closure.inputs.len() {
        0 => quote!(_),
        1 => closure.inputs[0].to_token_stream(),
        _ => {
            errors.spanned(
                &closure.inputs,
                "the closure takes one argument, the current attempt: `|attempt| { ... }`",
            );
            quote!(_)
        }
    };
    // `|attempt| async { ... }`, the habit from backon and tokio-retry, would
    // make each attempt a future of a future. It is rejected, and read as the
    // async closure it means for the fallback.
    if closure.asyncness.is_none()
        && let Expr::Async(async_block) = &*closure.body
    {
        let capture = if async_block.capture.is_some() { " move" } else { "" };
        let (bar, async_token) = (&closure.inputs_begin, &async_block.async_token);
        errors.spanned(
            quote!(#bar #async_token),
            format!(
                "make the closure itself async: write `async{capture} |attempt| {{ ... }}` instead of \
                 `|attempt| async{capture} {{ ... }}`"
            ),
        );
        return BlockClosure {
            is_async: true,
            capture: async_block.capture,
            attempt,
            output: closure.output,
            body: Expr::Block(syn::ExprBlock {
                attrs: Vec::new(),
                label: None,
                block: async_block.block.clone(),
            }),
        };
    }
    BlockClosure {
        is_async: closure.asyncness.is_some(),
        capture: closure.capture,
        attempt,
        output: closure.output,
        body: *closure.body,
    }
}

#[cfg(test)]
mod tests {
    use proc_macro2::TokenStream;
    use quote::quote;

    use super::*;
    use crate::parse;

    /// The problems the attribute finds with `attr` on `item`.
    fn fn_problems(attr: TokenStream, item: &TokenStream) -> Vec<String> {
        match retry_fn(parse::attr_args(attr), parse::item(item)) {
            Ok(_) => Vec::new(),
            Err(rejected) => rejected.errors.messages(),
        }
    }

    fn only_fn_problem(item: &TokenStream) -> String {
        let found = fn_problems(quote!(on = is_retriable), item);
        assert_eq!(found.len(), 1, "{found:?}");
        found.into_iter().next().unwrap_or_default()
    }

    /// The problems `retry_block!` finds with `input`.
    fn block_problems(input: TokenStream) -> Vec<String> {
        match retry_block(parse::block_input(input)) {
            Ok(_) => Vec::new(),
            Err(rejected) => rejected.errors.messages(),
        }
    }

    #[test]
    fn a_fn_returning_a_result_is_accepted() {
        let item = quote!(
            async fn fetch(&self, id: u32) -> Result<impl Display, E> {
                Ok(id)
            }
        );
        let Ok(retry_fn) = retry_fn(parse::attr_args(quote!(on = is_retriable)), parse::item(&item)) else {
            panic!("rejected");
        };
        assert_eq!(retry_fn.result.ty.to_token_stream().to_string(), "Result < _ , E >");
        assert!(!retry_fn.result.names_error, "an erased `impl Trait` takes the error type from the outcome");
    }

    #[test]
    fn the_attribute_goes_on_a_fn_that_returns_a_result() {
        assert!(
            only_fn_problem(&quote!(
                struct Client;
            ))
            .contains("not on a struct")
        );
        assert!(only_fn_problem(&quote!(impl Client {})).contains("put it on the methods inside instead"));
        assert!(
            only_fn_problem(&quote!(
                fn fetch() -> Result<(), E>;
            ))
            .contains("not on this item")
        );
        assert!(only_fn_problem(&quote!(let x = 1;)).contains("goes on a fn with a body"));
        assert!(only_fn_problem(&quote!(|| Ok(()))).contains("goes on a fn, not a closure"));
        assert!(
            only_fn_problem(&quote!(
                fn fetch() {}
            ))
            .contains("but `fetch` returns `()`")
        );
        assert!(
            only_fn_problem(&quote!(
                const fn fetch() -> R {
                    x
                }
            ))
            .contains("cannot go on a `const fn`")
        );
        assert!(
            only_fn_problem(&quote!(
                extern "C" fn fetch() -> R {
                    x
                }
            ))
            .contains("cannot go on an `extern` fn")
        );
    }

    #[test]
    fn a_body_that_does_not_parse_is_left_to_rustc() {
        let broken = quote!(fn fetch(id: u32) -> Result<u32, E> { let doubled = id * ; Ok(doubled) });
        assert_eq!(fn_problems(quote!(on = is_retriable), &broken), Vec::<String>::new());
        assert!(matches!(parse::item(&broken), RawItem::FnWithBrokenBody(_)));
        // The signature and the arguments are still judged.
        let found = fn_problems(quote!(attempts = 0), &quote!(const fn fetch() -> R { let x = ; }));
        assert_eq!(found.len(), 3, "{found:?}");
    }

    #[test]
    fn clones_name_arguments_and_moved_arguments_are_cloned() {
        let upload = quote!(
            fn upload(body: Vec<u8>, name: String) -> Result<usize, E> {
                send(body, &name)
            }
        );
        assert_eq!(
            fn_problems(quote!(on = is_retriable), &upload),
            ["`body` is moved by the retried body, but every attempt needs it again: add `clone(body)` to \
              `#[stamina::retry(...)]` to give each attempt its own clone, or take it by reference (`body: &Vec<u8>`)"]
        );
        assert_eq!(fn_problems(quote!(on = is_retriable, clone(body)), &upload), Vec::<String>::new());
        assert_eq!(
            fn_problems(quote!(on = is_retriable, clone(body, bdy)), &upload),
            ["`clone(bdy)` names no argument of `upload`"]
        );
        let method = quote!(
            fn get(&self) -> Result<u8, E> {
                Ok(1)
            }
        );
        assert!(
            fn_problems(quote!(on = is_retriable, clone(self)), &method)[0]
                .starts_with("`clone(self)` is not")
        );
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let found = fn_problems(
            quote!(attempts = 0, clone(x)),
            &quote!(
                const fn fetch() {}
            ),
        );
        assert_eq!(found.len(), 4, "{found:?}");
    }

    #[test]
    fn a_block_needs_a_closure_of_at_most_one_argument() {
        assert_eq!(
            block_problems(quote!(on = is_retriable, |attempt| Ok(attempt.num()))),
            Vec::<String>::new()
        );
        assert_eq!(
            block_problems(quote!(on = is_retriable, async move || fetch().await)),
            Vec::<String>::new()
        );
        assert!(
            block_problems(quote!(on = is_retriable))[0]
                .starts_with("`retry_block!` needs the code to retry")
        );
        assert_eq!(
            block_problems(quote!(on = is_retriable, |a, b| Ok(()))),
            ["the closure takes one argument, the current attempt: `|attempt| { ... }`"]
        );
        assert!(
            block_problems(quote!(on = f, async { 1 }))[0]
                .starts_with("expected the retried code as a closure")
        );
        assert!(
            block_problems(quote!(on = f, || Ok(()), attempts = 2))[0]
                .starts_with("the closure must come last")
        );
    }

    #[test]
    fn a_block_closure_is_async_itself() {
        assert_eq!(
            block_problems(quote!(on = is_retriable, |attempt| async { fetch().await })),
            [
                "make the closure itself async: write `async |attempt| { ... }` instead of `|attempt| async { ... }`"
            ]
        );
        assert_eq!(
            block_problems(quote!(on = is_retriable, |_| async move { fetch().await })),
            ["make the closure itself async: write `async move |attempt| { ... }` instead of \
              `|attempt| async move { ... }`"]
        );
    }
}
