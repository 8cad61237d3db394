//! `webhooks listen --forward-to`'s outbox: a delivery the app did not take (it could not be
//! reached, did not answer in time, or answered 5xx, 408 or 429) is kept on disk and answered
//! 200, then sent to the app again, oldest first, until it takes it; what one `listen` kept and
//! did not send yet, the next one sends.
//!
//! Ringg documents retries for subscription events only, over about three minutes (§3.5 of
//! the API reference), and none for a call's `callback_url` deliveries or a campaign's notice:
//! answering those with an error would lose them while the app is down, and a subscription
//! event too once the app is down for longer than Ringg retries. What the app refuses is set
//! aside as a `.refused` file, sent only once renamed to `.delivery`: a callback or notice in
//! place of an answer, a subscription event as a copy beside the refusal passed on to Ringg.
//!
//! Each delivery is one file in the folder `webhooks-outbox` of the state folder (private to
//! the user, like the folder): a line of JSON (the app it is for, method, path and query,
//! headers), then the body as received. The app is named by its URL as printed (user
//! information and query values masked) and a SHA-256 of the whole URL, which is what a later
//! `listen` matches: a secret in the URL's user information or query is not kept (one in its
//! path is). It is written in full and synced before the delivery is answered, and only ever
//! sent to the app it was kept for. One process at a time sends what
//! the folder holds (it holds a lock on `outbox.lock` while it does, on Unix), so two `listen`s
//! sharing the folder do not both send a delivery. A delivery is sent at least once: a process
//! stopped between sending one and removing its file sends it again next time.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use http::{HeaderMap, HeaderName, HeaderValue, Method, Uri};
use serde::{Deserialize, Serialize};

/// The outbox's folder in the state folder.
pub(crate) const OUTBOX_DIR: &str = "webhooks-outbox";

/// What kept files are named with.
const EXTENSION: &str = "delivery";

/// What deliveries set aside are named with: the app refused them.
pub(super) const REFUSED: &str = "refused";

/// A delivery as the forwarder sends it (no `Debug`: its headers hold the receiver's secret).
pub(super) struct Kept {
    pub(super) method: Method,
    pub(super) uri: Uri,
    pub(super) headers: HeaderMap,
    pub(super) body: Vec<u8>,
}

/// What the outbox did with a delivery, as its line says.
#[derive(Clone, Copy)]
pub(super) enum Outboxed {
    /// Kept in it, for the app did not take it for now.
    Kept,
    /// Sent from it and taken.
    Resent,
    /// Sent from it and refused, so set aside.
    Refused,
    /// Refused by the app when it came, and set aside, since Ringg does not send it again.
    SetAside,
    /// Refused by the app when it came, the refusal passed on to Ringg (which sends it again),
    /// and a copy set aside until an attempt is taken.
    CopySetAside,
}

impl Outboxed {
    /// Its name in a JSON line (`"kept": true`).
    pub(super) fn key(self) -> &'static str {
        match self {
            Self::Kept => "kept",
            Self::Resent => "resent",
            Self::Refused => "refused",
            Self::SetAside => "set_aside",
            Self::CopySetAside => "copy_set_aside",
        }
    }
}

/// The first line of a kept file.
#[derive(Serialize, Deserialize)]
struct Head {
    /// The `--forward-to` URL it was kept for, as printed (secrets masked); the whole URL in
    /// files written before `target_sha256`.
    target: String,
    /// The SHA-256 of the whole `--forward-to` URL, in hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    target_sha256: Option<String>,
    kept_at: DateTime<Utc>,
    method: String,
    uri: String,
    headers: Vec<(String, Vec<u8>)>,
}

/// The `--forward-to` URL deliveries are kept for, as the outbox names it.
pub(super) struct AppRef {
    /// The whole URL (not written).
    url: url::Url,
    /// As printed, secrets masked.
    shown: String,
    /// The SHA-256 of the whole URL, in hex.
    sha256: String,
}

impl AppRef {
    /// `url`, printed as `shown` (its secrets masked).
    pub(super) fn new(url: &url::Url, shown: String) -> Self {
        Self {
            url: url.clone(),
            shown,
            sha256: url_sha256(url),
        }
    }
}

/// The `--forward-to` URL a kept delivery is for, as its file names it.
pub(super) struct KeptFor {
    /// As printed (the whole URL in files written before `sha256`).
    shown: String,
    /// The SHA-256 of the whole URL, in hex.
    sha256: Option<String>,
}

impl KeptFor {
    /// Whether the delivery was kept for the app at `target`.
    pub(super) fn is(&self, target: &AppRef) -> bool {
        match &self.sha256 {
            Some(sha256) => *sha256 == target.sha256,
            None => self.shown == target.url.as_str(),
        }
    }
}

/// The name of the file [`Outbox::set_aside_as`] keeps the event of dedupe key `key` in, for
/// the app at `target`: a digest of both, so the name holds nothing of the event.
fn event_file(target: &AppRef, key: &str) -> String {
    let digest = sha256_hex(format!("{}\n{key}", target.sha256).as_bytes());
    format!("event-{}.{REFUSED}", &digest[..32])
}

