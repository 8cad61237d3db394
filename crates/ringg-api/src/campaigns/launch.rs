//! [`Campaigns::launch`]: pre-flight, upload and start in one call.

use ringg_types::campaigns::{
    LargeCampaignCaller, MakeCallAsyncRequest, StartCampaignRequest, StartCampaignV2Request,
};
use ringg_types::common::Extra;
use ringg_types::ids::ListId;
use ringg_types::operations as ops;

use crate::campaigns::endpoints::Campaigns;
use crate::campaigns::outcome::{
    LargeLaunchResponses, LaunchError, LaunchOutcome, LaunchResponses, LaunchStep, ResumedLaunch,
    StartResponse, Uploaded,
};
use crate::campaigns::preflight::{
    CampaignFlow, MOBILE_NUMBER_COLUMN, PreflightOptions, PreflightReport, preflight_for_upload,
};
use crate::campaigns::recovery::{Progress, Recovered};
use crate::campaigns::request::LaunchRequest;
use crate::campaigns::sending::{FILE_LIMIT, Prepared, Sending, Upload};
use crate::journal::PlannedStart;

/// The report, when the CSV still has the digest it was expected to have
/// ([`CsvUpload::expecting_digest`](crate::campaigns::CsvUpload::expecting_digest)), read
/// after the launch's own check: else the launch is refused, nothing sent. A file that fits
/// in one upload is read into memory for it, and those bytes are what the launch uploads.
async fn still_as_checked(
    request: &mut LaunchRequest,
    report: PreflightReport,
) -> Result<PreflightReport, LaunchError> {
    let Some(expected) = request.csv.expected_digest().map(str::to_owned) else {
        return Ok(report);
    };
    let name = request.csv.file_name().to_owned();
    let digest = match request
        .csv
        .pinned(crate::campaigns::UPLOAD_LIMIT_BYTES)
        .await
    {
        Ok((pinned, digest)) => {
            if let Some(pinned) = pinned.filter(|_| digest == expected) {
                request.csv = pinned;
            }
            digest
        }
        Err(e) => {
            return Err(LaunchError::Failed {
                step: LaunchStep::Preflight,
                list_id: None,
                error: crate::Error::io(format!("cannot read {name} again"), e),
            });
        }
    };
    if digest == expected {
        return Ok(report);
    }
    Err(LaunchError::Refused {
        reason: format!(
            "{name} changed after it was checked (its SHA-256 is now {digest}, the checked one was {expected}), so it is not launched in the checked one's place; nothing was uploaded: check the file again and launch it again"
        ),
        report: Some(Box::new(report)),
    })
}

