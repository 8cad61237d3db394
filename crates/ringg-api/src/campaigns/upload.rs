//! [`CsvUpload`]: the contact CSV of a campaign upload, from a file, memory or a stream.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use futures::StreamExt;
use futures::stream::BoxStream;
use ringg_transport::{Part, PartData, StreamFactory};

use crate::campaigns::preflight::CsvSource;

/// The content type sent with the CSV part.
pub const CSV_CONTENT_TYPE: &str = "text/csv";
/// The file name sent when none is known (bytes and streams).
pub const DEFAULT_CSV_FILE_NAME: &str = "contacts.csv";

/// The largest upload Ringg takes: the multipart body limit of the CSV upload endpoints
/// (10 MiB, the form's other fields included: see [`FORM_OVERHEAD_BYTES`]).
pub const UPLOAD_LIMIT_BYTES: u64 = 10 * 1024 * 1024;
/// Room kept for the multipart form around the file.
pub const FORM_OVERHEAD_BYTES: u64 = 64 * 1024;

/// The contact CSV of a campaign upload.
///
/// Every form can be read more than once, which the upload needs: the pre-flight check reads
/// it, the upload sends it, and a retry (when one is safe) sends it again. A file is opened
/// anew and streamed each time, never read whole; a stream comes from a factory called once
/// per read.
///
/// ```
/// use ringg_api::campaigns::CsvUpload;
/// let a = CsvUpload::path("/data/contacts.csv");
/// assert_eq!(a.file_name(), "contacts.csv");
/// let b = CsvUpload::bytes("Mobile Number,Name\n+919876543210,Asha\n").with_file_name("q1.csv");
/// assert_eq!(b.file_name(), "q1.csv");
/// ```
#[derive(Clone)]
pub struct CsvUpload {
    file_name: String,
    data: CsvData,
    /// The SHA-256 the CSV must have when a launch reads it.
    expected_digest: Option<String>,
    /// The SHA-256 of bytes read once (see [`pinned`](Self::pinned)), which cannot change.
    known_digest: Option<String>,
}

#[derive(Clone)]
enum CsvData {
    Path(PathBuf),
    Bytes(Bytes),
    Stream(StreamFactory),
}

impl std::fmt::Debug for CsvUpload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("CsvUpload");
        d.field("file_name", &self.file_name);
        if let Some(digest) = &self.expected_digest {
            d.field("expected_digest", digest);
        }
        match &self.data {
            CsvData::Path(p) => d.field("path", p),
            CsvData::Bytes(b) => d.field("bytes", &b.len()),
            CsvData::Stream(_) => d.field("stream", &".."),
        };
        d.finish()
    }
}

