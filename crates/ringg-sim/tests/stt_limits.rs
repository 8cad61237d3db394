//! The speech-to-text stream's cap of `MAX_AUDIO_BYTES` per stream holds for one WebSocket
//! message too: a message past it is refused while it arrives, not read whole first.

use futures::{SinkExt, StreamExt};
use ringg_types::stt::MAX_AUDIO_BYTES;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};

#[tokio::test]
async fn a_message_past_the_stream_cap_is_refused_before_it_ends() {
    let sim = ringg_sim::Simulator::builder().start().await.unwrap();
    let origin = sim
        .base_url()
        .trim_end_matches("/ca/api/v0")
        .replacen("http://", "", 1);
    let mut req = format!("ws://{origin}/stt/v1/stream")
        .into_client_request()
        .unwrap();
    req.headers_mut()
        .insert("x-api-key", sim.api_key().parse().unwrap());
    let tcp = tokio::net::TcpStream::connect(&origin).await.unwrap();
    let (mut ws, _) = tokio_tungstenite::client_async(req, tcp).await.unwrap();

    // One binary message in fragments of 1 MiB, past the cap, whose last fragment is never
    // sent: a server that reads messages whole before checking them waits for it forever.
    const PART: usize = 1024 * 1024;
    let fragments = usize::try_from(MAX_AUDIO_BYTES).unwrap() / PART + 2;
    for i in 0..fragments {
        let opcode = if i == 0 {
            OpCode::Data(Data::Binary)
        } else {
            OpCode::Data(Data::Continue)
        };
        if ws
            .send(Message::Frame(Frame::message(
                vec![0u8; PART],
                opcode,
                false,
            )))
            .await
            .is_err()
        {
            break;
        }
    }
    let reply = tokio::time::timeout(std::time::Duration::from_secs(20), ws.next())
        .await
        .expect("the simulator refuses the message before it ends");
    match reply {
        Some(Ok(Message::Text(t))) => assert!(t.contains("audio_too_long"), "{t}"),
        other => panic!("expected the audio_too_long error, got {other:?}"),
    }
    sim.shutdown().await;
}
