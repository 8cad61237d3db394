//! Campaign pre-flight: check a contact CSV before uploading it.
//!
//! The check streams the file (it never holds it whole), so a million-row file costs a few
//! megabytes of memory. It checks what Ringg checks (ringg-api.md §4.4) and reports every
//! problem with its line number, so a user fixes the file once instead of upload by upload.

use std::collections::{BTreeMap, HashSet};
use std::io::Read;
use std::path::PathBuf;

use bytes::Bytes;
use ringg_types::phone::PhoneNumber;
use serde::Serialize;

use crate::error::Error;
use crate::variables::check_variables;
use number::{Reading, parse_number};
use ringg_types::campaigns::LineIndex;

/// The column Ringg requires.
pub const MOBILE_NUMBER_COLUMN: &str = "Mobile Number";
/// From this many valid rows on, the large-campaign flow applies (ringg-api.md §4.3).
pub const LARGE_FLOW_THRESHOLD: u64 = 5_000;

/// Where the CSV comes from.
pub enum CsvSource {
    /// A file on disk (streamed).
    Path(PathBuf),
    /// Bytes in memory.
    Bytes(Bytes),
    /// Any reader (streamed), e.g. stdin or a decompressor.
    Reader(Box<dyn Read + Send>),
}

impl std::fmt::Debug for CsvSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Path(p) => f.debug_tuple("Path").field(p).finish(),
            Self::Bytes(b) => write!(f, "Bytes({} bytes)", b.len()),
            Self::Reader(_) => f.write_str("Reader(..)"),
        }
    }
}

impl From<PathBuf> for CsvSource {
    fn from(p: PathBuf) -> Self {
        Self::Path(p)
    }
}

impl From<&std::path::Path> for CsvSource {
    fn from(p: &std::path::Path) -> Self {
        Self::Path(p.to_path_buf())
    }
}

impl From<Bytes> for CsvSource {
    fn from(b: Bytes) -> Self {
        Self::Bytes(b)
    }
}

impl From<Vec<u8>> for CsvSource {
    fn from(b: Vec<u8>) -> Self {
        Self::Bytes(Bytes::from(b))
    }
}

impl From<&'static str> for CsvSource {
    fn from(s: &'static str) -> Self {
        Self::Bytes(Bytes::from_static(s.as_bytes()))
    }
}

/// What to check the CSV against.
#[derive(Debug, Clone, Default)]
pub struct PreflightOptions {
    /// The country for numbers without a `+` prefix: a dialing prefix (`+91`) or ISO code
    /// (`IN`). `None`: every number must be international (`+919876543210`; spaces, dashes,
    /// dots and parentheses between the digits are allowed). A number without a `+` of more
    /// than ten digits that begins with the country's code (`919876543210` with `+91`) is read
    /// as already carrying it, with a warning, since Ringg documents neither reading.
    pub country_code: Option<String>,
    /// `variables_map`: assistant variable → CSV column header.
    pub variables_map: BTreeMap<String, String>,
    /// The assistant's variable names (from `GET /agent/{id}`); when given, mapped variables
    /// are checked against them and unmapped ones are reported.
    pub assistant_variables: Option<Vec<String>>,
    /// Stop recording row issues after this many (all are still counted). `None`: record all.
    pub max_recorded_issues: Option<usize>,
}

/// The flow a campaign upload takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CampaignFlow {
    /// Fewer than 5,000 rows: `POST /campaign/save`, then start.
    Standard,
    /// 5,000 rows or more: upload-csv, upload-status, check-balance, make-call-async.
    Large,
}

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

/// The result of a pre-flight check.
#[derive(Debug, Clone, Serialize)]
pub struct PreflightReport {
    /// The header row.
    pub header: Vec<String>,
    /// Data rows read.
    pub total_rows: u64,
    /// Rows that would be imported.
    pub valid_rows: u64,
    /// Rows that would be rejected.
    pub invalid_rows: u64,
    /// Problems that make the whole file unusable (missing column, bad mapping).
    pub fatal: Vec<String>,
    /// Things worth knowing that do not reject rows (unmapped variables, duplicates).
    pub warnings: Vec<String>,
    /// The rejected rows, with line numbers (up to `max_recorded_issues`).
    pub issues: Vec<RowIssue>,
    /// Rows whose number appeared earlier in the file.
    pub duplicate_numbers: u64,
    /// The line of the first of them (the header is line 1).
    pub first_duplicate_line: Option<u64>,
    /// Which upload flow applies to the valid rows.
    pub flow: CampaignFlow,
}

