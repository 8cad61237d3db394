//! [`Campaigns`]: the campaign endpoints, one method each.

use std::time::Duration;

use futures::Stream;
use ringg_types::campaigns::{
    Campaign, CampaignListResponse, CheckBalanceResponse, LargeCampaignCaller, ListCampaignsQuery,
    MakeCallAsyncRequest, MakeCallAsyncResponse, SaveCampaignForm, SaveCampaignResponse,
    StartCampaignRequest, StartCampaignResponse, StartCampaignV2Request, UploadCsvForm,
    UploadCsvResponse, UploadStatusResponse,
};
use ringg_types::ids::{AgentId, ListId};
use ringg_types::operations::{self as ops, Operation};

use crate::campaigns::preflight::{self, PreflightOptions, PreflightReport};
use crate::campaigns::upload::CsvUpload;
use crate::client::Client;
use crate::error::Error;
use crate::lists::query_stream;
use crate::pagination::MAX_PAGE_SIZE;

/// Polling settings for [`Campaigns::wait_for_upload`] (and the large flow of
/// [`Campaigns::launch`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PollOptions {
    /// First delay between polls (default 2 s).
    pub initial_interval: Duration,
    /// Longest delay between polls (default 15 s).
    pub max_interval: Duration,
    /// Growth of the delay per poll (default 1.5).
    pub multiplier: f64,
    /// Give up after this long (default 30 min).
    pub timeout: Duration,
}

impl Default for PollOptions {
    fn default() -> Self {
        Self {
            initial_interval: Duration::from_secs(2),
            max_interval: Duration::from_secs(15),
            multiplier: 1.5,
            timeout: Duration::from_secs(30 * 60),
        }
    }
}

/// `client.campaigns()`.
#[derive(Debug, Clone)]
pub struct Campaigns<'a> {
    client: &'a Client,
}

impl Client {
    /// Campaign endpoints and the launch helper.
    pub fn campaigns(&self) -> Campaigns<'_> {
        Campaigns { client: self }
    }
}

