//! Campaign pre-flight: check a contact CSV before uploading it.
//!
//! The check streams the file (it never holds it whole), so a million-row file costs a few
//! megabytes of memory. It checks what Ringg checks (ringg-api.md §4.4) and reports every
//! problem with its line number, so a user fixes the file once instead of upload by upload.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;

use bytes::Bytes;
use serde::Serialize;

use crate::error::Error;
use crate::variables::check_variables;
use ringg_types::campaigns::LineIndex;
use rows::RowTally;
pub use rows::{MOBILE_NUMBER_COLUMN, RowIssue};
pub(crate) use upload_copy::{Copied, UploadCopy};

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
    read_source(source, options, None).map(|(report, _)| report)
}

/// The check, and the file to upload in place of the one checked: its rows the check found
/// valid, each number written as the check read it (see [`UploadCopy`]), kept up to `limit`
/// bytes.
pub(crate) async fn preflight_for_upload(
    source: CsvSource,
    options: PreflightOptions,
    limit: u64,
) -> Result<(PreflightReport, Copied), Error> {
    let copy = Some((limit, CopyKind::Rewritten));
    let read = tokio::task::spawn_blocking(move || read_source(source, &options, copy))
        .await
        .map_err(|e| Error::invalid_input(format!("the pre-flight task failed: {e}")))??;
    let (report, copy) = read;
    Ok((report, made(copy)))
}

/// The copy a check was asked for (it always makes one then).
fn made(copy: Option<Copied>) -> Copied {
    copy.unwrap_or_else(|| Copied::Failed("the copy was not written".to_string()))
}

/// The check again, on the file read whole into memory, and its valid rows byte for byte
/// after its header ([`UploadCopy::slices`]): what a launch sends when the rows with numbers
/// as read do not fit in `limit` bytes. No report, and [`Copied::TooLarge`], for a file over
/// `limit` (it is not read further).
pub(crate) async fn valid_rows_as_written(
    source: CsvSource,
    options: PreflightOptions,
    limit: u64,
) -> Result<(Option<PreflightReport>, Copied), Error> {
    tokio::task::spawn_blocking(move || {
        let mut data = Vec::new();
        open(source)?
            .take(limit.saturating_add(1))
            .read_to_end(&mut data)
            .map_err(|e| Error::io("could not read the CSV", e))?;
        if data.len() as u64 > limit {
            return Ok((None, Copied::TooLarge));
        }
        let data = Bytes::from(data);
        let copy = Some((limit, CopyKind::Slices(data.clone())));
        let (report, copy) = check(&data[..], &options, copy)?;
        Ok((Some(report), made(copy)))
    })
    .await
    .map_err(|e| Error::invalid_input(format!("the pre-flight task failed: {e}")))?
}

/// Which copy the check makes as it reads.
pub(crate) enum CopyKind {
    /// The valid rows written again, numbers as read.
    Rewritten,
    /// The valid rows cut out of this, the whole file.
    Slices(Bytes),
}

/// The check of `source`, and the copy `copy` asks for (its limit and kind).
fn read_source(
    source: CsvSource,
    options: &PreflightOptions,
    copy: Option<(u64, CopyKind)>,
) -> Result<(PreflightReport, Option<Copied>), Error> {
    match source {
        CsvSource::Bytes(b) => check(&b[..], options, copy),
        source => {
            let reader = std::io::BufReader::with_capacity(256 * 1024, open(source)?);
            check(reader, options, copy)
        }
    }
}

