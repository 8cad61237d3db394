use super::*;
use proptest::prelude::*;

#[test]
fn parse_accepts_e164() {
    for ok in [
        "+919876543210",
        "+14155550132",
        "+12345678",
        "+123456789012345",
    ] {
        let n = PhoneNumber::parse(ok).unwrap();
        assert_eq!(n.to_string(), ok);
        assert_eq!(n.digits(), &ok[1..]);
    }
}

#[test]
fn parse_rejects_with_helpful_errors() {
    use PhoneNumberError as E;
    assert_eq!(PhoneNumber::parse(""), Err(E::Empty));
    assert!(matches!(
        PhoneNumber::parse("919876543210"),
        Err(E::MissingPlus { .. })
    ));
    assert!(matches!(
        PhoneNumber::parse("+91 98765 43210"),
        Err(E::InvalidCharacter {
            found: ' ',
            position: 3,
            ..
        })
    ));
    assert!(matches!(
        PhoneNumber::parse("+1234567"),
        Err(E::BadLength { digits: 7, .. })
    ));
    assert!(matches!(
        PhoneNumber::parse("+1234567890123456"),
        Err(E::BadLength { digits: 16, .. })
    ));
    assert!(matches!(
        PhoneNumber::parse("+0987654321"),
        Err(E::LeadingZero { .. })
    ));
    let msg = PhoneNumber::parse("+91-98765").unwrap_err().to_string();
    assert!(
        msg.contains("'-'") && msg.contains("+919876543210"),
        "{msg}"
    );
}

#[test]
fn from_national_forms() {
    let cases = [
        ("9876543210", "+91"),
        ("9876543210", "91"),
        ("9876543210", "IN"),
        ("9876543210", "in"),
        ("098765 43210", "IN"),
        ("98765-43210", " +91 "),
        ("(98765) 43210", "IN"),
        ("+919876543210", "US"),
        ("00919876543210", "US"),
    ];
    for (national, country) in cases {
        let n = PhoneNumber::from_national(national, country).unwrap();
        assert_eq!(n.as_str(), "+919876543210", "{national} {country}");
    }
    assert_eq!(
        PhoneNumber::from_national("(415) 555-0132", "US")
            .unwrap()
            .as_str(),
        "+14155550132"
    );
    assert_eq!(
        PhoneNumber::from_national("020 7946 0958", "GB")
            .unwrap()
            .as_str(),
        "+442079460958"
    );
    // Italy keeps its leading zero.
    assert_eq!(
        PhoneNumber::from_national("06 6982 1234", "IT")
            .unwrap()
            .as_str(),
        "+390669821234"
    );
    assert!(matches!(
        PhoneNumber::from_national("9876543210", "ZZ"),
        Err(PhoneNumberError::UnknownCountry { .. })
    ));
    assert!(matches!(
        PhoneNumber::from_national("9876543210", "India"),
        Err(PhoneNumberError::UnknownCountry { .. })
    ));
    assert!(matches!(
        PhoneNumber::from_national("98765abc", "IN"),
        Err(PhoneNumberError::InvalidWrittenCharacter { found: 'a', ref input }) if input == "98765abc"
    ));
    assert_eq!(
        PhoneNumber::from_national(" - ", "IN"),
        Err(PhoneNumberError::Empty)
    );
}

#[test]
fn written_numbers_are_reported_as_written() {
    let err = PhoneNumber::parse_written("+91 98765-4321x").unwrap_err();
    assert_eq!(
        err,
        PhoneNumberError::InvalidWrittenCharacter {
            input: "+91 98765-4321x".into(),
            found: 'x'
        }
    );
    let text = err.to_string();
    assert!(text.contains("\"+91 98765-4321x\""), "{text}");
    assert!(!text.contains("without spaces"), "{text}");
    // A number that must be E.164 as it stands keeps the strict wording.
    assert!(matches!(
        PhoneNumber::parse("+91 9876543210"),
        Err(PhoneNumberError::InvalidCharacter { found: ' ', .. })
    ));
}

