//! E.164 phone numbers.
//!
//! Ringg wants every number in E.164 form: `+`, the country calling code, then the subscriber
//! number, with no spaces or punctuation (`+919876543210`). [`PhoneNumber`] checks that shape when
//! it is built, so a malformed number is caught before a request is sent:
//!
//! ```
//! use ringg_types::phone::PhoneNumber;
//! let n: PhoneNumber = "+919876543210".parse().unwrap();
//! assert_eq!(n.as_str(), "+919876543210");
//!
//! // From a number as people write it, plus a country:
//! let n = PhoneNumber::from_national("098765 43210", "IN").unwrap();
//! assert_eq!(n.as_str(), "+919876543210");
//! let n = PhoneNumber::from_national("(415) 555-0132", "+1").unwrap();
//! assert_eq!(n.as_str(), "+14155550132");
//!
//! let err = "98765 43210".parse::<PhoneNumber>().unwrap_err();
//! assert!(err.to_string().contains("+919876543210"));
//! ```
//!
//! The check is structural (8–15 digits, country code not starting with 0). With the cargo
//! feature `libphonenumber`, `PhoneNumber::validate_strict` and `PhoneNumber::parse_strict`
//! also check the number against libphonenumber's per-country rules.
//!
//! Response models keep phone numbers as plain `String`s: Ringg's own examples contain values
//! such as `+0987654321` that are not valid E.164, and a response should not fail to decode
//! because of them.

use std::fmt;
use std::str::FromStr;

/// Why a string is not an acceptable phone number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PhoneNumberError {
    /// Nothing was given.
    #[error(
        "phone number is empty; a valid number looks like +919876543210 (E.164: `+`, country \
         code, subscriber number)"
    )]
    Empty,
    /// The number does not start with `+`.
    #[error(
        "phone number {input:?} must start with `+` and the country code; a valid number looks \
         like +919876543210 (add the country code in front, e.g. +91 for India)"
    )]
    MissingPlus {
        /// The rejected input.
        input: String,
    },
    /// A character other than a digit follows the `+`.
    #[error(
        "phone number {input:?} contains {found:?} at position {position}: E.164 allows only `+` \
         followed by digits, without spaces or punctuation; a valid number looks like \
         +919876543210"
    )]
    InvalidCharacter {
        /// The rejected input.
        input: String,
        /// The offending character.
        found: char,
        /// Its character position in the input (0-based).
        position: usize,
    },
    /// Too few or too many digits.
    #[error(
        "phone number {input:?} has {digits} digits after `+`, but E.164 numbers have 8 to 15 \
         (country code included); a valid number looks like +919876543210"
    )]
    BadLength {
        /// The rejected input.
        input: String,
        /// How many digits it has.
        digits: usize,
    },
    /// The first digit after `+` is `0`; no country code starts with 0.
    #[error(
        "phone number {input:?} starts with `+0`, but no country code starts with 0; a valid \
         number looks like +919876543210"
    )]
    LeadingZero {
        /// The rejected input.
        input: String,
    },
    /// The country given to [`PhoneNumber::from_national`] is not recognised.
    #[error(
        "unknown country {country:?}: pass a calling code such as `+91` or `91`, or an ISO 3166 \
         alpha-2 code such as `IN` or `US`"
    )]
    UnknownCountry {
        /// The rejected country.
        country: String,
    },
    /// Well-formed, but libphonenumber says the number does not exist for its country
    /// (only produced by the `libphonenumber` feature's strict checks).
    #[error(
        "phone number {input:?} is not a valid number: {reason}; check the country code and the \
         number of digits for that country"
    )]
    Invalid {
        /// The rejected input.
        input: String,
        /// libphonenumber's finding.
        reason: String,
    },
}

