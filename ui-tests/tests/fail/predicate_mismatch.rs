//! Characterization test: a predicate whose argument type is not the fn's
//! error type. The first two errors are the ones that matter (at the return
//! type and at `on`, naming both types); rustc adds follow-up errors from the
//! generated call into the runtime, recorded here so that a change shows up.

#[derive(Debug)]
struct ApiError;

#[derive(Debug)]
struct OtherError;

fn is_other_retriable(_: &OtherError) -> bool {
    true
}

#[stamina::retry(on = is_other_retriable)]
fn fetch() -> Result<(), ApiError> {
    Ok(())
}

fn main() {
    let _ = fetch();
}
