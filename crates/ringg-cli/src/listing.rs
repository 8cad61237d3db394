//! Every list command prints alike. One page: with `--output json` one object
//! `{"items": [...], "paging": {"offset", "limit", "count", "total", "next_offset"}}`, or a
//! table (an empty list says so and names the next command). With `--all`: JSON lines (one
//! item a line), or table rows as they arrive; a count and rate on stderr while it runs when
//! stderr is a terminal.

use std::time::{Duration, Instant};

use futures::{Stream, StreamExt};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use serde_json::json;

use crate::context::Ctx;
use crate::error::CliError;
pub(crate) use crate::output::Columns;
use crate::output::{StreamTable, print_json, print_json_line, print_table};

/// Where a page sits in the whole list.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Paging {
    /// Rows skipped.
    pub(crate) offset: u64,
    /// The page size asked for (none: the endpoint returns everything at once).
    pub(crate) limit: Option<u64>,
    /// How many rows the whole list has, when the server says.
    pub(crate) total: Option<u64>,
}

impl Paging {
    /// The page `--limit`/`--offset` asked for, of a list of `total` rows when the server
    /// says.
    pub(crate) fn of(page: &crate::args::PageArgs, total: Option<u64>) -> Self {
        Self {
            offset: page.offset,
            limit: Some(page.limit.into()),
            total,
        }
    }

    /// A list the endpoint returns whole (no paging).
    pub(crate) fn whole(count: usize) -> Self {
        Self {
            offset: 0,
            limit: None,
            total: Some(count as u64),
        }
    }

    /// The paging object of the JSON output for a page of `count` rows: `next_offset` is
    /// null on the last page.
    pub(crate) fn json(&self, count: usize) -> serde_json::Value {
        let count = count as u64;
        let end = self.offset.saturating_add(count);
        let more = match (self.total, self.limit) {
            (Some(total), _) => end < total,
            (None, Some(limit)) => count >= limit && count > 0,
            (None, None) => false,
        };
        json!({
            "offset": self.offset,
            "limit": self.limit,
            "count": count,
            "total": self.total,
            "next_offset": more.then_some(end),
        })
    }
}

/// Prints one page of a list.
pub(crate) fn print_page<T: Serialize>(
    ctx: &Ctx,
    columns: &Columns<T>,
    items: &[T],
    paging: Paging,
) -> Result<(), CliError> {
    if ctx.out.json() {
        return print_json(&json!({
            "items": crate::output::to_value(items)?,
            "paging": paging.json(items.len()),
        }));
    }
    if items.is_empty() && paging.offset > 0 && paging.total != Some(0) {
        // Past the end of the list, "no calls match" would blame the filters.
        crate::term::emit_text(format!(
            "nothing from offset {}: the list ends before it{}; give a smaller --offset",
            paging.offset,
            paging
                .total
                .map(|t| format!(" ({t} in all)"))
                .unwrap_or_default()
        ));
        return Ok(());
    }
    print_table(&columns.table(items));
    if let Some(next) = paging.json(items.len())["next_offset"].as_u64() {
        ctx.out.note(format!(
            "{} row(s) from offset {}{}; the next page: --offset {next} (or --all for every row)",
            items.len(),
            paging.offset,
            paging.total.map(|t| format!(" of {t}")).unwrap_or_default()
        ));
    }
    Ok(())
}

/// Prints every item of a list stream as it arrives: JSON lines, or table rows. `noun` names
/// the items in the progress line (`calls`).
pub(crate) async fn print_all<T: Serialize>(
    ctx: &Ctx,
    columns: &Columns<T>,
    noun: &str,
    stream: impl Stream<Item = Result<T, ringg_api::Error>>,
) -> Result<(), CliError> {
    futures::pin_mut!(stream);
    let progress = Progress::new(ctx, noun);
    if ctx.out.json() {
        while let Some(item) = stream.next().await {
            let item = item?;
            progress.pb.suspend(|| print_json_line(&item))?;
            progress.tick();
        }
        progress.finish();
        return Ok(());
    }
    let mut t = StreamTable::new(columns.header, progress.pb.clone());
    t.settings()
        .drop_first(columns.drop_first)
        .when_empty(columns.empty);
    while let Some(item) = stream.next().await {
        match item {
            Ok(item) => {
                t.push((columns.row)(&item));
                progress.tick();
            }
            Err(e) => {
                t.finish();
                return Err(e.into());
            }
        }
    }
    let count = t.count();
    t.finish();
    progress.finish();
    ctx.out.note(format!("{count} {noun}"));
    Ok(())
}

/// A count and rate on stderr (drawn only when stderr is a terminal and not --quiet).
pub(crate) struct Progress {
    /// The bar (hidden when progress is off); print above it with `suspend`.
    pub(crate) pb: ProgressBar,
    noun: String,
    started: Instant,
}

impl Progress {
    /// A progress line counting `noun`.
    pub(crate) fn new(ctx: &Ctx, noun: &str) -> Self {
        let pb = if ctx.out.progress_enabled() {
            let pb = ProgressBar::new_spinner();
            pb.set_style(
                ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            pb.enable_steady_tick(Duration::from_millis(100));
            pb.set_message(format!("fetching {noun}"));
            pb
        } else {
            ProgressBar::hidden()
        };
        Self {
            pb,
            noun: noun.to_string(),
            started: Instant::now(),
        }
    }

    /// A progress that counts without drawing.
    pub(crate) fn hidden(noun: &str) -> Self {
        Self {
            pb: ProgressBar::hidden(),
            noun: noun.to_string(),
            started: Instant::now(),
        }
    }

    /// Counts one more item.
    pub(crate) fn tick(&self) {
        self.pb.inc(1);
        if self.pb.is_hidden() {
            return;
        }
        let n = self.pb.position();
        let secs = self.started.elapsed().as_secs_f64().max(0.001);
        self.pb
            .set_message(format!("{n} {} ({:.0}/s)", self.noun, n as f64 / secs));
    }

    /// Clears the progress line.
    pub(crate) fn finish(&self) {
        self.pb.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_says_where_the_next_page_starts() {
        let p = Paging {
            offset: 0,
            limit: Some(2),
            total: Some(5),
        };
        assert_eq!(p.json(2)["next_offset"], 2);
        let last = Paging { offset: 4, ..p };
        assert!(last.json(1)["next_offset"].is_null());
        let unknown = Paging {
            offset: 0,
            limit: Some(2),
            total: None,
        };
        assert_eq!(unknown.json(2)["next_offset"], 2);
        assert!(unknown.json(1)["next_offset"].is_null());
        assert!(Paging::whole(3).json(3)["next_offset"].is_null());
    }
}
