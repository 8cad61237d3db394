//! `ringg stt transcribe | stream | health`: Ringg's speech-to-text service.

pub(crate) mod args;

use std::path::Path;

use futures::StreamExt;
use ringg_api::stt::{
    AudioFile, StreamMessageKind, StreamOptions, Stt, TranscribeOptions, Transcription,
};

use crate::context::Ctx;
use crate::error::CliError;
use crate::output::{kv_table, num, or_dash, print_json, print_json_line, print_table};
use crate::term::emit_text;
use args::{SttArgs, SttCmd};

pub(crate) async fn run(ctx: &mut Ctx, cmd: SttCmd) -> Result<(), CliError> {
    match cmd {
        SttCmd::Transcribe { file, common } => transcribe(ctx, &file, common).await,
        SttCmd::Stream {
            file,
            sample_rate,
            common,
        } => stream(ctx, &file, sample_rate, common).await,
        SttCmd::Health { stt_base_url } => health(ctx, stt_base_url.as_deref()).await,
    }
}

async fn health(ctx: &mut Ctx, base_url: Option<&str>) -> Result<(), CliError> {
    let h = service_at(ctx, base_url).await?.health().await?;
    if ctx.out.json() {
        return print_json(&h);
    }
    if h.status.trim().is_empty() {
        // It answered 200 (so it is up) but said nothing; an empty line would look like a fault.
        emit_text("speech-to-text service: up (its answer gave no status)");
    } else {
        emit_text(format!("speech-to-text service: {}", h.status));
    }
    Ok(())
}

async fn service(ctx: &mut Ctx, common: &SttArgs) -> Result<Stt, CliError> {
    service_at(ctx, common.stt_base_url.as_deref()).await
}

/// The service at `base_url` (--stt-base-url), or at the API server's origin. A profile's key
/// goes only to its own server: an address on another origin needs the key given with the
/// command.
async fn service_at(ctx: &mut Ctx, base_url: Option<&str>) -> Result<Stt, CliError> {
    let client = ctx.client().await?;
    let stt = client.stt();
    let Some(url) = base_url.filter(|u| !u.trim().is_empty()) else {
        return Ok(stt);
    };
    let stt = stt.with_base_url(url)?;
    let origin = |u: &str| {
        url::Url::parse(u)
            .ok()
            .map(|u| u.origin().ascii_serialization())
    };
    if let Some(profile) = ctx.key_profile() {
        let server = origin(client.base_url());
        if origin(stt.base_url()) != server {
            return Err(CliError::usage(format!(
                "the speech-to-text address {} is not on profile {profile}'s server ({}); a profile's key is not sent to another server",
                ringg_api::transport::masked_url(stt.base_url()),
                ringg_api::transport::masked_url(server.as_deref().unwrap_or(client.base_url()))
            ))
            .with_hint(format!(
                "drop --stt-base-url (and RINGG_STT_BASE_URL) to use the service of profile {profile}'s server, or give that server's key and address with the command (--api-key-file and --base-url, or RINGG_API_KEY and RINGG_BASE_URL)"
            )));
        }
    }
    Ok(stt)
}

async fn transcribe(ctx: &mut Ctx, file: &Path, common: SttArgs) -> Result<(), CliError> {
    let audio = AudioFile::from_path(file).await?;
    let stt = service(ctx, &common).await?;
    let options = TranscribeOptions {
        language: common.language,
        enable_cap_punc: common.cap_punc,
    };
    let raw = stt.transcribe_raw(audio, &options).await?;
    if ctx.out.json() {
        // The service's answer as it came (masked like every JSON document printed).
        let value: serde_json::Value = serde_json::from_slice(&raw).map_err(|e| {
            CliError::failed(format!(
                "the speech-to-text service answered something that is not JSON: {e}"
            ))
        })?;
        return print_json(&value);
    }
    // A failure names the field and keeps the answer (masked): the upload may have been
    // large and billed, so running it again to see the answer is not free.
    let t: Transcription =
        serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(&raw))
            .map_err(|e| {
                CliError::failed(format!(
                    "the speech-to-text service's answer does not read as a transcription at `{}`: {}; its answer: {}",
                    e.path(),
                    e.inner(),
                    ringg_types::text::for_terminal(&ringg_types::redact::redact_bytes(&raw), 2000)
                ))
            })?;
    emit_text(&t.transcription);
    print_table(&kv_table([
        ("language".to_owned(), or_dash(t.language.as_deref())),
        (
            "duration".to_owned(),
            t.duration_seconds
                .map_or("-".to_owned(), |d| format!("{} s", num(d))),
        ),
        ("request id".to_owned(), or_dash(t.request_id.as_deref())),
    ]));
    Ok(())
}

async fn stream(
    ctx: &mut Ctx,
    file: &Path,
    sample_rate: u32,
    common: SttArgs,
) -> Result<(), CliError> {
    let mut audio = tokio::fs::File::open(file)
        .await
        .map_err(|e| CliError::io(format!("cannot read {}", file.display()), &e))?;
    check_stream_audio(file, &mut audio).await?;
    let stt = service(ctx, &common).await?;
    let options = StreamOptions {
        language: common.language,
        sample_rate,
        enable_cap_punc: common.cap_punc,
        ..StreamOptions::default()
    };
    let mut messages = stt.stream(audio, &options).await?;
    while let Some(message) = messages.next().await {
        let message = message?;
        if ctx.out.json() {
            print_json_line(&message)?;
            continue;
        }
        match message.kind {
            StreamMessageKind::Partial => emit_text(format!("… {}", message.transcription)),
            StreamMessageKind::Final | StreamMessageKind::Error => {
                let duration = message
                    .duration_seconds
                    .map_or(String::new(), |d| format!(" ({} s)", num(d)));
                emit_text(format!("{}{duration}", message.transcription));
            }
        }
    }
    Ok(())
}

/// Refuses what `stream` would send as noise: a compressed file (mp3, flac, m4a), which only
/// `transcribe` takes, and a `.wav` without a WAV header, which would go out as raw PCM.
/// Leaves `audio` at its start.
async fn check_stream_audio(file: &Path, audio: &mut tokio::fs::File) -> Result<(), CliError> {
    use tokio::io::{AsyncReadExt, AsyncSeekExt};
    let ext = file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if ["mp3", "flac", "m4a"].contains(&ext.as_str()) {
        return Err(CliError::usage(format!(
            "{} is {ext} audio; the stream takes a WAV file or raw 16-bit PCM",
            file.display()
        ))
        .with_hint(format!(
            "`ringg stt transcribe {}` takes it",
            file.display()
        )));
    }
    if ext == "wav" {
        let mut head = [0u8; 12];
        let read = audio
            .read(&mut head)
            .await
            .map_err(|e| CliError::io(format!("cannot read {}", file.display()), &e))?;
        audio
            .rewind()
            .await
            .map_err(|e| CliError::io(format!("cannot read {}", file.display()), &e))?;
        if read < 12 || &head[..4] != b"RIFF" || &head[8..12] != b"WAVE" {
            return Err(CliError::usage(format!(
                "{} is named .wav but has no WAV header (RIFF/WAVE), so it would be streamed as raw PCM",
                file.display()
            ))
            .with_hint("convert it to WAV, or give raw 16-bit PCM another extension (e.g. .pcm) with --sample-rate"));
        }
    }
    Ok(())
}
