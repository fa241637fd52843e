//! Recognising a fn that returns a stream or an iterator of `Result`s:
//! `impl Stream<Item = Result<T, E>>` or `impl Iterator<Item = Result<T, E>>`,
//! whose body is then the factory of one stream per attempt.

use syn::{GenericArgument, PathArguments, ReturnType, Signature, Type, TypeParamBound};

/// What a stream fn returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StreamKind {
    /// `impl Stream<Item = ..>`: retried with the default sleeper.
    Stream,
    /// `impl Iterator<Item = ..>`: retried on the thread.
    Iterator,
}

/// The kind of stream `sig` returns and its declared `Item` type, if it
/// returns `impl Stream<Item = ..>` or `impl Iterator<Item = ..>` (by the
/// trait's last path segment, as written: `futures::Stream` and
/// `std::iter::Iterator` count too).
pub(crate) fn stream_item(sig: &Signature) -> Option<(StreamKind, &Type)> {
    let ReturnType::Type(_, ty) = &sig.output else { return None };
    let Type::ImplTrait(impl_trait) = &**ty else { return None };
    impl_trait.bounds.iter().find_map(|bound| {
        let TypeParamBound::Trait(bound) = bound else { return None };
        let last = bound.path.segments.last()?;
        let kind = match last.ident.to_string().as_str() {
            "Stream" => StreamKind::Stream,
            "Iterator" => StreamKind::Iterator,
            _ => return None,
        };
        let PathArguments::AngleBracketed(arguments) = &last.arguments else { return None };
        arguments.args.iter().find_map(|argument| match argument {
            GenericArgument::AssocType(assoc) if assoc.ident == "Item" && assoc.generics.is_none() => {
                Some((kind, &assoc.ty))
            }
            _ => None,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind_of(sig: &str) -> Option<(StreamKind, String)> {
        let sig: Signature = syn::parse_str(sig).unwrap();
        stream_item(&sig).map(|(kind, item)| (kind, quote::ToTokens::to_token_stream(item).to_string()))
    }

    #[test]
    fn streams_and_iterators_of_results_are_recognised() {
        assert_eq!(
            kind_of("fn f(x: &u8) -> impl Stream<Item = Result<u8, E>> + '_"),
            Some((StreamKind::Stream, "Result < u8 , E >".to_owned()))
        );
        assert_eq!(
            kind_of("fn f() -> impl Send + std::iter::Iterator<Item = io::Result<u8>>"),
            Some((StreamKind::Iterator, "io :: Result < u8 >".to_owned()))
        );
        assert_eq!(kind_of("fn f() -> Result<u8, E>"), None);
        assert_eq!(kind_of("fn f() -> impl Future<Output = Result<u8, E>>"), None);
        assert_eq!(kind_of("fn f() -> impl Iterator"), None);
    }
}