/// The SHA-256 of `url` as text, in lower-case hex.
fn url_sha256(url: &url::Url) -> String {
    sha256_hex(url.as_str().as_bytes())
}

/// The SHA-256 of `bytes`, in lower-case hex.
fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The folder of kept deliveries.
pub(super) struct Outbox {
    dir: PathBuf,
    /// Woken when a delivery is kept.
    pub(super) kept: tokio::sync::Notify,
}

impl Outbox {
    /// The outbox in `dir`, created (private) when missing.
    pub(super) fn open(dir: PathBuf) -> std::io::Result<Self> {
        crate::state::create_private_folder(&dir)?;
        Ok(Self {
            dir,
            kept: tokio::sync::Notify::new(),
        })
    }

    /// Where it keeps deliveries.
    pub(super) fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes `delivery`, for the app at `target`, to a file of its own, synced, before it
    /// returns (the delivery can be answered 200 then), to be sent again.
    pub(super) fn keep(&self, target: &AppRef, delivery: &Kept) -> std::io::Result<PathBuf> {
        let path = self.write(target, delivery, EXTENSION)?;
        self.kept.notify_one();
        Ok(path)
    }

    /// Writes `delivery` as [`keep`](Self::keep) does, but set aside as `.refused` (the app
    /// refused it, and Ringg does not send it again): not sent again unless renamed to
    /// `.delivery`.
    pub(super) fn set_aside(&self, target: &AppRef, delivery: &Kept) -> std::io::Result<PathBuf> {
        self.write(target, delivery, REFUSED)
    }

    /// Sets `delivery` aside as [`set_aside`](Self::set_aside) does, but as the one file of
    /// the event `key` names (its dedupe key) for the app at `target`: a later attempt of the
    /// event refused again replaces it, and one the app takes removes it
    /// ([`forget_set_aside`](Self::forget_set_aside)).
    pub(super) fn set_aside_as(
        &self,
        target: &AppRef,
        delivery: &Kept,
        key: &str,
    ) -> std::io::Result<PathBuf> {
        self.write_as(target, delivery, event_file(target, key))
    }

