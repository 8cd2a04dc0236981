//! A validated [`Survey`] written as a Rust expression, for the build script of `survey-defs`
//! to compile the shipped definitions into the app.
//!
//! Reading the definitions at start would carry serde's code for every type of the model into a
//! citizen's download (about 15 KB gzip); a Rust expression that builds the model carries none.
//! The expression is written from the model's own `Serialize`, so it cannot fall behind the
//! model: a field added, removed or reordered is a compile error in `survey-defs`, and its tests
//! check that what the expression builds equals the definition validated again from its file.
//!
//! The expression names the model's types unqualified: the file that includes it imports
//! [`IMPORTS`].

use std::fmt::{self, Display, Write as _};

use serde::ser::{self, Impossible, Serialize};

use crate::definition::model::Survey;

/// What the included expression needs in scope.
pub const IMPORTS: &str = "use survey::definition::condition::{CompareOp, Condition, Target, Value};\n\
use survey::definition::def::{Face, LevelOrder};\n\
use survey::definition::model::{Choice, Level, MatrixItem, Question, QuestionKind, RatingScale, Section, Survey};\n\
use survey::definition::scoring::{Criterion, Element, Indicator, PointsRule, Scoring};\n\
use survey::text::Text;\n";

/// The enum variants that hold their value in a `Box` (serde writes a box as its content).
const BOXED: [(&str, &str); 1] = [("Condition", "Not")];

/// The Rust expression that builds this survey.
pub fn rust_expression(survey: &Survey) -> Result<String, Error> {
    let mut out = String::new();
    survey.serialize(Writer { out: &mut out })?;
    Ok(out)
}

/// A shape of data the model does not have (a map, a float, bytes).
#[derive(Debug)]
pub struct Error(String);

impl Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a survey cannot be written as Rust: {}", self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

fn unsupported<T>(what: &str) -> Result<T, Error> {
    Err(Error(format!("the model holds {what}, which this writer does not know")))
}

/// A variant's Rust name from its serialised one: the model's enums serialise either under
/// their own names or in kebab-case (`very-happy` for `VeryHappy`).
fn rust_name(serialised: &str) -> String {
    serialised
        .split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map(|first| first.to_uppercase().chain(chars).collect::<String>()).unwrap_or_default()
        })
        .collect()
}

struct Writer<'a> {
    out: &'a mut String,
}

/// A list of values being written: a `vec!`, a tuple, a struct's fields or a constructor's
/// arguments.
struct List<'a> {
    out: &'a mut String,
    /// Written after the last value.
    close: &'static str,
    /// Survey's fields are private: it is built by [`Survey::prevalidated`], in field order.
    positional: bool,
}

impl List<'_> {
    fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        value.serialize(Writer { out: self.out })?;
        self.out.push_str(", ");
        Ok(())
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), Error> {
        if !self.positional {
            write!(self.out, "{key}: ").expect("writing to a String");
        }
        self.value(value)
    }

    fn end(self) -> Result<(), Error> {
        self.out.push_str(self.close);
        Ok(())
    }
}

