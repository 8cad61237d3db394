//! Audio files for the speech-to-text service: reading the header of what was uploaded (WAV
//! and FLAC give their duration; WAV can carry its transcript in a `LIST`/`INFO` chunk), and
//! writing test WAV files that carry a transcript ([`wav`], [`wav_with`]).
//!
//! The simulator has no speech recogniser. What it can honestly answer is the duration from
//! the header and a transcript the file itself carries: text in the `ICMT` (comment) entry of
//! a WAV file's `LIST`/`INFO` chunk, as [`wav`] writes it. Any other audio is answered with
//! [`PLACEHOLDER_TRANSCRIPT`], which says so.

/// The transcript of audio that carries none: a label, never mistaken for recognised speech.
pub const PLACEHOLDER_TRANSCRIPT: &str = "[ringg-sim: this audio carries no transcript; the simulator recognises no speech, write one into a WAV LIST/INFO ICMT chunk with ringg_sim::audio::wav]";

/// What the header of an audio file says.
#[derive(Debug, Clone, PartialEq)]
pub struct AudioInfo {
    /// `wav`, `flac`, `mp3` or `m4a`.
    pub format: &'static str,
    /// Length in seconds, when the header gives it (WAV, FLAC).
    pub duration_seconds: Option<f64>,
    /// Sample rate in Hz, when the header gives it.
    pub sample_rate: Option<u32>,
    /// The transcript the file carries (WAV `LIST`/`INFO`/`ICMT`).
    pub text: Option<String>,
    /// For WAV: the length the `data` chunk declares, in bytes.
    pub data_len: Option<u64>,
    /// For WAV: where the audio data starts in the file.
    pub data_offset: Option<usize>,
    /// Bytes of audio per second, when the header gives it.
    pub byte_rate: Option<u32>,
}

/// Why an audio file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AudioError(pub String);

impl std::fmt::Display for AudioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for AudioError {}

/// Reads the header of `bytes`, a file of `format` (`wav`, `flac`, `mp3`, `m4a`).
///
/// # Errors
/// When a WAV or FLAC file's header is missing or broken.
pub fn inspect(format: &'static str, bytes: &[u8]) -> Result<AudioInfo, AudioError> {
    match format {
        "wav" => inspect_wav(bytes),
        "flac" => inspect_flac(bytes),
        _ => Ok(AudioInfo {
            format,
            duration_seconds: None,
            sample_rate: None,
            text: None,
            data_len: None,
            data_offset: None,
            byte_rate: None,
        }),
    }
}

fn le_u32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Reads a WAV (RIFF/WAVE) header: `fmt `, `LIST`/`INFO` and the `data` chunk's declared
/// length. The data itself may be cut short (a stream's first frames).
///
/// # Errors
/// When the file is not RIFF/WAVE or has no `fmt ` chunk before `data`.
pub fn inspect_wav(bytes: &[u8]) -> Result<AudioInfo, AudioError> {
    if bytes.len() < 12 || &bytes[0..4] != b"RIFF" || &bytes[8..12] != b"WAVE" {
        return Err(AudioError(
            "not a WAV file: it does not start with a RIFF/WAVE header".into(),
        ));
    }
    let mut at = 12;
    let mut byte_rate = None;
    let mut sample_rate = None;
    let mut text = None;
    let mut data_len = None;
    let mut data_offset = None;
    while at + 8 <= bytes.len() {
        let id = &bytes[at..at + 4];
        let size = le_u32(bytes, at + 4) as usize;
        let body = at + 8;
        let end = body.saturating_add(size).min(bytes.len());
        match id {
            b"fmt " if end - body >= 16 => {
                sample_rate = Some(le_u32(bytes, body + 4));
                byte_rate = Some(le_u32(bytes, body + 8));
            }
            b"LIST" if end - body >= 4 && &bytes[body..body + 4] == b"INFO" => {
                text = info_comment(&bytes[body + 4..end]).or(text);
            }
            b"data" => {
                data_len = Some(size as u64);
                data_offset = Some(body);
                break;
            }
            _ => {}
        }
        at = body.saturating_add(size).saturating_add(size & 1);
    }
    let Some(byte_rate) = byte_rate.filter(|r| *r > 0) else {
        return Err(AudioError(
            "broken WAV file: no usable `fmt ` chunk before the audio data".into(),
        ));
    };
    let Some(data_len) = data_len else {
        return Err(AudioError(
            "broken WAV file: no `data` chunk with the audio".into(),
        ));
    };
    Ok(AudioInfo {
        format: "wav",
        duration_seconds: Some(data_len as f64 / f64::from(byte_rate)),
        sample_rate,
        text,
        data_len: Some(data_len),
        data_offset,
        byte_rate: Some(byte_rate),
    })
}

/// The `ICMT` entry of a `LIST`/`INFO` chunk's body (after `INFO`).
fn info_comment(mut b: &[u8]) -> Option<String> {
    while b.len() >= 8 {
        let size = le_u32(b, 4) as usize;
        let end = (8 + size).min(b.len());
        if &b[0..4] == b"ICMT" {
            let raw = &b[8..end];
            let raw = raw.split(|c| *c == 0).next().unwrap_or_default();
            return Some(String::from_utf8_lossy(raw).trim().to_string());
        }
        b = &b[(end + (size & 1)).min(b.len())..];
    }
    None
}

