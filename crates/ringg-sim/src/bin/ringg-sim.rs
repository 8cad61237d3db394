//! `ringg-sim`: run the Ringg API simulator until Ctrl-C.
//!
//! Prints `base_url=...` and `api_key=...` on stdout, one per line, once it is listening.

use std::net::SocketAddr;

use clap::Parser;
use ringg_sim::{FaultConfig, Simulator};

/// Run a local simulator of the Ringg AI API.
#[derive(Debug, Parser)]
#[command(name = "ringg-sim", version, about)]
struct Args {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Real seconds per simulated second (0.01 makes a 3-minute call take 1.8 s).
    #[arg(long, default_value_t = 1.0)]
    time_scale: f64,
    /// Seed for call outcomes and generated IDs.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Fault injection spec, e.g. `rate=0.2,kinds=reset-after+503+429,seed=7`.
    #[arg(long, default_value = "off")]
    faults: FaultConfig,
    /// Seed this many finished calls into the history at start.
    #[arg(long, default_value_t = 0)]
    history_rows: usize,
    /// Answer shapes: `documented` or `live` (the live API's variants, rotating by --seed).
    #[arg(long, default_value = "documented")]
    quirks: ringg_sim::Quirks,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let builder = Simulator::builder()
        .bind(SocketAddr::from(([127, 0, 0, 1], args.port)))
        .time_scale(args.time_scale)
        .seed(args.seed)
        .faults(args.faults)
        .history_rows(args.history_rows)
        .quirks(args.quirks);
    if let Err(e) = ringg_sim::serve_until_ctrl_c(builder).await {
        eprintln!("ringg-sim: {e}");
        std::process::exit(1);
    }
}
