//! [`Campaigns::launch`]: pre-flight, upload and start in one call.

use std::collections::BTreeMap;
use std::fmt;

use ringg_types::calls::CallConfig;
use ringg_types::campaigns::{
    CampaignTime, CheckBalanceResponse, LargeCampaignCaller, MakeCallAsyncRequest,
    MakeCallAsyncResponse, SaveCampaignForm, SaveCampaignResponse, StartCampaignRequest,
    StartCampaignResponse, StartCampaignV2Request, UploadCsvForm, UploadCsvResponse,
    UploadStatusResponse,
};
use ringg_types::common::Extra;
use ringg_types::ids::{AgentId, ListId, UserId};
use ringg_types::operations as ops;

use super::preflight::{CampaignFlow, PreflightOptions, PreflightReport};
use super::upload::CsvUpload;
use super::{Campaigns, PollOptions};
use crate::error::Error;

/// Everything [`Campaigns::launch`] needs.
///
/// Built with [`LaunchRequest::new`]; `variables_map` starts as
/// `{"mobile_number": "Mobile Number"}`.
#[derive(Debug, Clone)]
pub struct LaunchRequest {
    /// The (outbound) assistant that makes the calls.
    pub agent_id: AgentId,
    /// The campaign's name.
    pub campaign_name: String,
    /// The contact CSV (needs a `Mobile Number` column).
    pub csv: CsvUpload,
    /// `country_code` for numbers without a `+` prefix: `+91` (or ISO `IN`).
    pub country_code: String,
    /// Assistant variable → CSV column header.
    pub variables_map: BTreeMap<String, String>,
    /// When calling starts (`DD/MM/YYYY, HH:MM` in the call-time zone; must be in the future).
    pub campaign_start_time: CampaignTime,
    /// When calling ends.
    pub campaign_end_time: CampaignTime,
    /// Retries, calling window and other call settings.
    pub call_config: CallConfig,
    /// The caller numbers: a number pool (standard flow: `POST /campaign/v2/start`) or a list
    /// of numbers (standard flow: the older `POST /campaign/start`). The large flow takes
    /// either.
    pub caller: LargeCampaignCaller,
    /// `remove_invalid_rows`. Unset: `true` when the pre-flight found invalid rows (so they
    /// are skipped instead of failing the upload). `Some(false)` with invalid rows refuses
    /// the launch.
    pub remove_invalid_rows: Option<bool>,
    /// `transliterate_callee_name`.
    pub transliterate_callee_name: Option<bool>,
    /// `callback_url` called when the campaign completes (not available with caller numbers
    /// on the standard flow).
    pub callback_url: Option<String>,
    /// Members to email on completion (not available with caller numbers on the standard
    /// flow).
    pub email_completion_user_ids: Option<Vec<UserId>>,
    /// Share (0–100) of the workspace's concurrency; used by the large flow only.
    pub concurrency_percentage: Option<u8>,
    /// Forces a flow; by default the pre-flight picks it (5,000+ valid rows: large).
    pub flow: Option<CampaignFlow>,
    /// Reads the assistant's variables to check `variables_map` against them (default true).
    pub check_assistant_variables: bool,
    /// Polling of the large upload's processing.
    pub upload_poll: PollOptions,
    /// How many bad rows the pre-flight report lists (default 100; all are counted).
    pub max_recorded_issues: Option<usize>,
}

impl LaunchRequest {
    /// A launch request with the required fields and the defaults.
    pub fn new(
        agent_id: AgentId,
        campaign_name: impl Into<String>,
        csv: CsvUpload,
        country_code: impl Into<String>,
        campaign_start_time: CampaignTime,
        campaign_end_time: CampaignTime,
        caller: LargeCampaignCaller,
    ) -> Self {
        Self {
            agent_id,
            campaign_name: campaign_name.into(),
            csv,
            country_code: country_code.into(),
            variables_map: BTreeMap::from([(
                "mobile_number".to_string(),
                "Mobile Number".to_string(),
            )]),
            campaign_start_time,
            campaign_end_time,
            call_config: CallConfig::default(),
            caller,
            remove_invalid_rows: None,
            transliterate_callee_name: None,
            callback_url: None,
            email_completion_user_ids: None,
            concurrency_percentage: None,
            flow: None,
            check_assistant_variables: true,
            upload_poll: PollOptions::default(),
            max_recorded_issues: Some(100),
        }
    }

