//! Tolerant scalars: numbers that keep their int-or-float form ([`Credits`], [`Seconds`]),
//! [`Total`] (a count or `"many"`) and [`FlexBool`].

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Number;

macro_rules! json_number {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        ///
        /// A string holding a number (`"31.5"`) is accepted too and written back as that string.
        #[derive(Clone, PartialEq, Eq, Hash)]
        pub struct $name {
            number: Number,
            /// The string the number came in, when it came as one.
            text: Option<String>,
        }

        impl $name {
            /// Wraps a JSON number as it is.
            pub fn new(n: Number) -> Self {
                Self { number: n, text: None }
            }

            /// A value from a float; `None` for NaN or infinity (not representable in JSON).
            pub fn from_f64(v: f64) -> Option<Self> {
                Number::from_f64(v).map(Self::new)
            }

            /// The value as `f64` (integers are converted).
            pub fn as_f64(&self) -> f64 {
                self.number.as_f64().unwrap_or_default()
            }

            /// The value as `u64`, when it was written as a non-negative integer.
            pub fn as_u64(&self) -> Option<u64> {
                self.number.as_u64()
            }

            /// The value as `i64`, when it was written as an integer.
            pub fn as_i64(&self) -> Option<i64> {
                self.number.as_i64()
            }

            /// True when the value was written as an integer (`3025`, not `3025.0`).
            pub fn is_integer(&self) -> bool {
                self.number.is_i64() || self.number.is_u64()
            }

            /// True when the value arrived as a string holding a number (`"31.5"`).
            pub fn is_stringly(&self) -> bool {
                self.text.is_some()
            }

            /// The underlying JSON number.
            pub fn as_number(&self) -> &Number {
                &self.number
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.number)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.number, f)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match &self.text {
                    Some(text) => s.serialize_str(text),
                    None => self.number.serialize(s),
                }
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let (number, text) = number_or_numeric_string(d)?;
                Ok(Self { number, text })
            }
        }

        impl From<u64> for $name {
            fn from(v: u64) -> Self {
                Self::new(Number::from(v))
            }
        }

        impl From<u32> for $name {
            fn from(v: u32) -> Self {
                Self::new(Number::from(v))
            }
        }

        impl From<i64> for $name {
            fn from(v: i64) -> Self {
                Self::new(Number::from(v))
            }
        }

        impl From<Number> for $name {
            fn from(v: Number) -> Self {
                Self::new(v)
            }
        }
    };
}

/// A JSON number, or a string holding one (returned with the string).
fn number_or_numeric_string<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<(Number, Option<String>), D::Error> {
    struct V;
    impl Visitor<'_> for V {
        type Value = (Number, Option<String>);
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a number or a string holding a number")
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok((Number::from(v), None))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok((Number::from(v), None))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Number::from_f64(v)
                .map(|n| (n, None))
                .ok_or_else(|| E::invalid_value(de::Unexpected::Float(v), &self))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            let number = serde_json::from_str::<Number>(v.trim())
                .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))?;
            Ok((number, Some(v.to_owned())))
        }
    }
    d.deserialize_any(V)
}

/// A whole count from a JSON number written as an integer or a float (`2`, `2.0`), when it
/// fits a `u32`.
pub(crate) fn whole_count(n: &Number) -> Option<u32> {
    let whole = n.as_u64().or_else(|| {
        n.as_f64()
            .filter(|f| f.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(f))
            .map(|f| f as u64)
    })?;
    u32::try_from(whole).ok()
}

json_number!(
    /// An amount of credits (`credits`, `locked_credits`, `call_cost`, ...).
    ///
    /// Ringg writes credits as an integer or a float depending on the endpoint and generation
    /// (`3025` vs `3025.0`). `Credits` accepts both and writes back the form it read.
    ///
    /// ```
    /// use ringg_types::common::Credits;
    /// let a: Credits = serde_json::from_str("3025").unwrap();
    /// let b: Credits = serde_json::from_str("3025.0").unwrap();
    /// assert_eq!(a.as_f64(), b.as_f64());
    /// assert_eq!(serde_json::to_string(&b).unwrap(), "3025.0");
    /// ```
    Credits
);

json_number!(
    /// A share from 0 to 1 (`ab_versions[*].call_traffic`), a number or, from the live API, a
    /// numeric string (`"0.7"`).
    Fraction
);

json_number!(
    /// A duration in seconds as Ringg writes it (`call_duration: 15.733745`, `recording_duration`),
    /// an integer or a float, written back in the form it was read.
    Seconds
);

impl Seconds {
    /// The duration as a [`std::time::Duration`] (negative values become zero).
    pub fn to_duration(&self) -> std::time::Duration {
        std::time::Duration::try_from_secs_f64(self.as_f64()).unwrap_or_default()
    }
}

/// The `total` of a paginated list: a count, or the string `"many"` that the live call-history
/// endpoint sends for large result sets.
///
/// ```
/// use ringg_types::common::Total;
/// let t: Total = serde_json::from_str("\"many\"").unwrap();
/// assert_eq!(t, Total::Many);
/// assert_eq!(serde_json::from_str::<Total>("12").unwrap().count(), Some(12));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Total {
    /// An exact count.
    Count(u64),
    /// The string `"many"`: more rows than the server counted.
    Many,
    /// Any other string, kept as is.
    Other(String),
}

impl Total {
    /// The count, when it is known (a number, or a string holding one).
    pub fn count(&self) -> Option<u64> {
        match self {
            Self::Count(n) => Some(*n),
            Self::Many => None,
            Self::Other(s) => s.trim().parse().ok(),
        }
    }

    /// True for `"many"`.
    pub fn is_many(&self) -> bool {
        matches!(self, Self::Many)
    }
}

