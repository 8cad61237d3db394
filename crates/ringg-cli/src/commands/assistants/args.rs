//! The command line of `ringg assistants`: its subcommands, flags and options (clap derive).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::args::{PageArgs, parse_key_value};

/// `ringg assistants …`.
#[derive(Debug, Subcommand)]
pub(crate) enum AssistantsCmd {
    /// Assistants of the workspace.
    List(PageArgs),
    /// One assistant: configuration in force, variables, webhooks.
    Get {
        /// The assistant (id, name or id prefix).
        id: String,
    },
    /// Create a single-prompt assistant.
    Create(CreateAssistantArgs),
    /// Update template fields (only those given).
    Update {
        /// The assistant (id, name or id prefix).
        id: String,
        /// The fields to change.
        #[command(flatten)]
        fields: UpdateAssistantArgs,
    },
    /// Archive an assistant.
    Delete {
        /// The assistant (id, name or id prefix).
        id: String,
        /// Delete without asking (for scripts). Without it the assistant is shown and the
        /// question is asked on a terminal; with no terminal the command refuses.
        #[arg(long)]
        yes: bool,
    },
    /// Available voices.
    Voices {
        /// Only voices speaking one of these languages (comma-separated, e.g. en-US,hi-IN).
        #[arg(long, value_name = "CODES")]
        language: Option<String>,
    },
    /// Change one part of an assistant: its name, prompt, voice, variables, knowledge base,
    /// numbers, webhooks, labels or call settings.
    Edit(EditArgs),
    /// Whitelist a web site and print the widget snippet (with the browser-safe public key).
    Embed {
        /// The assistant (id, name or id prefix).
        id: String,
        /// The site's origin, e.g. https://shop.example.
        #[arg(long, value_name = "ORIGIN")]
        domain: String,
        /// How the widget looks.
        #[command(flatten)]
        widget: super::widget::WidgetArgs,
    },
}

/// `ringg assistants create`.
#[derive(Debug, Args)]
pub(crate) struct CreateAssistantArgs {
    /// Name (up to 100 characters).
    #[arg(long)]
    pub(crate) name: String,
    /// Introduction and objective (up to 2000).
    #[arg(long, value_name = "TEXT")]
    pub(crate) objective: String,
    /// Response guidelines (up to 3000).
    #[arg(long, value_name = "TEXT")]
    pub(crate) guidelines: String,
    /// The task (up to 1500).
    #[arg(long, value_name = "TEXT")]
    pub(crate) task: String,
    /// Primary language, e.g. en-IN.
    #[arg(long, value_name = "CODE")]
    pub(crate) language: String,
    /// Voice id (see `ringg assistants voices`).
    #[arg(long, value_name = "ID")]
    pub(crate) voice: String,
    /// The first thing the assistant says (up to 500).
    #[arg(long, value_name = "TEXT")]
    pub(crate) intro_message: String,
    /// FAQ text ("Q: … A: …").
    #[arg(long, value_name = "TEXT")]
    pub(crate) faq: Option<String>,
    /// Sample conversations.
    #[arg(long, value_name = "TEXT")]
    pub(crate) samples: Option<String>,
    /// Secondary language.
    #[arg(long, value_name = "CODE")]
    pub(crate) secondary_language: Option<String>,
    /// The assistant's type (default: outbound).
    #[arg(long = "type", value_name = "TYPE", value_parser = ["inbound", "outbound", "outbound_inbound"])]
    pub(crate) agent_type: Option<String>,
    /// A prompt variable (repeatable).
    #[arg(long = "var", value_name = "NAME")]
    pub(crate) vars: Vec<String>,
}

/// `ringg assistants update` fields.
#[derive(Debug, Args)]
pub(crate) struct UpdateAssistantArgs {
    /// Name.
    #[arg(long)]
    pub(crate) name: Option<String>,
    /// Introduction and objective.
    #[arg(long, value_name = "TEXT")]
    pub(crate) objective: Option<String>,
    /// Response guidelines.
    #[arg(long, value_name = "TEXT")]
    pub(crate) guidelines: Option<String>,
    /// The task.
    #[arg(long, value_name = "TEXT")]
    pub(crate) task: Option<String>,
    /// Primary language.
    #[arg(long, value_name = "CODE")]
    pub(crate) language: Option<String>,
    /// Voice id.
    #[arg(long, value_name = "ID")]
    pub(crate) voice: Option<String>,
    /// Intro message.
    #[arg(long, value_name = "TEXT")]
    pub(crate) intro_message: Option<String>,
    /// FAQ text.
    #[arg(long, value_name = "TEXT")]
    pub(crate) faq: Option<String>,
    /// Sample conversations.
    #[arg(long, value_name = "TEXT")]
    pub(crate) samples: Option<String>,
    /// Secondary language.
    #[arg(long, value_name = "CODE")]
    pub(crate) secondary_language: Option<String>,
    /// The assistant's type.
    #[arg(long = "type", value_name = "TYPE", value_parser = ["inbound", "outbound", "outbound_inbound"])]
    pub(crate) agent_type: Option<String>,
    /// Prompt variables (repeatable; replaces the list).
    #[arg(long = "var", value_name = "NAME")]
    pub(crate) vars: Vec<String>,
}