    /// Maps assistant variable `variable` to CSV column `column`.
    #[must_use]
    pub fn map_variable(mut self, variable: impl Into<String>, column: impl Into<String>) -> Self {
        self.variables_map.insert(variable.into(), column.into());
        self
    }

    /// Sets the call settings.
    #[must_use]
    pub fn call_config(mut self, call_config: CallConfig) -> Self {
        self.call_config = call_config;
        self
    }

    /// Forces the standard or the large flow.
    #[must_use]
    pub fn flow(mut self, flow: CampaignFlow) -> Self {
        self.flow = Some(flow);
        self
    }

    /// Sets the polling of the large upload.
    #[must_use]
    pub fn upload_poll(mut self, poll: PollOptions) -> Self {
        self.upload_poll = poll;
        self
    }
}

/// A step of [`Campaigns::launch`].
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
}

impl fmt::Display for LaunchStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::ReadAssistant => "reading the assistant",
            Self::Preflight => "the CSV pre-flight",
            Self::Save => "the upload (POST /campaign/save)",
            Self::Start => "the start",
            Self::UploadCsv => "the large upload (POST /campaign/upload-csv)",
            Self::WaitForUpload => "waiting for the upload to be processed",
            Self::CheckBalance => "the balance check",
            Self::StartLarge => "the start (POST /campaign/make-call-async)",
        })
    }
}

/// Why [`Campaigns::launch`] stopped.
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
    fn refused(reason: impl Into<String>) -> Self {
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
                                "; the contact list {id} exists and the campaign may have started: check campaigns().list before starting it again, and do not upload the CSV again"
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

/// The responses of the steps [`Campaigns::launch`] ran.
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
    /// The contact list / campaign id (`list_id` = `bulk_list_id` = `campaign_id`).
    pub list_id: ListId,
    /// The flow used.
    pub flow: CampaignFlow,
    /// The pre-flight report.
    pub report: PreflightReport,
    /// The step responses.
    pub responses: LaunchResponses,
}

