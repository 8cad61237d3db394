//! The data rows of a contact CSV as the pre-flight reads them: each row's number, the rows
//! it rejects (with their lines), and what it counts about the others.

use std::collections::{BTreeMap, HashSet};
use std::io::Read;

use ringg_types::campaigns::LineIndex;
use ringg_types::phone::PhoneNumber;
use serde::Serialize;

use super::number::{Reading, parse_number};
use super::upload_copy::UploadCopy;

/// The column Ringg requires.
pub const MOBILE_NUMBER_COLUMN: &str = "Mobile Number";

/// One bad row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowIssue {
    /// The line in the file (the header is line 1).
    pub line: u64,
    /// The column concerned, when there is one.
    pub column: Option<String>,
    /// The offending value.
    pub value: Option<String>,
    /// What is wrong and how to fix it.
    pub reason: String,
}

/// What reading the rows found.
pub(super) struct RowTally {
    pub(super) total_rows: u64,
    pub(super) invalid_rows: u64,
    pub(super) duplicates: u64,
    /// The line of the first row whose number appeared earlier.
    pub(super) first_duplicate: Option<u64>,
    empty_values: BTreeMap<String, u64>,
    seen: HashSet<u64>,
    pub(super) issues: Vec<RowIssue>,
    max_issues: usize,
    /// The first line holding bytes that are not UTF-8 text.
    pub(super) not_utf8: Option<u64>,
    /// Numbers without a `+` read with the country code, and the first: its line, as written,
    /// as read.
    national: u64,
    first_national: Option<(u64, String, String)>,
    /// Numbers without a `+` read as already carrying the country code, and the first.
    carrying: u64,
    first_carrying: Option<(u64, String, String)>,
    /// Rows holding line breaks inside quotes, and the lines the first one covers.
    pub(super) multi_line: u64,
    pub(super) first_multi_line: Option<(u64, u64)>,
    /// Rows with more or fewer fields than the header, and the first: its line and width.
    width_mismatch: u64,
    first_width_mismatch: Option<(u64, usize)>,
    /// The lines the last row read covers, and whether its last field ends with a line break.
    last_row: Option<((u64, u64), bool)>,
    /// The lines of the row whose quote is never closed, which takes every later line into
    /// its field (set by [`finish`](Self::finish)).
    pub(super) runs_to_end: Option<(u64, u64)>,
    /// The rows to upload, when asked for: each valid row with its number as read here.
    pub(super) copy: Option<UploadCopy>,
}

impl RowTally {
    pub(super) fn new(max_issues: usize, copy: Option<UploadCopy>) -> Self {
        Self {
            total_rows: 0,
            invalid_rows: 0,
            duplicates: 0,
            first_duplicate: None,
            empty_values: BTreeMap::new(),
            seen: HashSet::new(),
            issues: Vec::new(),
            max_issues,
            not_utf8: None,
            national: 0,
            first_national: None,
            carrying: 0,
            first_carrying: None,
            width_mismatch: 0,
            first_width_mismatch: None,
            multi_line: 0,
            first_multi_line: None,
            last_row: None,
            runs_to_end: None,
            copy,
        }
    }

    /// The warnings about the rows read: short or long rows, numbers read with or as carrying
    /// the country code, repeated numbers, mapped values left empty.
    pub(super) fn warnings(&self, width: usize, country: Option<&str>) -> Vec<String> {
        let mut warnings = Vec::new();
        if let Some((line, fields)) = self.first_width_mismatch {
            warnings.push(format!(
                "{} row(s) have another number of fields than the header's {} (the first on line {line}: {fields}); a missing value is read as empty and an extra one is ignored",
                self.width_mismatch,
                width
            ));
        }
        if let (Some((line, raw, read)), Some(country)) = (&self.first_national, country) {
            warnings.push(format!(
                "{} number(s) without a + were read with the country code {country} (the first on line {line}: {raw:?} as {read}); write a number of another country with its own + prefix",
                self.national
            ));
        }
        if let (Some((line, raw, read)), Some(country)) = (&self.first_carrying, country) {
            let other = PhoneNumber::from_national(raw, country)
                .map_or_else(|_| format!("{country} before it"), |n| n.to_string());
            warnings.push(format!(
                "{} number(s) without a + already begin with the digits of the country code {country} and were read as carrying it (the first on line {line}: {raw:?} as {read}, not {other}); Ringg documents neither reading, and a launch uploads them as read here when its checked rows fit in one upload: write these numbers with their + prefix",
                self.carrying
            ));
        }
        if self.duplicates > 0 {
            warnings.push(format!(
                "{} rows repeat a number that appears earlier in the file (the first on line {}); each is called separately",
                self.duplicates,
                self.first_duplicate.unwrap_or_default()
            ));
        }
        for (var, n) in &self.empty_values {
            if var != "mobile_number" {
                warnings.push(format!("{n} rows have an empty value for {var:?}"));
            }
        }
        warnings
    }

