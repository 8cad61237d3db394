//! Offset pagination turned into streams.
//!
//! Ringg's list endpoints take `limit` and `offset` and differ in how they say a list has
//! ended: `/calling/history` returns `total` (a number, or the string `"many"`),
//! `/campaign/all` a `pagination.total`, and the rest nothing but rows. Each list response
//! implements [`ListPage`] to report its rows and what it knows of the total and the page size
//! it applied. A numeric total decides where the list ends (a server that pages smaller than
//! asked still has rows past a short page) while it says more rows follow; after that, and
//! without one, a page shorter than the page size applied, or an empty one, is the last (a
//! total may lag the list, so a full page that reaches it is not).
//! Every `*_stream`/`stream` method of the client runs on the one generic stream here.
//!
//! A server that never signals the end cannot make a stream run forever: the stream fails with
//! [`ErrorKind::Pagination`](crate::error::ErrorKind::Pagination) when a page repeats the previous one
//! (same length, same first and last row), when the offset can no longer advance, and after
//! the client's page cap ([`ClientBuilder::max_pages`](crate::client::ClientBuilder::max_pages),
//! default [`DEFAULT_MAX_PAGES`]).
//!
//! A list that changes while it is read shifts under the offset. Rows added ahead of it (a busy
//! workspace's newest-first history) push rows of one page onto the next: a row with an id
//! the previous page yielded is not yielded again, and a page repeating the previous one while
//! the total grew by at least a page is read as that shift, not as a server ignoring the
//! offset. Rows that leave
//! the list ahead of the offset (a call leaving a `status` filter) pull rows back past it, and
//! those are not seen: offset paging cannot read a changing list whole.

use std::collections::HashSet;
use std::future::Future;

use futures::Stream;
#[cfg(test)]
use futures::StreamExt as _;
use futures::stream::{self, TryStreamExt};

use crate::error::Error;

/// The default and maximum page size Ringg accepts.
pub const MAX_PAGE_SIZE: u32 = 100;

/// The default cap on pages one stream fetches: 10,000 pages, a million rows at 100 a page.
pub const DEFAULT_MAX_PAGES: u64 = 10_000;

/// One fetched page.
#[derive(Debug, Clone)]
pub struct Paged<T> {
    /// The rows.
    pub items: Vec<T>,
    /// The total number of rows, when the endpoint says and it is a number.
    pub total: Option<u64>,
}

/// One page of a list endpoint: its rows and, when the endpoint says, the total.
///
/// Implemented by every list response the client streams (`CallHistoryResponse`,
/// `CampaignListResponse`, `AssistantList`, `NumbersResponse`, `WorkspaceUsersResponse`) and by
/// [`Paged`].
pub trait ListPage {
    /// One row.
    type Item;

    /// The total number of rows, when the response says and it is a number.
    fn total(&self) -> Option<u64> {
        None
    }

    /// The page size the server says it applied (an echoed `limit`), when it says.
    fn page_limit(&self) -> Option<u64> {
        None
    }

    /// The rows.
    fn into_items(self) -> Vec<Self::Item>;

    /// The id that names `item` from one fetch to the next (a call's, a campaign's), for the
    /// check that stops a server that ignores the offset: a page whose first and last rows
    /// carry the previous page's ids repeats it, even when a field changed in between (a live
    /// call's status or duration). `None` (the default, and for a blank id): whole rows are
    /// compared.
    fn row_id(_item: &Self::Item) -> Option<&str> {
        None
    }
}

impl<T> ListPage for Paged<T> {
    type Item = T;

    fn total(&self) -> Option<u64> {
        self.total
    }

    fn into_items(self) -> Vec<T> {
        self.items
    }
}

/// Whether the stream should fetch another page after this one: the page at `offset` holds
/// `page_len` rows, for `limit` asked; the server said `total` rows and applied `page_limit`,
/// when it said.
///
/// A numeric total decides, even after a short page: a server that applies a smaller page
/// size than asked still has rows past it, and a search that stopped there would take a call
/// past it for one never placed. A full page that reaches or passes the total is not the last
/// either: the total may lag the list (a count made earlier, or an estimate), so the next page
/// is asked for, at the cost of one empty page when the total was right ([`paginate`] ends
/// cleanly when a server that ignores the offset sends that page again). Without a total, a page shorter than the page size the
/// server applied (the smaller of the one asked and the one it echoes) is the last. A page
/// longer than the one asked (a server with a page size of its own) is not: the next page
/// is asked, and if it repeats this one the server sent the whole list (see [`paginate`]).
pub(crate) fn has_more(
    offset: u64,
    limit: u32,
    page_len: usize,
    total: Option<u64>,
    page_limit: Option<u64>,
) -> bool {
    let len = page_len as u64;
    let limit = u64::from(limit);
    if len == 0 {
        return false;
    }
    let applied = page_limit
        .filter(|&l| l > 0)
        .map_or(limit, |l| l.min(limit));
    match total {
        Some(t) if offset + len < t => true,
        // The total reached (or passed: a count made earlier, or an estimate): a full page
        // may still have more behind it, which an empty or short page ends.
        _ => len >= applied,
    }
}

