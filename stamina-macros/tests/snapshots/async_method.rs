impl Client {
    async fn get(&self, key: &str) -> Result<String, ApiError> {
        let stamina_attempts = self.attempts;
        let stamina_policy = ::stamina::__private::DEFAULT_POLICY
            .with_attempts({
                #[diagnostic::on_unimplemented(
                    message = "`attempts` takes a `u32` (or an `Option<u32>`, `None` for no limit), not `{Self}`",
                    label = "expected a `u32`",
                    note = "convert it, such as `attempts = u32::try_from(n).unwrap_or(u32::MAX)`"
                )]
                trait Attempts {
                    fn attempts(self) -> ::stamina::__private::Option<u32>;
                }
                impl Attempts for u32 {
                    fn attempts(self) -> ::stamina::__private::Option<u32> {
                        ::stamina::__private::Option::Some(self)
                    }
                }
                impl Attempts for ::stamina::__private::Option<u32> {
                    fn attempts(self) -> ::stamina::__private::Option<u32> {
                        self
                    }
                }
                <_ as Attempts>::attempts(stamina_attempts)
            });
        let stamina_error = ::stamina::__private::ErrorViewProbe::<
            <Result<String, ApiError> as ::stamina::__private::RetryResult>::Err,
        >::new();
        let stamina_on = ::stamina::__private::predicate_for::<
            ::stamina::__private::Result<
                (),
                <Result<String, ApiError> as ::stamina::__private::RetryResult>::Err,
            >,
            _,
            _,
        >(|error| error.is_transient());
        let stamina_sleeper = <::stamina::__private::DefaultSleeper as ::stamina::__private::Default>::default();
        let mut stamina_state = ::stamina::__private::RetryState::new(
            &stamina_policy,
            || ::stamina::__private::Sleeper::stamp(&stamina_sleeper),
        );
        loop {
            let stamina_outcome = <Result<
                String,
                ApiError,
            > as ::stamina::__private::RetryResult>::into_result(
                ::stamina::__private::attempt_async::<
                    Result<String, ApiError>,
                    _,
                >(async { self.fetch(key).await })
                    .await,
            );
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
                            policy: &stamina_policy,
                            name: &const {
                                ::stamina::__private::CallableName::method(
                                    ::stamina::__private::type_name::<Self>,
                                    "get",
                                )
                            },
                        },
                        stamina_outcome,
                        &stamina_on,
                        || ::stamina::__private::Sleeper::stamp(&stamina_sleeper),
                        stamina_view,
                    )
            } {
                ::stamina::__private::Settled::Done(stamina_result) => {
                    return <Result<
                        String,
                        ApiError,
                    > as ::stamina::__private::RetryResult>::from_result(stamina_result);
                }
                ::stamina::__private::Settled::Wait(stamina_pause) => stamina_pause,
            };
            if let ::stamina::__private::Option::Some(stamina_sleeping) = stamina_pause
                .sleep_async(&stamina_sleeper)
            {
                stamina_sleeping.await;
            }
        }
    }
}
