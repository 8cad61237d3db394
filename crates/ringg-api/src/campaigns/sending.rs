//! What a fresh [`Campaigns::launch`](crate::campaigns::Campaigns::launch) sends: the rows
//! its pre-flight checked (numbers as read), or the file as written and why.

use crate::campaigns::outcome::{LaunchError, LaunchStep, Uploaded};
use crate::campaigns::preflight::{
    Copied, PreflightOptions, PreflightReport, valid_rows_as_written,
};
use crate::campaigns::upload::{CsvUpload, FORM_OVERHEAD_BYTES, UPLOAD_LIMIT_BYTES};

/// The most file one upload carries.
pub(super) const FILE_LIMIT: u64 = UPLOAD_LIMIT_BYTES - FORM_OVERHEAD_BYTES;

/// What a fresh launch is to upload, before the copy's size is looked at.
pub(super) struct Upload {
    pub(super) prepared: Prepared,
    /// `remove_invalid_rows` as sent.
    pub(super) remove_invalid_rows: Option<bool>,
}

/// The checked copy (with the options it was checked with, for a second copy), or the file as
/// written and why.
pub(super) enum Prepared {
    Copy(Copied, Box<PreflightOptions>),
    AsWritten(Uploaded),
}

impl Prepared {
    /// The report back, or a refusal for a file to go as written that is over the limit (so
    /// it was never sent). The copy's size is looked at once it is to be sent, since a resumed
    /// launch sends no upload.
    pub(super) fn fits(
        &self,
        csv: &CsvUpload,
        report: PreflightReport,
    ) -> Result<PreflightReport, LaunchError> {
        match self {
            Self::AsWritten(_) => fits_one_upload(csv, report),
            Self::Copy(..) => Ok(report),
        }
    }
}

/// What a fresh launch sends.
pub(super) struct Sending {
    /// The file: a copy (named as the file is), or the file as written.
    pub(super) csv: CsvUpload,
    /// `remove_invalid_rows` as sent.
    pub(super) remove_invalid_rows: Option<bool>,
    /// Which it is.
    pub(super) uploaded: Uploaded,
}

impl Upload {
    /// What to send, and the report back.
    ///
    /// The checked copy when it fits in one upload. When it does not (numbers in their `+`
    /// form can take a file near the limit over it): the valid rows alone, cut out of the file
    /// byte for byte (never longer than the file), so a row the check refused is never sent;
    /// that second reading is checked again and must find what the first found, so what is
    /// sent is always what was checked. A refusal when the file changed, when it is over the
    /// limit, or when a copy could not be made as the check read the file.
    pub(super) async fn ready(
        self,
        csv: &CsvUpload,
        report: PreflightReport,
    ) -> Result<(Sending, PreflightReport), LaunchError> {
        let remove_invalid_rows = self.remove_invalid_rows;
        let sending = |csv: CsvUpload, uploaded: Uploaded| Sending {
            csv,
            remove_invalid_rows,
            uploaded,
        };
        let (copy, options) = match self.prepared {
            Prepared::AsWritten(uploaded) => return Ok((sending(csv.clone(), uploaded), report)),
            Prepared::Copy(copy, options) => (copy, options),
        };
        let (copy, uploaded) = match copy {
            Copied::TooLarge => {
                let source = csv.to_preflight_source();
                let again = valid_rows_as_written(source, *options, FILE_LIMIT).await;
                let (second, copy) = again.map_err(|error| LaunchError::Failed {
                    step: LaunchStep::Preflight,
                    list_id: None,
                    error,
                })?;
                if let Some(changed) = second.and_then(|second| changed(&report, &second)) {
                    return Err(LaunchError::Refused {
                        reason: format!(
                            "the file changed while it was being launched ({changed}); nothing was sent: launch it again"
                        ),
                        report: Some(Box::new(report)),
                    });
                }
                (copy, Uploaded::ValidRowsAsWritten)
            }
            copy => (copy, Uploaded::CheckedRows),
        };
        let refused = |reason: String, report: PreflightReport| LaunchError::Refused {
            reason,
            report: Some(Box::new(report)),
        };
        match copy {
            Copied::Ready { bytes, rows } if rows == report.valid_rows => {
                let copy = CsvUpload::bytes(bytes).with_file_name(csv.file_name());
                Ok((sending(copy, uploaded), report))
            }
            Copied::Ready { rows, .. } => Err(refused(
                format!(
                    "the check found {} valid rows and the copy to upload holds {rows} (did the file change?); nothing was sent: launch it again",
                    report.valid_rows
                ),
                report,
            )),
            Copied::TooLarge => Err(refused(
                format!(
                    "the file is over the {FILE_LIMIT} bytes of file one upload carries, so Ringg would refuse it: split it into parts with the header on each (`ringg campaigns launch --split` does) and launch each"
                ),
                report,
            )),
            Copied::Failed(e) => Err(refused(
                format!(
                    "the checked rows could not be written for the upload ({e}); nothing was sent: launch it again, or send the file as it is (upload_as_written)"
                ),
                report,
            )),
        }
    }
}

/// What differs between two checks of one file, when something does.
fn changed(first: &PreflightReport, second: &PreflightReport) -> Option<String> {
    let counts = |r: &PreflightReport| {
        [
            ("rows", r.total_rows),
            ("valid rows", r.valid_rows),
            ("invalid rows", r.invalid_rows),
            ("repeated numbers", r.duplicate_numbers),
        ]
    };
    let differ: Vec<String> = counts(first)
        .iter()
        .zip(counts(second))
        .filter(|(a, b)| a.1 != b.1)
        .map(|(a, b)| format!("{} {} then {}", a.0, a.1, b.1))
        .collect();
    let header = (first.header != second.header).then(|| "its header".to_string());
    let all: Vec<String> = differ.into_iter().chain(header).collect();
    (!all.is_empty()).then(|| all.join(", "))
}

/// The report back when the CSV fits in one upload; a refusal when its size is known to be
/// over the limit (Ringg would answer 413, which reads as an upload of unknown outcome).
fn fits_one_upload(
    csv: &CsvUpload,
    report: PreflightReport,
) -> Result<PreflightReport, LaunchError> {
    match csv.known_len() {
        Some(len) if len + FORM_OVERHEAD_BYTES > UPLOAD_LIMIT_BYTES => Err(LaunchError::Refused {
            reason: format!(
                "the CSV is {len} bytes; one upload carries at most {FILE_LIMIT} bytes of file ({} MiB with the form), so Ringg would refuse it: split it into parts with the header on each (`ringg campaigns launch --split` does) and launch each",
                UPLOAD_LIMIT_BYTES / (1024 * 1024)
            ),
            report: Some(Box::new(report)),
        }),
        _ => Ok(report),
    }
}
