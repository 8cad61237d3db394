//! Knowledge bases (API reference §2.7). Create and edit are multipart forms: the structs give
//! the text parts; the client adds the files (`files` on create, `new_files` on edit).
//!
//! Rate limits per workspace: create 10/hour, edit 20/hour, reads 60/hour, delete 10/minute.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::common::{Extra, Nullable, Timestamp};
pub use crate::enums::{KbStatus, KbType};
use crate::ids::{KbFileId, KbId};

/// A question and its answer.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Faq {
    /// `question`.
    pub question: String,
    /// `answer`.
    pub answer: String,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(Faq);

impl Faq {
    /// A question/answer pair.
    pub fn new(question: impl Into<String>, answer: impl Into<String>) -> Self {
        Self {
            question: question.into(),
            answer: answer.into(),
            extra: Extra::new(),
        }
    }
}

/// Text fields of `POST /external/kb`. Files (≤ 10, ≤ 2 MB each, ≤ 5 MB total) go in repeated
/// [`FILE_FIELD`](Self::FILE_FIELD) parts.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CreateKbForm {
    /// `kb_name`.
    pub kb_name: String,
    /// `urls` (≤ 20; sent as a JSON string).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub urls: Vec<String>,
    /// `faqs` (sent as a JSON string).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub faqs: Vec<Faq>,
}

impl CreateKbForm {
    /// Name of the (repeated) file part.
    pub const FILE_FIELD: &'static str = "files";

    /// A form for a KB named `kb_name`.
    pub fn new(kb_name: impl Into<String>) -> Self {
        Self {
            kb_name: kb_name.into(),
            ..Self::default()
        }
    }

    /// The text parts; `urls` and `faqs` are omitted when empty.
    pub fn text_fields(&self) -> Result<Vec<(&'static str, String)>, serde_json::Error> {
        crate::form::text_fields(self)
    }
}

/// Text fields of `PATCH /external/kb`. Additions and removals apply together; new files go in
/// repeated [`FILE_FIELD`](Self::FILE_FIELD) parts.
#[derive(Clone, PartialEq, Serialize)]
pub struct EditKbForm {
    /// `kb_id`.
    pub kb_id: KbId,
    /// `files_to_remove`: file IDs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub files_to_remove: Vec<KbFileId>,
    /// `urls_to_remove`: URLs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub urls_to_remove: Vec<String>,
    /// `faqs_to_remove`: FAQ IDs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub faqs_to_remove: Vec<KbFileId>,
    /// `new_urls`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub new_urls: Vec<String>,
    /// `new_faqs`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub new_faqs: Vec<Faq>,
    /// `new_files_metadata`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_files_metadata: Option<Map<String, Value>>,
}

crate::redact::redacted_debug!(EditKbForm);

impl EditKbForm {
    /// Name of the (repeated) new-file part.
    pub const FILE_FIELD: &'static str = "new_files";

    /// An edit of `kb_id` that changes nothing yet.
    pub fn new(kb_id: KbId) -> Self {
        Self {
            kb_id,
            files_to_remove: Vec::new(),
            urls_to_remove: Vec::new(),
            faqs_to_remove: Vec::new(),
            new_urls: Vec::new(),
            new_faqs: Vec::new(),
            new_files_metadata: None,
        }
    }

    /// The text parts; empty lists are omitted.
    pub fn text_fields(&self) -> Result<Vec<(&'static str, String)>, serde_json::Error> {
        crate::form::text_fields(self)
    }
}

/// Response of `POST /external/kb`.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CreateKbResponse {
    /// `message`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// `kb_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kb_id: Option<KbId>,
    /// `processing_status`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processing_status: Option<KbStatus>,
    /// `files_queued` (also `"3"`, `3.0`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::count"
    )]
    pub files_queued: Option<u64>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(CreateKbResponse);

/// Response of `PATCH /external/kb`.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EditKbResponse {
    /// `message`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// `kb_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kb_id: Option<KbId>,
    /// `items_removed` (also `"3"`, `3.0`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::count"
    )]
    pub items_removed: Option<u64>,
    /// `new_files_queued` (also `"3"`, `3.0`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::count"
    )]
    pub new_files_queued: Option<u64>,
    /// `new_files`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_files: Option<Vec<KbNewFile>>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(EditKbResponse);

