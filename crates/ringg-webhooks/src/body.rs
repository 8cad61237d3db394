//! Reading a request body under a size limit without buffering more than the limit.

use std::time::Duration;

use bytes::{Buf, BufMut, Bytes, BytesMut};
use http::HeaderMap;
use http::header::{CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE};
use http_body::Body;
use http_body_util::BodyExt;

use crate::rejection::Rejection;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// True when the `Content-Length` header announces more than `limit` bytes, so the request can
/// be refused before a single body byte is read. An unparsable value is left to the HTTP layer.
pub(crate) fn declared_too_large(headers: &HeaderMap, limit: usize) -> bool {
    headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .is_some_and(|len| len > limit as u64)
}

/// `bytes` decompressed as `Content-Encoding` declares (`gzip`, `x-gzip`, `deflate`; several
/// codings are undone last first; `identity` is none), the result held to `limit` bytes.
///
/// A body that does not decompress as declared is read as it came (a sender that labels plain
/// JSON `gzip` loses nothing: the parser decides); bytes after a whole gzip member that are
/// not another one are left out. A coding this receiver cannot undo, or more than
/// [`MAX_CODINGS`], is refused with 415, and a result over `limit` with 413; the body goes to
/// `on_malformed` either way. `None`: nothing to undo, `bytes` are the body.
pub(crate) fn decoded(
    headers: &HeaderMap,
    bytes: &Bytes,
    limit: usize,
) -> Result<Option<Bytes>, Rejection> {
    if !headers.contains_key(CONTENT_ENCODING) {
        return Ok(None);
    }
    let codings: Vec<String> = headers
        .get_all(CONTENT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|c| c.trim().to_ascii_lowercase())
        .filter(|c| !c.is_empty() && c != "identity")
        .collect();
    // Each coding is undone up to the limit, on the request's task: a bounded amount of work.
    if codings.len() > MAX_CODINGS {
        return Err(Rejection::too_many_codings(codings.len()).keeping_body());
    }
    let mut body = bytes.clone();
    for coding in codings.iter().rev() {
        let inflated = match coding.as_str() {
            "gzip" | "x-gzip" => inflate(flate2::read::MultiGzDecoder::new(&body[..]), limit)
                .or_else(|_| first_gzip_member(&body, limit)),
            // HTTP's `deflate` is zlib's format; some senders send the raw stream.
            "deflate" => inflate(flate2::read::ZlibDecoder::new(&body[..]), limit)
                .or_else(|_| inflate(flate2::read::DeflateDecoder::new(&body[..]), limit)),
            other => return Err(Rejection::unsupported_encoding(other).keeping_body()),
        };
        match inflated {
            Ok(Some(plain)) => body = Bytes::from(plain),
            Ok(None) => return Err(Rejection::too_large_decompressed(limit).keeping_body()),
            Err(e) => {
                tracing::warn!(
                    target: "ringg_webhooks",
                    "the body is not {coding} as its Content-Encoding says ({e}); read as it came"
                );
                break;
            }
        }
    }
    Ok(Some(body))
}

/// The first gzip member of `body`, when the bytes after it are not another member (a
/// sender's padding or newline); an error when they are one, which could not be read (its
/// content would be lost), as when the first member cannot be.
fn first_gzip_member(body: &[u8], limit: usize) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let mut decoder = flate2::bufread::GzDecoder::new(body);
    let mut out = Vec::new();
    (&mut decoder)
        .take(limit as u64 + 1)
        .read_to_end(&mut out)?;
    if decoder.get_ref().starts_with(&[0x1f, 0x8b]) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "a further gzip member is damaged",
        ));
    }
    Ok((out.len() <= limit).then_some(out))
}

/// The most codings a body may list (`gzip` over `deflate`, say).
const MAX_CODINGS: usize = 2;

/// Everything `reader` gives, or `None` past `limit` bytes (at most `limit + 1` are read).
fn inflate(reader: impl std::io::Read, limit: usize) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let mut out = Vec::new();
    reader.take(limit as u64 + 1).read_to_end(&mut out)?;
    Ok((out.len() <= limit).then_some(out))
}

/// `bytes` as UTF-8: when they are not, and `Content-Type` names another charset
/// (`charset=iso-8859-1`, `windows-1252`, `utf-16le`, … as WHATWG labels them), read as that
/// charset, so `Jos\xe9` is `José` rather than a replacement character. Anything else is
/// left as it is (the parser mends what is not UTF-8).
pub(crate) fn as_utf8(headers: &HeaderMap, bytes: Bytes) -> Bytes {
    let encoding = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.split(';')
                .skip(1)
                .filter_map(|p| p.split_once('='))
                .find(|(name, _)| name.trim().eq_ignore_ascii_case("charset"))
                .map(|(_, value)| value.trim().trim_matches('"'))
        })
        .and_then(|label| encoding_rs::Encoding::for_label(label.as_bytes()))
        .filter(|e| *e != encoding_rs::UTF_8);
    match encoding {
        Some(encoding) if std::str::from_utf8(&bytes).is_err() => {
            let (text, _) = encoding.decode_without_bom_handling(&bytes);
            Bytes::from(text.into_owned())
        }
        _ => bytes,
    }
}

/// Collects `body` into one buffer, refusing it as soon as more than `limit` bytes arrived (or
/// are announced by the body's size hint), and giving up after `timeout`.
///
/// At most `limit` bytes plus one frame are ever held.
pub(crate) async fn collect_limited<B>(
    body: B,
    limit: usize,
    timeout: Duration,
) -> Result<Bytes, Rejection>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    let hint = body.size_hint();
    if hint.lower() > limit as u64 {
        return Err(Rejection::too_large(limit));
    }
    let initial = hint
        .upper()
        .map_or(0, |upper| upper.min(limit as u64) as usize);
    match tokio::time::timeout(timeout, collect(body, limit, initial)).await {
        Ok(result) => result,
        Err(_) => Err(Rejection::body_timeout(timeout)),
    }
}

async fn collect<B>(body: B, limit: usize, initial: usize) -> Result<Bytes, Rejection>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    let mut body = std::pin::pin!(body);
    let mut buf = BytesMut::with_capacity(initial);
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| {
            let e: BoxError = e.into();
            Rejection::body_read(&*e)
        })?;
        if let Ok(data) = frame.into_data() {
            if buf.len().saturating_add(data.remaining()) > limit {
                return Err(Rejection::too_large(limit));
            }
            buf.put(data);
        }
    }
    Ok(buf.freeze())
}
