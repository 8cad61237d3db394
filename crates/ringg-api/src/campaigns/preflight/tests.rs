use super::*;

fn opts(country: Option<&str>) -> PreflightOptions {
    PreflightOptions {
        country_code: country.map(str::to_string),
        variables_map: [
            ("mobile_number".to_string(), "Mobile Number".to_string()),
            ("callee_name".to_string(), "Name".to_string()),
            ("policy_id".to_string(), "Policy ID".to_string()),
        ]
        .into_iter()
        .collect(),
        assistant_variables: Some(vec![
            "callee_name".into(),
            "mobile_number".into(),
            "policy_id".into(),
        ]),
        max_recorded_issues: None,
    }
}

fn run(csv: &str, o: &PreflightOptions) -> PreflightReport {
    preflight_blocking(CsvSource::Bytes(Bytes::from(csv.to_string())), o).unwrap()
}

#[test]
fn good_file() {
    let csv = "Mobile Number,Name,Policy ID\n+919876543210,Asha,P-1\n9876543211,Ravi,P-2\n";
    let r = run(csv, &opts(Some("+91")));
    assert!(r.is_clean(), "{}", r.summary());
    assert_eq!((r.total_rows, r.valid_rows, r.invalid_rows), (2, 2, 0));
    assert_eq!(r.flow, CampaignFlow::Standard);
    // The number without a + is named, with what it was read as.
    assert_eq!(
        r.warnings,
        [
            "1 number(s) without a + were read with the country code +91 (the first on line 3: \"9876543211\" as +919876543211); write a number of another country with its own + prefix"
        ]
    );
    // ISO-2 country codes work too
    assert!(run(csv, &opts(Some("IN"))).is_clean());
    // Numbers written with their prefix need no word.
    let international = "Mobile Number,Name,Policy ID\n+919876543210,Asha,P-1\n";
    assert!(run(international, &opts(Some("+91"))).warnings.is_empty());
}

#[test]
fn a_number_already_carrying_the_country_code_is_read_so_and_named() {
    // `919876543210` with +91 is the same contact as `+919876543210` (as the simulator reads
    // it), so the repeat is counted; the warning gives both readings.
    let csv =
        "Mobile Number,Name\n+919876543210,Asha\n91 98765 43210,Asha again\n14155550100,Ann\n";
    let r = run(csv, &opts(Some("+91")));
    assert_eq!((r.total_rows, r.valid_rows, r.duplicate_numbers), (3, 3, 1));
    assert_eq!(
        r.warnings[1],
        "1 number(s) without a + already begin with the digits of the country code +91 and were read as carrying it (the first on line 3: \"91 98765 43210\" as +919876543210, not +91919876543210); Ringg documents neither reading, and a launch uploads them as read here when its checked rows fit in one upload: write these numbers with their + prefix"
    );
    // A US number written with its 1 under +1; a ten-digit national number that happens to
    // begin with 91 keeps the country code in front.
    let r = run(
        "Mobile Number\n14155550100\n9198765432\n",
        &opts(Some("+1")),
    );
    let named = |r: &PreflightReport, s: &str| r.warnings.iter().any(|w| w.contains(s));
    assert!(named(
        &r,
        "\"14155550100\" as +14155550100, not +114155550100"
    ));
    assert!(named(&r, "\"9198765432\" as +19198765432"));
    let r = run("Mobile Number\n9198765432\n", &opts(Some("+91")));
    assert!(
        named(&r, "\"9198765432\" as +919198765432"),
        "{:?}",
        r.warnings
    );
}

#[test]
fn a_quote_never_closed_is_fatal_and_names_the_lines_it_takes() {
    let csv = "Mobile Number,Name,Policy ID\n\
               +919876500401,Asha,\"P-1\n\
               +919876500402,Ravi,P-2\n\
               +919876500403,Meera,P-3\n";
    let r = run(csv, &opts(None));
    assert!(!r.is_usable(), "{}", r.summary());
    assert_eq!(
        r.fatal,
        [
            "a quote opened in the row on line 2 is never closed, so lines 2-4 would be read as one row; close the quote (or remove it)"
        ]
    );
    // Windows line ends, old Mac ones, and no line break at the end of the file too.
    for file in [
        csv.replace('\n', "\r\n"),
        csv.replace('\n', "\r"),
        csv.trim_end().to_string(),
        csv.replace('\n', "\r").trim_end().to_string(),
    ] {
        let r = run(&file, &opts(None));
        assert_eq!(r.fatal.len(), 1, "{file:?}: {:?}", r.fatal);
        assert!(r.fatal[0].contains("lines 2-4"), "{file:?}: {:?}", r.fatal);
    }
    // On the last line, it takes no other line but is still not closed.
    let r = run(
        "Mobile Number,Name,Policy ID\n+919876500401,Asha,P-1\n+919876500402,Ravi,\"P-2",
        &opts(None),
    );
    assert_eq!(
        r.fatal,
        ["a quote opened in the row on line 3 is never closed; close the quote (or remove it)"]
    );
    // Opened on the last line by a row otherwise blank: that row is named, not the one before.
    for after in ["", "\"Ann\nX\""] {
        let file = format!(
            "Mobile Number,Name,Policy ID\n+919876500401,{after},P-1\n+919876500402,Ravi,P-2\n,\"\n"
        );
        let r = run(&file, &opts(None));
        assert_eq!(r.fatal.len(), 1, "{file:?}: {:?}", r.fatal);
        let first = if after.is_empty() { 4 } else { 5 };
        assert!(
            r.fatal[0].contains(&format!("line {first} is never closed")),
            "{file:?}: {:?}",
            r.fatal
        );
    }
}

