//! The command line of `ringg stt`: its subcommands, flags and options (clap derive).

use std::path::PathBuf;

use clap::{Args, Subcommand};

/// `ringg stt …`.
#[derive(Debug, Subcommand)]
pub(crate) enum SttCmd {
    /// Transcribe an audio file (wav, mp3, flac or m4a; at most 10,000,000 bytes).
    Transcribe {
        /// The audio file.
        file: PathBuf,
        #[command(flatten)]
        common: SttArgs,
    },
    /// Stream an audio file (a WAV file, or raw 16-bit PCM) and print the transcripts as
    /// they come.
    Stream {
        /// The audio file.
        file: PathBuf,
        /// The sample rate of raw PCM audio, in Hz (a WAV header overrides it).
        #[arg(long, default_value_t = 16_000)]
        sample_rate: u32,
        #[command(flatten)]
        common: SttArgs,
    },
    /// Whether the speech-to-text service is up.
    Health {
        /// The speech-to-text service's base URL (default: the API's origin with /stt/v1). With a
        /// profile's key, only an address on that profile's server.
        #[arg(
            long,
            env = "RINGG_STT_BASE_URL",
            hide_env_values = true,
            value_name = "URL"
        )]
        stt_base_url: Option<String>,
    },
}

/// Options both subcommands take.
#[derive(Debug, Args)]
pub(crate) struct SttArgs {
    /// The language of the audio, e.g. `en` or `hi` (the service's default when absent).
    #[arg(long)]
    pub(crate) language: Option<String>,
    /// Capitalisation and punctuation: true or false (the service's default when absent).
    #[arg(long, value_name = "BOOL")]
    pub(crate) cap_punc: Option<bool>,
    /// The speech-to-text service's base URL (default: the API's origin with /stt/v1). With a
    /// profile's key, only an address on that profile's server.
    #[arg(
        long,
        env = "RINGG_STT_BASE_URL",
        hide_env_values = true,
        value_name = "URL"
    )]
    pub(crate) stt_base_url: Option<String>,
}
