//! Tables for people: fitted to the width of this run ([`crate::display`]), ids shortened in
//! lists (whole with `--wide`), ids and phone numbers never broken across lines, columns
//! dropped from the right when the width is too small, and an empty list said in words.
//! [`StreamTable`] prints rows as they arrive.
//!
//! Every cell's control characters are escaped as it is added (line breaks stay, inside the
//! cell's borders), so a server's text cannot act on the terminal.

use comfy_table::{ColumnConstraint, ContentArrangement, Table, Width, presets};
use indicatif::ProgressBar;
use ringg_types::text::escape_control_keep_lines;

use crate::display;
use crate::layout::{self, Plan};
use crate::term::{emit_text, err_line};

/// The rows a [`StreamTable`] gathers before it fixes its column widths and prints.
const STREAM_BATCH: usize = 100;

/// The longest an E.164 number is: a column that held one keeps room for any other.
const MAX_PHONE_CHARS: usize = 16;

/// A table whose cells cannot act on the terminal.
#[derive(Clone)]
pub(crate) struct TextTable {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    drop_first: Vec<usize>,
    /// Columns whose ids are never shortened (see `whole_ids`).
    whole_ids: Vec<usize>,
    empty: Option<String>,
    /// The zone moved into each time column's header (see `label_zones`).
    zones: Vec<Option<String>>,
}

impl TextTable {
    /// Adds a row of cells. In a list (a table with a header), a cell holding only a UUID is
    /// shortened unless `--wide`. A secret the command hides ([`crate::term::hide`]) is masked
    /// in each cell first, before the table is laid out and wrapped, so no line can show a
    /// part of it and the columns stay aligned.
    pub(crate) fn add_row<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>) {
        let list = !self.header.is_empty();
        let wide = display::get().wide;
        let row = cells
            .into_iter()
            .enumerate()
            .map(|(i, c)| {
                let c = escape_control_keep_lines(&crate::term::masked(c.as_ref())).into_owned();
                if list && !wide && !self.whole_ids.contains(&i) {
                    layout::short_id(&c)
                } else {
                    c
                }
            })
            .collect();
        self.rows.push(row);
    }

    /// Columns (by header) whose ids are shown whole: ids that commands take only whole (a
    /// voice, a knowledge base's file), so a shortened one could not be used.
    pub(crate) fn whole_ids(&mut self, headers: &[&str]) -> &mut Self {
        self.whole_ids = headers
            .iter()
            .filter_map(|h| self.header.iter().position(|x| x == h))
            .collect();
        self
    }

    /// Columns (by header) to drop first when the width is too small, in this order; the
    /// others go from the right.
    pub(crate) fn drop_first(&mut self, headers: &[&str]) -> &mut Self {
        self.drop_first = headers
            .iter()
            .filter_map(|h| self.header.iter().position(|x| x == h))
            .collect();
        self
    }

    /// What [`print_table`] prints instead of an empty table, e.g. `no calls; place one with
    /// \`ringg calls create …\``.
    pub(crate) fn when_empty(&mut self, message: impl Into<String>) -> &mut Self {
        self.empty = Some(message.into());
        self
    }

    /// True when no row was added.
    pub(crate) fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    fn columns(&self) -> usize {
        self.rows
            .iter()
            .map(Vec::len)
            .fold(self.header.len(), usize::max)
    }

    /// Moves a time column's zone into its header (`CREATED (IST)`) when every time in the
    /// column has the same zone, so the cells stay short.
    fn label_zones(&mut self) {
        for c in 0..self.header.len() {
            let mut zone: Option<&str> = None;
            let mut same = true;
            let mut any = false;
            for row in &self.rows {
                let cell = row.get(c).map(String::as_str).unwrap_or("-");
                if cell == "-" {
                    continue;
                }
                match (layout::time_zone_label(cell), zone) {
                    (Some(z), None) => zone = Some(z),
                    (Some(z), Some(prev)) if z == prev => {}
                    _ => same = false,
                }
                any = true;
            }
            let Some(zone) = zone.filter(|_| same && any).map(str::to_string) else {
                continue;
            };
            self.header[c] = format!("{} ({zone})", self.header[c]);
            self.zones.resize(self.header.len(), None);
            self.zones[c] = Some(zone);
        }
        let mut rows = std::mem::take(&mut self.rows);
        for row in &mut rows {
            self.strip_zones(row);
        }
        self.rows = rows;
    }

    /// Drops the zone of the cells of the columns whose header carries it.
    fn strip_zones(&self, row: &mut [String]) {
        for (c, zone) in self.zones.iter().enumerate() {
            if let (Some(zone), Some(cell)) = (zone, row.get_mut(c))
                && let Some(short) = cell.strip_suffix(zone.as_str())
                && let Some(short) = short.strip_suffix(' ')
            {
                *cell = short.to_string();
            }
        }
    }

    fn plan(&self, limit: Option<usize>) -> Plan {
        layout::plan(
            &self.header,
            &self.rows,
            self.columns(),
            limit,
            &self.drop_first,
        )
    }

    /// The table fitted to `limit` characters (no limit: every row on its lines as wide as
    /// it needs).
    fn render(&self, limit: Option<usize>) -> String {
        let mut labelled = self.clone();
        labelled.label_zones();
        labelled.render_labelled(limit)
    }

    /// [`render`](Self::render) once the zones are in the headers.
    fn render_labelled(&self, limit: Option<usize>) -> String {
        let plan = self.plan(limit);
        let rows = self.rows.iter().map(|row| pick(row, &plan.visible));
        new_table(&self.header, rows, &plan, limit.map(Fit::Dynamic)).to_string()
    }
}

