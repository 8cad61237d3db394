//! `ringg sim serve`.

pub(crate) mod args;
pub(crate) mod marker;

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
        credits,
        demo,
    } = cmd;
    let credits = credits.unwrap_or(if demo {
        DEMO_CREDITS
    } else {
        ringg_sim::demo::DEMO_CREDITS
    });
    if !(credits.is_finite() && credits >= 0.0) {
        return Err(CliError::usage(format!(
            "--credits must be a number of credits, 0 or more, got {credits}"
        )));
    }
    let history_rows = if demo && history_rows == 0 {
        DEMO_HISTORY_ROWS
    } else {
        history_rows
    };
    let faults =
        FaultConfig::parse(&faults).map_err(|e| CliError::usage(format!("--faults: {e}")))?;
    if !(time_scale.is_finite() && time_scale > 0.0) {
        return Err(CliError::usage(format!(
            "--time-scale must be a positive number (1 = real time, 0.01 = 100x faster), got {time_scale}"
        )));
    }
    ctx.out.note(
        "the simulator is starting; run `ringg login --sim` in another terminal (or point RINGG_BASE_URL and RINGG_API_KEY at the values below); Ctrl-C stops it",
    );
    let builder = Simulator::builder()
        .bind(SocketAddr::from(([127, 0, 0, 1], port)))
        .time_scale(time_scale)
        .seed(seed)
        .faults(faults)
        .history_rows(history_rows)
        .quirks(quirks)
        .credits(credits)
        .demo_extras(demo);
    // `ringg login --sim` finds the running simulator through this file.
    let mut marker = None;
    let served = ringg_sim::serve_until_ctrl_c_with(builder, |sim| {
        match marker::Marker::write(&sim.base_url()) {
            Ok(written) => marker = Some(written),
            Err(e) => crate::term::err_line(format!(
                "warning: `ringg login --sim` will not find this simulator ({e}); log in with `ringg login --base-url {}` instead",
                sim.base_url()
            )),
        }
    })
    .await;
    if let Some(marker) = marker {
        marker.remove();
    }
    served.map_err(|e| CliError::failed(format!("the simulator stopped: {e}; is the port free?")))
}

/// Credits of the demo workspace with --demo: enough for a large (5,000+ row) campaign.
const DEMO_CREDITS: f64 = 10_000.0;
/// History rows seeded with --demo.
const DEMO_HISTORY_ROWS: usize = 40;