#[test]
fn a_closed_quote_whose_field_ends_with_a_line_break_is_not_taken_for_an_open_one() {
    let csv = "Mobile Number,Name,Policy ID\n\
               +919876503001,Ann,A\n\
               +919876503002,Ben,\"B line1\n\"\n";
    for file in [
        csv.to_string(),
        csv.trim_end().to_string(),
        csv.replace('\n', "\r\n"),
    ] {
        let r = run(&file, &opts(None));
        assert!(r.fatal.is_empty(), "{file:?}: {:?}", r.fatal);
        assert_eq!((r.valid_rows, r.invalid_rows), (2, 0), "{file:?}");
        assert!(
            r.warnings.iter().any(|w| w.contains("lines 3-4")),
            "{file:?}: {:?}",
            r.warnings
        );
    }
}

#[test]
fn line_breaks_inside_quotes_are_named_and_the_rows_kept() {
    let csv = "Mobile Number,Name,Policy ID\n\
               +919876500401,\"Asha\nRao\",P-1\n\
               +919876500402,Ravi,P-2\n";
    let r = run(csv, &opts(None));
    assert!(r.is_clean(), "{}", r.summary());
    assert_eq!((r.valid_rows, r.invalid_rows), (2, 0));
    assert_eq!(
        r.warnings,
        [
            "1 row(s) hold line breaks inside quotes (the first covers lines 2-3); if that is not meant, a quote is left open there"
        ]
    );
    // The row after it is still counted on its own line.
    let bad = "Mobile Number,Name,Policy ID\n+919876500401,\"Asha\nRao\",P-1\nnope,Ravi,P-2\n";
    assert_eq!(run(bad, &opts(None)).issues[0].line, 4);
}

#[test]
fn wrong_column() {
    let r = run(
        "phone_number,Name,Policy ID\n+919876543210,Asha,P-1\n",
        &opts(None),
    );
    assert!(!r.is_usable());
    assert!(
        r.fatal
            .iter()
            .any(|f| f.contains("rename the column \"phone_number\"")),
        "{:?}",
        r.fatal
    );
    let r = run(
        "Mobile Number ,Name,Policy ID\n+919876543210,Asha,P-1\n",
        &opts(None),
    );
    assert!(
        r.fatal.iter().any(|f| f.contains("extra spaces")),
        "{:?}",
        r.fatal
    );
    let r = run("Mobile Number,Name\n+919876543210,Asha\n", &opts(None));
    assert!(
        r.fatal.iter().any(|f| f.contains("\"Policy ID\"")),
        "{:?}",
        r.fatal
    );
}

/// Numbers a spreadsheet exported as decimal numbers are refused, never read with the `.0` as
/// another digit (which dials someone else), and whatever the country reading would be.
#[test]
fn numbers_a_spreadsheet_exported_as_decimals_are_refused_with_their_lines() {
    let csv = "Mobile Number,Name,Policy ID\n\
               +919876500009.0,A,P\n\
               9876500005.0,B,P\n\
               919876500006.00,C,P\n\
               9.19876E+11,D,P\n\
               +1 415.555.0100,E,P\n\
               +91 98765.00011,F,P\n";
    let r = run(csv, &opts(Some("+91")));
    let refused: Vec<_> = r
        .issues
        .iter()
        .map(|i| (i.line, i.reason.as_str()))
        .collect();
    assert_eq!(refused.len(), 4, "{refused:?}");
    for (at, (line, reason)) in refused.iter().enumerate() {
        assert_eq!(*line, at as u64 + 2, "{refused:?}");
        let said = if at == 3 {
            "scientific notation"
        } else {
            "ends in `.0`"
        };
        assert!(reason.contains(said), "{reason}");
        assert!(reason.contains("format the column as text"), "{reason}");
    }
    assert_eq!((r.valid_rows, r.invalid_rows), (2, 4));
}