impl Serialize for Total {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Count(n) => s.serialize_u64(*n),
            Self::Many => s.serialize_str("many"),
            Self::Other(o) => s.serialize_str(o),
        }
    }
}

impl<'de> Deserialize<'de> for Total {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Total;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a non-negative integer or the string \"many\"")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Total, E> {
                Ok(Total::Count(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Total, E> {
                u64::try_from(v)
                    .map(Total::Count)
                    .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
            }
            // Ringg writes one number as `3025` or `3025.0` (API reference §1.10).
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Total, E> {
                exact_whole(v)
                    .map(Total::Count)
                    .ok_or_else(|| E::invalid_value(de::Unexpected::Float(v), &self))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Total, E> {
                Ok(if v == "many" {
                    Total::Many
                } else {
                    Total::Other(v.to_owned())
                })
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum FlexBoolForm {
    Bool,
    Text(String),
    Number(Number),
}

/// A boolean that may arrive as `true`/`false`, as a string (`"true"`, `"false"`, `"yes"`,
/// `"no"`, `"y"`, `"n"`, `"1"`, `"0"`, any case), as a number (`0`/`1`), or as anything else an
/// LLM writes there (`"perhaps"`, `2`).
///
/// LLM-produced analysis fields such as `callback_requested` come in any of these forms. The
/// original form is remembered and written back. A value that is not a boolean word reads as
/// unknown: [`as_bool`](Self::as_bool) is `None` and [`get`](Self::get) is `false`.
///
/// ```
/// use ringg_types::common::FlexBool;
/// let b: FlexBool = serde_json::from_str("\"Yes\"").unwrap();
/// assert!(b.get());
/// assert_eq!(serde_json::to_string(&b).unwrap(), "\"Yes\"");
/// let p: FlexBool = serde_json::from_str("\"perhaps\"").unwrap();
/// assert_eq!(p.as_bool(), None);
/// assert_eq!(p.as_text(), Some("perhaps"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FlexBool {
    value: Option<bool>,
    form: FlexBoolForm,
}

impl FlexBool {
    /// The boolean value (`false` when the value was not a boolean word).
    pub fn get(&self) -> bool {
        self.value.unwrap_or(false)
    }

    /// The boolean value, `None` when the value was free text or a number other than 0/1.
    pub fn as_bool(&self) -> Option<bool> {
        self.value
    }

    /// True when the value was read as a boolean (a JSON boolean or a boolean word).
    pub fn is_known(&self) -> bool {
        self.value.is_some()
    }

    /// The string the value came in, when it came as a string.
    pub fn as_text(&self) -> Option<&str> {
        match &self.form {
            FlexBoolForm::Text(t) => Some(t),
            _ => None,
        }
    }

    /// True when the value arrived as a string or a number rather than a JSON boolean.
    pub fn is_stringly(&self) -> bool {
        !matches!(self.form, FlexBoolForm::Bool)
    }

    /// Parses a string form (`"true"`, `"no"`, ...); `None` if it is not a boolean word.
    pub fn parse_str(s: &str) -> Option<Self> {
        let value = bool_word(s)?;
        Some(Self {
            value: Some(value),
            form: FlexBoolForm::Text(s.to_owned()),
        })
    }

    /// Any string: a boolean word, or free text kept with an unknown value.
    pub fn from_text(s: &str) -> Self {
        Self {
            value: bool_word(s),
            form: FlexBoolForm::Text(s.to_owned()),
        }
    }
}

pub(crate) fn bool_word(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" => Some(true),
        "false" | "no" | "n" | "0" => Some(false),
        _ => None,
    }
}

impl From<bool> for FlexBool {
    fn from(value: bool) -> Self {
        Self {
            value: Some(value),
            form: FlexBoolForm::Bool,
        }
    }
}

impl From<FlexBool> for bool {
    fn from(b: FlexBool) -> bool {
        b.get()
    }
}

impl Serialize for FlexBool {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.form {
            FlexBoolForm::Bool => s.serialize_bool(self.get()),
            FlexBoolForm::Text(t) => s.serialize_str(t),
            FlexBoolForm::Number(n) => n.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for FlexBool {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = FlexBool;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a boolean, a number, or a string such as \"yes\"")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<FlexBool, E> {
                Ok(FlexBool::from(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<FlexBool, E> {
                Ok(FlexBool {
                    value: match v {
                        0 => Some(false),
                        1 => Some(true),
                        _ => None,
                    },
                    form: FlexBoolForm::Number(Number::from(v)),
                })
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<FlexBool, E> {
                Ok(FlexBool {
                    value: match v {
                        0 => Some(false),
                        1 => Some(true),
                        _ => None,
                    },
                    form: FlexBoolForm::Number(Number::from(v)),
                })
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<FlexBool, E> {
                let n = Number::from_f64(v)
                    .ok_or_else(|| E::invalid_value(de::Unexpected::Float(v), &self))?;
                Ok(FlexBool {
                    value: None,
                    form: FlexBoolForm::Number(n),
                })
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<FlexBool, E> {
                Ok(FlexBool::from_text(v))
            }
        }
        d.deserialize_any(V)
    }
}

/// 2^53: past it, an `f64` no longer holds every whole number.
const MAX_EXACT_F64: f64 = 9_007_199_254_740_992.0;

/// `v` as a whole number (`12.0`), or `None` for a fraction, a negative number or a float past
/// 2^53, whose whole numbers are no longer exact.
pub(crate) fn exact_whole(v: f64) -> Option<u64> {
    (v.fract() == 0.0 && (0.0..=MAX_EXACT_F64).contains(&v)).then_some(v as u64)
}
