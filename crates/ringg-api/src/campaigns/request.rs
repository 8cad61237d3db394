//! [`LaunchRequest`] and its builder: what [`Campaigns::launch`](crate::campaigns::endpoints::Campaigns::launch)
//! needs.

use std::collections::BTreeMap;

use ringg_types::calls::CallConfig;
use ringg_types::campaigns::{CampaignSpec, CampaignTime, LargeCampaignCaller, SaveCampaignForm};
use ringg_types::ids::{AgentId, UserId};

use crate::campaigns::endpoints::PollOptions;
use crate::campaigns::preflight::CampaignFlow;
use crate::campaigns::upload::CsvUpload;
use crate::error::Error;

/// Everything [`Campaigns::launch`](crate::campaigns::endpoints::Campaigns::launch) needs.
///
/// Built with [`LaunchRequest::builder`]; `campaign.variables_map` starts as
/// `{"mobile_number": "Mobile Number"}`.
#[derive(Debug, Clone)]
pub struct LaunchRequest {
    /// The campaign as it is uploaded: assistant, name, `country_code` (for numbers without a
    /// `+` prefix), `variables_map`, start and end times (`DD/MM/YYYY, HH:MM` in the call-time
    /// zone; the start must be in the future), `call_config` and `transliterate_callee_name`.
    ///
    /// `remove_invalid_rows` unset: `true` when the pre-flight found invalid rows (so they
    /// are skipped instead of failing the upload). `Some(false)` with invalid rows refuses
    /// the launch.
    pub campaign: CampaignSpec,
    /// The contact CSV (needs a `Mobile Number` column).
    pub csv: CsvUpload,
    /// The caller numbers: a number pool (standard flow: `POST /campaign/v2/start`) or a list
    /// of numbers (standard flow: the older `POST /campaign/start`). The large flow takes
    /// either.
    pub caller: LargeCampaignCaller,
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
    /// Uploads the file as it is written (default false).
    ///
    /// By default the launch uploads what it checked: the rows the pre-flight found valid,
    /// each number written as the pre-flight read it (E.164, `+919876543210`), every other
    /// field as it is. So a row the check refused is not sent (and not dialled, whatever
    /// Ringg's own reading of it), and a number written with separators or without its `+`
    /// is dialled as the report says. With `true` the file is sent byte for byte and Ringg
    /// reads every number its own way ([`LaunchOutcome::imported_rows`] then says how many
    /// rows it took).
    ///
    /// The file also goes as written when `variables_map` maps `mobile_number` to another
    /// column than `Mobile Number` (which of the two Ringg dials is not documented). When the
    /// checked rows, their numbers longer by a `+` and a country code, would not fit in one
    /// upload, the valid rows go byte for byte as the file holds them.
    /// [`LaunchOutcome::uploaded`] says which was sent.
    ///
    /// [`LaunchOutcome::imported_rows`]: crate::campaigns::LaunchOutcome::imported_rows
    /// [`LaunchOutcome::uploaded`]: crate::campaigns::LaunchOutcome::uploaded
    pub upload_as_written: bool,
    /// Launches a file in which a number appears on several rows (default false: refused).
    ///
    /// Ringg calls every row, so such a person would be called once per row. Two rows are one
    /// number however each is written (`+91 98765 43210` and `+919876543210`); the pre-flight
    /// counts them ([`PreflightReport::duplicate_numbers`]).
    ///
    /// [`PreflightReport::duplicate_numbers`]: crate::campaigns::PreflightReport::duplicate_numbers
    pub allow_duplicate_numbers: bool,
}

