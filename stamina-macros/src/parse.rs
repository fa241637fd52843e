//! Parsing: the macros' input as written, before anything is checked.
//!
//! Parsing fails only where the tokens cannot be read at all; every value is
//! kept as written (with its span) for [`crate::args`] and [`crate::validate`]
//! to judge, so that all problems can be reported together.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::ext::IdentExt as _;
use syn::parse::discouraged::Speculative as _;
use syn::parse::{Parse, ParseStream, Parser as _};
use syn::punctuated::Punctuated;
use syn::{Attribute, Expr, ExprClosure, Ident, Item, ItemFn, Signature, Token, Type, Visibility};

/// One `key = value` (or `key(...)`, or a bare `key`) as written.
pub(crate) struct Entry {
    pub(crate) key: Ident,
    pub(crate) value: EntryValue,
}

pub(crate) enum EntryValue {
    Expr(Box<Expr>),
    /// `on = types(A, B)`.
    Types(Punctuated<Type, Token![,]>),
    /// `clone(a, b)`.
    Idents(Punctuated<Ident, Token![,]>),
    /// A key without a value.
    Bare,
}

/// Where something the user wrote starts and ends: its first and last token.
/// Code generated with these two spans, one at each end, makes rustc show its
/// errors under all of it, as a single span on stable Rust cannot.
#[derive(Clone, Copy)]
pub(crate) struct Extent {
    pub(crate) first: Span,
    pub(crate) last: Span,
}

impl Extent {
    /// The extent of `tokens`; the macro call's for none.
    pub(crate) fn of(tokens: &impl ToTokens) -> Self {
        let mut spans = tokens.to_token_stream().into_iter().map(|token| match token {
            TokenTree::Group(group) => (group.span_open(), group.span_close()),
            other => (other.span(), other.span()),
        });
        let (first, mut last) = spans.next().unwrap_or((Span::call_site(), Span::call_site()));
        if let Some((_, end)) = spans.last() {
            last = end;
        }
        Self { first, last }
    }
}

/// The `key = value` list of either macro.
pub(crate) struct RawArgs {
    pub(crate) entries: Vec<Entry>,
    /// To span errors about the list as a whole; `None` when it is empty.
    pub(crate) extent: Option<Extent>,
}

impl RawArgs {
    /// Parses `key = value, ...` up to the end of `input`, or, when
    /// `until_closure`, up to a closure.
    fn parse_until(input: ParseStream<'_>, until_closure: bool) -> syn::Result<Self> {
        let first = input.span();
        let mut last = None;
        let mut entries = Vec::new();
        while !(input.is_empty() || until_closure && starts_closure(input)) {
            let key = input.call(Ident::parse_any).map_err(|error| {
                syn::Error::new(
                    error.span(),
                    if until_closure {
                        "expected `key = value` parameters followed by a closure `|attempt| { ... }`"
                    } else {
                        "expected `key = value` parameters, such as `on = is_retriable, attempts = 3`"
                    },
                )
            })?;
            let value = if input.peek(Token![=]) {
                input.parse::<Token![=]>()?;
                match (key == "on").then(|| try_parse_types(input)).flatten() {
                    Some(types) => EntryValue::Types(types),
                    None => EntryValue::Expr(Box::new(input.parse()?)),
                }
            } else if input.peek(syn::token::Paren) {
                let content;
                syn::parenthesized!(content in input);
                EntryValue::Idents(content.parse_terminated(Ident::parse_any, Token![,])?)
            } else {
                EntryValue::Bare
            };
            last = Some(last_span(&key, &value));
            entries.push(Entry { key, value });
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>()?;
        }
        Ok(Self { entries, extent: last.map(|last| Extent { first, last }) })
    }
}

impl Parse for RawArgs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        Self::parse_until(input, false)
    }
}

/// The span of the last token of an entry.
fn last_span(key: &Ident, value: &EntryValue) -> Span {
    let tokens = match value {
        EntryValue::Expr(expr) => expr.to_token_stream(),
        EntryValue::Types(types) => types.to_token_stream(),
        EntryValue::Idents(idents) => idents.to_token_stream(),
        EntryValue::Bare => key.to_token_stream(),
    };
    // A `key(...)` or `types(...)` ends with its parenthesis, whose span
    // `to_token_stream` does not keep; its last name is close enough.
    tokens.into_iter().last().map_or_else(|| key.span(), |token| token.span())
}