/// A lazy stream of items: `fetch(offset, limit)` is called for each page only when the
/// consumer wants more. `max_offset` is the largest offset the endpoint can be asked for.
/// The endless-paging guard (repeats, the page cap, the offset bound) lives here only.
pub(crate) fn paginate<P, F, Fut>(
    start_offset: u64,
    limit: u32,
    max_pages: u64,
    max_offset: u64,
    fetch: F,
) -> impl Stream<Item = Result<P::Item, Error>> + Send
where
    P: ListPage,
    P::Item: PartialEq + Clone + Send + 'static,
    F: Fn(u64, u32) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<P, Error>> + Send,
{
    let limit = limit.clamp(1, MAX_PAGE_SIZE);
    struct State<F, T> {
        fetch: F,
        offset: u64,
        pages: u64,
        previous: Option<PageMark<T>>,
        /// The ids of the previous page's rows: a row the list shifted onto this page too (rows
        /// added ahead of the offset between two fetches) is not yielded twice.
        previous_ids: HashSet<String>,
        /// The total the previous page gave.
        previous_total: Option<u64>,
        /// Whether the previous page reached the numeric total the server gave.
        reached_total: bool,
        done: bool,
    }
    let state = State {
        fetch,
        offset: start_offset,
        pages: 0,
        previous: None,
        previous_ids: HashSet::new(),
        previous_total: None,
        reached_total: false,
        done: false,
    };
    stream::try_unfold(state, move |mut st| async move {
        if st.done {
            return Ok::<_, Error>(None);
        }
        if st.pages >= max_pages {
            if st.reached_total {
                // The cap leaves no page to check the total with: it is taken at its word.
                return Ok(None);
            }
            return Err(Error::pagination(format!(
                "stopped after {max_pages} pages ({} rows), the most one list may take, without reaching the end of the list",
                st.offset - start_offset
            )));
        }
        if st.offset > max_offset {
            return Err(Error::pagination(format!(
                "the list goes past offset {max_offset}, the largest this endpoint can be asked for"
            )));
        }
        let page = (st.fetch)(st.offset, limit).await?;
        st.pages += 1;
        let total = page.total();
        let page_limit = page.page_limit();
        let items = page.into_items();
        let len = items.len();
        let mark = PageMark::of(&items, P::row_id);
        // The same rows again while the total grew by at least a page: a page's worth of rows
        // added ahead of the offset (a busy workspace's newest-first history) shifted the
        // list by exactly a page, not a server ignoring the offset.
        let grew = matches!(
            (st.previous_total, total),
            (Some(before), Some(now)) if now >= before.saturating_add(len as u64)
        );
        if let (Some(prev), Some(mark)) = (&st.previous, &mark)
            && prev.repeated_by(mark)
            && !grew
        {
            if prev.len > limit as usize || st.reached_total {
                // A page longer than asked, again: a server that ignores `limit` and `offset`
                // sent the whole list twice. Or the page after one that reached the total
                // repeats it: a server that ignores the offset sent its whole list, as the
                // total said.
                return Ok(None);
            }
            return Err(Error::pagination(format!(
                "the server returned the same page again at offset {} (it ignores the offset or the list does not advance); stopped to avoid reading it forever",
                st.offset
            )));
        }
        st.previous = mark;
        st.previous_total = total;
        st.reached_total = total.is_some_and(|t| st.offset + len as u64 >= t);
        st.done = !has_more(st.offset, limit, len, total, page_limit);
        st.offset += len as u64;
        let ids: HashSet<String> = items
            .iter()
            .filter_map(|row| id_of::<P>(row))
            .map(str::to_owned)
            .collect();
        let previous_ids = std::mem::replace(&mut st.previous_ids, ids);
        let fresh: Vec<P::Item> = items
            .into_iter()
            .filter(|row| id_of::<P>(row).is_none_or(|id| !previous_ids.contains(id)))
            .collect();
        Ok(Some((stream::iter(fresh.into_iter().map(Ok)), st)))
    })
    .try_flatten()
}

/// The id of `row` when it has one that is not blank.
fn id_of<P: ListPage>(row: &P::Item) -> Option<&str> {
    P::row_id(row).filter(|id| !id.trim().is_empty())
}

/// What identifies a page for the repeat check: its length and its first and last rows, and
/// their ids when the rows have ids.
struct PageMark<T> {
    len: usize,
    first: T,
    last: T,
    ids: Option<(String, String)>,
}

