//! Tolerant building blocks shared by the models.
//!
//! Ringg's payloads disagree with themselves across documentation generations (see the API
//! reference §7). The types here accept every documented form of a value and remember which form
//! they came in, so that a model re-serializes to exactly the JSON it was read from:
//!
//! - [`Timestamp`]: ISO 8601 with an offset, with `Z`, or naive (no offset, read as UTC).
//! - [`Credits`] and [`Seconds`]: numbers that keep their int-or-float form (`3025` vs `3025.0`).
//! - [`Total`]: a count or the string `"many"`.
//! - [`Transcript`]: an array of turns, a JSON-encoded string of one, or plain text.
//! - [`CustomVariables`]: a `{name: type}` map or an array of names.
//! - [`FlexBool`]: `true`/`false` or a string such as `"yes"`.
//! - [`TextList`]: a list of strings or one string.
//! - [`Nullable`]: a field that may be absent, `null`, or present.
//! - [`Extra`]: the map of unknown fields every model keeps.
//!
//! Some response fields also take forms a single type cannot keep (`common::lenient`, listed
//! in the changelog):
//! - time fields read `""` as no time;
//! - the counts of list responses read `"12"` and `12.0`;
//! - their yes/no fields read `0`/`1` and words such as `"true"`;
//! - `call_duration`, `call_cost`, `additional_balance_required`, `platform_analysis`, an
//!   assistant row's `custom_variables` and `tools` read `""` as `null`;
//! - history's `from_numbers` reads one string as a list of one;
//! - `custom_args_values` and `client_analysis` read an object JSON-encoded in a string.
//!
//! Such a value is written back in the documented form (`""` as `null`, or left out for an
//! `Option` field), so these fields are the exception to the exact round trip. Webhook
//! payloads and requests keep their strict forms (a webhook that does not fit is still
//! delivered, as a partial event).
//!
//! [`decode`] parses a response body into a model and, on failure, reports the field path, the
//! serde message and the body.

mod decode;
mod fields;
pub(crate) mod lenient;
mod lists;
mod paging;
mod query;
mod scalars;
#[cfg(test)]
mod tests;
mod timestamp;
mod transcript;

pub use self::decode::*;
pub use self::fields::*;
pub use self::lists::*;
pub use self::paging::*;
pub use self::query::*;
pub use self::scalars::*;
pub use self::timestamp::*;
pub use self::transcript::*;