/// The source as one reader: a file opened, bytes in memory, or the reader itself.
fn open(source: CsvSource) -> Result<Box<dyn Read + Send>, Error> {
    Ok(match source {
        CsvSource::Path(p) => Box::new(
            std::fs::File::open(&p)
                .map_err(|e| Error::io(format!("could not open {}", p.display()), e))?,
        ),
        CsvSource::Bytes(b) => Box::new(std::io::Cursor::new(b)),
        CsvSource::Reader(r) => r,
    })
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

/// A header line that is not UTF-8 text.
const NOT_UTF8_HEADER: &str = "the header line is not UTF-8 text (a UTF-16 file, as Excel's \"Unicode Text\" saves, or Latin-1), so Ringg would refuse the whole upload; save it as UTF-8 (in Excel: \"CSV UTF-8\")";

fn check<R: Read>(
    reader: R,
    options: &PreflightOptions,
    copy: Option<(u64, CopyKind)>,
) -> Result<(PreflightReport, Option<Copied>), Error> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(LineIndex::new(reader));
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| match e.kind() {
            csv::ErrorKind::Utf8 { .. } => Error::invalid_input(NOT_UTF8_HEADER),
            _ => Error::invalid_input(format!("could not read the CSV header: {e}")),
        })?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();

    let mut fatal = Vec::new();
    let mut warnings = Vec::new();
    let mobile_idx = header.iter().position(|h| h == MOBILE_NUMBER_COLUMN);
    let empty = header.iter().all(|h| h.trim().is_empty());
    if header.iter().any(|h| h.contains('\0')) {
        // UTF-16 without its byte-order mark: every other byte of the header is NUL.
        return Err(Error::invalid_input(NOT_UTF8_HEADER));
    }
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
    let copy = copy.map(|(limit, kind)| match kind {
        CopyKind::Rewritten => UploadCopy::rewritten(&header, limit),
        CopyKind::Slices(data) => UploadCopy::slices(data, limit),
    });
    let mut rows = RowTally::new(options.max_recorded_issues.unwrap_or(usize::MAX), copy);
    rows.scan(&mut rdr, header.len(), mobile_idx, country, &mapped_columns);
    rows.finish(rdr.get_ref().ends_in_quotes());

    if let Some(line) = rows.not_utf8 {
        // Ringg refuses the whole upload, not the row.
        fatal.push(format!(
            "the file is not UTF-8 text (from line {line}), so Ringg would refuse the whole upload; save it as UTF-8 (in Excel: \"CSV UTF-8\")"
        ));
    }
    if let Some((first, last)) = rows.runs_to_end {
        // The rows after the quote would be imported as one contact's value.
        fatal.push(if first == last {
            format!(
                "a quote opened in the row on line {first} is never closed; close the quote (or remove it)"
            )
        } else {
            format!(
                "a quote opened in the row on line {first} is never closed, so lines {first}-{last} would be read as one row; close the quote (or remove it)"
            )
        });
    } else if let Some((first, last)) = rows.first_multi_line {
        warnings.push(format!(
            "{} row(s) hold line breaks inside quotes (the first covers lines {first}-{last}); if that is not meant, a quote is left open there",
            rows.multi_line
        ));
    }
    warnings.extend(rows.warnings(header.len(), country));
    if rows.total_rows == 0 && fatal.is_empty() {
        fatal.push("the CSV has a header but no rows".to_string());
    }
    let valid_rows = if mobile_idx.is_some() {
        rows.total_rows - rows.invalid_rows
    } else {
        0
    };
    let copy = rows.copy.take().map(UploadCopy::finish);
    let report = PreflightReport {
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
    };
    Ok((report, copy))
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
            Some(i) => {
                if var == "mobile_number" && col != MOBILE_NUMBER_COLUMN {
                    warnings.push(format!(
                        "variables_map maps mobile_number to the column {col:?}: the numbers checked here are those of {MOBILE_NUMBER_COLUMN:?}, the column Ringg requires, and which of the two Ringg dials is not documented; map mobile_number to {MOBILE_NUMBER_COLUMN:?} (a launch uploads this file as written, for Ringg to read)"
                    ));
                }
                mapped_columns.push((var.clone(), i));
            }
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
                "the assistant's variable {v:?} is not in variables_map, so the prompt will see it empty: map it to a column (`ringg campaigns`: --map {v}=COLUMN)"
            ));
        }
    }
    mapped_columns
}

mod number;
mod rows;
#[cfg(test)]
mod tests;
mod upload_copy;
