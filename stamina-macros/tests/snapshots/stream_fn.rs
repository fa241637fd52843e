fn events<'a>(
    client: &'a Client,
    topic: String,
) -> impl Stream<Item = Result<Event, ApiError>> + 'a {
    let stamina_owned_topic = topic;
    const STAMINA_POLICY: ::stamina::__private::RetryPolicy = ::stamina::__private::DEFAULT_POLICY
        .with_attempts(::stamina::__private::Option::Some(3));
    let stamina_error = ::stamina::__private::ErrorViewProbe::<
        <Result<Event, ApiError> as ::stamina::__private::RetryResult>::Err,
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
    let stamina_view = {
        use ::stamina::__private::{ViaDebug as _, ViaError as _, ViaErrorChain as _};
        (&&stamina_error).error_view()
    };
    ::stamina::__private::stream::RetryingStream::new(
        STAMINA_POLICY,
        const {
            ::stamina::__private::CallableName::new(
                ::stamina::__private::concat!(
                    ::stamina::__private::module_path!(), "::", "events"
                ),
            )
        },
        stamina_on,
        <::stamina::__private::DefaultSleeper as ::stamina::__private::Default>::default(),
        <::stamina::__private::stream::Commit as ::stamina::__private::Default>::default(),
        stamina_view,
        move |_: ::stamina::__private::Attempt| {
            let topic = ::stamina::__private::Clone::clone(&stamina_owned_topic);
            { client.subscribe(topic) }
        },
    )
}
