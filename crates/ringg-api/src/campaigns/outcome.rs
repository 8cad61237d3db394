//! What [`Campaigns::launch`](crate::campaigns::endpoints::Campaigns::launch) returns: the outcome, the step
//! responses, and why it stopped.

use std::fmt;

use ringg_types::campaigns::{
    CheckBalanceResponse, MakeCallAsyncResponse, SaveCampaignResponse, StartCampaignResponse,
    UploadCsvResponse, UploadStatusResponse,
};
use ringg_types::enums::CampaignStatus;
use ringg_types::ids::ListId;

use crate::campaigns::preflight::{CampaignFlow, PreflightReport};
use crate::error::Error;
use crate::journal::LaunchStage;

/// A step of [`Campaigns::launch`](crate::campaigns::endpoints::Campaigns::launch).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LaunchStep {
    /// Reading the assistant's variables (`GET /agent/{agent_id}`).
    ReadAssistant,
    /// Checking the CSV.
    Preflight,
    /// `POST /campaign/save`.
    Save,
    /// `POST /campaign/v2/start` or `POST /campaign/start`.
    Start,
    /// `POST /campaign/upload-csv`.
    UploadCsv,
    /// Polling `GET /campaign/upload-status/{bulk_list_id}`.
    WaitForUpload,
    /// `POST /campaign/check-balance/{bulk_list_id}`.
    CheckBalance,
    /// `POST /campaign/make-call-async`.
    StartLarge,
    /// Finding what an earlier run of the same launch did (the journal, `GET /campaign/all`).
    Recover,
}

impl fmt::Display for LaunchStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::ReadAssistant => "reading the assistant",
            Self::Preflight => "the CSV pre-flight",
            Self::Save => "the upload",
            Self::Start => "the start",
            Self::UploadCsv => "the large upload",
            Self::WaitForUpload => "waiting for the upload to be processed",
            Self::CheckBalance => "the balance check",
            Self::StartLarge => "the start of the large campaign",
            Self::Recover => "finding what an earlier run of this launch did",
        })
    }
}

/// Why [`Campaigns::launch`](crate::campaigns::endpoints::Campaigns::launch) stopped.
#[derive(Debug)]
#[non_exhaustive]
pub enum LaunchError {
    /// Nothing was sent: the input or the CSV cannot be launched as it is.
    Refused {
        /// What to fix.
        reason: String,
        /// The pre-flight report, when the CSV was checked.
        report: Option<Box<PreflightReport>>,
    },
    /// A step failed. Steps before it succeeded; none was repeated.
    Failed {
        /// The step that failed.
        step: LaunchStep,
        /// The contact list, when the upload had created it: resume from it rather than
        /// uploading again.
        list_id: Option<ListId>,
        /// The error.
        error: Error,
    },
}

impl LaunchError {
    pub(crate) fn refused(reason: impl Into<String>) -> Self {
        Self::Refused {
            reason: reason.into(),
            report: None,
        }
    }

    /// The pre-flight report of a refused launch.
    pub fn report(&self) -> Option<&PreflightReport> {
        match self {
            Self::Refused { report, .. } => report.as_deref(),
            Self::Failed { .. } => None,
        }
    }

    /// The contact list created before the failure, if any.
    pub fn list_id(&self) -> Option<&ListId> {
        match self {
            Self::Failed { list_id, .. } => list_id.as_ref(),
            Self::Refused { .. } => None,
        }
    }

    /// The failed step, if a step failed.
    pub fn step(&self) -> Option<LaunchStep> {
        match self {
            Self::Failed { step, .. } => Some(*step),
            Self::Refused { .. } => None,
        }
    }

    /// The underlying client error, if a step failed.
    pub fn error(&self) -> Option<&Error> {
        match self {
            Self::Failed { error, .. } => Some(error),
            Self::Refused { .. } => None,
        }
    }
}

