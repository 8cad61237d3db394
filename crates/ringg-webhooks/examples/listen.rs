//! Runs a webhook receiver on 127.0.0.1 and prints one line per event.
//!
//! ```sh
//! cargo run -p ringg-webhooks --example listen -- --port 8080 --secret local-secret
//! cargo run -p ringg-webhooks --example listen -- --port 8080 --secret s \
//!     --secret-header X-Webhook-Secret --output json
//! ```
//!
//! With `--secret-header Authorization` (the default) deliveries must carry
//! `Authorization: Bearer <secret>`; with any other header, the secret itself.
//! Events go to stdout, one per line; everything else goes to stderr. Ctrl-C stops it.

use std::process::ExitCode;

use ringg_webhooks::{HandlerError, OutputFormat, WebhookEvent, WebhookReceiver};

const USAGE: &str = "usage: listen --port PORT --secret SECRET [--secret-header NAME] \
                     [--output text|json]";

struct Args {
    port: u16,
    secret: String,
    secret_header: String,
    output: OutputFormat,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let (mut port, mut secret, mut secret_header, mut output) = (None, None, None, None);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--port" => {
                let v = value()?;
                port = Some(
                    v.parse::<u16>()
                        .map_err(|_| format!("--port: `{v}` is not a port number (0-65535)"))?,
                );
            }
            "--secret" => secret = Some(value()?),
            "--secret-header" => secret_header = Some(value()?),
            "--output" => {
                output = Some(
                    value()?
                        .parse::<OutputFormat>()
                        .map_err(|e| e.to_string())?,
                )
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(Args {
        port: port.ok_or("--port is required")?,
        secret: secret.ok_or("--secret is required")?,
        secret_header: secret_header
            .unwrap_or_else(|| WebhookReceiver::DEFAULT_SECRET_HEADER.into()),
        output: output.unwrap_or_default(),
    })
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("error: {message}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let output = args.output;
    let receiver = WebhookReceiver::builder()
        .secret_header(args.secret_header.as_str())
        .secret(args.secret)
        .handler(move |event: WebhookEvent| async move {
            println!("{}", output.render(&event));
            Ok::<_, HandlerError>(())
        })
        .build();
    let receiver = match receiver {
        Ok(receiver) => receiver,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(2);
        }
    };
    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", args.port)).await {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("error: cannot listen on 127.0.0.1:{}: {err}", args.port);
            return ExitCode::FAILURE;
        }
    };
    match listener.local_addr() {
        Ok(addr) => eprintln!(
            "listening on http://{addr}/ (secret header: {}); Ctrl-C to stop",
            args.secret_header
        ),
        Err(err) => eprintln!("listening (address unknown: {err})"),
    }
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match ringg_webhooks::serve_with_shutdown(listener, receiver, shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