impl LaunchRequest {
    /// Starts a launch request for assistant `agent_id` calling the contacts in `csv`; name
    /// it, give the country code, the calling window and the caller numbers, then
    /// [`build`](LaunchRequestBuilder::build) it.
    ///
    /// ```
    /// use ringg_api::campaigns::{CsvUpload, LaunchRequest};
    /// use ringg_api::types::campaigns::{CampaignTime, LargeCampaignCaller};
    /// use ringg_api::types::{AgentId, NumberPoolId};
    ///
    /// let request = LaunchRequest::builder(AgentId::new("a"), CsvUpload::path("contacts.csv"))
    ///     .name("Renewal reminders")
    ///     .country_code("+91")
    ///     .starts_at("18/10/2026, 09:00".parse::<CampaignTime>().unwrap())
    ///     .ends_at("18/10/2026, 18:00".parse::<CampaignTime>().unwrap())
    ///     .caller(LargeCampaignCaller::NumberPool(NumberPoolId::new("p")))
    ///     .map_variable("callee_name", "Name")
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(request.campaign.campaign_name, "Renewal reminders");
    /// ```
    pub fn builder(agent_id: AgentId, csv: CsvUpload) -> LaunchRequestBuilder {
        LaunchRequestBuilder {
            agent_id,
            csv,
            name: None,
            country_code: None,
            starts_at: None,
            ends_at: None,
            caller: None,
            variables_map: None,
            extra_variables: Vec::new(),
            call_config: CallConfig::default(),
            remove_invalid_rows: None,
            transliterate_callee_name: None,
        }
    }

    /// Maps assistant variable `variable` to CSV column `column`.
    #[must_use]
    pub fn map_variable(mut self, variable: impl Into<String>, column: impl Into<String>) -> Self {
        self.campaign = self.campaign.map_variable(variable, column);
        self
    }

    /// Sets the call settings.
    #[must_use]
    pub fn call_config(mut self, call_config: CallConfig) -> Self {
        self.campaign.call_config = call_config;
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

    /// Uploads the file as it is written instead of the rows the check found valid: see
    /// [`upload_as_written`](Self::upload_as_written).
    #[must_use]
    pub fn upload_as_written(mut self, as_written: bool) -> Self {
        self.upload_as_written = as_written;
        self
    }

    /// Launches a file in which a number appears on several rows: see
    /// [`allow_duplicate_numbers`](Self::allow_duplicate_numbers).
    #[must_use]
    pub fn allow_duplicate_numbers(mut self, allow: bool) -> Self {
        self.allow_duplicate_numbers = allow;
        self
    }
}

/// Builds a [`LaunchRequest`]: see [`LaunchRequest::builder`]. The name, the country code,
/// both times and the caller are required.
#[derive(Debug, Clone)]
#[must_use]
pub struct LaunchRequestBuilder {
    agent_id: AgentId,
    csv: CsvUpload,
    name: Option<String>,
    country_code: Option<String>,
    starts_at: Option<CampaignTime>,
    ends_at: Option<CampaignTime>,
    caller: Option<LargeCampaignCaller>,
    variables_map: Option<BTreeMap<String, String>>,
    extra_variables: Vec<(String, String)>,
    call_config: CallConfig,
    remove_invalid_rows: Option<bool>,
    transliterate_callee_name: Option<bool>,
}

impl LaunchRequestBuilder {
    /// The campaign's name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// `country_code` for numbers without a `+` prefix: `+91` (or ISO `IN`).
    pub fn country_code(mut self, country_code: impl Into<String>) -> Self {
        self.country_code = Some(country_code.into());
        self
    }

    /// When calling starts (in the call-time zone; must be in the future).
    pub fn starts_at(mut self, start: CampaignTime) -> Self {
        self.starts_at = Some(start);
        self
    }

    /// When calling ends.
    pub fn ends_at(mut self, end: CampaignTime) -> Self {
        self.ends_at = Some(end);
        self
    }

    /// Both times: calling runs from `start` to `end`.
    pub fn window(self, start: CampaignTime, end: CampaignTime) -> Self {
        self.starts_at(start).ends_at(end)
    }

    /// The caller numbers: a number pool or a list of numbers.
    pub fn caller(mut self, caller: LargeCampaignCaller) -> Self {
        self.caller = Some(caller);
        self
    }

