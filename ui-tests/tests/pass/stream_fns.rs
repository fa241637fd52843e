//! Stream and iterator fns under `#[stamina::retry]`: references, clones,
//! methods and both behaviours compile, warning-free.
#![deny(warnings)]

#[derive(Debug)]
struct ApiError;

fn is_retriable(_: &ApiError) -> bool {
    true
}

#[stamina::retry(on = is_retriable, attempts = 3, wait_max = 0)]
fn numbers(upto: &u32) -> impl Iterator<Item = Result<u32, ApiError>> + '_ {
    (1..=*upto).map(Ok)
}

#[stamina::retry(on = is_retriable, wait_max = 0, stream = "commit", clone(names))]
fn greetings(names: Vec<String>) -> impl Iterator<Item = Result<String, ApiError>> {
    names.into_iter().map(|name| Ok(format!("hello {name}")))
}

struct Feed(Vec<u8>);

impl Feed {
    #[stamina::retry(on = |_| true, stream = "restart")]
    fn bytes(&self) -> impl Iterator<Item = Result<u8, ApiError>> + '_ {
        self.0.iter().copied().map(Ok)
    }
}

fn main() {
    assert_eq!(numbers(&3).count(), 3);
    assert_eq!(greetings(vec!["a".to_owned()]).count(), 1);
    assert_eq!(Feed(vec![1, 2]).bytes().count(), 2);
}