fn starts_closure(input: ParseStream<'_>) -> bool {
    input.peek(Token![|]) || input.peek(Token![||]) || input.peek(Token![async]) || input.peek(Token![move])
}

/// `types(A, B)` followed by `,` or the end; anything else is an expression.
fn try_parse_types(input: ParseStream<'_>) -> Option<Punctuated<Type, Token![,]>> {
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

/// The input of `retry_block!`: parameters, then the closure to retry.
pub(crate) struct BlockInput {
    pub(crate) args: RawArgs,
    /// `None` when the parameters end without a closure.
    pub(crate) closure: Option<ExprClosure>,
}

impl Parse for BlockInput {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let args = RawArgs::parse_until(input, true)?;
        if input.is_empty() {
            return Ok(Self { args, closure: None });
        }
        let closure = match input.parse::<Expr>()? {
            Expr::Closure(closure) => closure,
            other => {
                return Err(syn::Error::new_spanned(
                    other,
                    "expected the retried code as a closure: `|attempt| { ... }` or `async |attempt| { ... }`",
                ));
            }
        };
        let _ = input.parse::<Option<Token![,]>>()?;
        if !input.is_empty() {
            return Err(input.error("the closure must come last, after all `key = value` parameters"));
        }
        Ok(Self { args, closure: Some(closure) })
    }
}

/// Parses the attribute's arguments.
pub(crate) fn attr_args(attr: TokenStream) -> syn::Result<RawArgs> {
    syn::parse2(attr)
}

/// Parses `retry_block!`'s input.
pub(crate) fn block_input(input: TokenStream) -> syn::Result<BlockInput> {
    BlockInput::parse.parse2(input)
}

/// What the attribute was put on.
pub(crate) enum RawItem {
    /// A fn, parsed completely.
    Fn(Box<ItemFn>),
    /// A fn whose body does not parse, as happens on every keystroke in an
    /// IDE: re-emitted as it is, so rustc reports the real syntax error.
    FnWithBrokenBody(Box<Signature>),
    /// A closure (the attribute in expression position), with its first token.
    Closure(Span),
    /// An item that is not a fn.
    Other(Box<Item>),
    /// Anything else, such as a fn without a body, with its first token.
    Unknown(Span),
}

/// Parses the item under the attribute: precisely first, then, when that
/// fails, speculatively as a signature followed by any braced tokens (as
/// tracing-attributes does), to tell a broken body from a wrong item.
pub(crate) fn item(item: &TokenStream) -> RawItem {
    match syn::parse2::<Item>(item.clone()) {
        Ok(Item::Fn(function)) => RawItem::Fn(Box::new(function)),
        Ok(other) => RawItem::Other(Box::new(other)),
        Err(_) => {
            if let Ok(signature) = fn_with_any_body.parse2(item.clone()) {
                RawItem::FnWithBrokenBody(Box::new(signature))
            } else {
                let first =
                    item.clone().into_iter().next().map_or_else(Span::call_site, |token| token.span());
                match syn::parse2::<Expr>(item.clone()) {
                    Ok(Expr::Closure(_)) => RawItem::Closure(first),
                    _ => RawItem::Unknown(first),
                }
            }
        }
    }
}

/// A fn's attributes, visibility and signature, then a braced body whose
/// tokens are not parsed: the signature.
fn fn_with_any_body(input: ParseStream<'_>) -> syn::Result<Signature> {
    input.call(Attribute::parse_outer)?;
    input.parse::<Visibility>()?;
    let signature: Signature = input.parse()?;
    match input.parse::<TokenTree>()? {
        TokenTree::Group(body) if body.delimiter() == proc_macro2::Delimiter::Brace && input.is_empty() => {
            Ok(signature)
        }
        other => Err(syn::Error::new(other.span(), "expected a fn body")),
    }
}