impl fmt::Display for LaunchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Refused { reason, report } => {
                write!(f, "campaign not launched, nothing was sent: {reason}")?;
                if let Some(r) = report {
                    write!(f, "\n{}", r.summary())?;
                    for issue in r.issues.iter().take(5) {
                        write!(f, "\nline {}: {}", issue.line, issue.reason)?;
                    }
                }
                Ok(())
            }
            Self::Failed {
                step,
                list_id,
                error,
            } => {
                write!(f, "campaign launch failed at {step}: {error}")?;
                if let Some(id) = list_id {
                    match step {
                        LaunchStep::Start | LaunchStep::StartLarge
                            if error.is_outcome_unknown() || error.is_retryable() =>
                        {
                            write!(
                                f,
                                "; the contact list {id} exists and the campaign may have started: check the campaign list before starting it again, and do not upload the CSV again"
                            )?;
                        }
                        _ => write!(
                            f,
                            "; the contact list {id} exists: continue from it instead of uploading the CSV again"
                        )?,
                    }
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for LaunchError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Failed { error, .. } => Some(error),
            Self::Refused { .. } => None,
        }
    }
}

impl From<LaunchError> for Error {
    /// A refusal becomes an [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) error
    /// carrying the whole explanation; a failed step becomes its underlying error.
    fn from(e: LaunchError) -> Self {
        match e {
            LaunchError::Refused { .. } => Error::invalid_input(e.to_string()),
            LaunchError::Failed { error, .. } => error,
        }
    }
}

/// The responses of the steps [`Campaigns::launch`](crate::campaigns::endpoints::Campaigns::launch) ran.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum LaunchResponses {
    /// The standard flow.
    Standard {
        /// `POST /campaign/save`.
        saved: SaveCampaignResponse,
        /// The start.
        started: StartCampaignResponse,
        /// True when the older `POST /campaign/start` was used (caller numbers), false for
        /// `POST /campaign/v2/start` (number pool).
        used_v1_start: bool,
    },
    /// The large flow.
    Large(Box<LargeLaunchResponses>),
    /// An earlier run of the same launch (found in the client's journal) had uploaded the
    /// list: this run did not upload it again, and started the campaign only if it was not
    /// started yet.
    Resumed(Box<ResumedLaunch>),
}

/// A start's response.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum StartResponse {
    /// `POST /campaign/v2/start` or `POST /campaign/start`.
    Standard(StartCampaignResponse),
    /// `POST /campaign/make-call-async`.
    Large(MakeCallAsyncResponse),
}

/// The steps a resumed launch ran (see [`LaunchResponses::Resumed`] and
/// [`Campaigns::resume`](crate::campaigns::Campaigns::resume)).
#[derive(Debug, Clone, Default)]
pub struct ResumedLaunch {
    /// The stage the earlier run had recorded.
    pub found: Option<LaunchStage>,
    /// The campaign's status when this run found it.
    pub status: Option<CampaignStatus>,
    /// The last `GET /campaign/upload-status/{bulk_list_id}` (large flow, not started yet).
    pub upload_status: Option<UploadStatusResponse>,
    /// `POST /campaign/check-balance/{bulk_list_id}` (large flow, not started yet).
    pub balance: Option<CheckBalanceResponse>,
    /// The start this run sent; `None` when the campaign was started already.
    pub started: Option<StartResponse>,
}

impl ResumedLaunch {
    /// True when an earlier run had started the campaign and this one sent nothing.
    pub fn already_started(&self) -> bool {
        self.started.is_none()
    }
}

/// What [`Campaigns::resume`](crate::campaigns::Campaigns::resume) did.
#[derive(Debug, Clone)]
pub struct ResumeOutcome {
    /// The contact list / campaign id.
    pub list_id: ListId,
    /// The flow of the launch.
    pub flow: CampaignFlow,
    /// The steps run.
    pub resumed: ResumedLaunch,
}

/// The responses of the large flow's steps.
#[derive(Debug, Clone)]
pub struct LargeLaunchResponses {
    /// `POST /campaign/upload-csv`.
    pub uploaded: UploadCsvResponse,
    /// The last `GET /campaign/upload-status/{bulk_list_id}`.
    pub status: UploadStatusResponse,
    /// `POST /campaign/check-balance/{bulk_list_id}`.
    pub balance: CheckBalanceResponse,
    /// `POST /campaign/make-call-async`.
    pub scheduled: MakeCallAsyncResponse,
}

