#[derive(Debug)]
struct ApiError;

fn is_retriable(_: &ApiError) -> bool {
    true
}

fn parse(text: String) -> impl Iterator<Item = Result<String, ApiError>> {
    text.lines().map(|line| Ok(line.to_owned())).collect::<Vec<_>>().into_iter()
}

// The body makes a new iterator on every attempt, so it may not move an
// argument: the macro names the fix, as for any retried fn.
#[stamina::retry(on = is_retriable, attempts = 3)]
fn lines(text: String) -> impl Iterator<Item = Result<String, ApiError>> {
    parse(text)
}

fn main() {
    let _ = lines(String::new()).count();
}
