//! Any string as the macros' duration literal (`wait_max = "1m30s"`) and as
//! a number of seconds (`wait_max = 1.5`): a value or an error message, never
//! a panic; and what the parser accepts means what it says.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The macros' own parser, compiled in (stamina-macros is a proc-macro crate).
#[allow(dead_code, unreachable_pub)]
#[path = "../../../stamina-macros/src/duration.rs"]
mod duration;

fuzz_target!(|input: (&str, u64)| {
    let (text, nanos) = input;
    let _ = duration::parse_duration_str(text);
    let _ = duration::parse_seconds(text);
    // Every count of nanoseconds, written in nanoseconds or as seconds with a
    // fraction, reads back exactly.
    assert_eq!(duration::parse_duration_str(&format!("{nanos}ns")), Ok(nanos));
    let seconds = format!("{}.{:09}", nanos / 1_000_000_000, nanos % 1_000_000_000);
    assert_eq!(duration::parse_duration_str(&format!("{seconds}s")), Ok(nanos), "{seconds}");
    assert_eq!(duration::parse_seconds(&seconds), Ok(nanos), "{seconds}");
});