impl Campaigns<'_> {
    /// Launches a campaign: checks the CSV, uploads it, and starts the campaign.
    ///
    /// 1. Checks the request (names, times, caller) and the CSV ([`preflight`](Self::preflight),
    ///    against the assistant's variables unless `check_assistant_variables` is off).
    ///    An unusable file is refused with the report; nothing is sent. So is a file whose
    ///    digest is no longer the one the request expects
    ///    ([`CsvUpload::expecting_digest`](crate::campaigns::CsvUpload::expecting_digest)).
    /// 2. Uploads what it checked: the rows the check found valid, each number written as the
    ///    report reads it (`+919876543210`), every other field as it is, under the file's
    ///    name. A row the check refused is not sent, so it is not dialled whatever Ringg's own
    ///    reading of it. When those rows would not fit in one upload, the valid rows go as
    ///    the file holds them;
    ///    [`LaunchRequest::upload_as_written`] sends the file as it is, and
    ///    [`LaunchOutcome::uploaded`] says which was sent.
    ///    Standard flow (< 5,000 valid rows): `save`, then `start` (number pool) or
    ///    `start_v1` (caller numbers).
    /// 3. Large flow: `upload_large_csv`, [`wait_for_upload`](Self::wait_for_upload) (a failed
    ///    upload stops the launch), `check_balance` (an insufficient balance stops it, saying
    ///    how many credits are required and available), then `start_large`.
    ///
    /// Every step runs at most once: the upload and start requests are not idempotent and are
    /// never resent after an ambiguous failure. A failure after the upload names the
    /// `list_id` to continue from ([`LaunchError::list_id`]).
    ///
    /// With a [journal](crate::journal), the same launch run again resumes where the earlier
    /// run stopped. It fails with [`ErrorKind::TooEarly`](crate::ErrorKind::TooEarly),
    /// sending nothing, while an earlier run's upload or start may still be carried out (see
    /// [`ClientBuilder::settle_after`](crate::ClientBuilder::settle_after)), when another
    /// run of the same launch wrote its record since this run read it, or, before a fresh
    /// upload, while the journal holds another launch of the same name (another file or
    /// assistant) whose upload was sent and whose list is not known yet: should both upload
    /// answers be lost, neither run could tell which list of that name is its own. That
    /// refusal records this launch as stopped, so it holds up no other launch.
    pub async fn launch(&self, mut request: LaunchRequest) -> Result<LaunchOutcome, LaunchError> {
        validate_request(&request)?;

        let assistant_variables = if request.check_assistant_variables {
            Some(
                self.assistant_variables(&request.campaign.agent_id)
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
            country_code: Some(request.campaign.country_code.clone()),
            variables_map: request.campaign.variables_map.clone(),
            assistant_variables,
            max_recorded_issues: request.max_recorded_issues,
        };
        let (report, prepared) =
            self.check_for_upload(&request, options)
                .await
                .map_err(|error| LaunchError::Failed {
                    step: LaunchStep::Preflight,
                    list_id: None,
                    error,
                })?;
        if let Some(reason) = refusal(&request, &report) {
            return Err(LaunchError::Refused {
                reason,
                report: Some(Box::new(report)),
            });
        }
        let report = still_as_checked(&mut request, report).await?;
        let remove_invalid_rows = match request.campaign.remove_invalid_rows {
            None if report.invalid_rows > 0 => Some(true),
            given => given,
        };
        let report = prepared.fits(&request.csv, report)?;
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
        let planned = planned_start(&request, flow).map_err(LaunchError::refused)?;
        let (mut progress, recovered) = self
            .open_progress(&request, planned.clone())
            .await
            .map_err(|error| LaunchError::Failed {
                step: LaunchStep::Recover,
                list_id: None,
                error,
            })?;
        let resumed =
            |list_id: ListId, resumed: ResumedLaunch, report: PreflightReport| LaunchOutcome {
                list_id,
                flow,
                report,
                responses: LaunchResponses::Resumed(Box::new(resumed)),
                uploaded: Uploaded::Nothing,
            };
        match recovered {
            Recovered::Nothing => {}
            Recovered::Started {
                list_id,
                found,
                status,
            } => {
                let steps = ResumedLaunch {
                    found: Some(found),
                    status,
                    ..ResumedLaunch::default()
                };
                return Ok(resumed(list_id, steps, report));
            }
            Recovered::List {
                list_id,
                found,
                status,
            } => {
                let mut steps = self
                    .start_list(&mut progress, &list_id, &planned, request.upload_poll)
                    .await?;
                steps.found = Some(found);
                steps.status = status;
                return Ok(resumed(list_id, steps, report));
            }
        }
        let upload = Upload {
            prepared,
            remove_invalid_rows,
        };
        self.launch_fresh(request, report, upload, planned, progress, flow)
            .await
    }

    /// The pre-flight, and the copy to upload unless the file is to go as written (see
    /// [`LaunchRequest::upload_as_written`]).
    async fn check_for_upload(
        &self,
        request: &LaunchRequest,
        options: PreflightOptions,
    ) -> Result<(PreflightReport, Prepared), crate::Error> {
        let as_written = if request.upload_as_written {
            Some(Uploaded::AsWrittenAsked)
        } else {
            let mapped = options.variables_map.get("mobile_number");
            mapped
                .filter(|column| *column != MOBILE_NUMBER_COLUMN)
                .map(|column| Uploaded::AsWrittenNumbersElsewhere {
                    column: column.clone(),
                })
        };
        if let Some(uploaded) = as_written {
            let report = self.preflight(&request.csv, options).await?;
            return Ok((report, Prepared::AsWritten(uploaded)));
        }
        let source = request.csv.to_preflight_source();
        let again = Box::new(options.clone());
        let (report, copy) = preflight_for_upload(source, options, FILE_LIMIT).await?;
        Ok((report, Prepared::Copy(copy, again)))
    }

    /// A launch nothing of which was sent yet: the upload, then the start.
    async fn launch_fresh(
        &self,
        request: LaunchRequest,
        report: PreflightReport,
        upload: Upload,
        planned: PlannedStart,
        progress: Progress,
        flow: CampaignFlow,
    ) -> Result<LaunchOutcome, LaunchError> {
        // Only a fresh upload needs a future start (a resumed launch sends what it recorded).
        started_in_time(&request).map_err(LaunchError::refused)?;
        let (upload, report) = upload.ready(&request.csv, report).await?;
        match flow {
            CampaignFlow::Standard => {
                self.launch_standard(request, report, upload, planned, progress)
                    .await
            }
            CampaignFlow::Large => {
                self.launch_large(request, report, upload, planned, progress)
                    .await
            }
        }
    }

    async fn launch_standard(
        &self,
        request: LaunchRequest,
        report: PreflightReport,
        upload: Sending,
        planned: PlannedStart,
        mut progress: Progress,
    ) -> Result<LaunchOutcome, LaunchError> {
        let mut form = request.campaign.clone();
        form.remove_invalid_rows = upload.remove_invalid_rows;
        let (saved, list_id) = progress
            .upload(
                LaunchStep::Save,
                self.save(&form, upload.csv),
                |saved| saved.list_id.clone(),
                "list_id",
                ops::SAVE_CAMPAIGN.id,
            )
            .await?;
        let steps = self
            .start_list(&mut progress, &list_id, &planned, request.upload_poll)
            .await?;
        let Some(StartResponse::Standard(started)) = steps.started else {
            return Err(LaunchError::refused(
                "the planned start is not a standard start",
            ));
        };
        Ok(LaunchOutcome {
            list_id,
            flow: CampaignFlow::Standard,
            report,
            responses: LaunchResponses::Standard {
                saved,
                started,
                used_v1_start: matches!(planned, PlannedStart::StartV1(_)),
            },
            uploaded: upload.uploaded,
        })
    }

    async fn launch_large(
        &self,
        request: LaunchRequest,
        report: PreflightReport,
        upload: Sending,
        planned: PlannedStart,
        mut progress: Progress,
    ) -> Result<LaunchOutcome, LaunchError> {
        let mut form = request.campaign.clone().into_large_upload();
        form.remove_invalid_rows = upload.remove_invalid_rows;
        let (uploaded, list_id) = progress
            .upload(
                LaunchStep::UploadCsv,
                self.upload_large_csv(&form, upload.csv),
                |uploaded| uploaded.bulk_list_id.clone(),
                "bulk_list_id",
                ops::UPLOAD_LARGE_CAMPAIGN_CSV.id,
            )
            .await?;
        let steps = self
            .start_list(&mut progress, &list_id, &planned, request.upload_poll)
            .await?;
        let (Some(status), Some(balance), Some(StartResponse::Large(scheduled))) =
            (steps.upload_status, steps.balance, steps.started)
        else {
            return Err(LaunchError::refused(
                "the planned start is not a large start",
            ));
        };
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
            uploaded: upload.uploaded,
        })
    }
}

