//! Knowledge bases: create from files, URLs and FAQs; edit; list; get; delete.
//!
//! Processing is asynchronous: a new KB starts `pending`; poll [`get`](KnowledgeBases::get)
//! until [`KbDetails::is_settled`], then attach it to an assistant with
//! `assistants().edit(...)` and [`AgentEdit::AttachKb`](ringg_types::assistants::AgentEdit::AttachKb).
//! Ringg rate-limits these endpoints per workspace: create 10/hour, edit 20/hour, reads
//! 60/hour, delete 10/minute.
//!
//! ```no_run
//! use ringg_api::Client;
//! use ringg_api::knowledge_bases::KbFile;
//! use ringg_api::types::knowledge_base::{CreateKbForm, Faq};
//!
//! # async fn run() -> Result<(), ringg_api::Error> {
//! let client = Client::from_env()?;
//! let mut form = CreateKbForm::new("Product Documentation");
//! form.urls = vec!["https://example.com/docs".into()];
//! form.faqs = vec![Faq::new("What is your return policy?", "30-day money back guarantee")];
//! let created = client
//!     .knowledge_bases()
//!     .create(&form, vec![KbFile::path("manual.pdf")])
//!     .await?;
//! println!("{:?}", created.kb_id);
//! # Ok(()) }
//! ```

use std::path::{Path, PathBuf};

use bytes::Bytes;
use ringg_transport::{Part, PartData};
use ringg_types::ids::KbId;
use ringg_types::knowledge_base::{
    CreateKbForm, CreateKbResponse, DeleteKbResponse, EditKbForm, EditKbResponse, KbDetails, KbList,
};
use ringg_types::operations::{self as ops, Operation};

use crate::client::Client;
use crate::error::Error;

/// The most files one create request may carry.
pub const MAX_KB_FILES: usize = 10;
/// The largest file Ringg accepts: 2 MB (2 × 1024 × 1024 bytes).
pub const MAX_KB_FILE_BYTES: u64 = 2 * 1024 * 1024;
/// The largest total size of the files of one create request: 5 MB.
pub const MAX_KB_TOTAL_BYTES: u64 = 5 * 1024 * 1024;
/// The most URLs one create request may carry.
pub const MAX_KB_URLS: usize = 20;

/// The first of Ringg's per-request file limits that a set of knowledge-base files breaks (see
/// [`check_kb_file_limits`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KbFileLimit {
    /// More than [`MAX_KB_FILES`] files.
    TooManyFiles {
        /// How many files were given.
        given: usize,
    },
    /// A file over [`MAX_KB_FILE_BYTES`].
    FileTooLarge {
        /// Its position among the files given.
        index: usize,
        /// Its size in bytes.
        size: u64,
    },
    /// Files that together are over [`MAX_KB_TOTAL_BYTES`].
    TotalTooLarge {
        /// Their total size in bytes.
        total: u64,
    },
}

impl std::fmt::Display for KbFileLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::TooManyFiles { given } => write!(
                f,
                "{given} files given; one request carries at most {MAX_KB_FILES}"
            ),
            Self::FileTooLarge { index, size } => write!(
                f,
                "file {index} is {size} bytes; a file may be at most 2 MB ({MAX_KB_FILE_BYTES} bytes)"
            ),
            Self::TotalTooLarge { total } => write!(
                f,
                "the files total {total} bytes; one request carries at most 5 MB ({MAX_KB_TOTAL_BYTES} bytes)"
            ),
        }
    }
}

impl std::error::Error for KbFileLimit {}

/// Checks `count` files with these `sizes` (in order; only read when the count is within
/// [`MAX_KB_FILES`], so a caller may pass none for a count over it) against Ringg's limits for
/// one create or edit request, the rule [`KnowledgeBases::create`] and
/// [`KnowledgeBases::edit`] apply before sending.
///
/// ```
/// use ringg_api::knowledge_bases::{KbFileLimit, check_kb_file_limits, MAX_KB_FILE_BYTES};
/// assert_eq!(check_kb_file_limits(2, [10, 20]), Ok(()));
/// assert_eq!(
///     check_kb_file_limits(2, [10, MAX_KB_FILE_BYTES + 1]),
///     Err(KbFileLimit::FileTooLarge { index: 1, size: MAX_KB_FILE_BYTES + 1 })
/// );
/// assert_eq!(check_kb_file_limits(11, []), Err(KbFileLimit::TooManyFiles { given: 11 }));
/// ```
pub fn check_kb_file_limits(
    count: usize,
    sizes: impl IntoIterator<Item = u64>,
) -> Result<(), KbFileLimit> {
    if count > MAX_KB_FILES {
        return Err(KbFileLimit::TooManyFiles { given: count });
    }
    let mut total = 0u64;
    for (index, size) in sizes.into_iter().enumerate() {
        if size > MAX_KB_FILE_BYTES {
            return Err(KbFileLimit::FileTooLarge { index, size });
        }
        total = total.saturating_add(size);
    }
    if total > MAX_KB_TOTAL_BYTES {
        return Err(KbFileLimit::TotalTooLarge { total });
    }
    Ok(())
}

