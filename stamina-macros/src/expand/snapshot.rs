//! What the macros generate, for a reader: the expansion of a sync fn, an
//! async method and a block, pretty-printed and compared with the committed
//! files in `stamina-macros/tests/snapshots/`.
//!
//! After a deliberate change to the generated code, rewrite the files with
//! `STAMINA_BLESS=1 cargo test -p stamina-macros snapshot` and review the diff.

use std::path::PathBuf;

use proc_macro2::TokenStream;
use quote::quote;

/// The expansion of a sync fn with literal parameters and a clone.
fn sync_fn() -> TokenStream {
    super::retry_attr(
        quote!(on = is_retriable, attempts = 3, timeout = "30s", clone(body)),
        &quote! {
            /// Uploads `body`.
            fn upload(body: Vec<u8>) -> Result<usize, ApiError> {
                send(body)
            }
        },
    )
}

/// The expansion of an async method with a limit read from `self`, in its
/// `impl` block.
fn async_method() -> TokenStream {
    let method = super::retry_attr(
        quote!(on = |error| error.is_transient(), attempts = self.attempts),
        &quote! {
            async fn get(&self, key: &str) -> Result<String, ApiError> {
                self.fetch(key).await
            }
        },
    );
    quote!(impl Client { #method })
}

/// The expansion of a stream fn that commits after its first item, with a
/// reference argument and a clone.
fn stream_fn() -> TokenStream {
    super::retry_attr(
        quote!(on = is_retriable, attempts = 3, stream = "commit", clone(topic)),
        &quote! {
            fn events<'a>(client: &'a Client, topic: String) -> impl Stream<Item = Result<Event, ApiError>> + 'a {
                client.subscribe(topic)
            }
        },
    )
}

/// The expansion of a sync block, in a fn.
fn block() -> TokenStream {
    let block = super::retry_block(quote! {
        on = is_retriable, wait_max = 0, |attempt| {
            log_attempt(attempt.num());
            fetch()
        }
    });
    quote!(fn fetch_logged() -> Result<u32, ApiError> { #block })
}

/// The expansion of a sync fn with a result predicate (`on_result`).
fn on_result_fn() -> TokenStream {
    super::retry_attr(
        quote!(on_result = |result| matches!(result, Ok(503)), attempts = 3),
        &quote! {
            fn status() -> Result<u16, ApiError> {
                get_status()
            }
        },
    )
}

#[test]
fn expansions_match_the_snapshots() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let bless = std::env::var_os("STAMINA_BLESS").is_some();
    let mut stale = Vec::new();
    for (name, tokens) in [
        ("sync_fn", sync_fn()),
        ("async_method", async_method()),
        ("block", block()),
        ("stream_fn", stream_fn()),
        ("on_result_fn", on_result_fn()),
    ] {
        let file: syn::File =
            syn::parse2(tokens).unwrap_or_else(|error| panic!("{name} does not parse: {error}"));
        let expanded = prettyplease::unparse(&file);
        let path = dir.join(format!("{name}.rs"));
        if bless {
            std::fs::write(&path, &expanded)
                .unwrap_or_else(|error| panic!("writing {}: {error}", path.display()));
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(expanded.as_str()) {
            stale.push(format!("{name}:\n{expanded}"));
        }
    }
    assert!(
        stale.is_empty(),
        "the expansion changed (rerun with STAMINA_BLESS=1 to rewrite tests/snapshots/ if it is meant to):\n{}",
        stale.join("\n")
    );
}
