//! A contact's number as the pre-flight reads it: international, or national with the
//! campaign's country code.

use ringg_types::phone::PhoneNumber;

/// How a contact's number was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reading {
    /// Written with its `+` and country code.
    International,
    /// Without a `+`: the campaign's country code put in front.
    National,
    /// Without a `+`, but longer than a national number and starting with the country code's
    /// digits: read as already carrying it (`919876543210` with +91 is `+919876543210`), as
    /// the simulator reads it. Ringg documents neither reading.
    CarriesCode,
}

/// A contact's number: international as people write it, or national with the campaign's
/// country code; with how it was read.
pub(super) fn parse_number(
    raw: &str,
    country: Option<&str>,
) -> Result<(PhoneNumber, Reading), String> {
    if raw.is_empty() {
        Err("the number is empty".to_string())
    } else if raw.trim_start_matches(['(', ' ']).starts_with('+') {
        // As people write them (`+91 98765 43210`, `(+91) 98765-43210`): Ringg reads the
        // separators away too.
        PhoneNumber::parse_written(raw)
            .map(|n| (n, Reading::International))
            .map_err(|e| e.to_string())
    } else if raw.trim_start_matches(['(', ' ']).starts_with("00") {
        // Ringg's reading of the international prefix 00 is not documented: a reader that
        // applies the campaign's country code after stripping leading zeros (as the simulator
        // does) dials someone else. The uploaded file is the one checked, so refuse the row
        // rather than report a reading the server may not share.
        let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
        Err(format!(
            "{raw:?} starts with the international prefix 00, whose reading Ringg does not document (a server may put the country code in front of it and dial someone else): write it with + instead (+{})",
            digits.get(2..).unwrap_or_default()
        ))
    } else if let Some(country) = country {
        if let Some(n) = carrying_code(raw, country) {
            return Ok((n, Reading::CarriesCode));
        }
        PhoneNumber::from_national(raw, country)
            .map(|n| (n, Reading::National))
            .map_err(|e| e.to_string())
    } else {
        Err(format!(
            "{raw:?} has no country code: write it as +<country code><number> (e.g. +919876543210), or set the campaign's country code (e.g. +91) to apply it to such numbers"
        ))
    }
}

/// A number without a `+` that already starts with the country's calling code: more than ten
/// digits (separators aside) that begin with the code's digits, read as `+` and the digits, as
/// the simulator reads them. Ten digits is the national length of India and the US; a longer
/// national number that happens to begin with its country's code (Brazil's area code 55 with
/// +55) is misread, which the warning this reading raises shows.
fn carrying_code(raw: &str, country: &str) -> Option<PhoneNumber> {
    let code = ringg_types::phone::calling_code(country)?;
    let digits: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.'))
        .collect();
    // A number a spreadsheet exported as a decimal is not read here: `from_national` refuses
    // it (as `parse_written` does one with its `+`).
    let carries = digits.len() > 10
        && digits.starts_with(code)
        && digits.bytes().all(|b| b.is_ascii_digit())
        && ringg_types::phone::spreadsheet_damage(raw).is_none();
    carries
        .then(|| PhoneNumber::parse(&format!("+{digits}")).ok())
        .flatten()
}