/// A file for a knowledge base (PDF, TXT, DOCX, ...).
#[derive(Debug, Clone)]
pub struct KbFile {
    file_name: String,
    content_type: Option<String>,
    data: KbFileData,
}

#[derive(Debug, Clone)]
enum KbFileData {
    Path(PathBuf),
    Bytes(Bytes),
}

impl KbFile {
    /// A file on disk (streamed when sent); its name is the path's last part.
    pub fn path(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Self {
            file_name,
            content_type: None,
            data: KbFileData::Path(path),
        }
    }

    /// File contents in memory, sent under `file_name`.
    pub fn bytes(file_name: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        Self {
            file_name: file_name.into(),
            content_type: None,
            data: KbFileData::Bytes(bytes.into()),
        }
    }

    /// Sets the content type (by default guessed from the file name's extension).
    #[must_use]
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The file name sent.
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// The content type sent: the one set, else a guess from the extension.
    pub fn content_type(&self) -> &str {
        self.content_type
            .as_deref()
            .unwrap_or_else(|| guess_content_type(&self.file_name))
    }

    /// The file's size in bytes (reads the file's metadata).
    pub async fn size(&self) -> Result<u64, Error> {
        match &self.data {
            KbFileData::Bytes(b) => Ok(b.len() as u64),
            KbFileData::Path(p) => tokio::fs::metadata(p)
                .await
                .map(|m| m.len())
                .map_err(|e| Error::io(format!("could not read {}", p.display()), e)),
        }
    }

    fn to_part(&self, field: &str) -> Part {
        let data = match &self.data {
            KbFileData::Path(p) => PartData::Path(p.clone()),
            KbFileData::Bytes(b) => PartData::Bytes(b.clone()),
        };
        Part::file(field, self.file_name.clone(), self.content_type(), data)
    }
}

impl From<&Path> for KbFile {
    fn from(p: &Path) -> Self {
        Self::path(p)
    }
}

impl From<PathBuf> for KbFile {
    fn from(p: PathBuf) -> Self {
        Self::path(p)
    }
}

fn guess_content_type(file_name: &str) -> &'static str {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "md" | "markdown" => "text/markdown",
        "csv" => "text/csv",
        "html" | "htm" => "text/html",
        "json" => "application/json",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _ => "application/octet-stream",
    }
}

/// `client.knowledge_bases()`.
#[derive(Debug, Clone)]
pub struct KnowledgeBases<'a> {
    client: &'a Client,
}

impl Client {
    /// Knowledge-base endpoints.
    pub fn knowledge_bases(&self) -> KnowledgeBases<'_> {
        KnowledgeBases { client: self }
    }
}

impl KnowledgeBases<'_> {
    /// `POST /external/kb` (multipart): creates a knowledge base from `files` (repeated
    /// `files` parts), `form.urls` and `form.faqs` (JSON strings).
    ///
    /// The documented limits are checked before sending: at most 10 files, 2 MB each and
    /// 5 MB in all, at most 20 URLs, and a non-empty name. Not retried after an ambiguous
    /// failure (it would create a second KB): [`list`](Self::list) before trying again.
    pub async fn create(
        &self,
        form: &CreateKbForm,
        files: Vec<KbFile>,
    ) -> Result<CreateKbResponse, Error> {
        let op = &ops::CREATE_KNOWLEDGE_BASE;
        if form.kb_name.trim().is_empty() {
            return Err(invalid(op, "kb_name is empty").with_hint("name the knowledge base"));
        }
        if form.urls.len() > MAX_KB_URLS {
            return Err(invalid(
                op,
                format!(
                    "{} URLs given but a knowledge base takes at most {MAX_KB_URLS} per request",
                    form.urls.len()
                ),
            )
            .with_hint("create it with fewer and add the rest with knowledge_bases().edit"));
        }
        if let Some(i) = form.urls.iter().position(|u| u.trim().is_empty()) {
            return Err(invalid(op, format!("urls[{i}] is empty")));
        }
        check_files(op, &files, "files").await?;
        let files = files.iter().map(|f| f.to_part(CreateKbForm::FILE_FIELD));
        self.client
            .send_multipart(op, form.text_fields(), files)
            .await
    }

    /// `PATCH /external/kb` (multipart): adds and removes sources in one request
    /// (`files_to_remove`, `urls_to_remove`, `faqs_to_remove`, `new_urls`, `new_faqs`,
    /// `new_files_metadata` as JSON strings; `new_files` as repeated file parts). Removals
    /// are permanent; new content is processed asynchronously.
    ///
    /// Refuses an edit that changes nothing, and new files over the create limits (2 MB
    /// each, 5 MB in all, at most 10), before sending.
    pub async fn edit(
        &self,
        form: &EditKbForm,
        new_files: Vec<KbFile>,
    ) -> Result<EditKbResponse, Error> {
        let op = &ops::EDIT_KNOWLEDGE_BASE;
        if form.kb_id.as_str().trim().is_empty() {
            return Err(invalid(op, "kb_id is empty"));
        }
        let changes_nothing = form.files_to_remove.is_empty()
            && form.urls_to_remove.is_empty()
            && form.faqs_to_remove.is_empty()
            && form.new_urls.is_empty()
            && form.new_faqs.is_empty()
            && new_files.is_empty();
        if changes_nothing {
            return Err(invalid(op, "the edit changes nothing")
                .with_hint("add new files, URLs or FAQs, or name sources to remove"));
        }
        check_files(op, &new_files, "new_files").await?;
        let files = new_files.iter().map(|f| f.to_part(EditKbForm::FILE_FIELD));
        self.client
            .send_multipart(op, form.text_fields(), files)
            .await
    }

    /// `GET /external/kb/all`: every knowledge base (Ringg returns a bare array, no pages).
    pub async fn list(&self) -> Result<KbList, Error> {
        self.client.get_op(&ops::LIST_KNOWLEDGE_BASES, &[]).await
    }

    /// `GET /external/kb/{kb_id}`: one knowledge base with its files, URLs and FAQs.
    pub async fn get(&self, kb_id: &KbId) -> Result<KbDetails, Error> {
        self.client
            .get_op(&ops::GET_KNOWLEDGE_BASE, &[("kb_id", kb_id.as_str())])
            .await
    }

    /// `DELETE /external/kb/{kb_id}`.
    pub async fn delete(&self, kb_id: &KbId) -> Result<DeleteKbResponse, Error> {
        self.client
            .get_op(&ops::DELETE_KNOWLEDGE_BASE, &[("kb_id", kb_id.as_str())])
            .await
    }
}

