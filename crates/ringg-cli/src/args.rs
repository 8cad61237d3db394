//! Values of the command line every command group parses the same way: pages, `NAME=VALUE`
//! and `Name: value` pairs (clap value parsers), ids and phone numbers.

use clap::Args;

use crate::error::CliError;

/// `--limit` / `--offset` / `--all`.
#[derive(Debug, Clone, Args)]
pub(crate) struct PageArgs {
    /// Rows per page (1-100).
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub(crate) limit: u32,
    /// Rows to skip.
    #[arg(long, default_value_t = 0)]
    pub(crate) offset: u64,
    /// Every row, page after page.
    #[arg(long)]
    pub(crate) all: bool,
}

/// A refused argument that may hold a secret (`--var access_token:…`, a `--header` without its
/// colon): its message leaves the value out, and the CLI's error line leaves out the value
/// clap would quote (`cli::clap_exit` looks for this type).
#[derive(Debug)]
pub(crate) struct HiddenValue(&'static str);

impl std::fmt::Display for HiddenValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} (what was given is not shown: it may hold a secret)",
            self.0
        )
    }
}

impl std::error::Error for HiddenValue {}

/// Parses `KEY=VALUE` (the value may contain `=`).
pub(crate) fn parse_key_value(s: &str) -> Result<(String, String), HiddenValue> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(HiddenValue("expected NAME=VALUE")),
    }
}

/// Parses `Name: value` or `Name:value`.
pub(crate) fn parse_header(s: &str) -> Result<(String, String), HiddenValue> {
    match s.split_once(':') {
        Some((k, v)) if !k.trim().is_empty() && !k.contains(' ') => {
            Ok((k.trim().to_string(), v.trim().to_string()))
        }
        _ => Err(HiddenValue(
            "expected NAME:VALUE, such as `X-Webhook-Secret: …`",
        )),
    }
}

/// Parses an id argument: refuses an empty one.
pub(crate) fn id<T: From<String>>(what: &str, raw: &str) -> Result<T, CliError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(CliError::usage(format!("the {what} id is empty")));
    }
    Ok(T::from(s.to_string()))
}

/// Refuses a name that is empty or only spaces (`flag` names where it was given; `what` is
/// what to give instead, e.g. "the callee's name").
pub(crate) fn name(flag: &str, raw: &str, what: &str) -> Result<(), CliError> {
    if raw.trim().is_empty() {
        return Err(CliError::usage(format!("{flag} is empty; give {what}")));
    }
    Ok(())
}

/// Parses a phone number given on the command line: E.164, written with or without spaces,
/// dashes, dots or parentheses (`+91 98765 43210` is `+919876543210`). With the
/// `libphonenumber` feature the number is also checked against its country's numbering plan.
pub(crate) fn phone(flag: &str, raw: &str) -> Result<ringg_types::PhoneNumber, CliError> {
    let bad = |e: ringg_types::phone::PhoneNumberError| {
        CliError::usage(format!(
            "{flag} {raw:?} is not an E.164 number ({e}); write it with the country code, e.g. +919876543210"
        ))
    };
    let number = ringg_types::PhoneNumber::parse_written(raw).map_err(bad)?;
    #[cfg(feature = "libphonenumber")]
    number.validate_strict().map_err(bad)?;
    Ok(number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_names_are_refused_saying_what_to_give() {
        assert!(name("--name", "Asha", "the callee's name").is_ok());
        for blank in ["", "  "] {
            let e = name("--name", blank, "the callee's name").unwrap_err();
            assert_eq!(e.class(), crate::error::ErrorClass::Usage);
            assert_eq!(e.to_string(), "--name is empty; give the callee's name");
        }
    }

    #[test]
    fn phone_numbers_are_normalized() {
        assert_eq!(
            phone("--to", "+91 98765 43210").unwrap().as_str(),
            "+919876543210"
        );
        assert_eq!(
            phone("--to", " +91-98765-43210 ").unwrap().as_str(),
            "+919876543210"
        );
        let e = phone("--to", "98765 43210").unwrap_err();
        assert!(e.to_string().contains("country code"), "{e}");
    }

    #[test]
    fn key_values_and_headers() {
        assert_eq!(
            parse_key_value("a=b=c").unwrap(),
            ("a".into(), "b=c".into())
        );
        assert!(parse_key_value("=x").is_err());
        assert!(parse_key_value("nothing").is_err());
        assert_eq!(
            parse_header("X-Webhook-Secret: s").unwrap(),
            ("X-Webhook-Secret".into(), "s".into())
        );
        assert!(parse_header("no colon").is_err());
        // A header given without its colon may be a secret: not echoed.
        let e = parse_header("Authorization Bearer sk-live-123")
            .unwrap_err()
            .to_string();
        assert!(!e.contains("sk-live-123"), "{e}");
    }
}