impl Campaigns<'_> {
    /// Launches a campaign: checks the CSV, uploads it, and starts the campaign.
    ///
    /// 1. Checks the request (names, times, caller) and the CSV ([`preflight`](Self::preflight),
    ///    against the assistant's variables unless `check_assistant_variables` is off).
    ///    An unusable file is refused with the report; nothing is sent.
    /// 2. Standard flow (< 5,000 valid rows): `save`, then `start` (number pool) or
    ///    `start_v1` (caller numbers).
    /// 3. Large flow: `upload_large_csv`, [`wait_for_upload`](Self::wait_for_upload) (a failed
    ///    upload stops the launch), `check_balance` (an insufficient balance stops it, saying
    ///    how many credits are required and available), then `start_large`.
    ///
    /// Every step runs at most once: the upload and start requests are not idempotent and are
    /// never resent after an ambiguous failure. A failure after the upload names the
    /// `list_id` to continue from ([`LaunchError::list_id`]).
    pub async fn launch(&self, request: LaunchRequest) -> Result<LaunchOutcome, LaunchError> {
        validate_request(&request)?;

        let assistant_variables = if request.check_assistant_variables {
            Some(
                self.assistant_variables(&request.agent_id)
                    .await
                    .map_err(|error| LaunchError::Failed {
                        step: LaunchStep::ReadAssistant,
                        list_id: None,
                        error,
                    })?,
            )
        } else {
            None
        };
        let options = PreflightOptions {
            country_code: Some(request.country_code.clone()),
            variables_map: request.variables_map.clone(),
            assistant_variables,
            max_recorded_issues: request.max_recorded_issues,
        };
        let report = self
            .preflight(&request.csv, options)
            .await
            .map_err(|error| LaunchError::Failed {
                step: LaunchStep::Preflight,
                list_id: None,
                error,
            })?;
        if !report.is_usable() {
            let reason = report
                .fatal
                .first()
                .cloned()
                .unwrap_or_else(|| "the CSV has no valid row".to_string());
            return Err(LaunchError::Refused {
                reason,
                report: Some(Box::new(report)),
            });
        }
        let remove_invalid_rows = match request.remove_invalid_rows {
            Some(false) if report.invalid_rows > 0 => {
                return Err(LaunchError::Refused {
                    reason: format!(
                        "{} rows are invalid and remove_invalid_rows is false, so Ringg would reject the whole upload; fix the rows or allow skipping them",
                        report.invalid_rows
                    ),
                    report: Some(Box::new(report)),
                });
            }
            Some(v) => Some(v),
            None if report.invalid_rows > 0 => Some(true),
            None => None,
        };
        let flow = request.flow.unwrap_or(report.flow);
        if flow == CampaignFlow::Standard
            && matches!(request.caller, LargeCampaignCaller::FromNumbers(_))
            && (request.callback_url.is_some() || request.email_completion_user_ids.is_some())
        {
            return Err(LaunchError::Refused {
                reason: "a standard campaign started from caller numbers (POST /campaign/start) takes no callback_url or email_completion_user_ids; use a number pool, or drop them".to_string(),
                report: Some(Box::new(report)),
            });
        }

        match flow {
            CampaignFlow::Standard => {
                self.launch_standard(request, report, remove_invalid_rows)
                    .await
            }
            CampaignFlow::Large => {
                self.launch_large(request, report, remove_invalid_rows)
                    .await
            }
        }
    }

    async fn launch_standard(
        &self,
        request: LaunchRequest,
        report: PreflightReport,
        remove_invalid_rows: Option<bool>,
    ) -> Result<LaunchOutcome, LaunchError> {
        let mut form = SaveCampaignForm::new(
            request.agent_id.clone(),
            request.campaign_name.clone(),
            request.country_code.clone(),
            request.campaign_start_time,
            request.campaign_end_time,
        )
        .call_config(request.call_config.clone());
        form.variables_map = request.variables_map.clone();
        form.remove_invalid_rows = remove_invalid_rows;
        form.transliterate_callee_name = request.transliterate_callee_name;

        let saved = self
            .save(&form, request.csv.clone())
            .await
            .map_err(|error| LaunchError::Failed {
                step: LaunchStep::Save,
                list_id: None,
                error,
            })?;
        let list_id = saved.list_id.clone().ok_or_else(|| LaunchError::Failed {
            step: LaunchStep::Save,
            list_id: None,
            error: Error::invalid_input(
                "Ringg accepted the upload but returned no list_id; find the campaign with campaigns().list before uploading again",
            )
            .into_outcome_unknown()
            .with_operation(ops::SAVE_CAMPAIGN.id),
        })?;
        let failed = |error: Error| LaunchError::Failed {
            step: LaunchStep::Start,
            list_id: Some(list_id.clone()),
            error,
        };
        let (started, used_v1_start) = match &request.caller {
            LargeCampaignCaller::NumberPool(pool) => {
                let mut start = StartCampaignV2Request::new(
                    request.agent_id.clone(),
                    list_id.clone(),
                    pool.clone(),
                );
                start.callback_url = request.callback_url.clone();
                start.email_completion_user_ids = request.email_completion_user_ids.clone();
                (self.start(&start).await.map_err(failed)?, false)
            }
            LargeCampaignCaller::FromNumbers(numbers) => {
                let start = StartCampaignRequest {
                    agent_id: request.agent_id.clone(),
                    list_id: list_id.clone(),
                    from_numbers: numbers.clone(),
                    extra: Extra::new(),
                };
                (self.start_v1(&start).await.map_err(failed)?, true)
            }
            _ => {
                return Err(failed(Error::invalid_input(
                    "unsupported caller; use a number pool or caller numbers",
                )));
            }
        };
        Ok(LaunchOutcome {
            list_id,
            flow: CampaignFlow::Standard,
            report,
            responses: LaunchResponses::Standard {
                saved,
                started,
                used_v1_start,
            },
        })
    }

    async fn launch_large(
        &self,
        request: LaunchRequest,
        report: PreflightReport,
        remove_invalid_rows: Option<bool>,
    ) -> Result<LaunchOutcome, LaunchError> {
        let mut form = UploadCsvForm::new(
            request.agent_id.clone(),
            request.campaign_name.clone(),
            request.country_code.clone(),
        );
        form.variables_map = request.variables_map.clone();
        form.campaign_start_time = Some(request.campaign_start_time);
        form.campaign_end_time = Some(request.campaign_end_time);
        // call_config is optional on the large flow: omit it when nothing is set.
        let call_config =
            (request.call_config != CallConfig::default()).then(|| request.call_config.clone());
        form.call_config = call_config.clone();
        form.remove_invalid_rows = remove_invalid_rows;
        form.transliterate_callee_name = request.transliterate_callee_name;

        let uploaded = self
            .upload_large_csv(&form, request.csv.clone())
            .await
            .map_err(|error| LaunchError::Failed {
                step: LaunchStep::UploadCsv,
                list_id: None,
                error,
            })?;
        let list_id = uploaded.bulk_list_id.clone().ok_or_else(|| LaunchError::Failed {
            step: LaunchStep::UploadCsv,
            list_id: None,
            error: Error::invalid_input(
                "Ringg accepted the large upload but returned no bulk_list_id; find the campaign with campaigns().list before uploading again",
            )
            .into_outcome_unknown()
            .with_operation(ops::UPLOAD_LARGE_CAMPAIGN_CSV.id),
        })?;
        let failed = |step: LaunchStep| {
            let list_id = list_id.clone();
            move |error: Error| LaunchError::Failed {
                step,
                list_id: Some(list_id),
                error,
            }
        };

        let status = self
            .wait_for_upload(&list_id, request.upload_poll)
            .await
            .map_err(failed(LaunchStep::WaitForUpload))?;
        let balance = self
            .check_balance(&list_id)
            .await
            .map_err(failed(LaunchStep::CheckBalance))?;
        if balance.is_sufficient() == Some(false) {
            let amount = |c: Option<&ringg_types::common::Credits>| {
                c.map(|c| c.to_string()).unwrap_or_else(|| "?".into())
            };
            return Err(failed(LaunchStep::CheckBalance)(
                Error::invalid_input(format!(
                    "not enough credits for campaign {list_id}: it requires {} credits and {} are available; top up the workspace, then start it with campaigns().start_large",
                    amount(balance.required_credits.as_ref()),
                    amount(balance.available_credits.as_ref()),
                ))
                .with_operation(ops::CHECK_LARGE_CAMPAIGN_BALANCE.id),
            ));
        }

        let mut start = MakeCallAsyncRequest::new(
            list_id.clone(),
            request.agent_id.clone(),
            request.caller.clone(),
        );
        start.country_code = Some(request.country_code.clone());
        start.campaign_start_time = Some(request.campaign_start_time);
        start.campaign_end_time = Some(request.campaign_end_time);
        start.call_config = call_config;
        start.concurrency_percentage = request.concurrency_percentage;
        start.callback_url = request.callback_url.clone();
        start.email_completion_user_ids = request.email_completion_user_ids.clone();
        let scheduled = self
            .start_large(&start)
            .await
            .map_err(failed(LaunchStep::StartLarge))?;
        Ok(LaunchOutcome {
            list_id,
            flow: CampaignFlow::Large,
            report,
            responses: LaunchResponses::Large(Box::new(LargeLaunchResponses {
                uploaded,
                status,
                balance,
                scheduled,
            })),
        })
    }
}