impl<T: Clone + PartialEq> PageMark<T> {
    fn of(items: &[T], row_id: impl Fn(&T) -> Option<&str>) -> Option<Self> {
        let (first, last) = (items.first()?, items.last()?);
        let id = |row| row_id(row).filter(|id| !id.trim().is_empty());
        let ids = id(first)
            .zip(id(last))
            .map(|(a, b)| (a.to_owned(), b.to_owned()));
        Some(Self {
            len: items.len(),
            first: first.clone(),
            last: last.clone(),
            ids,
        })
    }

    /// Whether `next` is this page again: the same ids at both ends when both pages have
    /// them, else the same rows.
    fn repeated_by(&self, next: &Self) -> bool {
        self.len == next.len
            && match (&self.ids, &next.ids) {
                (Some(a), Some(b)) => a == b,
                _ => self.first == next.first && self.last == next.last,
            }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn end_signals() {
        assert!(!has_more(0, 10, 0, None, None));
        assert!(!has_more(0, 10, 9, None, None));
        assert!(has_more(0, 10, 10, None, None));
        assert!(has_more(0, 10, 10, Some(10), None));
        assert!(!has_more(0, 10, 9, Some(9), None));
        assert!(has_more(0, 10, 10, Some(11), None));
        assert!(has_more(90, 10, 10, Some(100), None));
        // A short page with rows left by the total, or a full page of the size the server
        // says it applied, is not the last.
        assert!(has_more(0, 10, 5, Some(12), Some(5)));
        assert!(has_more(0, 10, 5, Some(12), None));
        // A full page that reaches or passes the total: the total may lag, read on; a short
        // one ends the list.
        assert!(has_more(100, 100, 100, Some(150), None));
        assert!(!has_more(100, 100, 60, Some(150), None));
        assert!(has_more(0, 10, 5, None, Some(5)));
        assert!(!has_more(0, 10, 4, None, Some(5)));
        assert!(!has_more(0, 10, 0, Some(12), Some(5)));
        // An echoed limit larger than the one asked changes nothing; after a page longer than
        // the one asked, the next is asked.
        assert!(!has_more(0, 10, 9, None, Some(50)));
        assert!(has_more(0, 10, 150, None, None));
    }

    fn full_pages(
        distinct: bool,
    ) -> impl Fn(u64, u32) -> futures::future::Ready<Result<Paged<u64>, Error>> {
        move |offset, limit| {
            let base = if distinct { offset } else { 0 };
            futures::future::ready(Ok(Paged {
                items: (base..base + u64::from(limit)).collect(),
                total: None,
            }))
        }
    }

    #[tokio::test]
    async fn a_repeated_page_stops_the_stream() {
        let got: Vec<Result<u64, Error>> =
            paginate(0, 10, DEFAULT_MAX_PAGES, u64::MAX, full_pages(false))
                .collect()
                .await;
        assert_eq!(got.len(), 11, "one page, then the error");
        let err = got.last().unwrap().as_ref().unwrap_err();
        assert_eq!(err.kind(), crate::error::ErrorKind::Pagination);
        assert!(err.to_string().contains("same page"), "{err}");
    }

    /// A row with an id and a field that changes between fetches (a live call's duration).
    #[derive(Clone, PartialEq, Debug)]
    struct Live {
        id: String,
        seconds: u64,
    }

    struct LivePage(Vec<Live>);

    impl ListPage for LivePage {
        type Item = Live;
        fn into_items(self) -> Vec<Live> {
            self.0
        }
        fn row_id(item: &Live) -> Option<&str> {
            Some(&item.id)
        }
    }

    /// The first `limit` rows, as a server that ignores the offset sends on every fetch
    /// (`call-0`, `call-1`, …), each `seconds` old.
    fn first_rows(limit: u32, seconds: u64) -> Vec<Live> {
        (0..u64::from(limit))
            .map(|i| Live {
                id: format!("call-{i}"),
                seconds,
            })
            .collect()
    }

    #[tokio::test]
    async fn a_repeated_page_of_live_rows_is_told_by_its_ids() {
        // The server ignores the offset, and every fetch finds the calls a second older.
        let fetches = std::sync::atomic::AtomicU64::new(0);
        let fetch = move |_offset: u64, limit: u32| {
            let n = fetches.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            futures::future::ready(Ok::<_, Error>(LivePage(first_rows(limit, n))))
        };
        let got: Vec<Result<Live, Error>> = paginate::<LivePage, _, _>(0, 10, 50, u64::MAX, fetch)
            .collect()
            .await;
        assert_eq!(got.len(), 11, "one page, then the error");
        let err = got.last().unwrap().as_ref().unwrap_err();
        assert!(err.to_string().contains("same page"), "{err}");
    }

    /// A newest-first list that grows while it is read: `added(n)` rows ahead of the offset
    /// before the `n`th fetch; 250 rows at first.
    fn growing(
        added: impl Fn(u64) -> u64 + Send + Sync + 'static,
    ) -> impl Fn(u64, u32) -> futures::future::Ready<Result<TotalPage, Error>> + Send + Sync + 'static
    {
        let fetches = std::sync::atomic::AtomicU64::new(0);
        move |offset, limit| {
            let n = fetches.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let newest = 250 + (0..=n).map(&added).sum::<u64>();
            let rows = (offset..(offset + u64::from(limit)).min(newest))
                .map(|i| Live {
                    id: format!("call-{}", newest - i),
                    seconds: 0,
                })
                .collect();
            futures::future::ready(Ok(TotalPage(rows, newest)))
        }
    }

    struct TotalPage(Vec<Live>, u64);

    impl ListPage for TotalPage {
        type Item = Live;
        fn into_items(self) -> Vec<Live> {
            self.0
        }
        fn total(&self) -> Option<u64> {
            Some(self.1)
        }
        fn row_id(item: &Live) -> Option<&str> {
            Some(&item.id)
        }
    }

    /// Rows added ahead of the offset between fetches push rows onto the next page: each row
    /// is yielded once. Even a whole page's worth added (the next page is the previous one
    /// again, while the total grew by that page) is read as that shift, not as a repeat.
    #[tokio::test]
    async fn rows_added_while_a_list_is_read_are_not_yielded_twice() {
        for (added, pages) in [(1, "one row"), (100, "a page")] {
            // Added once, before the second page is read (a campaign's calls starting).
            let fetch = growing(move |n| if n == 1 { added } else { 0 });
            let got: Vec<Live> = paginate::<TotalPage, _, _>(0, 100, 50, u64::MAX, fetch)
                .try_collect()
                .await
                .unwrap_or_else(|e| panic!("{pages}: {e}"));
            let ids: HashSet<&str> = got.iter().map(|r| r.id.as_str()).collect();
            assert_eq!(ids.len(), got.len(), "{pages}: a row yielded twice");
            assert!(
                ids.contains("call-1") && ids.contains("call-250"),
                "{pages}"
            );
        }
    }

    /// A server that ignores the offset while its total grows by less than a page between
    /// fetches is still stopped at the second page, not read to the page cap.
    #[tokio::test]
    async fn a_server_ignoring_the_offset_of_a_slowly_growing_list_is_stopped() {
        let fetches = std::sync::atomic::AtomicU64::new(0);
        let fetch = move |_offset: u64, limit: u32| {
            let n = fetches.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            futures::future::ready(Ok::<_, Error>(TotalPage(first_rows(limit, 0), 500 + n)))
        };
        let got: Vec<Result<Live, Error>> =
            paginate::<TotalPage, _, _>(0, 100, 50, u64::MAX, fetch)
                .collect()
                .await;
        assert_eq!(got.len(), 101, "one page, then the error");
        assert!(got.last().unwrap().is_err());
    }

    #[tokio::test]
    async fn blank_ids_fall_back_to_whole_rows() {
        // Rows without ids, each page new: not a repeat.
        let fetch = |offset: u64, limit: u32| {
            let rows = (offset..offset + u64::from(limit))
                .map(|i| Live {
                    id: String::new(),
                    seconds: i,
                })
                .collect();
            futures::future::ready(Ok::<_, Error>(LivePage(rows)))
        };
        let got: Vec<Result<Live, Error>> = paginate::<LivePage, _, _>(0, 10, 3, u64::MAX, fetch)
            .collect()
            .await;
        assert_eq!(got.iter().filter(|r| r.is_ok()).count(), 30);
        assert!(
            got.last()
                .unwrap()
                .as_ref()
                .unwrap_err()
                .to_string()
                .contains("3 pages"),
            "{:?}",
            got.last()
        );
    }

    #[tokio::test]
    async fn the_page_cap_and_the_offset_bound_stop_the_stream() {
        let got: Vec<Result<u64, Error>> = paginate(0, 10, 3, u64::MAX, full_pages(true))
            .collect()
            .await;
        assert_eq!(got.iter().filter(|r| r.is_ok()).count(), 30);
        assert!(
            got.last()
                .unwrap()
                .as_ref()
                .unwrap_err()
                .to_string()
                .contains("3 pages")
        );
        let got: Vec<Result<u64, Error>> = paginate(0, 10, DEFAULT_MAX_PAGES, 25, full_pages(true))
            .collect()
            .await;
        assert_eq!(got.iter().filter(|r| r.is_ok()).count(), 30);
        assert!(
            got.last()
                .unwrap()
                .as_ref()
                .unwrap_err()
                .to_string()
                .contains("offset 25")
        );
    }
}
