//! stamina's behaviour through its public API: the callers, `retry_context`
//! and the macros, sync and async, on tokio and on another executor.
//!
//! Why these share a binary: none of them touches process-wide state. They
//! read the switches only through the thread-local and per-future forms,
//! install no hooks (every loop runs with the default hooks of the enabled
//! features), and count no allocations, so they run in parallel threads of one
//! process without seeing each other. A test that needs process-wide state
//! belongs to `hooks` or `process_switches`.

#[path = "../support/mod.rs"]
mod support;

mod attempt_elapsed;
mod budget_loops;
mod deadline_attempt_timeout;
mod deadline_outcome;
mod deadline_strict;
mod macro_async;
mod macro_block;
// `pub`, so that its `pub` items are reachable as they were at a crate root:
// in a private module, `unreachable_pub` (a workspace lint, and an error
// under that module's `deny(warnings)`) would reject them.
pub mod macro_lints;
mod macro_methods;
mod macro_sync;
mod macro_timing;
mod perf_future_size;
mod runtime_async;
mod runtime_other_executor;
mod runtime_sync;
mod stream_macro;
mod stream_runtime;
mod testing_recorder;
