fn status() -> Result<u16, ApiError> {
    const STAMINA_POLICY: ::stamina::__private::RetryPolicy = ::stamina::__private::DEFAULT_POLICY
        .with_attempts(::stamina::__private::Option::Some(3));
    let stamina_error = ::stamina::__private::ErrorViewProbe::<
        <Result<u16, ApiError> as ::stamina::__private::RetryResult>::Err,
    >::new();
    let stamina_on = ::stamina::__private::result_predicate_for::<
        Result<u16, ApiError>,
        _,
        _,
    >(|result| matches!(result, Ok(503)));
    let mut stamina_state = ::stamina::__private::RetryState::new(
        &STAMINA_POLICY,
        ::stamina::__private::sync_now,
    );
    loop {
        let stamina_outcome = <Result<
            u16,
            ApiError,
        > as ::stamina::__private::RetryResult>::into_result(
            ::stamina::__private::attempt_sync::<
                Result<u16, ApiError>,
                _,
            >(|| { get_status() }),
        );
        let stamina_pause = match {
            let stamina_view = {
                use ::stamina::__private::{
                    ViaDebug as _, ViaError as _, ViaErrorChain as _,
                };
                (&&stamina_error).error_view()
            };
            ::stamina::__private::settle_on_result(
                &mut stamina_state,
                ::stamina::__private::Site {
                    policy: &STAMINA_POLICY,
                    name: &const {
                        ::stamina::__private::CallableName::new(
                            ::stamina::__private::concat!(
                                ::stamina::__private::module_path!(), "::", "status"
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
                    u16,
                    ApiError,
                > as ::stamina::__private::RetryResult>::from_result(stamina_result);
            }
            ::stamina::__private::Settled::Wait(stamina_pause) => stamina_pause,
        };
        stamina_pause.sleep_sync();
    }
}
