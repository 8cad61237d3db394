//! Fuzz target: the campaign CSV pre-flight never panics, and its counts add up.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ringg_api::campaigns::{CsvSource, PreflightOptions, preflight::preflight_blocking};

fuzz_target!(|data: &[u8]| {
    let options = PreflightOptions {
        country_code: Some("+91".into()),
        variables_map: [("callee_name".to_string(), "Name".to_string())].into_iter().collect(),
        assistant_variables: Some(vec!["callee_name".into(), "mobile_number".into()]),
        max_recorded_issues: Some(100),
    };
    if let Ok(report) = preflight_blocking(CsvSource::Bytes(bytes::Bytes::copy_from_slice(data)), &options) {
        assert!(report.valid_rows + report.invalid_rows <= report.total_rows);
    }
});
