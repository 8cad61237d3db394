//! multipart/form-data bodies (campaign CSV uploads, knowledge bases), parsed with multer.

use bytes::Bytes;

use crate::error::{ApiError, Issue};

/// One form part.
#[derive(Debug, Clone)]
pub(crate) struct Part {
    pub(crate) name: String,
    pub(crate) filename: Option<String>,
    pub(crate) data: Bytes,
}

/// A parsed form.
#[derive(Debug, Clone, Default)]
pub(crate) struct Form {
    pub(crate) parts: Vec<Part>,
}

impl Form {
    /// The first part named `name`, as text (invalid UTF-8 is replaced).
    pub(crate) fn text(&self, name: &str) -> Option<String> {
        self.parts
            .iter()
            .find(|p| p.name == name)
            .map(|p| String::from_utf8_lossy(&p.data).into_owned())
    }

    /// Every part named `name`, each of which must be a file (carry a file name): a text part
    /// under a file field is a 422, as FastAPI answers for an `UploadFile` field.
    pub(crate) fn files(&self, name: &str) -> Result<Vec<&Part>, ApiError> {
        let parts: Vec<&Part> = self.parts.iter().filter(|p| p.name == name).collect();
        if parts.iter().any(|p| p.filename.is_none()) {
            return Err(ApiError::invalid(
                &["body", name],
                "value_error",
                format!("`{name}` must be a file part (with a file name), not a text field"),
            ));
        }
        Ok(parts)
    }

    /// The text of a required field, or a FastAPI-style "missing" issue.
    pub(crate) fn required(&self, name: &str, issues: &mut Vec<Issue>) -> String {
        match self.text(name) {
            Some(v) if !v.trim().is_empty() => v,
            _ => {
                issues.push(Issue::new(&["body", name], "missing", "Field required"));
                String::new()
            }
        }
    }

    /// A boolean form field (`true`/`false`/`1`/`0`), default when absent.
    pub(crate) fn bool_field(&self, name: &str, default: bool, issues: &mut Vec<Issue>) -> bool {
        match self.text(name) {
            None => default,
            Some(v) => match v.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" | "on" => true,
                "false" | "0" | "no" | "off" | "" => false,
                _ => {
                    issues.push(Issue::new(
                        &["body", name],
                        "bool_parsing",
                        "Input should be a valid boolean, unable to interpret input",
                    ));
                    default
                }
            },
        }
    }
}

/// Parses a multipart body; a missing or non-multipart content type is a 422 naming the
/// expected type.
pub(crate) async fn parse(content_type: Option<&str>, body: Bytes) -> Result<Form, ApiError> {
    let ct = content_type.unwrap_or("");
    let boundary = multer::parse_boundary(ct).map_err(|_| {
        ApiError::invalid(
            &["body"],
            "content_type",
            format!(
                "Expected a multipart/form-data body with a boundary, got content type `{ct}`; let the HTTP client build the multipart body"
            ),
        )
    })?;
    let body_stream = futures::stream::once(async move { Ok::<Bytes, std::io::Error>(body) });
    let mut mp = multer::Multipart::new(body_stream, boundary);
    let mut form = Form::default();
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                return Err(ApiError::bad_request(format!(
                    "Malformed multipart body: {e}; check the boundary and part headers"
                )));
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        let filename = field.file_name().map(str::to_owned);
        let data = field.bytes().await.map_err(|e| {
            ApiError::bad_request(format!("Malformed multipart part `{name}`: {e}"))
        })?;
        form.parts.push(Part {
            name,
            filename,
            data,
        });
    }
    Ok(form)
}