impl CsvUpload {
    /// A file on disk, streamed on every read. The file name sent is the path's last part.
    pub fn path(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| DEFAULT_CSV_FILE_NAME.to_string());
        Self {
            file_name,
            data: CsvData::Path(path),
            expected_digest: None,
            known_digest: None,
        }
    }

    /// CSV bytes in memory (file name `contacts.csv` unless set).
    pub fn bytes(bytes: impl Into<Bytes>) -> Self {
        Self {
            file_name: DEFAULT_CSV_FILE_NAME.to_string(),
            data: CsvData::Bytes(bytes.into()),
            expected_digest: None,
            known_digest: None,
        }
    }

    /// A stream of CSV chunks: `factory` is called once for every read (pre-flight, upload,
    /// retry) and must produce the same bytes each time.
    pub fn stream<F>(factory: F) -> Self
    where
        F: Fn() -> BoxStream<'static, std::io::Result<Bytes>> + Send + Sync + 'static,
    {
        Self {
            file_name: DEFAULT_CSV_FILE_NAME.to_string(),
            data: CsvData::Stream(Arc::new(factory)),
            expected_digest: None,
            known_digest: None,
        }
    }

    /// Launches the CSV only while it still holds what was checked: `sha256_hex` is its
    /// [`digest`](Self::digest) when it was checked (or shown to the person confirming the
    /// launch). [`Campaigns::launch`](crate::campaigns::Campaigns::launch) reads the file's
    /// digest again after its own check and, when it differs, refuses before anything is
    /// uploaded ([`LaunchError::Refused`](crate::campaigns::LaunchError::Refused)), so a file
    /// replaced between the check and the launch is not launched in the checked one's place.
    /// A file that fits in one upload ([`UPLOAD_LIMIT_BYTES`]) is read into memory for that
    /// digest, and the launch uploads those bytes.
    ///
    /// ```
    /// # async fn f() -> std::io::Result<()> {
    /// use ringg_api::campaigns::CsvUpload;
    /// let csv = CsvUpload::path("contacts.csv");
    /// let checked = csv.digest().await?;
    /// // … the check, the plan, the confirmation …
    /// let csv = csv.expecting_digest(checked);
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn expecting_digest(mut self, sha256_hex: impl Into<String>) -> Self {
        self.expected_digest = Some(sha256_hex.into().to_ascii_lowercase());
        self
    }

    /// The digest set with [`expecting_digest`](Self::expecting_digest).
    pub fn expected_digest(&self) -> Option<&str> {
        self.expected_digest.as_deref()
    }

    /// Sets the file name sent with the upload.
    #[must_use]
    pub fn with_file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = name.into();
        self
    }

    /// The file name sent with the upload.
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// The size in bytes, when it is known without reading the CSV (bytes, or a file whose
    /// metadata can be read; not a stream).
    pub fn known_len(&self) -> Option<u64> {
        match &self.data {
            CsvData::Bytes(b) => Some(b.len() as u64),
            CsvData::Path(p) => std::fs::metadata(p).ok().map(|m| m.len()),
            CsvData::Stream(_) => None,
        }
    }

    /// The path, for a file upload.
    pub fn as_path(&self) -> Option<&Path> {
        match &self.data {
            CsvData::Path(p) => Some(p),
            _ => None,
        }
    }

    /// The key a launch of this file named `name` for `agent_id` is recorded under in the
    /// journal, as [`Campaigns::launch`](crate::campaigns::Campaigns::launch) records it:
    /// reads the file once for its digest.
    ///
    /// # Errors
    /// The file's read error.
    pub async fn launch_key(
        &self,
        name: &str,
        agent_id: &ringg_types::ids::AgentId,
    ) -> std::io::Result<crate::journal::LaunchKey> {
        Ok(crate::journal::LaunchKey {
            csv_digest: self.digest().await?,
            name: name.to_owned(),
            agent_id: agent_id.clone(),
        })
    }

    /// The SHA-256 of the CSV's bytes, in lowercase hex: what identifies the same file across
    /// runs (a file is streamed, never read whole).
    ///
    /// # Errors
    /// When the file or stream cannot be read.
    pub async fn digest(&self) -> std::io::Result<String> {
        use sha2::{Digest, Sha256};
        use tokio::io::AsyncReadExt;
        if let Some(digest) = &self.known_digest {
            return Ok(digest.clone());
        }
        let mut hasher = Sha256::new();
        match &self.data {
            CsvData::Bytes(b) => hasher.update(b),
            CsvData::Path(p) => {
                let mut file = tokio::fs::File::open(p).await?;
                let mut buf = vec![0u8; 64 * 1024];
                loop {
                    let n = file.read(&mut buf).await?;
                    if n == 0 {
                        break;
                    }
                    hasher.update(&buf[..n]);
                }
            }
            CsvData::Stream(f) => {
                let mut stream = f();
                while let Some(chunk) = stream.next().await {
                    hasher.update(&chunk?);
                }
            }
        }
        Ok(hex(&hasher.finalize()))
    }

    /// A file no larger than `limit` read once into memory, and the digest of those bytes:
    /// what a launch expecting a digest uploads, so that the bytes checked against it are the
    /// bytes sent. Other forms (and larger files) are left as they are (`None`), with their
    /// digest.
    pub(crate) async fn pinned(&self, limit: u64) -> std::io::Result<(Option<Self>, String)> {
        use sha2::{Digest, Sha256};
        match &self.data {
            CsvData::Path(p) if self.known_len().is_some_and(|n| n <= limit) => {
                let bytes = Bytes::from(tokio::fs::read(p).await?);
                let digest = hex(&Sha256::digest(&bytes));
                let pinned = Self {
                    file_name: self.file_name.clone(),
                    data: CsvData::Bytes(bytes),
                    expected_digest: self.expected_digest.clone(),
                    known_digest: Some(digest.clone()),
                };
                Ok((Some(pinned), digest))
            }
            _ => Ok((None, self.digest().await?)),
        }
    }

    /// The multipart file part named `field`.
    pub(crate) fn to_part(&self, field: &str) -> Part {
        let data = match &self.data {
            CsvData::Path(p) => PartData::Path(p.clone()),
            CsvData::Bytes(b) => PartData::Bytes(b.clone()),
            CsvData::Stream(f) => PartData::Stream(f.clone()),
        };
        Part::file(field, self.file_name.clone(), CSV_CONTENT_TYPE, data)
    }

    /// A source for the pre-flight check (a stream is read through a blocking bridge, so the
    /// check must run on a blocking thread, as [`preflight`](crate::campaigns::preflight::preflight()) does).
    pub(crate) fn to_preflight_source(&self) -> CsvSource {
        match &self.data {
            CsvData::Path(p) => CsvSource::Path(p.clone()),
            CsvData::Bytes(b) => CsvSource::Bytes(b.clone()),
            CsvData::Stream(f) => CsvSource::Reader(Box::new(BlockingStreamReader {
                stream: Some(f()),
                chunk: Bytes::new(),
                handle: tokio::runtime::Handle::try_current().ok(),
            })),
        }
    }
}