    /// Notes a row starting on `line` that holds line breaks inside quotes (a `\r\n`, a `\n`
    /// and a lone `\r` each end a line, as [`LineIndex`] counts them).
    /// A `blank` row (`counted` false) is only remembered as the last row.
    fn note_line_breaks(&mut self, record: &csv::ByteRecord, line: u64, counted: bool) {
        let bytes = record.as_slice();
        // `contains` on bytes is a memchr: the common row costs two fast scans.
        if !bytes.contains(&b'\n') && !bytes.contains(&b'\r') {
            self.last_row = Some(((line, line), false));
            return;
        }
        let breaks = bytes
            .iter()
            .enumerate()
            .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
            .count() as u64;
        let last = record
            .get(record.len().saturating_sub(1))
            .unwrap_or_default();
        let ends_with_break = last.ends_with(b"\n") || last.ends_with(b"\r");
        let lines = (line, line + breaks);
        if counted {
            self.multi_line += 1;
            self.first_multi_line.get_or_insert(lines);
        }
        self.last_row = Some((lines, ends_with_break));
    }

    /// After the last row: `open_quote` when the file ended inside a quoted field
    /// ([`LineIndex::ends_in_quotes`]), whose row then ran to the end of the file.
    pub(super) fn finish(&mut self, open_quote: bool) {
        if !open_quote {
            return;
        }
        // A last field ending with a line break took the file's own last one, which ends no
        // line of that row.
        self.runs_to_end = self
            .last_row
            .map(|((first, last), took_last_break)| (first, last - u64::from(took_last_break)));
    }

    /// Counts a rejected row; lists it while fewer than `max_issues` are listed.
    fn reject(&mut self, line: u64, column: Option<String>, value: Option<String>, reason: String) {
        self.invalid_rows += 1;
        if self.issues.len() < self.max_issues {
            self.issues.push(RowIssue {
                line,
                column,
                value,
                reason,
            });
        }
    }

    /// Reads every data row: its width, its number (rejecting bad ones, counting repeats) and
    /// the mapped columns left empty.
    pub(super) fn scan<R: Read>(
        &mut self,
        rdr: &mut csv::Reader<LineIndex<R>>,
        width: usize,
        mobile_idx: Option<usize>,
        country: Option<&str>,
        mapped_columns: &[(String, usize)],
    ) {
        let mut record = csv::ByteRecord::new();
        loop {
            match rdr.read_byte_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    if let Some(copy) = &mut self.copy {
                        copy.row_at(e.position().map(csv::Position::byte));
                    }
                    let line = e.position().map_or(0, |p| rdr.get_mut().line_of(p.byte()));
                    self.total_rows += 1;
                    self.reject(line, None, None, format!("unreadable row: {e}"));
                    continue;
                }
            }
            if let Some(copy) = &mut self.copy {
                copy.row_at(record.position().map(csv::Position::byte));
            }
            let line = record
                .position()
                .map_or(0, |p| rdr.get_mut().line_of(p.byte()));
            let blank = record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace));
            // A blank row is noted too: a quote it opens (`,"`) takes the lines after it.
            self.note_line_breaks(&record, line, !blank);
            if blank {
                continue;
            }
            if self.not_utf8.is_none() && record.iter().any(|f| std::str::from_utf8(f).is_err()) {
                self.not_utf8 = Some(line);
            }
            self.total_rows += 1;
            if record.len() != width {
                // Imported with a missing value empty and an extra one ignored (as the
                // simulator reads it): counted, so the plan never has fewer calls than are
                // placed.
                self.width_mismatch += 1;
                self.first_width_mismatch
                    .get_or_insert((line, record.len()));
            }
            let Some(mi) = mobile_idx else {
                continue;
            };
            let Some(raw) = record.get(mi) else {
                let reason = format!(
                    "has {} fields, the header has {width}: it has no {MOBILE_NUMBER_COLUMN:?} value",
                    record.len()
                );
                self.reject(line, None, None, reason);
                continue;
            };
            let raw = String::from_utf8_lossy(raw);
            let raw = raw.trim();
            match parse_number(raw, country) {
                Ok((n, reading)) => {
                    let tally = match reading {
                        Reading::International => None,
                        Reading::National => Some((&mut self.national, &mut self.first_national)),
                        Reading::CarriesCode => {
                            Some((&mut self.carrying, &mut self.first_carrying))
                        }
                    };
                    if let Some((count, first)) = tally {
                        *count += 1;
                        first.get_or_insert_with(|| (line, raw.to_string(), n.to_string()));
                    }
                    let key: u64 = n.digits().parse().unwrap_or(0);
                    if !self.seen.insert(key) {
                        self.duplicates += 1;
                        self.first_duplicate.get_or_insert(line);
                    }
                    if let Some(copy) = &mut self.copy {
                        copy.push(&record, mi, n.as_str());
                    }
                }
                Err(reason) => {
                    let column = Some(MOBILE_NUMBER_COLUMN.to_string());
                    self.reject(line, column, Some(raw.to_string()), reason);
                    continue;
                }
            }
            for (var, idx) in mapped_columns {
                let value = record.get(*idx).unwrap_or_default();
                if value.iter().all(u8::is_ascii_whitespace) {
                    *self.empty_values.entry(var.clone()).or_default() += 1;
                }
            }
        }
    }
}
