//! Fuzz target: decoding arbitrary bytes into the response models never panics, and whatever
//! decodes re-serializes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ringg_types::assistants::{AssistantDetailsResponse, AssistantList};
use ringg_types::calls::{CallDetailsResponse, CallHistoryResponse, InitiateCallResponse};
use ringg_types::campaigns::{CampaignListResponse, UploadStatusResponse};
use ringg_types::workspace::WorkspaceInfoResponse;

fn roundtrip<T: serde::de::DeserializeOwned + serde::Serialize>(data: &[u8]) {
    if let Ok(v) = ringg_types::decode::<T>(data) {
        let _ = serde_json::to_vec(&v);
    }
}

fuzz_target!(|data: &[u8]| {
    roundtrip::<WorkspaceInfoResponse>(data);
    roundtrip::<InitiateCallResponse>(data);
    roundtrip::<CallHistoryResponse>(data);
    roundtrip::<CallDetailsResponse>(data);
    roundtrip::<AssistantList>(data);
    roundtrip::<AssistantDetailsResponse>(data);
    roundtrip::<CampaignListResponse>(data);
    roundtrip::<UploadStatusResponse>(data);
});