impl From<PathBuf> for CsvUpload {
    fn from(p: PathBuf) -> Self {
        Self::path(p)
    }
}

impl From<&Path> for CsvUpload {
    fn from(p: &Path) -> Self {
        Self::path(p)
    }
}

impl From<Bytes> for CsvUpload {
    fn from(b: Bytes) -> Self {
        Self::bytes(b)
    }
}

impl From<Vec<u8>> for CsvUpload {
    fn from(b: Vec<u8>) -> Self {
        Self::bytes(b)
    }
}

/// Reads an async byte stream synchronously, from a blocking thread of the runtime.
struct BlockingStreamReader {
    stream: Option<BoxStream<'static, std::io::Result<Bytes>>>,
    chunk: Bytes,
    handle: Option<tokio::runtime::Handle>,
}

impl Read for BlockingStreamReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.chunk.is_empty() {
            let Some(stream) = self.stream.as_mut() else {
                return Ok(0);
            };
            let next = match &self.handle {
                Some(h) => h.block_on(stream.next()),
                None => futures::executor::block_on(stream.next()),
            };
            match next {
                Some(Ok(bytes)) => self.chunk = bytes,
                Some(Err(e)) => {
                    self.stream = None;
                    return Err(e);
                }
                None => {
                    self.stream = None;
                    return Ok(0);
                }
            }
        }
        let n = buf.len().min(self.chunk.len());
        buf[..n].copy_from_slice(&self.chunk[..n]);
        let _ = self.chunk.split_to(n);
        Ok(n)
    }
}

/// `bytes` in lowercase hex.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names() {
        assert_eq!(CsvUpload::path("/x/y/list.csv").file_name(), "list.csv");
        assert_eq!(CsvUpload::path("/").file_name(), DEFAULT_CSV_FILE_NAME);
        assert_eq!(
            CsvUpload::bytes(Vec::new()).file_name(),
            DEFAULT_CSV_FILE_NAME
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn stream_reader_reads_every_chunk() {
        let upload = CsvUpload::stream(|| {
            futures::stream::iter(vec![
                Ok(Bytes::from_static(b"Mobile Number,Na")),
                Ok(Bytes::from_static(b"me\n+919876543210,Asha\n")),
            ])
            .boxed()
        });
        let source = upload.to_preflight_source();
        let text = tokio::task::spawn_blocking(move || {
            let CsvSource::Reader(mut r) = source else {
                panic!("expected a reader")
            };
            let mut s = String::new();
            r.read_to_string(&mut s).map(|_| s)
        })
        .await
        .unwrap()
        .unwrap();
        assert_eq!(text, "Mobile Number,Name\n+919876543210,Asha\n");
    }
}