/// A phone number in E.164 form (`+919876543210`), checked when built.
///
/// Serializes as the plain string. Deserializing checks the shape too.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Parses an E.164 number: `+` then 8–15 digits, the first not `0`, nothing else.
    pub fn parse(input: &str) -> Result<Self, PhoneNumberError> {
        if input.is_empty() {
            return Err(PhoneNumberError::Empty);
        }
        let Some(digits) = input.strip_prefix('+') else {
            return Err(PhoneNumberError::MissingPlus {
                input: input.to_owned(),
            });
        };
        if let Some((i, c)) = digits
            .chars()
            .enumerate()
            .find(|(_, c)| !c.is_ascii_digit())
        {
            return Err(PhoneNumberError::InvalidCharacter {
                input: input.to_owned(),
                found: c,
                position: i + 1,
            });
        }
        if !(8..=15).contains(&digits.len()) {
            return Err(PhoneNumberError::BadLength {
                input: input.to_owned(),
                digits: digits.len(),
            });
        }
        if digits.starts_with('0') {
            return Err(PhoneNumberError::LeadingZero {
                input: input.to_owned(),
            });
        }
        Ok(Self(input.to_owned()))
    }

    /// Builds a number from its national form and a country.
    ///
    /// `country` is a calling code (`+91`, `91`, `+1`) or an ISO 3166 alpha-2 code (`IN`, `us`).
    /// Spaces, dashes, dots and parentheses are removed, and one leading trunk `0` is dropped
    /// (`098765 43210` → `9876543210`), except for Italy, San Marino and Vatican City, where the
    /// leading `0` is part of the number. A national number that already starts with `+` is
    /// validated as is; one that starts with the international prefix `00` is read as
    /// `+` followed by the rest. The digits are not checked for an already-included country code:
    /// `from_national("919876543210", "IN")` gives `+91919876543210`.
    pub fn from_national(national: &str, country: &str) -> Result<Self, PhoneNumberError> {
        let cleaned: String = national
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.' | '\u{a0}' | '\t'))
            .collect();
        if cleaned.is_empty() {
            return Err(PhoneNumberError::Empty);
        }
        if cleaned.starts_with('+') {
            return Self::parse(&cleaned);
        }
        if let Some(rest) = cleaned.strip_prefix("00") {
            return Self::parse(&format!("+{rest}"));
        }
        let code = calling_code(country).ok_or_else(|| PhoneNumberError::UnknownCountry {
            country: country.to_owned(),
        })?;
        let keeps_zero = matches!(code, "39" | "378" | "379");
        let subscriber = match cleaned.strip_prefix('0') {
            Some(rest) if !keeps_zero => rest,
            _ => cleaned.as_str(),
        };
        Self::parse(&format!("+{code}{subscriber}"))
    }

    /// The number, `+` included.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The digits after `+`.
    pub fn digits(&self) -> &str {
        &self.0[1..]
    }

    /// Checks the number against libphonenumber's rules for its country.
    #[cfg(feature = "libphonenumber")]
    pub fn validate_strict(&self) -> Result<(), PhoneNumberError> {
        let invalid = |reason: String| PhoneNumberError::Invalid {
            input: self.0.clone(),
            reason,
        };
        let parsed = phonenumber::parse(None, &self.0).map_err(|e| invalid(e.to_string()))?;
        if phonenumber::is_valid(&parsed) {
            Ok(())
        } else {
            Err(invalid(format!(
                "libphonenumber knows no valid number of this length and prefix for country code +{}",
                parsed.country().code()
            )))
        }
    }

    /// [`PhoneNumber::parse`] followed by [`PhoneNumber::validate_strict`].
    #[cfg(feature = "libphonenumber")]
    pub fn parse_strict(input: &str) -> Result<Self, PhoneNumberError> {
        let number = Self::parse(input)?;
        number.validate_strict()?;
        Ok(number)
    }

    /// [`PhoneNumber::from_national`] followed by [`PhoneNumber::validate_strict`].
    #[cfg(feature = "libphonenumber")]
    pub fn from_national_strict(national: &str, country: &str) -> Result<Self, PhoneNumberError> {
        let number = Self::from_national(national, country)?;
        number.validate_strict()?;
        Ok(number)
    }
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PhoneNumber({:?})", self.0)
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for PhoneNumber {
    type Err = PhoneNumberError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<&str> for PhoneNumber {
    type Error = PhoneNumberError;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::parse(s)
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = PhoneNumberError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl AsRef<str> for PhoneNumber {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<PhoneNumber> for String {
    fn from(p: PhoneNumber) -> String {
        p.0
    }
}

impl PartialEq<str> for PhoneNumber {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for PhoneNumber {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl serde::Serialize for PhoneNumber {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for PhoneNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// The calling code (digits, no `+`) for a country given as a calling code (`+91`, `91`) or an
/// ISO 3166 alpha-2 code (`IN`, case-insensitive). `None` when it is neither.
///
/// ```
/// use ringg_types::phone::calling_code;
/// assert_eq!(calling_code("IN"), Some("91"));
/// assert_eq!(calling_code("+1"), Some("1"));
/// assert_eq!(calling_code("gb"), Some("44"));
/// assert_eq!(calling_code("XX"), None);
/// ```
pub fn calling_code(country: &str) -> Option<&str> {
    let c = country.trim();
    let digits = c.strip_prefix('+').unwrap_or(c);
    if !digits.is_empty() && digits.chars().all(|ch| ch.is_ascii_digit()) {
        return (digits.len() <= 3 && !digits.starts_with('0')).then_some(digits);
    }
    if c.len() == 2 && c.chars().all(|ch| ch.is_ascii_alphabetic()) {
        let upper = c.to_ascii_uppercase();
        return ISO_CALLING_CODES
            .iter()
            .find(|(iso, _)| *iso == upper)
            .map(|(_, code)| *code);
    }
    None
}

/// ISO 3166-1 alpha-2 country code → international calling code (ITU-T E.164 assignments).
pub const ISO_CALLING_CODES: &[(&str, &str)] = &[
    ("AC", "247"),
    ("AD", "376"),
    ("AE", "971"),
    ("AF", "93"),
    ("AG", "1"),
    ("AI", "1"),
    ("AL", "355"),
    ("AM", "374"),
    ("AO", "244"),
    ("AQ", "672"),
    ("AR", "54"),
    ("AS", "1"),
    ("AT", "43"),
    ("AU", "61"),
    ("AW", "297"),
    ("AX", "358"),
    ("AZ", "994"),
    ("BA", "387"),
    ("BB", "1"),
    ("BD", "880"),
    ("BE", "32"),
    ("BF", "226"),
    ("BG", "359"),
    ("BH", "973"),
    ("BI", "257"),
    ("BJ", "229"),
    ("BL", "590"),
    ("BM", "1"),
    ("BN", "673"),
    ("BO", "591"),
    ("BQ", "599"),
    ("BR", "55"),
    ("BS", "1"),
    ("BT", "975"),
    ("BV", "47"),
    ("BW", "267"),
    ("BY", "375"),
    ("BZ", "501"),
    ("CA", "1"),
    ("CC", "61"),
    ("CD", "243"),
    ("CF", "236"),
    ("CG", "242"),
    ("CH", "41"),
    ("CI", "225"),
    ("CK", "682"),
    ("CL", "56"),
    ("CM", "237"),
    ("CN", "86"),
    ("CO", "57"),
    ("CR", "506"),
    ("CU", "53"),
    ("CV", "238"),
    ("CW", "599"),
    ("CX", "61"),
    ("CY", "357"),
    ("CZ", "420"),
    ("DE", "49"),
    ("DJ", "253"),
    ("DK", "45"),
    ("DM", "1"),
    ("DO", "1"),
    ("DZ", "213"),
    ("EC", "593"),
    ("EE", "372"),
    ("EG", "20"),
    ("EH", "212"),
    ("ER", "291"),
    ("ES", "34"),
    ("ET", "251"),
    ("FI", "358"),
    ("FJ", "679"),
    ("FK", "500"),
    ("FM", "691"),
    ("FO", "298"),
    ("FR", "33"),
    ("GA", "241"),
    ("GB", "44"),
    ("GD", "1"),
    ("GE", "995"),
    ("GF", "594"),
    ("GG", "44"),
    ("GH", "233"),
    ("GI", "350"),
    ("GL", "299"),
    ("GM", "220"),
    ("GN", "224"),
    ("GP", "590"),
    ("GQ", "240"),
    ("GR", "30"),
    ("GS", "500"),
    ("GT", "502"),
    ("GU", "1"),
    ("GW", "245"),
    ("GY", "592"),
    ("HK", "852"),
    ("HM", "672"),
    ("HN", "504"),
    ("HR", "385"),
    ("HT", "509"),
    ("HU", "36"),
    ("ID", "62"),
    ("IE", "353"),
    ("IL", "972"),
    ("IM", "44"),
    ("IN", "91"),
    ("IO", "246"),
    ("IQ", "964"),
    ("IR", "98"),
    ("IS", "354"),
    ("IT", "39"),
    ("JE", "44"),
    ("JM", "1"),
    ("JO", "962"),
    ("JP", "81"),
    ("KE", "254"),
    ("KG", "996"),
    ("KH", "855"),
    ("KI", "686"),
    ("KM", "269"),
    ("KN", "1"),
    ("KP", "850"),
    ("KR", "82"),
    ("KW", "965"),
    ("KY", "1"),
    ("KZ", "7"),
    ("LA", "856"),
    ("LB", "961"),
    ("LC", "1"),
    ("LI", "423"),
    ("LK", "94"),
    ("LR", "231"),
    ("LS", "266"),
    ("LT", "370"),
    ("LU", "352"),
    ("LV", "371"),
    ("LY", "218"),
    ("MA", "212"),
    ("MC", "377"),
    ("MD", "373"),
    ("ME", "382"),
    ("MF", "590"),
    ("MG", "261"),
    ("MH", "692"),
    ("MK", "389"),
    ("ML", "223"),
    ("MM", "95"),
    ("MN", "976"),
    ("MO", "853"),
    ("MP", "1"),
    ("MQ", "596"),
    ("MR", "222"),
    ("MS", "1"),
    ("MT", "356"),
    ("MU", "230"),
    ("MV", "960"),
    ("MW", "265"),
    ("MX", "52"),
    ("MY", "60"),
    ("MZ", "258"),
    ("NA", "264"),
    ("NC", "687"),
    ("NE", "227"),
    ("NF", "672"),
    ("NG", "234"),
    ("NI", "505"),
    ("NL", "31"),
    ("NO", "47"),
    ("NP", "977"),
    ("NR", "674"),
    ("NU", "683"),
    ("NZ", "64"),
    ("OM", "968"),
    ("PA", "507"),
    ("PE", "51"),
    ("PF", "689"),
    ("PG", "675"),
    ("PH", "63"),
    ("PK", "92"),
    ("PL", "48"),
    ("PM", "508"),
    ("PN", "64"),
    ("PR", "1"),
    ("PS", "970"),
    ("PT", "351"),
    ("PW", "680"),
    ("PY", "595"),
    ("QA", "974"),
    ("RE", "262"),
    ("RO", "40"),
    ("RS", "381"),
    ("RU", "7"),
    ("RW", "250"),
    ("SA", "966"),
    ("SB", "677"),
    ("SC", "248"),
    ("SD", "249"),
    ("SE", "46"),
    ("SG", "65"),
    ("SH", "290"),
    ("SI", "386"),
    ("SJ", "47"),
    ("SK", "421"),
    ("SL", "232"),
    ("SM", "378"),
    ("SN", "221"),
    ("SO", "252"),
    ("SR", "597"),
    ("SS", "211"),
    ("ST", "239"),
    ("SV", "503"),
    ("SX", "1"),
    ("SY", "963"),
    ("SZ", "268"),
    ("TA", "290"),
    ("TC", "1"),
    ("TD", "235"),
    ("TF", "262"),
    ("TG", "228"),
    ("TH", "66"),
    ("TJ", "992"),
    ("TK", "690"),
    ("TL", "670"),
    ("TM", "993"),
    ("TN", "216"),
    ("TO", "676"),
    ("TR", "90"),
    ("TT", "1"),
    ("TV", "688"),
    ("TW", "886"),
    ("TZ", "255"),
    ("UA", "380"),
    ("UG", "256"),
    ("UM", "1"),
    ("US", "1"),
    ("UY", "598"),
    ("UZ", "998"),
    ("VA", "39"),
    ("VC", "1"),
    ("VE", "58"),
    ("VG", "1"),
    ("VI", "1"),
    ("VN", "84"),
    ("VU", "678"),
    ("WF", "681"),
    ("WS", "685"),
    ("XK", "383"),
    ("YE", "967"),
    ("YT", "262"),
    ("ZA", "27"),
    ("ZM", "260"),
    ("ZW", "263"),
];

#[cfg(test)]
mod tests {
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
            Err(PhoneNumberError::InvalidCharacter { found: 'a', .. })
        ));
        assert_eq!(
            PhoneNumber::from_national(" - ", "IN"),
            Err(PhoneNumberError::Empty)
        );
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
}
