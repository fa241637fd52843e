// Generics, lifetimes, where clauses, `impl Trait`, and `Result` aliases.
use std::fmt::{Debug, Display};

#[derive(Debug)]
struct ApiError;

type ApiResult<T> = Result<T, ApiError>;

fn is_retriable(_: &ApiError) -> bool {
    true
}

#[stamina::retry(on = is_retriable)]
fn generic<'a, T: Debug, const N: usize>(items: &'a [T; N], label: impl AsRef<str>) -> ApiResult<&'a T>
where
    T: Clone,
{
    let _ = label.as_ref();
    items.first().ok_or(ApiError)
}

#[stamina::retry(on = |e| e.kind() == std::io::ErrorKind::Interrupted)]
fn io_alias() -> std::io::Result<u8> {
    Ok(1)
}

#[stamina::retry(on = |e: &anyhow::Error| e.is::<std::io::Error>())]
async fn anyhow_alias() -> anyhow::Result<u8> {
    Ok(1)
}

#[stamina::retry(on = types(std::io::Error, std::fmt::Error))]
fn type_erased() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    Ok(())
}

#[stamina::retry(on = |e| e.to_string().is_empty())]
fn opaque_ok(x: u32) -> Result<impl Display, std::fmt::Error> {
    Ok(x)
}

#[stamina::retry(on = is_retriable, clone(payload))]
async fn cloned(payload: Vec<u8>) -> ApiResult<usize> {
    Ok(payload.into_iter().count())
}

fn main() {
    let _ = generic(&[1, 2], "x");
    let _ = io_alias();
    let _ = anyhow_alias();
    let _ = type_erased();
    let _ = opaque_ok(1);
    let _ = cloned(vec![]);
}
