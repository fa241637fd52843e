fn fetch_logged() -> Result<u32, ApiError> {
    {
        const STAMINA_POLICY: ::stamina::__private::RetryPolicy = ::stamina::__private::DEFAULT_POLICY
            .wait_max(::stamina::__private::nanos(0));
        let stamina_on_value = is_retriable;
        let mut stamina_state = ::stamina::__private::RetryState::new(
            &STAMINA_POLICY,
            ::stamina::__private::sync_now,
        );
        loop {
            let stamina_outcome = ::stamina::__private::block_attempt_sync(
                stamina_state
                    .attempt_at(&STAMINA_POLICY, ::stamina::__private::sync_now),
                |attempt| {
                    log_attempt(attempt.num());
                    fetch()
                },
            );
            let stamina_pause = match {
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
                    >>::checked(
                        &::stamina::__private::ErrorViewProbe::of(&stamina_outcome),
                        Signed::of(&stamina_on_value).settled(),
                    )
                };
                let stamina_view = {
                    use ::stamina::__private::{
                        ViaDebug as _, ViaError as _, ViaErrorChain as _,
                    };
                    (&&::stamina::__private::ErrorViewProbe::of(&stamina_outcome))
                        .error_view()
                };
                stamina_state
                    .settle(
                        ::stamina::__private::Site {
                            policy: &STAMINA_POLICY,
                            name: &const {
                                ::stamina::__private::CallableName::CONTEXT_BLOCK
                            },
                        },
                        stamina_outcome,
                        &stamina_on,
                        ::stamina::__private::sync_now,
                        stamina_view,
                    )
            } {
                ::stamina::__private::Settled::Done(stamina_result) => {
                    break stamina_result;
                }
                ::stamina::__private::Settled::Wait(stamina_pause) => stamina_pause,
            };
            stamina_pause.sleep_sync();
        }
    }
}