impl std::fmt::Display for TextTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(display::get().width))
    }
}

impl TextTable {
    /// The table fitted to the width less `indent` characters, for text printed indented.
    pub(crate) fn indented_text(&self, indent: usize) -> String {
        let limit = display::get()
            .width
            .map(|w| w.saturating_sub(indent).max(display::MIN_WIDTH));
        self.render(limit)
    }
}

/// How the columns of a comfy table get their widths.
enum Fit {
    /// Between each column's narrowest and its content, within this width.
    Dynamic(usize),
    /// Exactly these widths (a streamed table: every chunk lines up).
    Fixed(Vec<usize>),
}

/// A comfy table in the house style for the visible columns of `plan`, holding `rows`
/// (added before the widths are set: a table without a header has its columns only then).
fn new_table(
    header: &[String],
    rows: impl IntoIterator<Item = Vec<String>>,
    plan: &Plan,
    fit: Option<Fit>,
) -> Table {
    let mut t = Table::new();
    t.load_preset(presets::UTF8_FULL_CONDENSED);
    if !header.is_empty() {
        t.set_header(pick(header, &plan.visible));
    }
    for row in rows {
        t.add_row(row);
    }
    match fit {
        None => {
            t.set_content_arrangement(ContentArrangement::Disabled);
        }
        Some(fit) => {
            t.set_content_arrangement(ContentArrangement::Dynamic);
            let widths: Vec<usize> = match &fit {
                Fit::Dynamic(_) => plan.visible.iter().map(|c| plan.min[*c]).collect(),
                Fit::Fixed(w) => w.clone(),
            };
            if let Fit::Dynamic(limit) = fit {
                t.set_width(u16::try_from(limit).unwrap_or(u16::MAX));
            }
            for (i, w) in widths.iter().enumerate() {
                // The padding (one space each side) is part of a comfy width.
                let w = Width::Fixed(u16::try_from(*w + 2).unwrap_or(u16::MAX));
                if let Some(col) = t.column_mut(i) {
                    col.set_constraint(match fit {
                        Fit::Dynamic(_) => ColumnConstraint::LowerBoundary(w),
                        Fit::Fixed(_) => ColumnConstraint::Absolute(w),
                    });
                }
            }
        }
    }
    t
}

/// The cells of the visible columns (a missing cell is empty).
fn pick(row: &[String], visible: &[usize]) -> Vec<String> {
    visible
        .iter()
        .map(|c| row.get(*c).cloned().unwrap_or_default())
        .collect()
}

/// How a list shows as a table.
pub(crate) struct Columns<T> {
    /// The column headers.
    pub(crate) header: &'static [&'static str],
    /// One row's cells.
    pub(crate) row: fn(&T) -> Vec<String>,
    /// What an empty list prints, e.g. `no calls; place one with \`ringg calls create\``.
    pub(crate) empty: &'static str,
    /// Columns dropped first when the width is too small (the others from the right).
    pub(crate) drop_first: &'static [&'static str],
}

