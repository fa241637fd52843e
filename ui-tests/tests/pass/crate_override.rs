// A crate that re-exports stamina names it with `crate = "..."`.
mod reexport {
    pub use stamina;
}

#[derive(Debug)]
struct ApiError;

fn is_retriable(_: &ApiError) -> bool {
    true
}

#[stamina::retry(on = is_retriable, crate = "crate::reexport::stamina")]
fn fetch() -> Result<(), ApiError> {
    Ok(())
}

fn main() {
    let _ = fetch();
    let _ = stamina::retry_block!(on = is_retriable, crate = "crate::reexport::stamina", |_attempt| {
        Ok::<(), ApiError>(())
    });
}
