//! The demo's fetcher and `stamina::http` against the fake GitHub server, over
//! real sockets on 127.0.0.1. One binary: each test starts its own server and
//! sets testing mode only for its own future (`future_scope`), so the tests
//! share no process-wide state and run in parallel.

#[cfg(feature = "prometheus")]
mod budget_fake_github;
mod fetch_repo_docs;
mod http_status_predicate;
mod middleware_fetch;
mod starred_listing;
