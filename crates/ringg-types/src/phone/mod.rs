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

mod calling_codes;
mod number;
mod spreadsheet;
#[cfg(test)]
mod tests;

pub use self::calling_codes::*;
pub use self::number::*;
