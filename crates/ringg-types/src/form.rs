//! Text fields of the multipart forms (campaign uploads, knowledge-base create/edit).
//!
//! Form structs turn into `(name, value)` text parts with `text_fields()`; the HTTP client adds
//! the file parts. [`text_fields`] is the one encoder for a form that derives `Serialize`: each
//! field becomes a part named after it, in field order; a string is sent as it is, anything
//! else (numbers, booleans, objects, arrays) as its JSON text, and a `None` is left out.

use serde::Serialize;
use serde::ser::{self, Impossible, SerializeStruct, Serializer};
use serde_json::Value;

/// The text parts of a form struct: see the [module docs](self).
pub(crate) fn text_fields<T: Serialize + ?Sized>(
    form: &T,
) -> Result<Vec<(&'static str, String)>, serde_json::Error> {
    form.serialize(FormEncoder)
}

/// Serializes a struct into text parts; anything but a struct is refused.
struct FormEncoder;

/// The parts collected so far.
struct Parts(Vec<(&'static str, String)>);

impl SerializeStruct for Parts {
    type Ok = Vec<(&'static str, String)>;
    type Error = serde_json::Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Self::Error> {
        match serde_json::to_value(value)? {
            Value::Null => {}
            Value::String(s) => self.0.push((key, s)),
            // Written straight from the value, so struct fields keep their declared order.
            _ => self.0.push((key, serde_json::to_string(value)?)),
        }
        Ok(())
    }

    fn end(self) -> Result<Self::Ok, Self::Error> {
        Ok(self.0)
    }
}

fn not_a_struct() -> serde_json::Error {
    ser::Error::custom("a multipart form must serialize as a struct with named fields")
}

/// `fn name(self, _: T) -> Result<Ok, Error>` methods that refuse the value.
macro_rules! refuse {
    ($($name:ident($ty:ty)),* $(,)?) => {
        $(fn $name(self, _: $ty) -> Result<Self::Ok, Self::Error> {
            Err(not_a_struct())
        })*
    };
}

impl Serializer for FormEncoder {
    type Ok = Vec<(&'static str, String)>;
    type Error = serde_json::Error;
    type SerializeSeq = Impossible<Self::Ok, Self::Error>;
    type SerializeTuple = Impossible<Self::Ok, Self::Error>;
    type SerializeTupleStruct = Impossible<Self::Ok, Self::Error>;
    type SerializeTupleVariant = Impossible<Self::Ok, Self::Error>;
    type SerializeMap = Impossible<Self::Ok, Self::Error>;
    type SerializeStruct = Parts;
    type SerializeStructVariant = Impossible<Self::Ok, Self::Error>;

    refuse!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_str(&str),
        serialize_bytes(&[u8]),
        serialize_unit_struct(&'static str),
    );

    fn serialize_none(self) -> Result<Self::Ok, Self::Error> {
        Err(not_a_struct())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Self::Ok, Self::Error> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<Self::Ok, Self::Error> {
        Err(not_a_struct())
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<Self::Ok, Self::Error> {
        Err(not_a_struct())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Self::Ok, Self::Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Self::Ok, Self::Error> {
        Err(not_a_struct())
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Self::Error> {
        Err(not_a_struct())
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Self::Error> {
        Err(not_a_struct())
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Self::Error> {
        Err(not_a_struct())
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Self::Error> {
        Err(not_a_struct())
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Self::Error> {
        Err(not_a_struct())
    }

    fn serialize_struct(
        self,
        _: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStruct, Self::Error> {
        Ok(Parts(Vec::with_capacity(len)))
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Self::Error> {
        Err(not_a_struct())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Form {
        name: String,
        count: u32,
        on: bool,
        off: Option<bool>,
        tags: Vec<String>,
    }

    #[test]
    fn each_field_becomes_a_text_part() {
        let form = Form {
            name: "a \"b\"".into(),
            count: 3,
            on: true,
            off: None,
            tags: vec!["x".into()],
        };
        assert_eq!(
            text_fields(&form).unwrap(),
            vec![
                ("name", "a \"b\"".to_owned()),
                ("count", "3".to_owned()),
                ("on", "true".to_owned()),
                ("tags", r#"["x"]"#.to_owned()),
            ]
        );
        assert!(text_fields(&3u8).is_err());
    }
}