#[test]
fn bad_numbers_are_reported_with_their_lines() {
    let csv = "Mobile Number,Name,Policy ID\n\
               +919876543210,Asha,P-1\n\
               12ab,Bad,P-2\n\
               ,Empty,P-3\n\
               +91987,Short,P-4\n\
               +919876543210,Dup,P-5\n\
               +919876543212,Extra,P-6,unexpected\n";
    let r = run(csv, &opts(None));
    assert_eq!(r.total_rows, 6);
    assert_eq!(r.invalid_rows, 3);
    assert_eq!(r.valid_rows, 3);
    let lines = |r: &PreflightReport| r.issues.iter().map(|i| i.line).collect::<Vec<_>>();
    assert_eq!(lines(&r), vec![3, 4, 5]);
    // The row with an extra field is imported (its extra value ignored), and named.
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("(the first on line 7: 4)")),
        "{:?}",
        r.warnings
    );
    // Saved on Windows the rows are on the same lines; blank lines count.
    assert_eq!(
        lines(&run(&csv.replace('\n', "\r\n"), &opts(None))),
        [3, 4, 5]
    );
    let spaced = csv.replacen("12ab", "\r\n\r\n12ab", 1);
    assert_eq!(lines(&run(&spaced, &opts(None))), [5, 6, 7]);
    // A row too short to reach the number's column has no number: rejected, named.
    let short = run("Name,Mobile Number\nAsha,+919876543210\nZed\n", &opts(None));
    assert_eq!((short.valid_rows, short.invalid_rows), (1, 1));
    assert_eq!(short.issues[0].line, 3);
    assert!(
        short.issues[0]
            .reason
            .contains("no \"Mobile Number\" value")
    );
    // A row short of a later column is imported with that value empty.
    let trailing = run(
        "Mobile Number,Name\n+919876543210,Asha\n+919876543211\n",
        &opts(None),
    );
    assert_eq!((trailing.valid_rows, trailing.invalid_rows), (2, 0));
    assert_eq!(r.issues[0].value.as_deref(), Some("12ab"));
    assert_eq!(r.duplicate_numbers, 1);
    assert!(r.is_usable() && !r.is_clean());
    // Separators in an international number are read away, as Ringg does.
    let written = "Mobile Number,Name,Policy ID\n+91 98765 43210,A,P\n(+91) 98765-43211,B,P\n";
    assert_eq!(run(written, &opts(None)).valid_rows, 2);
    // without a country code a national number is refused
    let r = run(
        "Mobile Number,Name,Policy ID\n9876543210,A,P\n",
        &opts(None),
    );
    assert_eq!(r.invalid_rows, 1);
    assert_eq!(r.issues[0].line, 2);
}

#[test]
fn unmapped_and_unknown_variables_are_warned() {
    let mut o = opts(None);
    o.assistant_variables = Some(vec!["callee_name".into(), "company".into()]);
    let r = run("Mobile Number,Name,Policy ID\n+919876543210,,P-1\n", &o);
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("\"company\" is not in variables_map")
                && w.contains("--map company=COLUMN")),
        "{:?}",
        r.warnings
    );
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("\"policy_id\", which the assistant does not use"))
    );
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("1 rows have an empty value for \"callee_name\""))
    );
}

#[test]
fn large_flow_threshold() {
    let mut csv = String::from("Mobile Number,Name,Policy ID\n");
    for i in 0..4_999u64 {
        csv.push_str(&format!("+91900000{i:04},N{i},P{i}\n"));
    }
    let r = run(&csv, &opts(None));
    assert_eq!(r.valid_rows, 4_999);
    assert_eq!(r.flow, CampaignFlow::Standard);
    csv.push_str("+919100000000,Last,P\n");
    let r = run(&csv, &opts(None));
    assert_eq!(r.valid_rows, 5_000);
    assert_eq!(r.flow, CampaignFlow::Large);
}

#[test]
fn recorded_issues_can_be_capped_but_all_are_counted() {
    let mut o = opts(None);
    o.max_recorded_issues = Some(2);
    let r = run("Mobile Number,Name,Policy ID\nx,a,b\ny,a,b\nz,a,b\n", &o);
    assert_eq!(r.invalid_rows, 3);
    assert_eq!(r.issues.len(), 2);
}

#[test]
fn a_file_that_is_not_utf8_is_refused_with_its_first_such_line() {
    let mut csv = b"Mobile Number,Name,Policy ID\n+919876543210,Asha,P-1\n".to_vec();
    csv.extend_from_slice(b"+919876543211,Jos\xe9,P-2\n+919876543212,Ren\xe9,P-3\n");
    let r = preflight_blocking(CsvSource::Bytes(Bytes::from(csv)), &opts(None)).unwrap();
    assert!(!r.is_usable(), "{r:?}");
    assert!(
        r.fatal
            .iter()
            .any(|f| f.contains("not UTF-8") && f.contains("line 3")),
        "{:?}",
        r.fatal
    );
}