/// Why the checked file is not to be launched: nothing to call, rows Ringg would refuse the
/// whole upload for (`remove_invalid_rows` false), or a number on several rows, which would be
/// called once per row (unless allowed).
fn refusal(request: &LaunchRequest, report: &PreflightReport) -> Option<String> {
    if !report.is_usable() {
        let reason = report.fatal.first().cloned();
        return Some(reason.unwrap_or_else(|| "the CSV has no valid row".to_string()));
    }
    if request.campaign.remove_invalid_rows == Some(false) && report.invalid_rows > 0 {
        return Some(format!(
            "{} rows are invalid and remove_invalid_rows is false, so Ringg would reject the whole upload; fix the rows or allow skipping them",
            report.invalid_rows
        ));
    }
    if report.duplicate_numbers > 0 && !request.allow_duplicate_numbers {
        return Some(format!(
            "{} row(s) repeat a number that appears earlier in the file (the first on line {}), and every row is called: those people would be called more than once by this campaign; remove the repeated rows, or allow them (LaunchRequest::allow_duplicate_numbers)",
            report.duplicate_numbers,
            report.first_duplicate_line.unwrap_or_default()
        ));
    }
    None
}

/// The start request the launch will send once its list exists (list id left empty).
fn planned_start(r: &LaunchRequest, flow: CampaignFlow) -> Result<PlannedStart, String> {
    let agent = r.campaign.agent_id.clone();
    let unset = ListId::new("");
    match (flow, &r.caller) {
        (CampaignFlow::Large, caller) => {
            let form = r.campaign.clone().into_large_upload();
            let mut start = MakeCallAsyncRequest::new(unset, agent, caller.clone());
            start.country_code = Some(r.campaign.country_code.clone());
            start.campaign_start_time = form.campaign_start_time;
            start.campaign_end_time = form.campaign_end_time;
            start.call_config = form.call_config;
            start.concurrency_percentage = r.concurrency_percentage;
            start.callback_url = r.callback_url.clone();
            start.email_completion_user_ids = r.email_completion_user_ids.clone();
            Ok(PlannedStart::StartLarge(Box::new(start)))
        }
        (_, LargeCampaignCaller::NumberPool(pool)) => {
            let mut start = StartCampaignV2Request::new(agent, unset, pool.clone());
            start.callback_url = r.callback_url.clone();
            start.email_completion_user_ids = r.email_completion_user_ids.clone();
            Ok(PlannedStart::Start(start))
        }
        (_, LargeCampaignCaller::FromNumbers(numbers)) => {
            Ok(PlannedStart::StartV1(StartCampaignRequest {
                agent_id: agent,
                list_id: unset,
                from_numbers: numbers.clone(),
                extra: Extra::new(),
            }))
        }
        _ => Err("unsupported caller; use a number pool or caller numbers".to_string()),
    }
}

