//! The associated types and `poll_ready` every `Service<ApiRequest>` of this crate shares.

/// Writes `Response`, `Error` and a boxed `Future` for a `Service<ApiRequest>`, and a
/// `poll_ready` that is always ready (`ready`) or asks `self.inner` (`inner`).
macro_rules! api_service_types {
    (ready) => {
        api_service_types!(@types);
        fn poll_ready(
            &mut self,
            _cx: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Result<(), Self::Error>> {
            std::task::Poll::Ready(Ok(()))
        }
    };
    (inner) => {
        api_service_types!(@types);
        fn poll_ready(
            &mut self,
            cx: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Result<(), Self::Error>> {
            self.inner.poll_ready(cx)
        }
    };
    (@types) => {
        type Response = $crate::request::ApiResponse;
        type Error = $crate::error::TransportError;
        type Future = std::pin::Pin<
            Box<
                dyn std::future::Future<
                        Output = Result<$crate::request::ApiResponse, $crate::error::TransportError>,
                    > + Send,
            >,
        >;
    };
}