fn inspect_flac(bytes: &[u8]) -> Result<AudioInfo, AudioError> {
    // "fLaC", then the STREAMINFO block: 4-byte block header, 34 bytes of data.
    if bytes.len() < 4 + 4 + 18 || &bytes[0..4] != b"fLaC" || bytes[4] & 0x7f != 0 {
        return Err(AudioError(
            "not a FLAC file: it does not start with fLaC and a STREAMINFO block".into(),
        ));
    }
    let info = &bytes[8..];
    let packed = u64::from_be_bytes([
        info[10], info[11], info[12], info[13], info[14], info[15], info[16], info[17],
    ]);
    let sample_rate = (packed >> 44) as u32;
    let total = packed & 0xF_FFFF_FFFF;
    Ok(AudioInfo {
        format: "flac",
        duration_seconds: (sample_rate > 0 && total > 0)
            .then(|| total as f64 / f64::from(sample_rate)),
        sample_rate: (sample_rate > 0).then_some(sample_rate),
        text: None,
        data_len: None,
        data_offset: None,
        byte_rate: None,
    })
}

/// A mono 16-bit PCM WAV file at 16 kHz, `seconds` long (a quiet 440 Hz tone), carrying
/// `text` as its transcript in a `LIST`/`INFO`/`ICMT` chunk before the audio.
///
/// ```
/// let file = ringg_sim::audio::wav(1.5, Some("hello there"));
/// let info = ringg_sim::audio::inspect_wav(&file).unwrap();
/// assert_eq!(info.duration_seconds, Some(1.5));
/// assert_eq!(info.text.as_deref(), Some("hello there"));
/// ```
pub fn wav(seconds: f64, text: Option<&str>) -> Vec<u8> {
    wav_with(16_000, seconds, text)
}

/// Like [`wav`] at another sample rate.
pub fn wav_with(sample_rate: u32, seconds: f64, text: Option<&str>) -> Vec<u8> {
    let samples = (seconds.max(0.0) * f64::from(sample_rate)).round() as usize;
    let mut data = Vec::with_capacity(samples * 2);
    for i in 0..samples {
        let t = i as f64 / f64::from(sample_rate);
        let v = ((t * 440.0 * std::f64::consts::TAU).sin() * 2000.0) as i16;
        data.extend_from_slice(&v.to_le_bytes());
    }
    let mut list = Vec::new();
    if let Some(text) = text {
        let mut value = text.as_bytes().to_vec();
        value.push(0);
        list.extend_from_slice(b"INFO");
        list.extend_from_slice(b"ICMT");
        list.extend_from_slice(&(value.len() as u32).to_le_bytes());
        list.extend_from_slice(&value);
        if value.len() % 2 == 1 {
            list.push(0);
        }
    }
    let mut out = Vec::with_capacity(44 + list.len() + 8 + data.len());
    out.extend_from_slice(b"RIFF");
    let list_chunk = if list.is_empty() { 0 } else { 8 + list.len() };
    let riff_len = 4 + (8 + 16) + list_chunk + 8 + data.len();
    out.extend_from_slice(&(riff_len as u32).to_le_bytes());
    out.extend_from_slice(b"WAVE");
    out.extend_from_slice(b"fmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&sample_rate.to_le_bytes());
    out.extend_from_slice(&(sample_rate * 2).to_le_bytes()); // byte rate
    out.extend_from_slice(&2u16.to_le_bytes()); // block align
    out.extend_from_slice(&16u16.to_le_bytes()); // bits per sample
    if !list.is_empty() {
        out.extend_from_slice(b"LIST");
        out.extend_from_slice(&(list.len() as u32).to_le_bytes());
        out.extend_from_slice(&list);
    }
    out.extend_from_slice(b"data");
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(&data);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_wav_reads_back() {
        let f = wav_with(8_000, 2.0, Some("odd"));
        let info = inspect_wav(&f).unwrap();
        assert_eq!(info.duration_seconds, Some(2.0));
        assert_eq!(info.sample_rate, Some(8_000));
        assert_eq!(info.text.as_deref(), Some("odd"));
        assert_eq!(inspect_wav(&wav(0.5, None)).unwrap().text, None);
        // Only the header of a stream's first frame is needed.
        assert_eq!(inspect_wav(&f[..80]).unwrap().duration_seconds, Some(2.0));
    }

    #[test]
    fn broken_headers_are_errors_not_panics() {
        assert!(inspect_wav(b"RIFF").is_err());
        assert!(inspect_wav(b"RIFF\0\0\0\0WAVEdata\xff\xff\xff\xff").is_err());
        assert!(inspect_wav(b"RIFF\0\0\0\0WAVEfmt \x02\0\0\0ab").is_err());
        assert!(inspect("flac", b"fLaC").is_err());
    }

    #[test]
    fn flac_streaminfo_gives_the_duration() {
        let mut f = b"fLaC".to_vec();
        f.extend_from_slice(&[0x80, 0, 0, 34]);
        let mut info = [0u8; 34];
        // 44,100 Hz, 2 channels, 16 bits, 88,200 samples.
        let packed: u64 = (44_100u64 << 44) | (1 << 41) | (15 << 36) | 88_200;
        info[10..18].copy_from_slice(&packed.to_be_bytes());
        f.extend_from_slice(&info);
        assert_eq!(inspect("flac", &f).unwrap().duration_seconds, Some(2.0));
    }
}