    /// Replaces the whole `variables_map` (assistant variable → CSV column header).
    pub fn variables_map(mut self, variables_map: BTreeMap<String, String>) -> Self {
        self.variables_map = Some(variables_map);
        self
    }

    /// Maps assistant variable `variable` to CSV column `column`.
    pub fn map_variable(mut self, variable: impl Into<String>, column: impl Into<String>) -> Self {
        self.extra_variables.push((variable.into(), column.into()));
        self
    }

    /// Retries, calling window and other call settings.
    pub fn call_config(mut self, call_config: CallConfig) -> Self {
        self.call_config = call_config;
        self
    }

    /// `remove_invalid_rows` (see [`LaunchRequest::campaign`]).
    pub fn remove_invalid_rows(mut self, remove: bool) -> Self {
        self.remove_invalid_rows = Some(remove);
        self
    }

    /// `transliterate_callee_name`.
    pub fn transliterate_callee_name(mut self, transliterate: bool) -> Self {
        self.transliterate_callee_name = Some(transliterate);
        self
    }

    /// The request, or an [`ErrorKind::InvalidInput`](crate::error::ErrorKind::InvalidInput)
    /// error naming the missing part. The other settings of [`LaunchRequest`] keep their
    /// defaults: change them on the result.
    pub fn build(self) -> Result<LaunchRequest, Error> {
        let missing = |what: &str, call: &str| {
            Error::invalid_input(format!("the launch request has no {what}"))
                .with_hint(format!("give it with .{call}(..)"))
        };
        let name = self.name.ok_or_else(|| missing("campaign name", "name"))?;
        let country_code = self
            .country_code
            .ok_or_else(|| missing("country code", "country_code"))?;
        let start = self
            .starts_at
            .ok_or_else(|| missing("start time", "starts_at"))?;
        let end = self.ends_at.ok_or_else(|| missing("end time", "ends_at"))?;
        let caller = self.caller.ok_or_else(|| missing("caller", "caller"))?;
        let mut campaign = SaveCampaignForm::new(self.agent_id, name, country_code, start, end)
            .call_config(self.call_config);
        if let Some(map) = self.variables_map {
            campaign.variables_map = map;
        }
        campaign.variables_map.extend(self.extra_variables);
        campaign.remove_invalid_rows = self.remove_invalid_rows;
        campaign.transliterate_callee_name = self.transliterate_callee_name;
        Ok(LaunchRequest {
            campaign,
            csv: self.csv,
            caller,
            callback_url: None,
            email_completion_user_ids: None,
            concurrency_percentage: None,
            flow: None,
            check_assistant_variables: true,
            upload_poll: PollOptions::default(),
            max_recorded_issues: Some(100),
            upload_as_written: false,
            allow_duplicate_numbers: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> CampaignTime {
        s.parse().unwrap()
    }

    #[test]
    fn the_builder_names_what_is_missing() {
        let base = || {
            LaunchRequest::builder(AgentId::new("a"), CsvUpload::bytes("Mobile Number\n"))
                .name("n")
                .country_code("+91")
                .caller(LargeCampaignCaller::FromNumbers(vec![
                    "+919876543210".into(),
                ]))
        };
        let err = base()
            .starts_at(t("18/10/2026, 09:00"))
            .build()
            .unwrap_err();
        assert!(err.to_string().ends_with("has no end time"), "{err}");
        assert!(err.hint().unwrap().contains(".ends_at(..)"), "{err}");
        let req = base()
            .window(t("18/10/2026, 09:00"), t("18/10/2026, 18:00"))
            .map_variable("callee_name", "Name")
            .remove_invalid_rows(false)
            .build()
            .unwrap();
        assert_eq!(req.campaign.campaign_start_time, t("18/10/2026, 09:00"));
        assert_eq!(req.campaign.campaign_end_time, t("18/10/2026, 18:00"));
        assert_eq!(req.campaign.variables_map.len(), 2);
        assert_eq!(req.campaign.remove_invalid_rows, Some(false));
        assert!(req.check_assistant_variables);
    }
}
