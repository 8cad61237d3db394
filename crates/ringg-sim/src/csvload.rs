//! Contact CSVs: the `Mobile Number` column, `variables_map` (old and new style) and
//! `country_code` handling.

use ringg_types::campaigns::LineIndex;
use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::util::normalise_number;

/// The documented phone column.
pub(crate) const MOBILE_COLUMN: &str = "Mobile Number";

/// The rows of a contact CSV.
#[derive(Debug, Clone)]
pub(crate) struct Contacts {
    /// Valid rows: mapped variables plus `mobile_number` (E.164) and `callee_name`.
    pub(crate) rows: Vec<Map<String, Value>>,
    /// Data rows read (valid + invalid).
    pub(crate) total_rows: usize,
    /// 1-based CSV line numbers of invalid rows (the header is line 1).
    pub(crate) invalid_lines: Vec<usize>,
}

/// Parses `variables_map` (a JSON string of `{agent variable: CSV column}`).
pub(crate) fn parse_variables_map(raw: &str) -> Result<Map<String, Value>, ApiError> {
    let v: Value = serde_json::from_str(raw).map_err(|e| {
        ApiError::bad_request(format!(
            "variables_map must be a JSON object string such as {{\"callee_name\":\"Name\"}}: {e}"
        ))
    })?;
    let Value::Object(m) = v else {
        return Err(ApiError::bad_request(
            "variables_map must be a JSON object mapping agent variables to CSV column headers",
        ));
    };
    if let Some((k, _)) = m.iter().find(|(_, v)| !v.is_string()) {
        return Err(ApiError::bad_request(format!(
            "variables_map.{k} must be a CSV column header (a string)"
        )));
    }
    Ok(m)
}

/// Reads the CSV. Structural problems (no `Mobile Number` column, a mapped column that does not
/// exist, unreadable CSV, no rows) are 400s; bad phone numbers are reported per line.
pub(crate) fn parse_contacts(
    data: &[u8],
    variables_map: &Map<String, Value>,
    prefix: Option<&str>,
) -> Result<Contacts, ApiError> {
    let data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(LineIndex::new(data));
    let headers = rdr
        .headers()
        .map_err(|e| ApiError::bad_request(format!("The CSV could not be read: {e}")))?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
    // New-style maps name the phone column explicitly; old style relies on `Mobile Number`.
    let mobile_col = match variables_map.get("mobile_number").and_then(Value::as_str) {
        Some(c) => col(c),
        None => col(MOBILE_COLUMN),
    }
    .ok_or_else(|| {
        ApiError::bad_request(format!(
            "The CSV must have a '{MOBILE_COLUMN}' column with numbers in E.164 (found columns: {})",
            headers.iter().collect::<Vec<_>>().join(", ")
        ))
    })?;
    let mut mapped = Vec::new();
    for (var, c) in variables_map {
        if var == "mobile_number" {
            continue;
        }
        let c = c.as_str().unwrap_or_default();
        let idx = col(c).ok_or_else(|| {
            ApiError::bad_request(format!(
                "Column '{c}' (mapped to variable '{var}') is not in the CSV header; headers are: {}",
                headers.iter().collect::<Vec<_>>().join(", ")
            ))
        })?;
        mapped.push((var.clone(), idx));
    }
    let mut rows = Vec::new();
    let mut invalid_lines = Vec::new();
    let mut total = 0;
    let mut rec = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let at = e.position().map_or_else(String::new, |p| {
                    format!(" at line {}", rdr.get_mut().line_of(p.byte()))
                });
                return Err(ApiError::bad_request(format!(
                    "The CSV could not be read{at}: {e}"
                )));
            }
        }
        let line = rec
            .position()
            .map_or(0, |p| rdr.get_mut().line_of(p.byte()));
        let line = usize::try_from(line).unwrap_or(usize::MAX);
        if rec.iter().all(str::is_empty) {
            continue;
        }
        total += 1;
        let Some(number) = rec
            .get(mobile_col)
            .and_then(|raw| normalise_number(raw, prefix))
        else {
            invalid_lines.push(line);
            continue;
        };
        let mut row = Map::new();
        for (var, idx) in &mapped {
            row.insert(
                var.clone(),
                Value::from(rec.get(*idx).unwrap_or_default().to_owned()),
            );
        }
        row.insert("mobile_number".into(), Value::from(number));
        if !row.contains_key("callee_name") {
            row.insert("callee_name".into(), Value::from(""));
        }
        rows.push(row);
    }
    if total == 0 {
        return Err(ApiError::bad_request(
            "The CSV has a header but no contact rows",
        ));
    }
    Ok(Contacts {
        rows,
        total_rows: total,
        invalid_lines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(s: &str) -> Map<String, Value> {
        parse_variables_map(s).unwrap()
    }

    #[test]
    fn old_and_new_style_maps() {
        let csv = "Mobile Number,Name,Company\n+919876543210,Asha,Acme\n9876543211,Ravi,Beta\nnot-a-number,X,Y\n";
        let old = parse_contacts(
            csv.as_bytes(),
            &map(r#"{"callee_name":"Name","company_name":"Company"}"#),
            Some("+91"),
        )
        .unwrap();
        assert_eq!(old.total_rows, 3);
        assert_eq!(old.invalid_lines, vec![4]);
        assert_eq!(old.rows[1]["mobile_number"], "+919876543211");
        assert_eq!(old.rows[0]["company_name"], "Acme");
        let new = parse_contacts(
            csv.as_bytes(),
            &map(r#"{"mobile_number":"Mobile Number","callee_name":"Name"}"#),
            None,
        )
        .unwrap();
        assert_eq!(
            new.rows.len(),
            1,
            "without a country code bare numbers are invalid"
        );
        assert_eq!(new.invalid_lines, vec![3, 4]);
    }

    #[test]
    fn rows_are_reported_at_the_lines_they_start_on() {
        let m = map(r#"{"callee_name":"Name"}"#);
        let lines = |csv: &str| {
            parse_contacts(csv.as_bytes(), &m, Some("+91"))
                .unwrap()
                .invalid_lines
        };
        // Windows line ends; a blank line right before a bad row; a lone `\r`; a quoted
        // line break.
        assert_eq!(
            lines("Mobile Number,Name\r\nbad,A\r\n+919876543210,B\r\nbad,C\r\n"),
            [2, 4]
        );
        assert_eq!(lines("Mobile Number,Name\n+919876543210,A\n\nbad,B\n"), [4]);
        assert_eq!(lines("Mobile Number,Name\r\n\r\n\r\nbad,A\r\n"), [4]);
        assert_eq!(lines("Mobile Number,Name\rbad,A\rbad,B"), [2, 3]);
        assert_eq!(
            lines("Mobile Number,Name\n+919876543210,\"A\r\nB\"\nbad,C\n"),
            [4]
        );
    }

    #[test]
    fn structural_errors() {
        let m = map(r#"{"callee_name":"Name"}"#);
        assert!(parse_contacts(b"Phone,Name\n+919876543210,A\n", &m, None).is_err());
        assert!(parse_contacts(b"Mobile Number,Nom\n+919876543210,A\n", &m, None).is_err());
        assert!(parse_contacts(b"Mobile Number,Name\n", &m, None).is_err());
        assert!(parse_variables_map("[1]").is_err());
        assert!(parse_variables_map("{").is_err());
        let bom = "\u{FEFF}Mobile Number,Name\n+919876543210,A\n";
        assert_eq!(
            parse_contacts(bom.as_bytes(), &m, None).unwrap().rows.len(),
            1
        );
    }
}
