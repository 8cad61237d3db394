//! The pre-flight check of a contact CSV (`campaigns check`, and the first step of
//! `campaigns launch`): matching the assistant's variables to columns, the report, the
//! refusals.

use std::collections::BTreeMap;
use std::path::Path;

use ringg_api::Client;
use ringg_api::campaigns::{CampaignFlow, PreflightOptions, PreflightReport};
use ringg_api::types::AgentId;
use serde::Serialize;

use super::args::CheckArgs;
use crate::error::CliError;
use crate::output::{emit_prose, or_dash, print_table, table};
use crate::term::emit_text;

/// The column Ringg requires.
const MOBILE: &str = ringg_api::campaigns::preflight::MOBILE_NUMBER_COLUMN;

/// A checked CSV: the mapping used and the report.
#[derive(Debug, Serialize)]
pub(crate) struct Checked {
    pub(crate) file: String,
    /// The assistant (its id, when it was given by name or id prefix).
    pub(crate) agent_id: AgentId,
    pub(crate) variables_map: BTreeMap<String, String>,
    pub(crate) assistant_variables: Vec<String>,
    pub(crate) report: PreflightReport,
    /// What the workspace refuses (the upload limit, the credits), found by `campaigns check`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) workspace_problems: Vec<String>,
}

/// Reads the CSV header (first record), for matching variables to columns.
fn csv_header(path: &Path) -> Result<Vec<String>, CliError> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_path(path)
        .map_err(|e| {
            CliError::failed(format!(
                "could not open {}: {e}; check the path",
                path.display()
            ))
        })?;
    let header = match rdr.headers() {
        Ok(header) => header,
        // Not UTF-8 (UTF-16, Latin-1): the check that follows says so, with what to do.
        Err(e) if matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) => return Ok(Vec::new()),
        Err(e) => {
            return Err(CliError::failed(format!(
                "could not read the header of {}: {e}; is it a CSV file?",
                path.display()
            )));
        }
    };
    Ok(header
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect())
}

/// `variables_map`: `mobile_number` → `Mobile Number`, the `--map` pairs, then every other
/// assistant variable matched to a column with the same name (ignoring case, spaces and `_`;
/// `callee_name` also matches `Name`).
fn variables_map(
    explicit: &[(String, String)],
    assistant_variables: &[String],
    header: &[String],
) -> BTreeMap<String, String> {
    let norm = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    let mut map = BTreeMap::from([("mobile_number".to_string(), MOBILE.to_string())]);
    for (var, col) in explicit {
        map.insert(var.clone(), col.clone());
    }
    for var in assistant_variables {
        if map.contains_key(var) {
            continue;
        }
        let want = norm(var);
        let found = header.iter().find(|h| norm(h) == want).or_else(|| {
            (var == "callee_name")
                .then(|| {
                    header
                        .iter()
                        .find(|h| matches!(norm(h).as_str(), "name" | "fullname" | "customername"))
                })
                .flatten()
        });
        if let Some(col) = found {
            map.insert(var.clone(), col.clone());
        }
    }
    map
}

pub(crate) async fn run_check(
    client: &Client,
    args: &CheckArgs,
    max_issues: Option<usize>,
) -> Result<Checked, CliError> {
    let agent = crate::resolve::agent(client, &args.agent).await?;
    let header = csv_header(&args.file)?;
    let assistant = client.assistants().get(&agent).await?;
    let assistant_variables: Vec<String> = assistant
        .custom_variable_names()
        .into_iter()
        .map(str::to_string)
        .collect();
    let map = variables_map(&args.map, &assistant_variables, &header);
    let options = PreflightOptions {
        country_code: Some(args.country_code()),
        variables_map: map.clone(),
        assistant_variables: Some(assistant_variables.clone()),
        max_recorded_issues: max_issues,
    };
    let (csv, progress) = super::counted::with_progress(&args.file);
    let report = client.campaigns().preflight(&csv, options).await;
    progress.finish_and_clear();
    let report = report?;
    Ok(Checked {
        file: args.file.display().to_string(),
        agent_id: agent,
        variables_map: map,
        assistant_variables,
        report,
        workspace_problems: Vec::new(),
    })
}

