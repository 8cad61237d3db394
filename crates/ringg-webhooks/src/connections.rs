//! The open connections of [`serve_connections`](crate::serve_connections): the cap, which
//! connection gives way at the cap, and each connection's requests in flight (from a request's
//! head until its response body is dropped), from which its header and idle deadlines follow.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::Duration;

use http::{Request, Response};
use http_body::{Body, Frame, SizeHint};
use hyper::body::Incoming;
use hyper::service::Service;
use tokio::sync::Notify;
use tokio::time::Instant;

/// The two deadlines of a connection without a request in flight.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// From accept until the first request head is complete.
    pub(crate) header_timeout: Duration,
    /// After a request, with nothing in flight.
    pub(crate) idle_timeout: Duration,
}

/// What a connection's watchdog does next (see [`Slot::check`]).
pub(crate) enum Check {
    /// The connection's deadline has passed: close it.
    Close,
    /// Look again at this time (`None`: never).
    Until(Option<Instant>),
}

/// `start + duration`, or `None` ("never") when that is beyond what an `Instant` can hold.
pub(crate) fn after(start: Instant, duration: Duration) -> Option<Instant> {
    start.checked_add(duration)
}

pub(crate) async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

/// The open connections, for the cap and for picking which one gives way.
#[derive(Default)]
pub(crate) struct Registry {
    slots: Mutex<HashMap<u64, Arc<Slot>>>,
    next_id: std::sync::atomic::AtomicU64,
}

impl Registry {
    fn lock(&self) -> MutexGuard<'_, HashMap<u64, Arc<Slot>>> {
        self.slots.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A slot for a new connection; at the cap, the longest-idle connection is told to close
    /// and gives its place. `None` when every open connection is busy.
    pub(crate) fn admit(&self, max: usize) -> Option<Arc<Slot>> {
        let mut slots = self.lock();
        while slots.len() >= max.max(1) {
            let victim = slots
                .iter()
                .filter_map(|(id, slot)| slot.idle_since().map(|since| (since, *id)))
                .min()
                .map(|(_, id)| id)?;
            if let Some(slot) = slots.remove(&victim) {
                tracing::debug!(target: "ringg_webhooks", "connection limit reached: closing the longest-idle connection");
                slot.evict.notify_one();
            }
        }
        let id = self
            .next_id
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let slot = Arc::new(Slot {
            id,
            state: Mutex::new(SlotState {
                in_flight: 0,
                served: false,
                idle_since: Instant::now(),
            }),
            evict: Notify::new(),
        });
        slots.insert(id, slot.clone());
        Some(slot)
    }
}

/// One connection's request accounting.
pub(crate) struct Slot {
    id: u64,
    state: Mutex<SlotState>,
    /// The connection gave its place to a new one.
    pub(crate) evict: Notify,
}

struct SlotState {
    in_flight: usize,
    served: bool,
    idle_since: Instant,
}

impl Slot {
    fn lock(&self) -> MutexGuard<'_, SlotState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Since when nothing is in flight, or `None` while a request is.
    fn idle_since(&self) -> Option<Instant> {
        let state = self.lock();
        (state.in_flight == 0).then_some(state.idle_since)
    }

    /// What the connection's watchdog does when its timer fires at `now`: close the
    /// connection, or look again at the returned time (`None`: never). Requests starting and
    /// ending never wake the watchdog; it looks when the earliest possible deadline has come.
    pub(crate) fn check(&self, accepted: Instant, limits: Limits, now: Instant) -> Check {
        let state = self.lock();
        let deadline = if state.in_flight > 0 {
            // The idle clock starts when the request ends, which is after now.
            return Check::Until(after(now, limits.idle_timeout));
        } else if !state.served {
            after(accepted, limits.header_timeout)
        } else {
            after(state.idle_since, limits.idle_timeout)
        };
        match deadline {
            Some(deadline) if deadline <= now => Check::Close,
            later => Check::Until(later),
        }
    }

    fn start_request(self: &Arc<Self>) -> InFlight {
        let mut state = self.lock();
        state.in_flight += 1;
        state.served = true;
        InFlight(self.clone())
    }
}

/// A request in flight: from its head until its response body is dropped.
struct InFlight(Arc<Slot>);

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        state.in_flight = state.in_flight.saturating_sub(1);
        if state.in_flight == 0 {
            state.idle_since = Instant::now();
        }
    }
}

/// Removes the connection from the registry when its task ends.
pub(crate) struct Registration {
    pub(crate) registry: Arc<Registry>,
    pub(crate) slot: Arc<Slot>,
}

impl Drop for Registration {
    fn drop(&mut self) {
        let mut slots = self.registry.lock();
        if slots
            .get(&self.slot.id)
            .is_some_and(|s| Arc::ptr_eq(s, &self.slot))
        {
            slots.remove(&self.slot.id);
        }
    }
}

/// Wraps the user's service to count the requests in flight on a connection.
#[derive(Clone)]
pub(crate) struct Tracked<S> {
    pub(crate) inner: S,
    pub(crate) slot: Arc<Slot>,
}

type TrackedFuture<B, E> =
    Pin<Box<dyn Future<Output = Result<Response<TrackedBody<B>>, E>> + Send>>;

impl<S, B> Service<Request<Incoming>> for Tracked<S>
where
    S: Service<Request<Incoming>, Response = Response<B>>,
    S::Future: Send + 'static,
    B: Body + Send + 'static,
{
    type Response = Response<TrackedBody<B>>;
    type Error = S::Error;
    type Future = TrackedFuture<B, S::Error>;

    fn call(&self, request: Request<Incoming>) -> Self::Future {
        let in_flight = self.slot.start_request();
        let future = self.inner.call(request);
        Box::pin(async move {
            let response = future.await?;
            Ok(response.map(|body| TrackedBody {
                inner: Box::pin(body),
                _in_flight: in_flight,
            }))
        })
    }
}

/// A response body that keeps its request counted as in flight until it is dropped.
pub(crate) struct TrackedBody<B> {
    inner: Pin<Box<B>>,
    _in_flight: InFlight,
}

impl<B: Body> Body for TrackedBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        self.inner.as_mut().poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
