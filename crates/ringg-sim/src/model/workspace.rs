//! A workspace: its records, lookups, credit balance and rate windows.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Utc};
use tokio::sync::Semaphore;

use crate::model::entities::{Agent, Call, ContactList, Kb, Number, User};
use crate::model::status::Status;

/// The workspace's number pool (`pool_id`): the numbers it dials from and how many calls each
/// carries at a time.
#[derive(Debug, Clone, Default)]
pub(crate) struct Pool {
    /// Member number ids; `None` means every number of the workspace.
    pub(crate) members: Option<Vec<String>>,
    /// Calls one member carries at a time; `None` means no limit, so the pool runs dry only
    /// when it has no member.
    pub(crate) calls_per_number: Option<usize>,
}

/// A workspace and everything it owns.
#[derive(Debug)]
pub(crate) struct Workspace {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) credits: f64,
    pub(crate) locked_credits: f64,
    pub(crate) api_key: String,
    pub(crate) users: Vec<User>,
    pub(crate) numbers: Vec<Number>,
    pub(crate) pool_id: String,
    pub(crate) pool: Pool,
    pub(crate) agents: Vec<Agent>,
    pub(crate) kbs: Vec<Kb>,
    pub(crate) lists: Vec<ContactList>,
    pub(crate) calls: Vec<Call>,
    pub(crate) call_index: HashMap<String, usize>,
    /// The history's order: indices into `calls`, oldest first by (`created_at`, `seq`,
    /// insertion). Kept by [`Workspace::push_call`]; see [`Workspace::history_order`].
    pub(crate) history_order: Vec<usize>,
    /// Set when a call older than the newest one was added, so `history_order` needs sorting.
    pub(crate) history_unsorted: bool,
    pub(crate) rate_windows: HashMap<&'static str, VecDeque<Instant>>,
    pub(crate) capacity: Arc<Semaphore>,
}

impl Workspace {
    /// A workspace with no records, no credits and room for `concurrency` calls at a time; the
    /// constructors fill in the rest with struct-update syntax.
    pub(crate) fn empty(concurrency: usize) -> Self {
        Workspace {
            id: String::new(),
            name: String::new(),
            created_at: Utc::now(),
            credits: 0.0,
            locked_credits: 0.0,
            api_key: String::new(),
            users: vec![],
            numbers: vec![],
            pool_id: String::new(),
            pool: Pool::default(),
            agents: vec![],
            kbs: vec![],
            lists: vec![],
            calls: vec![],
            call_index: HashMap::new(),
            history_order: vec![],
            history_unsorted: false,
            rate_windows: HashMap::new(),
            capacity: Arc::new(Semaphore::new(concurrency.max(1))),
        }
    }

    pub(crate) fn agent(&self, id: &str) -> Option<&Agent> {
        self.agents.iter().find(|a| a.id == id && !a.archived)
    }

    pub(crate) fn agent_mut(&mut self, id: &str) -> Option<&mut Agent> {
        self.agents.iter_mut().find(|a| a.id == id && !a.archived)
    }

    pub(crate) fn call(&self, id: &str) -> Option<&Call> {
        self.call_index.get(id).map(|&i| &self.calls[i])
    }

    pub(crate) fn call_mut(&mut self, id: &str) -> Option<&mut Call> {
        self.call_index.get(id).map(|&i| &mut self.calls[i])
    }

    pub(crate) fn list(&self, id: &str) -> Option<&ContactList> {
        self.lists.iter().find(|l| l.id == id)
    }

    pub(crate) fn list_mut(&mut self, id: &str) -> Option<&mut ContactList> {
        self.lists.iter_mut().find(|l| l.id == id)
    }

    pub(crate) fn kb(&self, id: &str) -> Option<&Kb> {
        self.kbs.iter().find(|k| k.id == id)
    }

    pub(crate) fn available_credits(&self) -> f64 {
        self.credits - self.locked_credits
    }

    pub(crate) fn push_call(&mut self, call: Call) {
        let index = self.calls.len();
        self.call_index.insert(call.id.clone(), index);
        self.calls.push(call);
        if let Some(&newest) = self.history_order.last()
            && self.order_key(newest) > self.order_key(index)
        {
            // Seeded history lands before the calls placed live: sorted once, when read.
            self.history_unsorted = true;
        }
        self.history_order.push(index);
    }

    fn order_key(&self, index: usize) -> (DateTime<Utc>, u64, usize) {
        let call = &self.calls[index];
        (call.created_at, call.seq, index)
    }

    /// The positions in `history_order` of the calls created within `[start, end]`, found by
    /// binary search (`history_order` is sorted here first if a call was added out of order).
    /// A call's `created_at` and `seq` never change once it is added.
    pub(crate) fn history_range(
        &mut self,
        start: Option<DateTime<Utc>>,
        end: Option<DateTime<Utc>>,
    ) -> std::ops::Range<usize> {
        if std::mem::take(&mut self.history_unsorted) {
            let mut order = std::mem::take(&mut self.history_order);
            order.sort_by_key(|&i| self.order_key(i));
            self.history_order = order;
        }
        debug_assert!(
            self.history_order.is_sorted_by_key(|&i| self.order_key(i)),
            "a call's created_at or seq changed after it was added"
        );
        let (order, created) = (&self.history_order, |i: &usize| self.calls[*i].created_at);
        let to = end.map_or(order.len(), |e| order.partition_point(|i| created(i) <= e));
        let from = start.map_or(0, |s| order.partition_point(|i| created(i) < s));
        from.min(to)..to
    }