/// The checks that need no network: everything a start would refuse later, refused now.
fn validate_request(r: &LaunchRequest) -> Result<(), LaunchError> {
    if r.campaign_name.trim().is_empty() {
        return Err(LaunchError::refused(
            "campaign_name is empty; name the campaign",
        ));
    }
    if r.agent_id.as_str().trim().is_empty() {
        return Err(LaunchError::refused("agent_id is empty"));
    }
    if r.country_code.trim().is_empty() {
        return Err(LaunchError::refused(
            "country_code is empty; give the dialing prefix of the contacts, e.g. +91",
        ));
    }
    if r.campaign_end_time <= r.campaign_start_time {
        return Err(LaunchError::refused(format!(
            "campaign_end_time ({}) is not after campaign_start_time ({})",
            r.campaign_end_time, r.campaign_start_time
        )));
    }
    if let Some(p) = r.concurrency_percentage
        && p > 100
    {
        return Err(LaunchError::refused(format!(
            "concurrency_percentage is {p}; give 0 to 100"
        )));
    }
    match &r.caller {
        LargeCampaignCaller::FromNumbers(numbers) => {
            if numbers.is_empty() || numbers.iter().any(|n| n.trim().is_empty()) {
                return Err(LaunchError::refused(
                    "the caller list is empty or has an empty entry; give caller numbers (E.164) or number ids, or a number pool",
                ));
            }
        }
        LargeCampaignCaller::NumberPool(pool) => {
            if pool.as_str().trim().is_empty() {
                return Err(LaunchError::refused("number_pool_id is empty"));
            }
        }
        _ => {
            return Err(LaunchError::refused(
                "unsupported caller; use a number pool or caller numbers",
            ));
        }
    }
    Ok(())
}