impl Campaigns<'_> {
    /// The client these endpoints go through.
    pub(crate) fn client(&self) -> &Client {
        self.client
    }

    /// `POST /campaign/save` (multipart): uploads the contact CSV and creates the campaign;
    /// the response carries the `list_id` to start it with.
    ///
    /// `variables_map` and `call_config` are sent as JSON strings, booleans as
    /// `"true"`/`"false"`, the CSV as the `file` part (a file is streamed, never read whole).
    /// Not retried after an ambiguous failure (it would create a second campaign): check
    /// [`list`](Self::list) before trying again.
    pub async fn save(
        &self,
        form: &SaveCampaignForm,
        csv: CsvUpload,
    ) -> Result<SaveCampaignResponse, Error> {
        let op = &ops::SAVE_CAMPAIGN;
        if form.campaign_name.trim().is_empty() {
            return Err(empty_name(op));
        }
        check_times(op, form.campaign_start_time, form.campaign_end_time)?;
        self.client
            .send_multipart(
                op,
                form.text_fields(),
                [csv.to_part(SaveCampaignForm::FILE_FIELD)],
            )
            .await
    }

    /// `POST /campaign/start` (deprecated by Ringg in favour of [`start`](Self::start)):
    /// starts a saved campaign from caller numbers (E.164 or number IDs).
    ///
    /// Refuses before sending an empty `from_numbers` and a `number_pool_id` (v1 knows no
    /// pools: use [`start`](Self::start)). Never resent after an ambiguous failure.
    pub async fn start_v1(
        &self,
        request: &StartCampaignRequest,
    ) -> Result<StartCampaignResponse, Error> {
        let op = &ops::START_CAMPAIGN;
        if request.extra.contains_key("number_pool_id") {
            return Err(
                Error::invalid_input("the v1 start endpoint knows no number pools")
                    .with_hint("use the v2 start (Campaigns::start) with a number_pool_id")
                    .with_operation(op.id),
            );
        }
        check_from_numbers(op, &request.from_numbers)?;
        self.client.body_op(op, &[], request).await
    }

    /// `POST /campaign/v2/start`: starts a saved campaign with a number pool. Never resent
    /// after an ambiguous failure: check [`list`](Self::list) before trying again.
    pub async fn start(
        &self,
        request: &StartCampaignV2Request,
    ) -> Result<StartCampaignResponse, Error> {
        let op = &ops::START_CAMPAIGN_V2;
        if request.number_pool_id.as_str().trim().is_empty() {
            return Err(empty_pool(op));
        }
        if request.extra.contains_key("from_numbers") {
            return Err(Error::invalid_input(
                "the v2 start endpoint takes a number_pool_id, not from_numbers",
            )
            .with_hint("use the v1 start (Campaigns::start_v1) for caller numbers")
            .with_operation(op.id));
        }
        self.client.body_op(op, &[], request).await
    }

    /// `GET /campaign/all`: one page. `limit` (default 10) and `offset` (default 0) are always
    /// sent.
    pub async fn list(&self, query: &ListCampaignsQuery) -> Result<CampaignListResponse, Error> {
        let op = &ops::LIST_CAMPAIGNS;
        let mut q = query.clone();
        q.limit = Some(q.limit.unwrap_or(10).clamp(1, MAX_PAGE_SIZE));
        q.offset = Some(q.offset.unwrap_or(0));
        self.client.query_op(op, &[], &q).await
    }

    /// Every campaign matching `query`, fetched lazily page by page (`limit` = page size,
    /// default 100). Stops at `pagination.total`, or on a short page.
    pub fn stream(
        &self,
        query: ListCampaignsQuery,
    ) -> impl Stream<Item = Result<Campaign, Error>> + Send + 'static {
        query_stream(self.client, query, |client, q| async move {
            client.campaigns().list(&q).await
        })
    }

    /// `POST /campaign/upload-csv` (multipart, beta; 5,000+ rows, the workspace must be
    /// enabled): uploads a large CSV. Processing is asynchronous: poll
    /// [`upload_status`](Self::upload_status) with the returned `bulk_list_id`.
    pub async fn upload_large_csv(
        &self,
        form: &UploadCsvForm,
        csv: CsvUpload,
    ) -> Result<UploadCsvResponse, Error> {
        let op = &ops::UPLOAD_LARGE_CAMPAIGN_CSV;
        if form.campaign_name.trim().is_empty() {
            return Err(empty_name(op));
        }
        if let (Some(start), Some(end)) = (form.campaign_start_time, form.campaign_end_time) {
            check_times(op, start, end)?;
        }
        self.client
            .send_multipart(
                op,
                form.text_fields(),
                [csv.to_part(UploadCsvForm::FILE_FIELD)],
            )
            .await
    }

    /// `GET /campaign/upload-status/{bulk_list_id}` (beta): processing state of a large upload.
    pub async fn upload_status(
        &self,
        bulk_list_id: &ListId,
    ) -> Result<UploadStatusResponse, Error> {
        self.client
            .get_op(
                &ops::GET_LARGE_UPLOAD_STATUS,
                &[("bulk_list_id", bulk_list_id.as_str())],
            )
            .await
    }

    /// Polls [`upload_status`](Self::upload_status) with growing delays until processing has
    /// finished (`completed`, `ready` or `draft`). A `failed` upload is an error naming the
    /// invalid-rows report; running out of time is an [`ErrorKind::Timeout`](crate::ErrorKind::Timeout).
    pub async fn wait_for_upload(
        &self,
        bulk_list_id: &ListId,
        options: PollOptions,
    ) -> Result<UploadStatusResponse, Error> {
        let op = &ops::GET_LARGE_UPLOAD_STATUS;
        let mut schedule = crate::poll::Schedule::new(
            options.initial_interval,
            options.max_interval,
            options.multiplier,
            options.timeout,
        );
        loop {
            let status = self.upload_status(bulk_list_id).await?;
            if status.is_finished() {
                return Ok(status);
            }
            if status.is_failed() {
                let mut msg = format!("the upload {bulk_list_id} failed processing");
                if let Some(n) = status.invalidated_rows_count.or(status.failed_rows) {
                    msg.push_str(&format!(" ({n} invalid rows)"));
                }
                if let Some(url) = status
                    .invalidated_rows_csv_url
                    .as_deref()
                    .or(status.invalid_entries_file.as_deref())
                {
                    msg.push_str(&format!("; the rejected rows are listed at {url}"));
                }
                return Err(Error::invalid_input(msg)
                    .with_hint("fix the CSV and upload it again")
                    .with_operation(op.id));
            }
            if schedule.is_over() {
                return Err(Error::timeout(format!(
                    "the upload {bulk_list_id} is still {} after {:.0} s",
                    status
                        .status
                        .as_ref()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_else(|| "without status".into()),
                    options.timeout.as_secs_f64()
                ))
                .with_operation(op.id));
            }
            schedule.wait().await;
        }
    }

    /// `POST /campaign/check-balance/{bulk_list_id}` (beta): whether the workspace's credits
    /// cover the campaign (see [`CheckBalanceResponse::is_sufficient`]).
    pub async fn check_balance(
        &self,
        bulk_list_id: &ListId,
    ) -> Result<CheckBalanceResponse, Error> {
        self.client
            .get_op(
                &ops::CHECK_LARGE_CAMPAIGN_BALANCE,
                &[("bulk_list_id", bulk_list_id.as_str())],
            )
            .await
    }

    /// `POST /campaign/make-call-async` (beta): starts a large campaign.
    ///
    /// Exactly one of `from_numbers` / `number_pool_id` is checked before sending (Ringg
    /// answers 422 otherwise), as are an empty number list and a `concurrency_percentage`
    /// over 100. Call it once per `bulk_list_id`: it is never resent after an ambiguous
    /// failure.
    pub async fn start_large(
        &self,
        request: &MakeCallAsyncRequest,
    ) -> Result<MakeCallAsyncResponse, Error> {
        let op = &ops::START_LARGE_CAMPAIGN;
        check_large_caller(op, request)?;
        if let Some(p) = request.concurrency_percentage
            && p > 100
        {
            return Err(
                Error::invalid_input(format!("concurrency_percentage is {p}, over 100"))
                    .with_hint("give a share of the workspace's concurrency from 0 to 100")
                    .with_operation(op.id),
            );
        }
        if let (Some(start), Some(end)) = (request.campaign_start_time, request.campaign_end_time) {
            check_times(op, start, end)?;
        }
        self.client.body_op(op, &[], request).await
    }

    /// Checks a contact CSV before uploading it (see [`preflight()`](preflight::preflight)): `Mobile Number` column,
    /// E.164 numbers, the `variables_map` columns, and which flow applies.
    pub async fn preflight(
        &self,
        csv: &CsvUpload,
        options: PreflightOptions,
    ) -> Result<PreflightReport, Error> {
        preflight::preflight(csv.to_preflight_source(), options).await
    }

    /// [`preflight`](Self::preflight) against an assistant: reads its variable names
    /// (`GET /agent/{agent_id}`) into `options.assistant_variables`, so unmapped and unknown
    /// variables are reported.
    pub async fn preflight_for_assistant(
        &self,
        csv: &CsvUpload,
        agent_id: &AgentId,
        mut options: PreflightOptions,
    ) -> Result<PreflightReport, Error> {
        options.assistant_variables = Some(self.assistant_variables(agent_id).await?);
        self.preflight(csv, options).await
    }

    /// The assistant's call-variable names.
    pub(crate) async fn assistant_variables(
        &self,
        agent_id: &AgentId,
    ) -> Result<Vec<String>, Error> {
        let details = self.client.assistants().get(agent_id).await?;
        Ok(details
            .custom_variable_names()
            .into_iter()
            .map(str::to_string)
            .collect())
    }
}