#[test]
fn an_empty_file_is_called_empty() {
    for csv in ["", "\n\n", "\u{feff}"] {
        let r = run(csv, &opts(None));
        assert!(!r.is_usable());
        assert_eq!(r.fatal.len(), 1, "{csv:?}: {:?}", r.fatal);
        assert!(r.fatal[0].starts_with("the file is empty"), "{:?}", r.fatal);
    }
}

#[test]
fn a_header_that_is_not_utf8_says_how_to_save_the_file() {
    // UTF-16 (little-endian, with its byte-order mark), as Excel's "Unicode Text" saves.
    let text = "Mobile Number,Name\n+919876543210,Asha\n";
    let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
    // With its byte-order mark, and without one (every other byte NUL), in either order.
    for file in [
        [&[0xff, 0xfe][..], &le].concat(),
        [&[0xfe, 0xff][..], &be].concat(),
        le,
        be,
    ] {
        let err = preflight_blocking(CsvSource::Bytes(Bytes::from(file)), &opts(None)).unwrap_err();
        assert!(
            err.to_string().contains("not UTF-8") && err.to_string().contains("CSV UTF-8"),
            "{err}"
        );
    }
}

#[test]
fn a_column_named_twice_is_named_in_a_warning() {
    let csv = "Mobile Number,Name,Mobile Number\n+919876543210,Asha,+919876543211\n";
    let r = run(csv, &opts(None));
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("names 2 columns \"Mobile Number\"; only the first (column 1)")),
        "{:?}",
        r.warnings
    );
}

#[test]
fn a_number_written_with_the_00_prefix_is_refused_with_its_line() {
    // Read as +91…, it could be dialled as +91 followed by 9198765… by a server that puts the
    // country code in front of numbers without a + (the simulator does): refused, not guessed.
    let csv = "Mobile Number,Name\n+919876500002,Ok\n0091 9876500001,Zero zero\n(0091) 98765 00003,Again\n";
    for country in [Some("+91"), None] {
        let r = run(csv, &opts(country));
        assert_eq!(
            (r.total_rows, r.valid_rows, r.invalid_rows),
            (3, 1, 2),
            "{country:?}"
        );
        let lines: Vec<u64> = r.issues.iter().map(|i| i.line).collect();
        assert_eq!(lines, [3, 4]);
        assert!(
            r.issues[0]
                .reason
                .contains("write it with + instead (+919876500001)"),
            "{}",
            r.issues[0].reason
        );
    }
}

#[test]
fn a_mapped_column_with_spaces_around_its_name_is_refused() {
    // The header, the mapping or both spaced: Ringg would refuse the upload.
    for (header, mapped) in [(" Name", " Name"), (" Name", "Name"), ("Name", "Name ")] {
        let mut o = opts(Some("+91"));
        o.variables_map
            .insert("callee_name".to_string(), mapped.to_string());
        let csv = format!("Mobile Number,{header},Policy ID\n+919876543210,Asha,P-1\n");
        let r = run(&csv, &o);
        assert!(!r.is_usable(), "{header:?} {mapped:?}: {}", r.summary());
        assert!(
            r.fatal
                .iter()
                .any(|f| f.contains("spaces around a column's name")
                    && f.contains(r#"name it "Name" in the file and the mapping"#)),
            "{header:?} {mapped:?}: {:?}",
            r.fatal
        );
    }
}

/// The file a launch uploads holds the valid rows only, each number as the report reads it.
#[test]
fn the_upload_copy_holds_the_valid_rows_with_their_numbers_as_read() {
    let csv = "\u{feff}Mobile Number,Name,Policy ID\r\n9876543210,Asha,P-1\r\n0091 98765 00001,Ravi,P-2\r\n\r\n\"+91 98765 43211\",\"Meera, Dr\",P-3\r\n919876543212,Zed,P-4\r\n";
    let (report, copy) = read_source(
        CsvSource::Bytes(Bytes::from(csv)),
        &opts(Some("+91")),
        Some((1024, CopyKind::Rewritten)),
    )
    .unwrap();
    assert_eq!((report.valid_rows, report.invalid_rows), (3, 1));
    let Some(Copied::Ready { bytes, rows }) = copy else {
        panic!("the copy is written: {copy:?}")
    };
    assert_eq!(rows, 3);
    assert_eq!(
        std::str::from_utf8(&bytes).unwrap(),
        "Mobile Number,Name,Policy ID\n+919876543210,Asha,P-1\n+919876543211,\"Meera, Dr\",P-3\n+919876543212,Zed,P-4\n"
    );
    // Without a copy asked for, none is made.
    let (_, none) =
        read_source(CsvSource::Bytes(Bytes::from(csv)), &opts(Some("+91")), None).unwrap();
    assert!(none.is_none());
}