/// A launched campaign.
#[derive(Debug, Clone)]
pub struct LaunchOutcome {
    /// The contact list's id (`list_id`, also called `bulk_list_id`; the campaign id is the
    /// same value in Ringg's fixtures, which Ringg does not promise).
    pub list_id: ListId,
    /// The flow used.
    pub flow: CampaignFlow,
    /// The pre-flight report.
    pub report: PreflightReport,
    /// The step responses.
    pub responses: LaunchResponses,
    /// What this run uploaded: the checked rows, or the file as written and why.
    pub uploaded: Uploaded,
}

/// What a launch uploaded (see [`LaunchRequest::upload_as_written`](crate::campaigns::LaunchRequest::upload_as_written)).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Uploaded {
    /// The rows the pre-flight found valid, each number written as it read it: the numbers
    /// dialled are the report's.
    CheckedRows,
    /// The file as written, as the request asked.
    AsWrittenAsked,
    /// The file as written: `variables_map` maps `mobile_number` to `column`, not the
    /// `Mobile Number` column the check reads, and which of them Ringg dials is not documented.
    AsWrittenNumbersElsewhere {
        /// The column `mobile_number` is mapped to.
        column: String,
    },
    /// The rows the pre-flight found valid, byte for byte as the file holds them (the rows it
    /// refused left out): the checked rows, numbers in their `+` form, came to more than one
    /// upload carries.
    ValidRowsAsWritten,
    /// Nothing: a resumed launch, whose upload an earlier run sent.
    Nothing,
}

impl Uploaded {
    /// Its name in machine-readable output: `checked_rows`, `as_written_asked`,
    /// `as_written_numbers_elsewhere`, `valid_rows_as_written` or `nothing`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::CheckedRows => "checked_rows",
            Self::AsWrittenAsked => "as_written_asked",
            Self::AsWrittenNumbersElsewhere { .. } => "as_written_numbers_elsewhere",
            Self::ValidRowsAsWritten => "valid_rows_as_written",
            Self::Nothing => "nothing",
        }
    }

    /// For numbers uploaded as written when the request did not ask for it: what that means,
    /// for people.
    pub fn warning(&self) -> Option<String> {
        const OVER: &str =
            "the checked rows, each number in its + form, came to more than one upload carries";
        Some(match self {
            Self::AsWrittenNumbersElsewhere { column } => format!(
                "the file was uploaded as written, since variables_map maps mobile_number to the column {column:?}: the check read the {:?} column, so its counts may not be the calls Ringg places, and Ringg read each number its own way",
                crate::campaigns::preflight::MOBILE_NUMBER_COLUMN
            ),
            Self::ValidRowsAsWritten => format!(
                "the valid rows were uploaded as the file holds them, any row the check refused left out ({OVER}), so Ringg read each number its own way: a number it read otherwise than the check may be dialled as Ringg read it"
            ),
            _ => return None,
        })
    }
}

impl LaunchOutcome {
    /// How many rows Ringg says it imported (`successful_rows` of the save, or of the large
    /// upload's last status), when its answers say; `None` for a resumed launch or an answer
    /// without the count. The pre-flight's `report.valid_rows` is what the client expected:
    /// fewer here means Ringg refused rows the check let through.
    pub fn imported_rows(&self) -> Option<u64> {
        match &self.responses {
            LaunchResponses::Standard { saved, .. } => saved.successful_rows,
            LaunchResponses::Large(large) => large.status.successful_rows.or_else(|| {
                let s = &large.status;
                s.total_rows?.checked_sub(s.invalidated_rows_count?)
            }),
            LaunchResponses::Resumed(_) => None,
        }
    }

    /// Where Ringg lists the rows it refused (the large flow's `invalidated_rows_csv_url` or
    /// `invalid_entries_file`), when it says.
    pub fn refused_rows_url(&self) -> Option<&str> {
        let LaunchResponses::Large(large) = &self.responses else {
            return None;
        };
        let s = &large.status;
        s.invalidated_rows_csv_url
            .as_ref()
            .or(s.invalid_entries_file.as_ref())
            .map(String::as_str)
    }
}