/// The checks that need no network: everything a start would refuse later, refused now.
/// Refuses a start that is in the past in every time zone (its wall-clock time, read at the
/// latest offset there is, UTC−12, plus the minute Ringg still takes), which Ringg would
/// refuse after the upload. A start within a day of now is left to Ringg, which knows the
/// campaign's zone.
fn started_in_time(r: &LaunchRequest) -> Result<(), String> {
    let start = r.campaign.campaign_start_time.local();
    // Near the end of the calendar there is no later time: not in the past either.
    let latest = start.checked_add_signed(chrono::Duration::minutes(12 * 60 + 1));
    if latest.is_some_and(|latest| latest.and_utc() < chrono::Utc::now()) {
        return Err(format!(
            "campaign_start_time ({}) is in the past in every time zone; give a future time",
            r.campaign.campaign_start_time
        ));
    }
    Ok(())
}

fn validate_request(r: &LaunchRequest) -> Result<(), LaunchError> {
    if r.campaign.campaign_name.trim().is_empty() {
        return Err(LaunchError::refused(
            "campaign_name is empty; name the campaign",
        ));
    }
    if r.campaign.agent_id.as_str().trim().is_empty() {
        return Err(LaunchError::refused("agent_id is empty"));
    }
    if r.campaign.country_code.trim().is_empty() {
        return Err(LaunchError::refused(
            "country_code is empty; give the dialing prefix of the contacts, e.g. +91",
        ));
    }
    if r.campaign.campaign_end_time <= r.campaign.campaign_start_time {
        return Err(LaunchError::refused(format!(
            "campaign_end_time ({}) is not after campaign_start_time ({})",
            r.campaign.campaign_end_time, r.campaign.campaign_start_time
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