impl<'a> ser::Serializer for Writer<'a> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = List<'a>;
    type SerializeTuple = List<'a>;
    type SerializeTupleStruct = List<'a>;
    type SerializeTupleVariant = List<'a>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = List<'a>;
    type SerializeStructVariant = List<'a>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        write!(self.out, "{v}").expect("writing to a String");
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        write!(self.out, "{v}").expect("writing to a String");
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        write!(self.out, "{v}").expect("writing to a String");
        Ok(())
    }
    fn serialize_f32(self, _: f32) -> Result<(), Error> {
        unsupported("a float")
    }
    fn serialize_f64(self, _: f64) -> Result<(), Error> {
        unsupported("a float")
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        write!(self.out, "{v:?}").expect("writing to a String");
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        // Debug escapes a string as a valid Rust literal.
        write!(self.out, "String::from({v:?})").expect("writing to a String");
        Ok(())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Error> {
        unsupported("bytes")
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.out.push_str("None");
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        self.out.push_str("Some(");
        value.serialize(Writer { out: &mut *self.out })?;
        self.out.push(')');
        Ok(())
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.out.push_str("()");
        Ok(())
    }
    fn serialize_unit_struct(self, name: &'static str) -> Result<(), Error> {
        self.out.push_str(name);
        Ok(())
    }
    fn serialize_unit_variant(self, name: &'static str, _: u32, variant: &'static str) -> Result<(), Error> {
        write!(self.out, "{name}::{}", rust_name(variant)).expect("writing to a String");
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, name: &'static str, value: &T) -> Result<(), Error> {
        write!(self.out, "{name}(").expect("writing to a String");
        value.serialize(Writer { out: &mut *self.out })?;
        self.out.push(')');
        Ok(())
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        let boxed = BOXED.contains(&(name, variant));
        write!(self.out, "{name}::{}({}", rust_name(variant), if boxed { "Box::new(" } else { "" })
            .expect("writing to a String");
        value.serialize(Writer { out: &mut *self.out })?;
        self.out.push_str(if boxed { "))" } else { ")" });
        Ok(())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<List<'a>, Error> {
        self.out.push_str("vec![");
        Ok(List { out: self.out, close: "]", positional: true })
    }
    fn serialize_tuple(self, _: usize) -> Result<List<'a>, Error> {
        self.out.push('(');
        Ok(List { out: self.out, close: ")", positional: true })
    }
    fn serialize_tuple_struct(self, name: &'static str, _: usize) -> Result<List<'a>, Error> {
        write!(self.out, "{name}(").expect("writing to a String");
        Ok(List { out: self.out, close: ")", positional: true })
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<List<'a>, Error> {
        write!(self.out, "{name}::{}(", rust_name(variant)).expect("writing to a String");
        Ok(List { out: self.out, close: ")", positional: true })
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        unsupported("a map")
    }
    fn serialize_struct(self, name: &'static str, _: usize) -> Result<List<'a>, Error> {
        if name == "Survey" {
            self.out.push_str("Survey::prevalidated(");
            return Ok(List { out: self.out, close: ")", positional: true });
        }
        write!(self.out, "{name} {{ ").expect("writing to a String");
        Ok(List { out: self.out, close: "}", positional: false })
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<List<'a>, Error> {
        write!(self.out, "{name}::{} {{ ", rust_name(variant)).expect("writing to a String");
        Ok(List { out: self.out, close: "}", positional: false })
    }
}

/// The lists whose values stand in order: a `vec!`, a tuple and a tuple variant's fields.
macro_rules! positional_list {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for List<'_> {
            type Ok = ();
            type Error = Error;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
                self.value(value)
            }
            fn end(self) -> Result<(), Error> {
                List::end(self)
            }
        }
    )*};
}

positional_list!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

/// The lists of named fields: a struct's and a struct variant's.
macro_rules! named_list {
    ($($trait:ident),*) => {$(
        impl ser::$trait for List<'_> {
            type Ok = ();
            type Error = Error;
            fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Error> {
                self.field(key, value)
            }
            /// A field serde leaves out (`skip_serializing_if`) is the model's `None`.
            fn skip_field(&mut self, key: &'static str) -> Result<(), Error> {
                self.field(key, &None::<()>)
            }
            fn end(self) -> Result<(), Error> {
                List::end(self)
            }
        }
    )*};
}

named_list!(SerializeStruct, SerializeStructVariant);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variant_names_come_back_from_kebab_case() {
        assert_eq!(rust_name("very-happy"), "VeryHappy");
        assert_eq!(rust_name("best-first"), "BestFirst");
        assert_eq!(rust_name("SingleChoice"), "SingleChoice");
    }

    #[test]
    fn a_shape_the_model_lacks_is_refused_by_name() {
        let mut out = String::new();
        let err = 1.5f64.serialize(Writer { out: &mut out }).unwrap_err();
        assert_eq!(
            err.to_string(),
            "a survey cannot be written as Rust: the model holds a float, which this writer does not know"
        );
    }
}
