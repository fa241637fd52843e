#[derive(Debug)]
struct ApiError;

fn is_retriable(_: &ApiError) -> bool {
    true
}

#[stamina::retry(on = is_retriable, wait_exp_base = -2.0)]
fn negative() -> Result<(), ApiError> {
    Ok(())
}

#[stamina::retry(on = is_retriable, wait_exp_base = "two")]
fn not_a_number() -> Result<(), ApiError> {
    Ok(())
}

#[stamina::retry(on = is_retriable, wait_exp_base = 0)]
fn zero() -> Result<(), ApiError> {
    Ok(())
}

fn main() {
    let _ = negative();
    let _ = not_a_number();
    let _ = zero();
}
