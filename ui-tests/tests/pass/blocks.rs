// `retry_block!`, sync and async, with and without the attempt.
#[derive(Debug)]
struct ApiError;

fn is_retriable(_: &ApiError) -> bool {
    true
}

fn get(_url: &str) -> Result<String, ApiError> {
    Ok(String::new())
}

async fn main_async(url: &str) -> Result<String, ApiError> {
    let first = stamina::retry_block!(on = is_retriable, attempts = 3, |attempt| {
        if attempt.num() > 1 {
            eprintln!("retry #{} after {:?}", attempt.num(), attempt.next_wait());
        }
        get(url)
    })?;
    let second = stamina::retry_block!(on = |e| is_retriable(e), timeout = "5s", async |_attempt| {
        let body = get(url)?;
        Ok(body)
    })
    .await?;
    let owned = url.to_owned();
    let third = stamina::retry_block!(on = is_retriable, async move || get(&owned)).await?;
    Ok(first + &second + &third)
}

fn main() {
    let _ = main_async("http://127.0.0.1/");
}