/// Prints the report (rows, mapping, problems, every bad row with its line).
pub(crate) fn print_report(c: &Checked) {
    let r = &c.report;
    emit_prose(format!(
        "{}: {} rows, {} valid, {} invalid; {} flow",
        c.file,
        r.total_rows,
        r.valid_rows,
        r.invalid_rows,
        match r.flow {
            CampaignFlow::Standard => "standard",
            CampaignFlow::Large => "large (5,000+ rows)",
        }
    ));
    emit_prose(format!(
        "columns: {}",
        c.variables_map
            .iter()
            .map(|(v, col)| format!("{v} <- {col:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    for f in r.fatal.iter().chain(&c.workspace_problems) {
        emit_prose(format!("problem: {f}"));
    }
    for w in &r.warnings {
        emit_prose(format!("warning: {w}"));
    }
    if !r.issues.is_empty() {
        let mut t = table(&["LINE", "COLUMN", "VALUE", "PROBLEM"]);
        for i in &r.issues {
            t.add_row(vec![
                i.line.to_string(),
                or_dash(i.column.as_deref()),
                or_dash(i.value.as_deref()),
                i.reason.clone(),
            ]);
        }
        print_table(&t);
        if (r.issues.len() as u64) < r.invalid_rows {
            emit_text(format!(
                "({} more invalid rows not listed)",
                r.invalid_rows - r.issues.len() as u64
            ));
        }
    }
}

/// The contacts a launch imported, as Ringg counted them when it said (else as the check
/// did), after a warning when numbers went as written though not asked to, and one when Ringg
/// imported fewer rows than the check found valid: the rows it refused are not called, and
/// its answer names them only in the large flow.
pub(crate) fn imported_contacts(outcome: &ringg_api::campaigns::LaunchOutcome) -> u64 {
    if let Some(warning) = outcome.uploaded.warning() {
        emit_prose(format!("warning: {warning}"));
    }
    let expected = outcome.report.valid_rows;
    let Some(imported) = outcome.imported_rows() else {
        return expected;
    };
    if imported < expected {
        let listed = outcome.refused_rows_url().map_or_else(
            || "its answer does not say which; compare the file with the campaign's calls (`ringg calls list --list ID`)".to_string(),
            |url| format!("it lists them at {url}"),
        );
        emit_prose(format!(
            "warning: Ringg imported {imported} of the {expected} rows the check found valid, so {} row(s) will not be called; {listed}",
            expected - imported
        ));
    }
    imported
}

/// The refusal for a CSV that cannot be uploaded.
pub(crate) fn unusable(r: &PreflightReport) -> CliError {
    CliError::failed(format!(
        "the CSV cannot be used as it is: {}; fix it and run `ringg campaigns check` again",
        r.fatal
            .first()
            .cloned()
            .unwrap_or_else(|| "it has no valid row".into())
    ))
}

/// The refusal for a CSV with bad rows (Ringg would reject the whole upload).
pub(crate) fn invalid_rows(r: &PreflightReport) -> CliError {
    CliError::failed(format!(
        "{} row(s) are invalid (lines {}) and Ringg would reject the whole upload; fix them, or add --remove-invalid-rows to skip them",
        r.invalid_rows,
        lines_text(r)
    ))
}

/// The refusal of a launch whose file holds a number on several rows: each row is called.
pub(crate) fn duplicate_numbers(r: &PreflightReport) -> CliError {
    CliError::failed(format!(
        "{} row(s) repeat a number that appears earlier in the file (the first on line {}), and every row is called: those people would be called more than once by this campaign; nothing was uploaded",
        r.duplicate_numbers,
        r.first_duplicate_line.unwrap_or_default()
    ))
    .with_hint("remove the repeated rows, or add --allow-duplicate-numbers to call each row anyway")
}

/// `3, 4, 7` (the first ten bad lines).
fn lines_text(r: &PreflightReport) -> String {
    let mut s = r
        .issues
        .iter()
        .take(10)
        .map(|i| i.line.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    if r.invalid_rows > 10 {
        s.push_str(", …");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_are_matched_to_columns() {
        let header: Vec<String> = ["Mobile Number", "Name", "Company Name", "Policy ID"]
            .map(String::from)
            .to_vec();
        let vars: Vec<String> = ["callee_name", "mobile_number", "company_name", "due_date"]
            .map(String::from)
            .to_vec();
        let m = variables_map(&[("policy".into(), "Policy ID".into())], &vars, &header);
        assert_eq!(m["mobile_number"], "Mobile Number");
        assert_eq!(m["callee_name"], "Name");
        assert_eq!(m["company_name"], "Company Name");
        assert_eq!(m["policy"], "Policy ID");
        assert!(!m.contains_key("due_date"));
    }
}