impl PreflightReport {
    /// True when the file can be uploaded as is: no fatal problem, no rejected row, and at
    /// least one valid row.
    pub fn is_clean(&self) -> bool {
        self.fatal.is_empty() && self.invalid_rows == 0 && self.valid_rows > 0
    }

    /// True when the file can be uploaded with `remove_invalid_rows=true`: no fatal problem and
    /// at least one valid row.
    pub fn is_usable(&self) -> bool {
        self.fatal.is_empty() && self.valid_rows > 0
    }

    /// A one-paragraph summary for people.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "{} rows: {} valid, {} invalid; {} flow",
            self.total_rows,
            self.valid_rows,
            self.invalid_rows,
            match self.flow {
                CampaignFlow::Standard => "standard",
                CampaignFlow::Large => "large (5,000+ rows)",
            }
        );
        for f in &self.fatal {
            s.push_str(&format!("\nerror: {f}"));
        }
        for w in &self.warnings {
            s.push_str(&format!("\nwarning: {w}"));
        }
        s
    }
}

/// Runs the check on a blocking thread (the CSV is parsed synchronously and streamed).
pub async fn preflight(
    source: CsvSource,
    options: PreflightOptions,
) -> Result<PreflightReport, Error> {
    tokio::task::spawn_blocking(move || preflight_blocking(source, &options))
        .await
        .map_err(|e| Error::invalid_input(format!("the pre-flight task failed: {e}")))?
}

/// The check itself, synchronous. See [`preflight`].
pub fn preflight_blocking(
    source: CsvSource,
    options: &PreflightOptions,
) -> Result<PreflightReport, Error> {
    match source {
        CsvSource::Path(p) => {
            let f = std::fs::File::open(&p)
                .map_err(|e| Error::io(format!("could not open {}", p.display()), e))?;
            check(std::io::BufReader::with_capacity(256 * 1024, f), options)
        }
        CsvSource::Bytes(b) => check(&b[..], options),
        CsvSource::Reader(r) => check(std::io::BufReader::with_capacity(256 * 1024, r), options),
    }
}

/// A warning for each name the header gives more than one column.
fn columns_named_twice(header: &[String]) -> Vec<String> {
    let mut warnings = Vec::new();
    for (at, name) in header.iter().enumerate() {
        let first = header.iter().position(|h| h == name) == Some(at);
        let count = header.iter().filter(|h| *h == name).count();
        if first && count > 1 && !name.trim().is_empty() {
            warnings.push(format!(
                "the header names {count} columns {name:?}; only the first (column {}) is read here, and which one Ringg reads is not documented: rename or remove the others",
                at + 1
            ));
        }
    }
    warnings
}

