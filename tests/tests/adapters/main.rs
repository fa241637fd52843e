//! Retrying on results, and the adapters (the tower layer and the
//! reqwest-middleware middleware) against a real HTTP server on 127.0.0.1
//! with scripted faults (`server`).
//!
//! A binary of its own: its tests install hooks (the process-wide registry),
//! each holding `support::isolated_with` for its whole run, and the adapter
//! tests start servers and real clients.
//!
//! Linking `allocation-counter` (in `tower`) installs its counting
//! `#[global_allocator]` for this whole binary. It counts per thread, so the
//! other tests are not disturbed by it, nor is the measurement by them.

#[path = "../support/mod.rs"]
mod support;

mod reqwest_middleware;
mod result_macros;
mod result_predicate;
mod server;
mod tower;
