//! The command line of `ringg sim`: its subcommands, flags and options (clap derive).

use clap::Subcommand;

/// `ringg sim …`.
#[derive(Debug, Subcommand)]
pub(crate) enum SimCmd {
    /// Run the simulator until Ctrl-C; prints its base_url and api_key.
    Serve {
        /// Port on 127.0.0.1 (0 picks a free one).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Real seconds per simulated second (0.01 makes a 3-minute call take 1.8 s).
        #[arg(long, default_value_t = 1.0, value_name = "X")]
        time_scale: f64,
        /// Seed for call outcomes and generated ids.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Fault injection, e.g. `rate=0.2,kinds=503+429,seed=7`.
        #[arg(long, default_value = "off", value_name = "SPEC")]
        faults: String,
        /// Seed this many finished calls into the history.
        #[arg(long, default_value_t = 0, value_name = "N")]
        history_rows: usize,
        /// Answer shapes: `documented` (the newest documented shape) or `live` (the variants
        /// the live API is documented to show, rotating by --seed).
        #[arg(long, default_value = "documented", value_name = "MODE")]
        quirks: ringg_sim::Quirks,
        /// Credits of the demo workspace (default 3025; a 5,000+ row campaign, the large flow,
        /// needs at least one per row).
        #[arg(long, value_name = "N")]
        credits: Option<f64>,
        /// Demo data to try the workflows: a second outbound assistant ("Renewals
        /// Assistant"), 40 finished calls in the history unless --history-rows says otherwise,
        /// and 10,000 credits unless --credits does.
        #[arg(long)]
        demo: bool,
    },
}
