//! The README's demo: what the `fetch_repo_docs` example runs, in a library so
//! that this package's integration tests (`tests/`) run exactly it.
//!
//! - [`fake_github`]: a GitHub-compatible API server on 127.0.0.1 with scripted
//!   faults.
//! - [`docs_fetcher`]: the `fetch_repo_docs` example's fetcher, retried with
//!   `#[stamina::retry]` and `retry_block!`.
//! - [`middleware_fetcher`]: the same fetch, retried by stamina's
//!   reqwest-middleware middleware (`fetch_repo_docs --middleware`).

pub mod docs_fetcher;
pub mod fake_github;
pub mod middleware_fetcher;

/// A reqwest client builder that works in every feature combination: with
/// the `tls` feature, reqwest's `rustls-no-provider` needs the process's
/// default crypto provider, which this installs first.
pub fn http_client_builder() -> reqwest::ClientBuilder {
    #[cfg(feature = "tls")]
    let _ = rustls::crypto::ring::default_provider().install_default(); // an error: one is installed already
    reqwest::Client::builder()
}