#[test]
fn iso_table_is_well_formed() {
    let mut seen = std::collections::HashSet::new();
    for (iso, code) in ISO_CALLING_CODES {
        assert_eq!(iso.len(), 2);
        assert!(iso.chars().all(|c| c.is_ascii_uppercase()));
        assert!(seen.insert(*iso), "duplicate {iso}");
        assert!((1..=3).contains(&code.len()) && !code.starts_with('0'));
    }
    assert!(ISO_CALLING_CODES.len() >= 245);
    assert_eq!(calling_code("AE"), Some("971"));
    assert_eq!(calling_code("+0"), None);
    assert_eq!(calling_code("1234"), None);
}

#[test]
fn serde_checks() {
    let n: PhoneNumber = serde_json::from_str("\"+919876543210\"").unwrap();
    assert_eq!(serde_json::to_string(&n).unwrap(), "\"+919876543210\"");
    let err = serde_json::from_str::<PhoneNumber>("\"12345\"").unwrap_err();
    assert!(err.to_string().contains("must start with `+`"));
}

/// A number a spreadsheet turned into a decimal is refused as written and as national, with
/// what to do; dots used as separators are still read away.
#[test]
fn spreadsheet_decimals_are_refused_not_read_as_digits() {
    for written in [
        "+919876500009.0",
        "+91 98765 00009.00",
        " +919876500009.0 ",
        "+919876500009.000",
    ] {
        let err = PhoneNumber::parse_written(written).unwrap_err();
        assert!(
            matches!(err, PhoneNumberError::DecimalExport { .. }),
            "{err:?}"
        );
        assert!(
            err.to_string().contains("format the column as text"),
            "{err}"
        );
    }
    let err = PhoneNumber::from_national("9876500005.0", "IN").unwrap_err();
    assert!(
        matches!(err, PhoneNumberError::DecimalExport { .. }),
        "{err:?}"
    );
    for written in ["9.19876E+11", "+9.19876e11", "919876543210E0"] {
        let err = PhoneNumber::from_national(written, "IN").unwrap_err();
        assert!(
            matches!(err, PhoneNumberError::ScientificNotation { .. }),
            "{written}: {err:?}"
        );
    }
    assert_eq!(
        PhoneNumber::parse_written("+1 415.555.0100")
            .unwrap()
            .as_str(),
        "+14155550100"
    );
    assert_eq!(
        PhoneNumber::from_national("01.23.45.67.89", "FR")
            .unwrap()
            .as_str(),
        "+33123456789"
    );
    // Too few digits before it to be a number of the file: a dot as written.
    assert_eq!(spreadsheet_damage("555.0"), None);
    // Not a number exported as a decimal: refused for what it holds, not as one.
    assert_eq!(spreadsheet_damage("+1 415 555 0100 ext.0"), None);
}

#[cfg(feature = "libphonenumber")]
#[test]
fn strict_validation() {
    assert!(PhoneNumber::parse_strict("+919876543210").is_ok());
    assert!(PhoneNumber::parse_strict("+14155550132").is_ok());
    let err = PhoneNumber::parse_strict("+10000000000").unwrap_err();
    assert!(matches!(err, PhoneNumberError::Invalid { .. }), "{err:?}");
    assert!(PhoneNumber::from_national_strict("98765 43210", "IN").is_ok());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_strings_never_panic(s in any::<String>(), c in "[+A-Za-z0-9]{0,4}") {
        let _ = PhoneNumber::parse(&s);
        let _ = PhoneNumber::from_national(&s, &c);
        let _ = calling_code(&c);
    }

    #[test]
    fn valid_shapes_round_trip(d in "[1-9][0-9]{7,14}") {
        let input = format!("+{d}");
        let n = PhoneNumber::parse(&input).unwrap();
        prop_assert_eq!(n.as_str(), input.as_str());
        let back: PhoneNumber = serde_json::from_str(&serde_json::to_string(&n).unwrap()).unwrap();
        prop_assert_eq!(back, n);
    }
}
