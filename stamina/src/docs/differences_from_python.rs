//! # Differences from Python stamina
//!
//! stamina for Rust keeps Python stamina's names, defaults, order of
//! decisions and log fields (checked against stamina 26.1). Where Rust lets
//! the port be safer or more precise, it is:
//!
//! | Python stamina 26.1 | stamina for Rust | why |
//! |---|---|---|
//! | `attempts=0` or `-1` means one attempt | `attempts` is a `u32`; `0` panics when a builder is given it, and is a compile error in the macros | a count that cannot be negative, and no silent "no retries" |
//! | `timeout=0` warns, then never retries | a zero timeout panics when a builder is given it, and is a compile error in the macros | the warning becomes an error that names the fix (`None`) |
//! | negative `wait_*` values crash at sleep time | a `Duration` cannot be negative; a bad `wait_exp_base` panics when it is set | invalid states are unrepresentable or caught early |
//! | `on` is an exception type, a tuple of them, or a hook returning `bool`, `float` or `timedelta` | `on` is a predicate returning `bool`, `Duration`, `Option<Duration>` or [`Decision`](crate::Decision); `types(A, B)` and [`error_types`](crate::error_types) match types along the `source()` chain | Rust errors are values, not a class hierarchy |
//! | a hook returning `None` warns and means "don't retry" | a predicate's return type is checked at compile time | |
//! | `BaseException`s (`KeyboardInterrupt`, cancellation) reach the hook | panics are not caught; cancelling is dropping the future, which stops the loop cleanly, also mid-wait | |
//! | hook context managers are exited again on every later attempt (the list is never cleared) | a hook's [`HookGuard`](crate::instrumentation::HookGuard) is dropped exactly once, right before the next attempt | the documented intent |
//! | `RetryingCaller` takes `(on, callable, *args, **kwargs)` | `caller.call(on, \|\| op(args))` | closures capture arguments |
//! | `retry_context` and the callers always report `<context block>` | the same by default; `retry_block!(name = "fetch_readme", ...)` and `.name("fetch_readme")` give a block, a caller or a context its own name | two loops should be two log names and two metric series |
//! | `set_testing` is process-wide, and a context manager | process-wide ([`set_testing`](crate::testing::set_testing), [`set_mode`](crate::testing::set_mode)), until a guard drops ([`process_scope`](crate::testing::process_scope)), for one thread ([`thread_scope`](crate::testing::thread_scope)) or for one future ([`future_scope`](crate::testing::future_scope)) | `cargo test` runs tests on parallel threads of one process |
//! | testing mode and `set_active` are read again at each step | read once, when a loop starts | one atomic load per loop; a loop behaves consistently |
//! | tests observe retries through hooks | a [`Recorder`](crate::testing::Recorder) records every attempt of the loops in its scope: outcome, planned wait, reason for giving up | assertions such as "nothing was retried", without a process-wide hook |
//! | the timeout is measured with `time.monotonic()` | measured on the coarse monotonic clock (1 to 4 ms resolution), or on tokio's clock with the `test-util` feature | a precise clock read costs more than the whole success path |
//! | backoffs are computed in float seconds | exact integer nanoseconds for a whole-number `wait_exp_base` (the default 2), `f64` nanoseconds otherwise | no rounding in the common schedules (100 ms, 200 ms, 400 ms, ...) |
//! | hooks get `args` and `kwargs` | hooks get the name, the error as `Debug` (and as `&dyn Error` from the macros, when it is one) and its type name | Rust has no uniform way to show arguments |
//! | the log hooks write `caused_by` as `repr(exc)` | `caused_by` is the [`ErrorSummary`](crate::instrumentation::ErrorSummary): an error's `Display` and its `source()` chain, `Debug` only for what is not an `Error` (and from the callers and `retry_context`, which cannot tell), at most 512 bytes | a `Debug` form can hold headers, tokens and backtraces; one event cannot flood a log |
//! | events: "retry scheduled" only | also "succeeded after retries" and "gave up", with the reason, in every sink | what production users ask for (stamina#26) |
//! | one Prometheus counter, `stamina_retries_total`, in `prometheus_client`'s global registry | the same counter, plus `stamina_gave_up_total` and `stamina_succeeded_after_retries_total`, registered into your `Registry` with `register_prometheus_metrics` (feature `prometheus`); registering twice changes nothing | Rust has no global registry; a second registration would expose every family twice |
//! | no bound on the retries of all calls together | retry budgets in [`budget`](crate::budget): a token quota (the AWS SDKs') or a ratio of the calls (Finagle's) | one failing dependency should not get a storm of retries |
//! | structlog if installed, else `logging` | `tracing` if the feature is on (a default), else `log` | what Rust services collect |
//! | generator functions are retried | not supported | Rust has no generators on stable |
//! | the timeout is soft only: one hanging attempt holds the caller, and a wait scheduled before the deadline may end long after it | the same by default; `timeout_mode = strict` makes it a deadline that no wait passes and that cancels an async attempt ([time limits](crate::docs::time_limits)) | a caller with a deadline needs it to hold |
//! | no limit on one attempt | `attempt_timeout` (async only; a compile error on sync code, which cannot be cancelled): a late attempt is dropped and fails with [`AttemptTimedOut`](crate::AttemptTimedOut), which `on` judges | the AWS SDKs' `operation_attempt_timeout` |
//! | how a call went is seen only through hooks | the callers and `retry_context` have `*_with_outcome` forms returning a [`CallOutcome`](crate::CallOutcome) (attempts, waits, elapsed time, why it gave up); an [`Attempt`](crate::Attempt) tells its [`elapsed`](crate::Attempt::elapsed) time; the result is still the last one, unchanged | backon#242; no wrapper error |
