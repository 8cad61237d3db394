//! Offset pagination turned into streams.
//!
//! Ringg's list endpoints take `limit` and `offset` and differ in how they say a list has
//! ended: `/calling/history` returns `total` (a number, or the string `"many"`),
//! `/campaign/all` a `pagination.total`, and the rest nothing but rows. A [`Paged`] page
//! reports what it knows and the stream stops at whichever end signal comes first: a short or
//! empty page, or reaching a numeric total.

use std::future::Future;

use futures::Stream;
use futures::stream::{self, TryStreamExt};

use crate::error::Error;

/// The default and maximum page size Ringg accepts.
pub const MAX_PAGE_SIZE: u32 = 100;

/// One fetched page.
#[derive(Debug, Clone)]
pub struct Paged<T> {
    /// The rows.
    pub items: Vec<T>,
    /// The total number of rows, when the endpoint says and it is a number.
    pub total: Option<u64>,
}

/// Whether the stream should fetch another page after this one.
pub(crate) fn has_more(offset: u64, limit: u32, page_len: usize, total: Option<u64>) -> bool {
    if page_len == 0 || (page_len as u64) < u64::from(limit) {
        return false;
    }
    match total {
        Some(t) => offset + (page_len as u64) < t,
        None => true,
    }
}

/// A lazy stream of items: `fetch(offset, limit)` is called for each page only when the
/// consumer wants more.
pub(crate) fn paginate<T, F, Fut>(
    start_offset: u64,
    limit: u32,
    fetch: F,
) -> impl Stream<Item = Result<T, Error>> + Send
where
    T: Send + 'static,
    F: Fn(u64, u32) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Paged<T>, Error>> + Send,
{
    let limit = limit.clamp(1, MAX_PAGE_SIZE);
    struct State<F> {
        fetch: F,
        offset: u64,
        done: bool,
    }
    let state = State {
        fetch,
        offset: start_offset,
        done: false,
    };
    stream::try_unfold(state, move |mut st| async move {
        if st.done {
            return Ok::<_, Error>(None);
        }
        let page = (st.fetch)(st.offset, limit).await?;
        let len = page.items.len();
        st.done = !has_more(st.offset, limit, len, page.total);
        st.offset += len as u64;
        Ok(Some((stream::iter(page.items.into_iter().map(Ok)), st)))
    })
    .try_flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn end_signals() {
        assert!(!has_more(0, 10, 0, None));
        assert!(!has_more(0, 10, 9, None));
        assert!(has_more(0, 10, 10, None));
        assert!(!has_more(0, 10, 10, Some(10)));
        assert!(has_more(0, 10, 10, Some(11)));
        assert!(!has_more(90, 10, 10, Some(100)));
    }
}