fn check<R: Read>(reader: R, options: &PreflightOptions) -> Result<PreflightReport, Error> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(LineIndex::new(reader));
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| match e.kind() {
            csv::ErrorKind::Utf8 { .. } => Error::invalid_input(
                "the header line is not UTF-8 text (a UTF-16 file, as Excel's \"Unicode Text\" saves, or Latin-1), so Ringg would refuse the whole upload; save it as UTF-8 (in Excel: \"CSV UTF-8\")",
            ),
            _ => Error::invalid_input(format!("could not read the CSV header: {e}")),
        })?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();

    let mut fatal = Vec::new();
    let mut warnings = Vec::new();
    let mobile_idx = header.iter().position(|h| h == MOBILE_NUMBER_COLUMN);
    let empty = header.iter().all(|h| h.trim().is_empty());
    if empty {
        fatal.push(format!(
            "the file is empty: Ringg needs a header line with a {MOBILE_NUMBER_COLUMN:?} column, then a line per contact"
        ));
    } else if mobile_idx.is_none() {
        fatal.push(missing_mobile_column(&header));
    }
    warnings.extend(columns_named_twice(&header));
    let mapped_columns = if empty {
        Vec::new() // nothing to map, and nothing more to say
    } else {
        check_mapping(&header, options, &mut fatal, &mut warnings)
    };

    let country = options
        .country_code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    let mut rows = RowTally::new(options.max_recorded_issues.unwrap_or(usize::MAX));
    rows.scan(&mut rdr, header.len(), mobile_idx, country, &mapped_columns);

    if let Some(line) = rows.not_utf8 {
        // Ringg refuses the whole upload, not the row.
        fatal.push(format!(
            "the file is not UTF-8 text (from line {line}), so Ringg would refuse the whole upload; save it as UTF-8 (in Excel: \"CSV UTF-8\")"
        ));
    }
    if let Some((first, last)) = rows.runs_to_end {
        // The rows after the quote would be imported as one contact's value.
        fatal.push(format!(
            "a quote opened in the row on line {first} is never closed, so lines {first}-{last} would be read as one row; close the quote (or remove it)"
        ));
    } else if let Some((first, last)) = rows.first_multi_line {
        warnings.push(format!(
            "{} row(s) hold line breaks inside quotes (the first covers lines {first}-{last}); if that is not meant, a quote is left open there",
            rows.multi_line
        ));
    }
    if let Some((line, fields)) = rows.first_width_mismatch {
        warnings.push(format!(
            "{} row(s) have another number of fields than the header's {} (the first on line {line}: {fields}); a missing value is read as empty and an extra one is ignored",
            rows.width_mismatch,
            header.len()
        ));
    }
    if let (Some((line, raw, read)), Some(country)) = (&rows.first_national, country) {
        warnings.push(format!(
            "{} number(s) without a + were read with the country code {country} (the first on line {line}: {raw:?} as {read}); write a number of another country with its own + prefix",
            rows.national
        ));
    }
    if let (Some((line, raw, read)), Some(country)) = (&rows.first_carrying, country) {
        let other = PhoneNumber::from_national(raw, country)
            .map_or_else(|_| format!("{country} before it"), |n| n.to_string());
        warnings.push(format!(
            "{} number(s) without a + already begin with the digits of the country code {country} and were read as carrying it (the first on line {line}: {raw:?} as {read}, not {other}); Ringg documents neither reading, so write these numbers with their + prefix",
            rows.carrying
        ));
    }
    if rows.duplicates > 0 {
        warnings.push(format!(
            "{} rows repeat a number that appears earlier in the file (the first on line {}); each is called separately",
            rows.duplicates,
            rows.first_duplicate.unwrap_or_default()
        ));
    }
    for (var, n) in &rows.empty_values {
        if var != "mobile_number" {
            warnings.push(format!("{n} rows have an empty value for {var:?}"));
        }
    }
    if rows.total_rows == 0 && fatal.is_empty() {
        fatal.push("the CSV has a header but no rows".to_string());
    }
    let valid_rows = if mobile_idx.is_some() {
        rows.total_rows - rows.invalid_rows
    } else {
        0
    };
    Ok(PreflightReport {
        header,
        total_rows: rows.total_rows,
        valid_rows,
        invalid_rows: rows.invalid_rows,
        fatal,
        warnings,
        issues: rows.issues,
        duplicate_numbers: rows.duplicates,
        first_duplicate_line: rows.first_duplicate,
        flow: if valid_rows >= LARGE_FLOW_THRESHOLD {
            CampaignFlow::Large
        } else {
            CampaignFlow::Standard
        },
    })
}

/// The fatal problem of a header without the `Mobile Number` column, naming the likely
/// column to rename.
fn missing_mobile_column(header: &[String]) -> String {
    if let Some(h) = header.iter().find(|h| h.trim() == MOBILE_NUMBER_COLUMN) {
        return format!(
            "the header {h:?} has extra spaces; rename it to exactly {MOBILE_NUMBER_COLUMN:?}"
        );
    }
    let near = header.iter().find(|h| {
        let l = h.to_ascii_lowercase();
        l.contains("phone") || l.contains("mobile") || l.contains("number")
    });
    match near {
        Some(n) => format!(
            "no {MOBILE_NUMBER_COLUMN:?} column; rename the column {n:?} to {MOBILE_NUMBER_COLUMN:?}"
        ),
        None => format!(
            "no {MOBILE_NUMBER_COLUMN:?} column; Ringg needs one with each contact's number in E.164 (+919876543210)"
        ),
    }
}