/// The refusal of an empty `campaign_name`.
fn empty_name(op: &'static Operation) -> Error {
    Error::invalid_input("campaign_name is empty")
        .with_hint("name the campaign")
        .with_operation(op.id)
}

/// The refusal of an empty `number_pool_id`.
fn empty_pool(op: &'static Operation) -> Error {
    Error::invalid_input("number_pool_id is empty")
        .with_hint("copy the pool id from the dashboard")
        .with_operation(op.id)
}

fn check_times(
    op: &'static Operation,
    start: ringg_types::campaigns::CampaignTime,
    end: ringg_types::campaigns::CampaignTime,
) -> Result<(), Error> {
    if end <= start {
        return Err(Error::invalid_input(format!(
            "campaign_end_time ({end}) is not after campaign_start_time ({start})"
        ))
        .with_hint("give an end later than the start")
        .with_operation(op.id));
    }
    Ok(())
}

fn check_from_numbers(op: &'static Operation, numbers: &[String]) -> Result<(), Error> {
    if numbers.is_empty() {
        return Err(Error::invalid_input("from_numbers is empty")
            .with_hint("give at least one caller number (E.164) or number id from numbers().list")
            .with_operation(op.id));
    }
    if let Some(i) = numbers.iter().position(|n| n.trim().is_empty()) {
        return Err(
            Error::invalid_input(format!("from_numbers[{i}] is empty")).with_operation(op.id)
        );
    }
    Ok(())
}

/// Exactly one of `from_numbers` / `number_pool_id`, counting fields smuggled in `extra`.
fn check_large_caller(op: &'static Operation, request: &MakeCallAsyncRequest) -> Result<(), Error> {
    let both = || {
        Error::invalid_input(
            "make-call-async takes exactly one of from_numbers / number_pool_id, not both (Ringg answers 422)",
        )
        .with_operation(op.id)
    };
    match &request.caller {
        LargeCampaignCaller::FromNumbers(numbers) => {
            if request.extra.contains_key("number_pool_id") {
                return Err(both());
            }
            check_from_numbers(op, numbers)
        }
        LargeCampaignCaller::NumberPool(pool) => {
            if request.extra.contains_key("from_numbers") {
                return Err(both());
            }
            if pool.as_str().trim().is_empty() {
                return Err(empty_pool(op));
            }
            Ok(())
        }
        _ => Err(Error::invalid_input(
            "make-call-async takes exactly one of from_numbers / number_pool_id",
        )
        .with_operation(op.id)),
    }
}
