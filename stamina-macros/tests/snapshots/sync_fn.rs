/// Uploads `body`.
fn upload(body: Vec<u8>) -> Result<usize, ApiError> {
    let stamina_owned_body = body;
    const STAMINA_POLICY: ::stamina::__private::RetryPolicy = ::stamina::__private::DEFAULT_POLICY
        .with_attempts(::stamina::__private::Option::Some(3))
        .with_timeout(
            ::stamina::__private::Option::Some(
                ::stamina::__private::nanos(30_000_000_000),
            ),
        );
    let stamina_error = ::stamina::__private::ErrorViewProbe::<
        <Result<usize, ApiError> as ::stamina::__private::RetryResult>::Err,
    >::new();
    let stamina_on_value = is_retriable;
    let stamina_on = {
        #[diagnostic::on_unimplemented(
            message = "the `on` predicate must be a fn or closure taking the error by reference",
            label = "not a predicate"
        )]
        trait Signature<M> {}
        impl<P: Fn(A) -> D, A, D> Signature<fn(A) -> D> for P {}
        struct Signed<M, P>(P, [M; 0]);
        impl<M, P> Signed<M, P> {
            fn of(predicate: P) -> Self
            where
                P: Signature<M>,
            {
                Self(predicate, [])
            }
            fn settled(self) -> Self {
                self
            }
        }
        #[diagnostic::on_unimplemented(
            message = "the `on` predicate must take `&{E}`, but it is a `{Self}`",
            label = "expected a predicate taking `&{E}`",
            note = "a predicate looks at the error without taking it: `fn is_retriable(error: &{E}) -> bool`"
        )]
        trait Predicate<E>: Sized {
            type Checked<P>;
            fn checked<P>(
                error: &::stamina::__private::ErrorViewProbe<E>,
                signed: Signed<Self, P>,
            ) -> Self::Checked<P>;
        }
        impl<'a, E, D> Predicate<E> for fn(&'a E) -> D {
            type Checked<P> = P;
            fn checked<P>(
                _: &::stamina::__private::ErrorViewProbe<E>,
                signed: Signed<Self, P>,
            ) -> P {
                signed.0
            }
        }
        <_ as Predicate<
            _,
        >>::checked(&stamina_error, Signed::of(stamina_on_value).settled())
    };
    let mut stamina_state = ::stamina::__private::RetryState::new(
        &STAMINA_POLICY,
        ::stamina::__private::sync_now,
    );
    loop {
        let stamina_outcome = {
            let body = ::stamina::__private::Clone::clone(&stamina_owned_body);
            <Result<
                usize,
                ApiError,
            > as ::stamina::__private::RetryResult>::into_result(
                ::stamina::__private::attempt_sync::<
                    Result<usize, ApiError>,
                    _,
                >(|| { send(body) }),
            )
        };
        let stamina_pause = match {
            let stamina_view = {
                use ::stamina::__private::{
                    ViaDebug as _, ViaError as _, ViaErrorChain as _,
                };
                (&&stamina_error).error_view()
            };
            stamina_state
                .settle(
                    ::stamina::__private::Site {
                        policy: &STAMINA_POLICY,
                        name: &const {
                            ::stamina::__private::CallableName::new(
                                ::stamina::__private::concat!(
                                    ::stamina::__private::module_path!(), "::", "upload"
                                ),
                            )
                        },
                    },
                    stamina_outcome,
                    &stamina_on,
                    ::stamina::__private::sync_now,
                    stamina_view,
                )
        } {
            ::stamina::__private::Settled::Done(stamina_result) => {
                return <Result<
                    usize,
                    ApiError,
                > as ::stamina::__private::RetryResult>::from_result(stamina_result);
            }
            ::stamina::__private::Settled::Wait(stamina_pause) => stamina_pause,
        };
        stamina_pause.sleep_sync();
    }
}
