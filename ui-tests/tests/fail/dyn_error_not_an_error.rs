// `.with_dyn_error()` on a caller whose error is not a `std::error::Error`:
// rustc's error on the call names the missing `Error` impl.
#[derive(Debug)]
struct Opaque;

fn main() {
    let caller = stamina::RetryingCaller::new().with_dyn_error();
    let _ = caller.call(|_: &Opaque| true, || Err::<(), _>(Opaque));
}
