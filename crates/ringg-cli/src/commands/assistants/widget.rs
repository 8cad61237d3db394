//! The web widget's options of `ringg assistants embed` (a leaf: the clap arguments and the
//! pinned release).

use clap::{Args, ValueEnum};

/// The widget release the snippet loads unless `--widget-version` says otherwise: a fixed,
/// known version, so a new release never changes a site unannounced (`defaultTab` needs
/// 1.0.8 or later).
pub(crate) const WIDGET_VERSION: &str = "1.0.21";

/// Which conversations the widget offers (`defaultTab`, `hideTabSelector`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum WidgetMode {
    /// Voice only: the audio tab, no tab selector.
    Audio,
    /// Chat only: the text tab, no tab selector.
    Text,
    /// Both, opening on audio, with the tab selector.
    Both,
}

/// The widget options of `ringg assistants embed`.
#[derive(Debug, Clone, Args)]
pub(crate) struct WidgetArgs {
    /// Voice, chat or both (`defaultTab`, `hideTabSelector`).
    #[arg(long, value_enum, default_value = "both")]
    pub(crate) mode: WidgetMode,
    /// Open the conversation at once, without the widget's start screen
    /// (`bypassStartScreen`).
    #[arg(long)]
    pub(crate) bypass_start_screen: bool,
    /// The widget release to load (`@desivocal/agents-cdn@VERSION`), e.g. 1.0.21; `latest`
    /// follows every new release.
    #[arg(long, value_name = "VERSION", default_value = WIDGET_VERSION)]
    pub(crate) widget_version: String,
}

impl Default for WidgetArgs {
    fn default() -> Self {
        Self {
            mode: WidgetMode::Both,
            bypass_start_screen: false,
            widget_version: WIDGET_VERSION.to_string(),
        }
    }
}