impl<T> Columns<T> {
    /// The rows as a table.
    pub(crate) fn table(&self, items: &[T]) -> TextTable {
        let mut t = table(self.header);
        t.drop_first(self.drop_first).when_empty(self.empty);
        for item in items {
            t.add_row((self.row)(item));
        }
        t
    }
}

/// A list table with these column headers.
pub(crate) fn table(header: &[&str]) -> TextTable {
    TextTable {
        header: header.iter().map(|h| h.to_string()).collect(),
        rows: Vec::new(),
        drop_first: Vec::new(),
        whole_ids: Vec::new(),
        empty: None,
        zones: Vec::new(),
    }
}

/// A two-column FIELD / VALUE table for one record (keys and values escaped; ids whole).
pub(crate) fn kv_table(rows: impl IntoIterator<Item = (String, String)>) -> TextTable {
    let mut t = table(&[]);
    for (k, v) in rows {
        t.add_row([k, v]);
    }
    t
}

/// Prints a table, or its empty message when it has no row; says on stderr which columns
/// were left out to fit the width.
pub(crate) fn print_table(t: &TextTable) {
    if t.is_empty()
        && let Some(message) = &t.empty
    {
        emit_text(message);
        return;
    }
    let settings = display::get();
    let mut labelled = t.clone();
    labelled.label_zones();
    emit_text(labelled.render_labelled(settings.width));
    note_hidden(&labelled.header, &labelled.plan(settings.width));
}

/// Names the columns left out to fit the width (not with `--quiet`).
fn note_hidden(header: &[String], plan: &Plan) {
    let hidden: Vec<&str> = plan
        .hidden()
        .into_iter()
        .filter_map(|c| header.get(c).map(String::as_str))
        .collect();
    if !hidden.is_empty() && !display::get().quiet {
        err_line(format!(
            "note: left out to fit {} columns: {}; widen the terminal (or COLUMNS), or use --output json",
            display::get().width.unwrap_or_default(),
            hidden.join(", ")
        ));
    }
}

/// A table printed as its rows arrive: the first rows (up to a page) fix the column widths,
/// then every row is printed at once. Lines are printed above `progress` (a spinner on
/// stderr), which may be hidden.
pub(crate) struct StreamTable {
    table: TextTable,
    layout: Option<(Plan, Option<Vec<usize>>)>,
    bottom: Option<String>,
    progress: ProgressBar,
    count: u64,
}

impl StreamTable {
    /// A streamed list table with these headers.
    pub(crate) fn new(header: &[&str], progress: ProgressBar) -> Self {
        Self {
            table: table(header),
            layout: None,
            bottom: None,
            progress,
            count: 0,
        }
    }

    /// The underlying table, to set [`TextTable::drop_first`] and [`TextTable::when_empty`].
    pub(crate) fn settings(&mut self) -> &mut TextTable {
        &mut self.table
    }

    /// How many rows were added.
    pub(crate) fn count(&self) -> u64 {
        self.count
    }

