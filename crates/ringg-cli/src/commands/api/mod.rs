//! `ringg api METHOD PATH`: any request, through the same client as every other command (the
//! key, --rate-limit, retries, timeouts); the answer printed as JSON with its secrets masked.
//! Like `gh api`, for endpoints and fields the commands do not cover.

pub(crate) mod args;

use std::io::{IsTerminal, Read, Write};

use ringg_api::transport::http::Method;
use ringg_api::transport::{ApiRequest, Body, Idempotency};
use ringg_types::operations::{BASE_PATH, match_route};
use ringg_types::redact::redact_text;

use crate::context::Ctx;
use crate::error::CliError;
use crate::output::print_json;
use crate::term::emit_text;
use args::ApiArgs;

/// The operation name of a request that matches no operation of the spec.
const UNKNOWN_OPERATION: &str = "api";

pub(crate) async fn run(ctx: &mut Ctx, a: ApiArgs) -> Result<(), CliError> {
    let method = Method::from_bytes(a.method.to_ascii_uppercase().as_bytes())
        .map_err(|_| CliError::usage(format!("{:?} is not an HTTP method", a.method)))?;
    let path = api_path(&a.path)?;
    let route = match_route(method.as_str(), &path);
    if let Some(op) = route.as_ref().map(|r| r.operation)
        && op.multipart
    {
        // The uploads: campaign CSVs and knowledge-base files.
        let group = if op.tag == "knowledge_bases" {
            "kb"
        } else {
            op.tag
        };
        return Err(CliError::usage(format!(
            "{} {} takes a multipart form, not JSON; use its own command (`ringg {group} --help` lists them)",
            op.method.as_str(),
            op.path
        )));
    }
    let (operation, mut idempotent) = match &route {
        Some(r) => (r.operation.id, r.operation.idempotent),
        None => (
            UNKNOWN_OPERATION,
            matches!(method, Method::GET | Method::HEAD),
        ),
    };
    let (body, parsed) = match &a.data {
        Some(data) => read_json(data)?,
        None => (Vec::new(), serde_json::Value::Null),
    };
    if operation == ringg_types::operations::EDIT_ASSISTANT.id {
        // An edit that creates something is not resent after an unclear failure.
        idempotent &= parsed
            .as_object()
            .is_some_and(ringg_types::assistants::edit_is_repeatable);
    }
    let body = if body.is_empty() {
        Body::Empty
    } else {
        Body::Json(body.into())
    };
    let client = ctx.client().await?;
    let mut req = ApiRequest::new(
        operation,
        method,
        client.base_url().to_string(),
        path,
        if idempotent {
            Idempotency::Idempotent
        } else {
            Idempotency::NonIdempotent
        },
    )
    .with_body(body);
    for (k, v) in a.query {
        req = req.with_query(k, v);
    }
    let resp = client.send_raw(req).await?;
    // A key the server echoes is masked where the text is printed (`term::hide`).
    print_body(&resp.body, ctx.out.json().then_some(resp.status.as_u16()))
}

/// The path below the base URL: starts with `/`; a leading base path is dropped; a whole URL
/// is refused (the key goes only to --base-url).
fn api_path(raw: &str) -> Result<String, CliError> {
    let raw = raw.trim();
    if raw.contains("://") {
        return Err(CliError::usage(format!(
            "{raw:?} is a URL; give the path below the base URL (e.g. /workspace/all) and the server with --base-url"
        )));
    }
    if raw.contains('?') {
        return Err(CliError::usage(
            "give query parameters with --query NAME=VALUE, not in the path",
        ));
    }
    // `..` (also written %2e%2e) would lead out of the base path, to other paths of the host.
    let dot_dot = |segment: &str| {
        let s = segment.to_ascii_lowercase().replace("%2e", ".");
        s == ".." || s == "."
    };
    if raw.split(['/', '\\']).any(dot_dot) {
        return Err(CliError::usage(format!(
            "{raw:?} has a `.` or `..` segment; give the path below the base URL as it is (e.g. /agent/all)"
        )));
    }
    let path = if raw.starts_with('/') {
        raw.to_string()
    } else {
        format!("/{raw}")
    };
    let path = match path.strip_prefix(BASE_PATH) {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => rest.to_string(),
        _ => path,
    };
    if path.len() <= 1 {
        return Err(CliError::usage(
            "the path is empty; give one such as /workspace",
        ));
    }
    Ok(path)
}

/// The body of --data: JSON as given, from a file (`@FILE`) or from stdin (`@-`); checked to
/// be JSON before anything is sent. The bytes to send, and the document they hold.
fn read_json(data: &str) -> Result<(Vec<u8>, serde_json::Value), CliError> {
    let bytes = match data.strip_prefix('@') {
        Some("-") => {
            let mut buf = Vec::new();
            std::io::stdin()
                .read_to_end(&mut buf)
                .map_err(|e| CliError::io("could not read --data from stdin", &e))?;
            buf
        }
        Some(path) => std::fs::read(path)
            .map_err(|e| CliError::io(format!("could not read --data file {path}"), &e))?,
        None => data.as_bytes().to_vec(),
    };
    let parsed = serde_json::from_slice::<serde_json::Value>(&bytes).map_err(|e| {
        CliError::usage(format!(
            "--data is not JSON ({e}); give a JSON document, @FILE or @-"
        ))
    })?;
    Ok((bytes, parsed))
}

/// Prints an answer: JSON (secrets masked) when it is JSON, text (escaped, secrets masked)
/// when it is text, raw bytes (secrets masked) only to a file or pipe. Under `-o json` (`json_status` is the
/// answer's status) a text answer is one JSON document too: `{"status": …, "text": …}`.
fn print_body(body: &[u8], json_status: Option<u16>) -> Result<(), CliError> {
    if body.is_empty() {
        return Ok(());
    }
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) {
        return print_json(&value);
    }
    match std::str::from_utf8(body) {
        Ok(text) => {
            let text = redact_text(text.trim_end());
            match json_status {
                Some(status) => print_json(&serde_json::json!({"status": status, "text": text})),
                None => {
                    emit_text(text);
                    Ok(())
                }
            }
        }
        Err(_) if !std::io::stdout().is_terminal() => {
            let body = crate::term::masked_bytes(body);
            let mut out = std::io::stdout().lock();
            match out.write_all(&body).and_then(|()| out.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    Err(CliError::io("could not write the answer", &e))
                }
                _ => Ok(()),
            }
        }
        Err(_) => Err(CliError::usage(format!(
            "the answer is binary ({} bytes); redirect it to a file, e.g. `> answer.bin`",
            body.len()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_relative_to_the_base_url() {
        assert_eq!(api_path("/workspace/all").unwrap(), "/workspace/all");
        assert_eq!(api_path("workspace").unwrap(), "/workspace");
        assert_eq!(api_path("/ca/api/v0/agent/all").unwrap(), "/agent/all");
        assert!(api_path("https://evil.example/workspace").is_err());
        assert!(api_path("/agent/all?limit=1").is_err());
        assert!(api_path("/").is_err());
        for escaping in [
            "/../../../x",
            "/agent/../../x",
            "/%2e%2e/x",
            "/./workspace",
            "..\\x",
        ] {
            assert!(api_path(escaping).is_err(), "{escaping}");
        }
        assert_eq!(api_path("/agent/v1..2").unwrap(), "/agent/v1..2");
    }
}