    /// Removes the file [`set_aside_as`](Self::set_aside_as) wrote for the event `key` names,
    /// if there is one: an attempt of that event was taken. True when it removed one.
    pub(super) fn forget_set_aside(&self, target: &AppRef, key: &str) -> std::io::Result<bool> {
        match std::fs::remove_file(self.dir.join(event_file(target, key))) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e),
        }
    }

    fn write(&self, target: &AppRef, delivery: &Kept, extension: &str) -> std::io::Result<PathBuf> {
        // Named by the time it was kept, so a listing in name order is oldest first.
        let nanos = Utc::now().timestamp_nanos_opt().unwrap_or_default();
        let name = format!("{nanos:020}-{}.{extension}", uuid::Uuid::new_v4().simple());
        self.write_as(target, delivery, name)
    }

    fn write_as(&self, target: &AppRef, delivery: &Kept, name: String) -> std::io::Result<PathBuf> {
        let head = Head {
            target: target.shown.clone(),
            target_sha256: Some(target.sha256.clone()),
            kept_at: Utc::now(),
            method: delivery.method.to_string(),
            uri: delivery.uri.to_string(),
            headers: delivery
                .headers
                .iter()
                .map(|(name, value)| (name.to_string(), value.as_bytes().to_vec()))
                .collect(),
        };
        let path = self.dir.join(&name);
        let partial = self.dir.join(format!(".{name}.partial"));
        crate::state::write_renamed(&path, &partial, |file| {
            serde_json::to_writer(&mut *file, &head)?;
            file.write_all(b"\n")?;
            file.write_all(&delivery.body)
        })?;
        // Kept from here on, whatever follows. The new name is durable once the folder is
        // (folders are synced this way on Unix only).
        if let Err(e) = crate::state::sync_folder(&self.dir) {
            tracing::warn!(
                "could not sync the outbox folder {}: {e}",
                self.dir.display()
            );
        }
        Ok(path)
    }

    /// Removes what a process stopped in the middle of [`keep`](Self::keep) left (a
    /// `.partial` file more than an hour old, whose delivery was not answered 200).
    pub(super) fn clear_leftovers(&self) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let old = |entry: &std::fs::DirEntry| {
            entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > std::time::Duration::from_secs(3600))
        };
        for entry in entries.filter_map(Result::ok) {
            let partial = entry.file_name().to_string_lossy().ends_with(".partial");
            if partial && old(&entry) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }

    /// The kept deliveries' files, oldest first.
    pub(super) fn files(&self) -> std::io::Result<Vec<PathBuf>> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.dir)?
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|e| e == EXTENSION))
            .collect();
        files.sort();
        Ok(files)
    }

    /// The deliveries set aside as refused.
    pub(super) fn refused(&self) -> std::io::Result<Vec<PathBuf>> {
        Ok(std::fs::read_dir(&self.dir)?
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|e| e == REFUSED))
            .collect())
    }

    /// Reads a kept delivery, and the `--forward-to` URL it was kept for.
    pub(super) fn read(path: &Path) -> std::io::Result<(KeptFor, Kept)> {
        let bytes = std::fs::read(path)?;
        let bad = |what: &str| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{} is not a kept delivery ({what})", path.display()),
            )
        };
        let end = bytes
            .iter()
            .position(|&b| b == b'\n')
            .ok_or_else(|| bad("no head line"))?;
        let head: Head = serde_json::from_slice(&bytes[..end]).map_err(|e| bad(&e.to_string()))?;
        let mut headers = HeaderMap::new();
        for (name, value) in head.headers {
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| bad("a header"))?;
            let value = HeaderValue::from_bytes(&value).map_err(|_| bad("a header"))?;
            headers.append(name, value);
        }
        let kept = Kept {
            method: Method::from_bytes(head.method.as_bytes()).map_err(|_| bad("the method"))?,
            uri: head.uri.parse().map_err(|_| bad("the path"))?,
            headers,
            body: bytes[end + 1..].to_vec(),
        };
        let kept_for = KeptFor {
            shown: head.target,
            sha256: head.target_sha256,
        };
        Ok((kept_for, kept))
    }

    /// Takes the lock that makes this process the one that sends the kept deliveries, or
    /// `None` while another process holds it. It is given back when the file is dropped (or
    /// the process ends).
    pub(super) fn sender_lock(&self) -> std::io::Result<Option<std::fs::File>> {
        let file = crate::state::open_lock_file(&self.dir.join("outbox.lock"))?;
        Ok(crate::state::try_lock(&file)?.then_some(file))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The app at `url`, printed as `webhooks listen` prints it.
    fn app(url: &str) -> AppRef {
        let url = url::Url::parse(url).unwrap();
        AppRef::new(&url, crate::commands::webhooks::app::shown(&url))
    }

    #[test]
    fn a_secret_in_the_app_url_is_not_kept_and_the_app_is_still_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::open(dir.path().join("outbox")).unwrap();
        let delivery = Kept {
            method: Method::POST,
            uri: "/ringg".parse().unwrap(),
            headers: HeaderMap::new(),
            body: b"{}".to_vec(),
        };
        let target = app("http://app:pa55word@localhost:3000/hooks?token=t0k3n-app");
        let path = outbox.keep(&target, &delivery).unwrap();
        let file = String::from_utf8(std::fs::read(&path).unwrap()).unwrap();
        assert!(
            !file.contains("pa55word") && !file.contains("t0k3n-app"),
            "{file}"
        );
        assert!(file.contains("localhost:3000/hooks?token=…"), "{file}");
        let (kept_for, _) = Outbox::read(&path).unwrap();
        assert!(kept_for.is(&target));
        let other_token = app("http://app:pa55word@localhost:3000/hooks?token=another");
        assert!(!kept_for.is(&other_token));
    }

    #[test]
    fn a_file_naming_its_app_in_full_is_still_sent_to_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("1.delivery");
        let target = app("http://localhost:3000/hooks?token=t");
        let head = serde_json::json!({
            "target": "http://localhost:3000/hooks?token=t",
            "kept_at": "2026-12-01T00:00:00Z",
            "method": "POST",
            "uri": "/ringg",
            "headers": [],
        });
        std::fs::write(&path, format!("{head}\n{{}}")).unwrap();
        let (kept_for, kept) = Outbox::read(&path).unwrap();
        assert!(kept_for.is(&target));
        assert!(!kept_for.is(&app("http://localhost:3000/hooks")));
        assert_eq!(kept.body, b"{}");
    }

    #[test]
    fn a_kept_delivery_reads_back_as_it_came() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::open(dir.path().join("outbox")).unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("x-webhook-secret", HeaderValue::from_static("s3cret"));
        headers.append("x-many", HeaderValue::from_static("a"));
        headers.append("x-many", HeaderValue::from_static("b"));
        let delivery = Kept {
            method: Method::PUT,
            uri: "/hooks/ringg?x=1".parse().unwrap(),
            headers,
            body: b"{\"a\":1}\n\xff tail".to_vec(),
        };
        let target = app("http://localhost:3000/hooks");
        let first = outbox.keep(&target, &delivery).unwrap();
        let second = outbox.keep(&target, &delivery).unwrap();
        assert_eq!(outbox.files().unwrap(), [first.clone(), second]);
        let (kept_for, read) = Outbox::read(&first).unwrap();
        assert!(kept_for.is(&target));
        assert!(!kept_for.is(&app("http://localhost:3001/hooks")));
        assert_eq!(read.method, Method::PUT);
        assert_eq!(read.uri, "/hooks/ringg?x=1");
        assert_eq!(read.headers, delivery.headers);
        assert_eq!(read.body, delivery.body);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&first).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
            // One sender at a time.
            let held = outbox.sender_lock().unwrap();
            assert!(held.is_some());
            let other = Outbox::open(dir.path().join("outbox")).unwrap();
            assert!(other.sender_lock().unwrap().is_none());
            drop(held);
            assert!(other.sender_lock().unwrap().is_some());
        }
    }
}