    /// Adds a row; prints it at once when the widths are fixed.
    pub(crate) fn push<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>) {
        self.table.add_row(cells);
        if self.layout.is_some()
            && let Some(mut row) = self.table.rows.pop()
        {
            self.table.strip_zones(&mut row);
            self.table.rows.push(row);
        }
        self.count += 1;
        if self.layout.is_some() || self.table.rows.len() >= STREAM_BATCH {
            self.flush();
        }
    }

    /// Prints what is gathered and the table's bottom border (or the empty message).
    pub(crate) fn finish(mut self) {
        if self.count == 0 {
            self.progress.finish_and_clear();
            print_table(&self.table);
            return;
        }
        self.flush();
        if let Some(bottom) = self.bottom.take() {
            self.print(&bottom);
        }
        self.progress.finish_and_clear();
    }

    fn print(&self, text: &str) {
        self.progress.suspend(|| emit_text(text));
    }

    fn flush(&mut self) {
        if self.table.rows.is_empty() {
            return;
        }
        let limit = display::get().width;
        let first = self.layout.is_none();
        if first {
            self.table.label_zones();
            let mut plan = self.table.plan(limit);
            // Later rows may hold longer numbers: room for the longest.
            for c in 0..plan.min.len() {
                let phones = self.table.rows.iter().any(|r| {
                    r.get(c)
                        .is_some_and(|cell| cell.split_whitespace().any(layout::is_e164))
                });
                if phones {
                    plan.min[c] = plan.min[c].max(MAX_PHONE_CHARS);
                }
            }
            // Without a width (piped, no COLUMNS) the first batch's natural widths hold for
            // every batch, so the rows of later batches line up with the first.
            let widths = Some(match limit {
                Some(l) => share(&plan, l),
                None => plan
                    .visible
                    .iter()
                    .map(|c| plan.natural[*c].max(plan.min[*c]))
                    .collect(),
            });
            note_hidden(&self.table.header, &plan);
            self.layout = Some((plan, widths));
        }
        let Some((plan, widths)) = &self.layout else {
            return;
        };
        let header: &[String] = if first { &self.table.header } else { &[] };
        let rows: Vec<Vec<String>> = self
            .table
            .rows
            .drain(..)
            .map(|row| pick(&row, &plan.visible))
            .collect();
        let text = new_table(header, rows, plan, widths.clone().map(Fit::Fixed)).to_string();
        let mut lines: Vec<&str> = text.lines().collect();
        let bottom = lines.pop().map(str::to_string);
        if !first && !lines.is_empty() {
            lines.remove(0);
        }
        self.bottom = bottom;
        self.print(&lines.join("\n"));
    }
}

/// Column widths for a fixed layout within `limit`: each visible column's narrowest, then the
/// room left shared out a character at a time to the columns that need more.
fn share(plan: &Plan, limit: usize) -> Vec<usize> {
    let mut w: Vec<usize> = plan.visible.iter().map(|c| plan.min[*c]).collect();
    let want: Vec<usize> = plan
        .visible
        .iter()
        .map(|c| plan.natural[*c].max(plan.min[*c]))
        .collect();
    let mut room = limit.saturating_sub(layout::total(w.iter().copied()));
    while room > 0 {
        let mut grew = false;
        for (i, width) in w.iter_mut().enumerate() {
            if room > 0 && *width < want[i] {
                *width += 1;
                room -= 1;
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "5d7f9a2b-1c3e-4f6a-8b9c-0d1e2f3a4b5c";

    fn wrapped_pieces_of(text: &str, whole: &str) -> bool {
        // A broken value shows as a line holding a prefix of it without the rest.
        !text.contains(whole) && text.contains(&whole[..whole.len() / 2])
    }

    #[test]
    fn a_narrow_table_keeps_ids_and_numbers_whole_and_fits() {
        let mut t = table(&["ID", "NUMBER", "NAME", "PROVIDER", "POOL"]);
        for _ in 0..3 {
            t.add_row([ID, "+918035736726", "Support Line", "twilio", ID]);
        }
        for limit in [60, 80, 120] {
            let text = t.render(Some(limit));
            for line in text.lines() {
                assert!(line.chars().count() <= limit, "{limit}: {line}");
            }
            assert!(!wrapped_pieces_of(&text, "+918035736726"), "{text}");
            assert!(text.contains("5d7f9a2b…"), "{text}");
        }
    }

    #[test]
    fn table_cells_are_escaped() {
        let mut t = table(&["ID", "NAME"]);
        t.add_row(["a1", "\x1b]0;pwned\x07\x1b[31mred"]);
        let kv = kv_table([("name\x1b[2J".to_string(), "\u{9b}31m".to_string())]);
        for text in [t.to_string(), kv.to_string()] {
            assert!(
                !text.chars().any(|c| c.is_control() && c != '\n'),
                "{text:?}"
            );
            assert!(text.contains("\\u{1b}"), "{text}");
        }
    }

    #[test]
    fn a_record_keeps_its_id_whole() {
        let kv = kv_table([("id".to_string(), ID.to_string())]);
        assert!(kv.render(Some(80)).contains(ID));
    }

    #[test]
    fn shared_widths_fit_the_limit() {
        let mut t = table(&["ID", "NAME"]);
        t.add_row([ID, &"long name ".repeat(20)]);
        let plan = t.plan(Some(60));
        let w = share(&plan, 60);
        assert!(layout::total(w.iter().copied()) <= 60);
    }
}
