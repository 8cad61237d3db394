//! [`PhoneNumber`] (E.164) and [`PhoneNumberError`].

use std::fmt;
use std::str::FromStr;

use crate::phone::calling_codes::calling_code;
use crate::phone::spreadsheet::{Damage, damage};

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
    /// A number as people write it ([`PhoneNumber::parse_written`],
    /// [`PhoneNumber::from_national`]) holds a character that is neither a digit nor a
    /// separator.
    #[error(
        "phone number {input:?} contains {found:?}: only digits, a leading `+` before the \
         country code, and the separators space, `-`, `.`, `(` and `)` are allowed; a valid \
         number looks like +91 98765 43210"
    )]
    InvalidWrittenCharacter {
        /// The rejected input, as written.
        input: String,
        /// The offending character.
        found: char,
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
    /// A spreadsheet exported the number as a decimal number (`+919876500009.0`): the `.0`
    /// would be read as more digits. See [`spreadsheet_damage`].
    #[error(
        "phone number {input:?} ends in `.0` as a spreadsheet writes a cell it reads as a \
         decimal number, which would be dialled with an extra digit; format the column as text \
         (or remove the `.0`) and export the file again"
    )]
    DecimalExport {
        /// The rejected input, as written.
        input: String,
    },
    /// A spreadsheet showed the number in scientific notation (`9.19876E+11`) and exported it
    /// that way: its last digits are already lost.
    #[error(
        "phone number {input:?} is in scientific notation, as a spreadsheet shows a long number, \
         and its last digits are lost; format the column as text, put the full numbers back \
         (from where they came from) and export the file again"
    )]
    ScientificNotation {
        /// The rejected input, as written.
        input: String,
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
    /// `+` followed by the rest. A number a spreadsheet turned into a decimal (`9876500005.0`,
    /// `9.19876E+11`) is refused ([`spreadsheet_damage`]), not read
    /// with its `.0` as another digit. The digits are not checked for an already-included country code:
    /// `from_national("919876543210", "IN")` gives `+91919876543210`.
    pub fn from_national(national: &str, country: &str) -> Result<Self, PhoneNumberError> {
        Self::from_national_cleaned(national, country).map_err(|e| match e {
            // Report the number as it was written, not the form built from it.
            PhoneNumberError::InvalidCharacter { found, .. } => {
                PhoneNumberError::InvalidWrittenCharacter {
                    input: national.to_owned(),
                    found,
                }
            }
            other => other,
        })
    }

    /// [`from_national`](Self::from_national) before its errors name the input as written.
    fn from_national_cleaned(national: &str, country: &str) -> Result<Self, PhoneNumberError> {
        if let Some(damage) = spreadsheet_damage(national) {
            return Err(damage);
        }
        let cleaned = without_separators(national);
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

    /// Parses an international number as people write it: spaces, dashes, dots and
    /// parentheses between the digits are dropped (`+91 98765 43210`, `+91-98765-43210` and
    /// `+1 (415) 555-0100` become `+919876543210` and `+14155550100`), then the result is
    /// checked as [`PhoneNumber::parse`] does. The country code is still required. A number a
    /// spreadsheet exported as a decimal (`+919876500009.0`) is refused
    /// ([`spreadsheet_damage`]).
    ///
    /// ```
    /// use ringg_types::PhoneNumber;
    /// let n = PhoneNumber::parse_written("+91 98765-43210").unwrap();
    /// assert_eq!(n.as_str(), "+919876543210");
    /// assert!(PhoneNumber::parse_written("98765 43210").is_err());
    /// ```
    pub fn parse_written(input: &str) -> Result<Self, PhoneNumberError> {
        if let Some(damage) = spreadsheet_damage(input) {
            return Err(damage);
        }
        let cleaned = without_separators(input.trim());
        if cleaned.is_empty() {
            return Err(PhoneNumberError::Empty);
        }
        Self::parse(&cleaned).map_err(|e| match e {
            // Report the number as it was written, not the cleaned form.
            PhoneNumberError::MissingPlus { .. } => PhoneNumberError::MissingPlus {
                input: input.to_owned(),
            },
            PhoneNumberError::InvalidCharacter { found, .. } => {
                PhoneNumberError::InvalidWrittenCharacter {
                    input: input.to_owned(),
                    found,
                }
            }
            other => other,
        })
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

/// The error for a number as written (in a CSV cell, on a command line) that shows a
/// spreadsheet read it as a decimal number rather than text, or `None`:
///
/// - a decimal export, `+919876500009.0` or `9876500005.00`: the one `.` followed by zeros
///   only, after seven digits or more and nothing but separators, which
///   [`PhoneNumber::parse_written`] would otherwise read as more digits of the number
///   (dialling someone else);
/// - scientific notation, `9.19876E+11`: the last digits are already gone.
///
/// Dots as separators (`415.555.0100`, `01.23.45.67.89`) are not taken for either.
///
/// ```
/// use ringg_types::phone::{PhoneNumberError, spreadsheet_damage};
///
/// assert!(matches!(
///     spreadsheet_damage("+919876500009.0"),
///     Some(PhoneNumberError::DecimalExport { .. })
/// ));
/// assert!(matches!(
///     spreadsheet_damage("9.19876E+11"),
///     Some(PhoneNumberError::ScientificNotation { .. })
/// ));
/// assert_eq!(spreadsheet_damage("+1 415.555.0100"), None);
/// ```
pub fn spreadsheet_damage(written: &str) -> Option<PhoneNumberError> {
    let input = written.to_owned();
    damage(written).map(|d| match d {
        Damage::Decimal => PhoneNumberError::DecimalExport { input },
        Damage::Scientific => PhoneNumberError::ScientificNotation { input },
    })
}

/// `s` without the separators people write between digits (spaces, no-break spaces, tabs,
/// dashes, dots, parentheses).
fn without_separators(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.' | '\u{a0}' | '\t'))
        .collect()
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