/// Checks `variables_map`: every mapped column must exist; mapped variables should be the
/// assistant's; the assistant's variables should be mapped. Returns each mapped variable with
/// its column index.
fn check_mapping(
    header: &[String],
    options: &PreflightOptions,
    fatal: &mut Vec<String>,
    warnings: &mut Vec<String>,
) -> Vec<(String, usize)> {
    let mut mapped_columns: Vec<(String, usize)> = Vec::new();
    for (var, col) in &options.variables_map {
        let found = header.iter().position(|h| h == col);
        match found.or_else(|| header.iter().position(|h| h.trim() == col.trim())) {
            // Ringg refuses header names with extra spaces (ringg-api.md §4.4).
            Some(i) if header[i].trim() != header[i] || header[i] != *col => fatal.push(format!(
                "variables_map maps {var:?} to the column {col:?} and the file's header names it {:?}: spaces around a column's name are refused by Ringg; name it {:?} in the file and the mapping",
                header[i], header[i].trim()
            )),
            Some(i) => mapped_columns.push((var.clone(), i)),
            None => fatal.push(format!(
                "variables_map maps {var:?} to the column {col:?}, which the CSV does not have (columns: {})",
                header.join(", ")
            )),
        }
    }
    if let Some(vars) = &options.assistant_variables {
        let check = check_variables(
            vars,
            options.variables_map.keys().map(String::as_str),
            &["mobile_number"],
        );
        for u in &check.unknown {
            let hint = u
                .suggestion
                .as_ref()
                .map(|s| format!("; did you mean {s:?}?"))
                .unwrap_or_default();
            warnings.push(format!(
                "variables_map maps {:?}, which the assistant does not use (its variables: {}){hint}",
                u.name,
                vars.join(", ")
            ));
        }
        for v in &check.missing {
            warnings.push(format!(
                "the assistant's variable {v:?} is not in variables_map; the prompt will see it empty"
            ));
        }
    }
    mapped_columns
}

/// What reading the rows found.
struct RowTally {
    total_rows: u64,
    invalid_rows: u64,
    duplicates: u64,
    /// The line of the first row whose number appeared earlier.
    first_duplicate: Option<u64>,
    empty_values: BTreeMap<String, u64>,
    seen: HashSet<u64>,
    issues: Vec<RowIssue>,
    max_issues: usize,
    /// The first line holding bytes that are not UTF-8 text.
    not_utf8: Option<u64>,
    /// Numbers without a `+` read with the country code, and the first: its line, as written,
    /// as read.
    national: u64,
    first_national: Option<(u64, String, String)>,
    /// Numbers without a `+` read as already carrying the country code, and the first.
    carrying: u64,
    first_carrying: Option<(u64, String, String)>,
    /// Rows holding line breaks inside quotes, and the lines the first one covers.
    multi_line: u64,
    first_multi_line: Option<(u64, u64)>,
    /// Rows with more or fewer fields than the header, and the first: its line and width.
    width_mismatch: u64,
    first_width_mismatch: Option<(u64, usize)>,
    /// The lines the last row read covers, when its last field ends with a line break: the
    /// sign of a quote never closed, which takes every later line into that field.
    runs_to_end: Option<(u64, u64)>,
}

impl RowTally {
    fn new(max_issues: usize) -> Self {
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
            runs_to_end: None,
        }
    }

    /// Notes a row starting on `line` that holds line breaks inside quotes (a `\r\n`, a `\n`
    /// and a lone `\r` each end a line, as [`LineIndex`] counts them).
    fn note_line_breaks(&mut self, record: &csv::ByteRecord, line: u64) {
        let bytes = record.as_slice();
        // `contains` on bytes is a memchr: the common row costs two fast scans.
        if !bytes.contains(&b'\n') && !bytes.contains(&b'\r') {
            self.runs_to_end = None;
            return;
        }
        let breaks = bytes
            .iter()
            .enumerate()
            .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
            .count() as u64;
        // A last field ending with a line break took the file's own last one: a quote never
        // closed, whose field ran to the end of the file.
        let last = record
            .get(record.len().saturating_sub(1))
            .unwrap_or_default();
        let to_end = last.ends_with(b"\n");
        let lines = (line, line + breaks - u64::from(to_end));
        self.multi_line += 1;
        self.first_multi_line.get_or_insert(lines);
        self.runs_to_end = to_end.then_some(lines);
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
    fn scan<R: Read>(
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
                    let line = e.position().map_or(0, |p| rdr.get_mut().line_of(p.byte()));
                    self.total_rows += 1;
                    self.reject(line, None, None, format!("unreadable row: {e}"));
                    continue;
                }
            }
            let line = record
                .position()
                .map_or(0, |p| rdr.get_mut().line_of(p.byte()));
            if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
                continue; // blank line
            }
            if self.not_utf8.is_none() && record.iter().any(|f| std::str::from_utf8(f).is_err()) {
                self.not_utf8 = Some(line);
            }
            self.total_rows += 1;
            self.note_line_breaks(&record, line);
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

mod number;
#[cfg(test)]
mod tests;