    /// Releases the credit held by a call (on a terminal status).
    pub(crate) fn release_lock(&mut self, call_id: &str) {
        let Some(&i) = self.call_index.get(call_id) else {
            return;
        };
        let held = std::mem::take(&mut self.calls[i].locked);
        self.locked_credits = (self.locked_credits - held).max(0.0);
    }

    /// Number row by id or by E.164 value.
    pub(crate) fn number_by_id_or_value(&self, s: &str) -> Option<&Number> {
        self.numbers.iter().find(|n| n.id == s || n.number == s)
    }

    /// The numbers of the pool, in workspace order.
    pub(crate) fn pool_numbers(&self) -> Vec<&Number> {
        match &self.pool.members {
            None => self.numbers.iter().collect(),
            Some(ids) => self
                .numbers
                .iter()
                .filter(|n| ids.contains(&n.id))
                .collect(),
        }
    }

    /// True when pool number `n` can carry one more pool call.
    pub(crate) fn has_free_line(&self, n: &Number) -> bool {
        self.pool.calls_per_number.is_none_or(|limit| {
            let busy = self
                .calls
                .iter()
                .filter(|c| {
                    c.status == Status::Ongoing && c.pool_id.is_some() && c.from_number == n.number
                })
                .count();
            busy < limit
        })
    }

    /// A pool number with a free line for a new attempt, taken round robin from `seq`;
    /// `None` while the pool is dry (no member, or every member carrying its limit of calls).
    pub(crate) fn free_pool_number(&self, seq: u64) -> Option<&Number> {
        let members = self.pool_numbers();
        if members.is_empty() {
            return None;
        }
        let first = (seq as usize) % members.len();
        (0..members.len())
            .map(|i| members[(first + i) % members.len()])
            .find(|n| self.has_free_line(n))
    }

    /// Sliding-window rate limit: records the request or returns the real seconds to wait.
    pub(crate) fn rate_check(
        &mut self,
        bucket: &'static str,
        limit: usize,
        window: std::time::Duration,
    ) -> Result<(), f64> {
        let now = Instant::now();
        let q = self.rate_windows.entry(bucket).or_default();
        while q.front().is_some_and(|t| now.duration_since(*t) >= window) {
            q.pop_front();
        }
        if q.len() >= limit {
            let oldest = q.front().copied().unwrap_or(now);
            let wait = window.saturating_sub(now.duration_since(oldest));
            return Err(wait.as_secs_f64());
        }
        q.push_back(now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;
    use crate::model::CallConfig;

    /// The history's order as every page used to compute it: all calls, newest added first,
    /// stably sorted newest first by `created_at`, then `seq`.
    fn the_order_sorted_per_page(ws: &Workspace) -> Vec<String> {
        let mut calls: Vec<&Call> = ws.calls.iter().rev().collect();
        calls.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.seq.cmp(&a.seq)));
        calls.iter().map(|c| c.id.clone()).collect()
    }

    fn newest_first(ws: &Workspace, range: std::ops::Range<usize>) -> Vec<String> {
        ws.history_order[range]
            .iter()
            .rev()
            .map(|&i| ws.calls[i].id.clone())
            .collect()
    }

    #[test]
    fn the_order_index_is_the_history_order_and_cuts_date_ranges() {
        let cfg = CallConfig {
            retry_count: 0,
            retry_minutes: [30.0; 3],
            scheduled_at: None,
            timezone: chrono_tz::UTC,
            window: None,
        };
        let base = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
        let mut ws = Workspace::empty(1);
        // Added in order first, then out of order (as seeded history lands before live
        // calls), with many equal timestamps and some equal seqs.
        for i in 0..300i64 {
            let (minutes, seq) = if i < 100 {
                (i / 3, i as u64)
            } else {
                ((i * 37) % 50, (i as u64 * 13) % 97)
            };
            let call = Call::registered(
                format!("c{i}"),
                seq,
                &cfg,
                base + Duration::minutes(minutes),
            );
            ws.push_call(call);
            if i == 99 {
                assert!(!ws.history_unsorted, "calls added in order need no sort");
            }
        }
        assert!(ws.history_unsorted);
        let all = ws.history_range(None, None);
        assert_eq!(all, 0..300);
        let expected = the_order_sorted_per_page(&ws);
        assert_eq!(newest_first(&ws, all), expected);

        let (start, end) = (base + Duration::minutes(10), base + Duration::minutes(20));
        let within: Vec<String> = expected
            .iter()
            .filter(|id| {
                let created = ws.call(id).unwrap().created_at;
                created >= start && created <= end
            })
            .cloned()
            .collect();
        assert!(!within.is_empty());
        let range = ws.history_range(Some(start), Some(end));
        assert_eq!(newest_first(&ws, range), within);
        assert!(ws.history_range(Some(end), Some(start)).is_empty());
        let after_all = base + Duration::days(1);
        assert!(ws.history_range(Some(after_all), None).is_empty());
    }
}
