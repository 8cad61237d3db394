//! `ringg sim serve`.

pub(crate) mod args;

use std::net::SocketAddr;

use ringg_sim::{FaultConfig, Simulator};

use crate::context::Ctx;
use crate::error::CliError;
use args::SimCmd;

pub(crate) async fn run(ctx: &Ctx, cmd: SimCmd) -> Result<(), CliError> {
    let SimCmd::Serve {
        port,
        time_scale,
        seed,
        faults,
        history_rows,
        quirks,
    } = cmd;
    let faults =
        FaultConfig::parse(&faults).map_err(|e| CliError::usage(format!("--faults: {e}")))?;
    if !(time_scale.is_finite() && time_scale > 0.0) {
        return Err(CliError::usage(format!(
            "--time-scale must be a positive number (1 = real time, 0.01 = 100x faster), got {time_scale}"
        )));
    }
    ctx.out.note(
        "the simulator is starting; point RINGG_BASE_URL and RINGG_API_KEY at the values below, Ctrl-C stops it",
    );
    let builder = Simulator::builder()
        .bind(SocketAddr::from(([127, 0, 0, 1], port)))
        .time_scale(time_scale)
        .seed(seed)
        .faults(faults)
        .history_rows(history_rows)
        .quirks(quirks);
    ringg_sim::serve_until_ctrl_c(builder)
        .await
        .map_err(|e| CliError::failed(format!("the simulator stopped: {e}; is the port free?")))
}