/// `ringg assistants edit`.
#[derive(Debug, Args)]
pub(crate) struct EditArgs {
    /// The assistant (id, name or id prefix).
    pub(crate) id: String,
    /// Edit this version (default: the active one).
    #[arg(long = "version-id", value_name = "ID", global = true)]
    pub(crate) version_id: Option<String>,
    /// The edit.
    #[command(subcommand)]
    pub(crate) op: EditOp,
}

/// The `/agent/v1` operations with their own command.
#[derive(Debug, Subcommand)]
pub(crate) enum EditOp {
    /// Rename the assistant.
    DisplayName {
        /// The new name.
        name: String,
    },
    /// Replace the prompt (the instructions the assistant follows).
    Prompt {
        /// The prompt text.
        #[arg(required_unless_present = "file")]
        text: Option<String>,
        /// Read the prompt from this file.
        #[arg(long, conflicts_with = "text")]
        file: Option<PathBuf>,
    },
    /// Change the first thing the assistant says.
    IntroMessage {
        /// The intro message.
        text: String,
    },
    /// Replace the prompt variables a call fills in (outbound assistants must keep
    /// callee_name and mobile_number).
    CustomVars {
        /// Variable names.
        #[arg(required = true)]
        names: Vec<String>,
    },
    /// Change the voice and its language (and optionally a second voice).
    Voice {
        /// Voice id.
        #[arg(long, value_name = "ID")]
        voice_id: String,
        /// Language of the voice, e.g. en-IN.
        #[arg(long, value_name = "CODE")]
        language: String,
        /// Secondary voice id ("" clears it).
        #[arg(long, value_name = "ID")]
        secondary_voice_id: Option<String>,
        /// Secondary language.
        #[arg(long, value_name = "CODE")]
        secondary_language: Option<String>,
    },
    /// Make the voice speak faster or slower.
    VoiceSpeed {
        /// Speed, e.g. 1.1.
        speed: f64,
    },
    /// Replace the web sites allowed to embed the assistant (https://www.ringg.ai must
    /// stay).
    WhitelistedDomains {
        /// Origins.
        #[arg(required = true)]
        domains: Vec<String>,
    },
    /// Give the assistant a knowledge base to answer from.
    AttachKb {
        /// Knowledge base id.
        kb_id: String,
    },
    /// Take a knowledge base away from the assistant.
    RemoveKb {
        /// Knowledge base id.
        kb_id: String,
    },
    /// Have the assistant answer calls to a number.
    AttachInboundNumber {
        /// Number id.
        number_id: String,
    },
    /// Stop the assistant answering calls to a number.
    RemoveInboundNumber {
        /// Number id.
        number_id: String,
    },
    /// Replace every webhook subscription at once (`ringg webhooks subscribe` adds one and
    /// keeps the others).
    EventSubscriptions {
        /// The subscription list as JSON, e.g.
        /// '[{"event_type":["all_processing_completed"],"callback_url":"https://…","method_type":"POST"}]'.
        #[arg(long, value_name = "JSON")]
        json: String,
    },
    /// Replace the labels the call analysis sorts calls into.
    ClassificationLabels {
        /// A label and its description (repeatable), e.g. --label qualified_lead="wants a demo".
        #[arg(long = "label", value_name = "NAME=DESCRIPTION", value_parser = parse_key_value, required = true)]
        labels: Vec<(String, String)>,
    },
    /// Change call settings: length limits, retries, calling hours, voicemail handling
    /// (merged into the current settings). Only the keys Ringg documents, with values of
    /// their types, are taken (`raw` sends anything).
    CallConfig {
        /// The call_config object as JSON, e.g. '{"max_call_length":300}'.
        json: String,
    },
    /// Any other edit, as Ringg's JSON body without agent_id, e.g.
    /// '{"operation":"edit_timezone","timezone":"Asia/Kolkata"}'.
    Raw {
        /// The operation and its fields as JSON.
        #[arg(long, value_name = "JSON")]
        json: String,
    },
}