/// `new_files[]` of [`EditKbResponse`].
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct KbNewFile {
    /// `filename`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    /// `file_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_id: Option<KbFileId>,
    /// `processing_status`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processing_status: Option<KbStatus>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(KbNewFile);

/// Response of `GET /external/kb/all`: a bare array, every KB (no pagination).
pub type KbList = Vec<KbSummary>;

/// One row of the KB list.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct KbSummary {
    /// `kb_id`.
    pub kb_id: KbId,
    /// `kb_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kb_name: Option<String>,
    /// `type`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kb_type: Option<KbType>,
    /// `created_at`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::time"
    )]
    pub created_at: Option<Timestamp>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(KbSummary);

/// Response of `GET /external/kb/{kb_id}`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct KbDetails {
    /// `kb_id`.
    pub kb_id: KbId,
    /// `kb_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kb_name: Option<String>,
    /// `status`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<KbStatus>,
    /// `created_at`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::time"
    )]
    pub created_at: Option<Timestamp>,
    /// `updated_at`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::time"
    )]
    pub updated_at: Option<Timestamp>,
    /// `files`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files: Option<Vec<KbSource>>,
    /// `urls`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urls: Option<Vec<KbSource>>,
    /// `faqs`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub faqs: Option<Vec<KbSource>>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(KbDetails);

impl KbDetails {
    /// True once processing has finished (successfully or not).
    pub fn is_settled(&self) -> bool {
        matches!(self.status, Some(KbStatus::Completed | KbStatus::Failed))
    }
}

/// A source inside a KB: a file, a URL or an FAQ.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct KbSource {
    /// `file_id`: what `files_to_remove` / `faqs_to_remove` take.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_id: Option<KbFileId>,
    /// `file_type` (`faq` for FAQs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_type: Option<String>,
    /// `file_size` (also `"3"`, `3.0`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::count"
    )]
    pub file_size: Option<u64>,
    /// `filename` (files).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub filename: Nullable<String>,
    /// `url` (URLs).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub url: Nullable<String>,
    /// `file_path`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub file_path: Nullable<String>,
    /// `content` (FAQs; presumably `{question, answer}`).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub content: Nullable<Value>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(KbSource);

/// Response of `DELETE /external/kb/{kb_id}`.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DeleteKbResponse {
    /// `message`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// `kb_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kb_id: Option<KbId>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(DeleteKbResponse);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_form_parts() {
        let mut form = CreateKbForm::new("Product Documentation");
        form.urls = vec!["https://example.com/docs".into()];
        form.faqs = vec![Faq::new(
            "What is your return policy?",
            "30-day money back guarantee",
        )];
        assert_eq!(
            form.text_fields().unwrap(),
            vec![
                ("kb_name", "Product Documentation".to_owned()),
                ("urls", r#"["https://example.com/docs"]"#.to_owned()),
                (
                    "faqs",
                    r#"[{"question":"What is your return policy?","answer":"30-day money back guarantee"}]"#
                        .to_owned()
                ),
            ]
        );
        assert_eq!(CreateKbForm::new("x").text_fields().unwrap().len(), 1);
    }

    #[test]
    fn edit_form_parts() {
        let mut form = EditKbForm::new(KbId::new("k"));
        form.files_to_remove = vec![KbFileId::new("7a8b9c0d-1e2f-3a4b-5c6d-7e8f9a0b1c2d")];
        form.urls_to_remove = vec!["https://example.com/old-page".into()];
        form.new_faqs = vec![Faq::new("q", "a")];
        let mut meta = Map::new();
        meta.insert("a.pdf".into(), serde_json::json!({"tag": 1}));
        form.new_files_metadata = Some(meta);
        assert_eq!(
            form.text_fields().unwrap(),
            vec![
                ("kb_id", "k".to_owned()),
                (
                    "files_to_remove",
                    r#"["7a8b9c0d-1e2f-3a4b-5c6d-7e8f9a0b1c2d"]"#.to_owned()
                ),
                (
                    "urls_to_remove",
                    r#"["https://example.com/old-page"]"#.to_owned()
                ),
                ("new_faqs", r#"[{"question":"q","answer":"a"}]"#.to_owned()),
                ("new_files_metadata", r#"{"a.pdf":{"tag":1}}"#.to_owned()),
            ]
        );
    }
}