fn invalid(op: &'static Operation, msg: impl Into<String>) -> Error {
    Error::invalid_input(msg).with_operation(op.id)
}

async fn check_files(op: &'static Operation, files: &[KbFile], field: &str) -> Result<(), Error> {
    let mut sizes = Vec::new();
    if files.len() <= MAX_KB_FILES {
        for (i, f) in files.iter().enumerate() {
            if f.file_name.trim().is_empty() {
                return Err(invalid(op, format!("{field}[{i}] has no file name")));
            }
            sizes.push(f.size().await.map_err(|e| e.with_operation(op.id))?);
        }
    }
    check_kb_file_limits(files.len(), sizes).map_err(|limit| {
        let (message, hint) = match limit {
            KbFileLimit::TooManyFiles { given } => (
                format!("{given} files given but one request takes at most {MAX_KB_FILES}"),
                "send the rest with knowledge_bases().edit",
            ),
            KbFileLimit::FileTooLarge { index, size } => (
                format!(
                    "{field}[{index}] ({}) is {size} bytes; a file may be at most 2 MB ({MAX_KB_FILE_BYTES} bytes)",
                    files[index].file_name
                ),
                "split or shrink the file",
            ),
            KbFileLimit::TotalTooLarge { total } => (
                format!(
                    "the {field} total {total} bytes; one request may carry at most 5 MB ({MAX_KB_TOTAL_BYTES} bytes)"
                ),
                "send some of them with a later knowledge_bases().edit",
            ),
        };
        invalid(op, message).with_hint(hint)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_limits_hold_at_their_bounds_and_fail_one_past() {
        let at = |count, sizes: &[u64]| check_kb_file_limits(count, sizes.iter().copied());
        assert_eq!(
            KbFileLimit::FileTooLarge { index: 3, size: 9 }.to_string(),
            "file 3 is 9 bytes; a file may be at most 2 MB (2097152 bytes)"
        );
        assert_eq!(at(MAX_KB_FILES, &[1; MAX_KB_FILES]), Ok(()));
        assert_eq!(
            at(MAX_KB_FILES + 1, &[]),
            Err(KbFileLimit::TooManyFiles { given: 11 })
        );
        assert_eq!(at(1, &[MAX_KB_FILE_BYTES]), Ok(()));
        assert_eq!(
            at(2, &[1, MAX_KB_FILE_BYTES + 1]),
            Err(KbFileLimit::FileTooLarge {
                index: 1,
                size: MAX_KB_FILE_BYTES + 1
            })
        );
        let (big, rest) = (
            MAX_KB_FILE_BYTES,
            MAX_KB_TOTAL_BYTES - 2 * MAX_KB_FILE_BYTES,
        );
        assert_eq!(at(3, &[big, big, rest]), Ok(()));
        assert_eq!(
            at(3, &[big, big, rest + 1]),
            Err(KbFileLimit::TotalTooLarge {
                total: MAX_KB_TOTAL_BYTES + 1
            })
        );
    }

    #[test]
    fn content_types() {
        assert_eq!(
            KbFile::bytes("a.PDF", Bytes::new()).content_type(),
            "application/pdf"
        );
        assert_eq!(
            KbFile::bytes("notes", Bytes::new()).content_type(),
            "application/octet-stream"
        );
        assert_eq!(
            KbFile::bytes("a.txt", Bytes::new())
                .with_content_type("text/x-custom")
                .content_type(),
            "text/x-custom"
        );
    }
}
