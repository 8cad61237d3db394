//! The seeded demo workspace: fixed IDs every simulator starts with.
//!
//! Every simulator begins with one workspace reachable with [`DEMO_API_KEY`]. Its IDs never
//! change, so examples and tests can name them directly.
//!
//! | what | value |
//! |---|---|
//! | workspace | [`WORKSPACE_ID`], "Demo Workspace", [`DEMO_CREDITS`] credits |
//! | users | [`USER_ID`] (owner), [`MEMBER_USER_ID`] (member) |
//! | numbers | [`NUMBER_ID`] = [`NUMBER`], [`NUMBER_ID_2`] = [`NUMBER_2`] (inbound, attached to [`INBOUND_AGENT_ID`]) |
//! | number pool | [`NUMBER_POOL_ID`] (both numbers) |
//! | assistants | [`AGENT_ID`] (outbound, variables `callee_name`, `mobile_number`, `company_name`), [`INBOUND_AGENT_ID`] (inbound); with [`SimulatorBuilder::demo_extras`](crate::SimulatorBuilder::demo_extras) also [`SECOND_AGENT_ID`] (outbound, "Renewals Assistant") |
//! | knowledge base | [`KB_ID`] "Product FAQ" (completed) |
//! | voices | [`VOICE_ID`] and three more (see `GET /agent/voices`) |

/// The demo workspace's API key (send it as `X-API-KEY`).
pub const DEMO_API_KEY: &str = "5e1d3c9a-7b2f-4e8d-9a6c-0f4b2d8e1a37";
/// The demo workspace's ID.
pub const WORKSPACE_ID: &str = "d079bcb3-72a3-42dc-9586-edf0328e2973";
/// The demo workspace's name.
pub const WORKSPACE_NAME: &str = "Demo Workspace";
/// Credits the demo workspace starts with.
pub const DEMO_CREDITS: f64 = 3025.0;
/// The owner user of the demo workspace.
pub const USER_ID: &str = "7251cb4b-3373-43a4-844c-b27a1d45e0c9";
/// A member user of the demo workspace.
pub const MEMBER_USER_ID: &str = "9c2e4f61-0a8b-4d3c-b5e7-1f6a2d9c8b40";
/// The first caller number's ID (`workspace_numbers[].id`, `from_number_id`).
pub const NUMBER_ID: &str = "5d7f9a2b-1c3e-4f6a-8b9c-0d1e2f3a4b5c";
/// The first caller number (E.164).
pub const NUMBER: &str = "+918035736726";
/// The second caller number's ID; inbound-enabled and attached to [`INBOUND_AGENT_ID`].
pub const NUMBER_ID_2: &str = "6e8a0b3c-2d4f-4a7b-9cad-1e2f3a4b5c6d";
/// The second caller number (E.164).
pub const NUMBER_2: &str = "+912269976804";
/// The number pool holding both numbers (`number_pool_id`).
pub const NUMBER_POOL_ID: &str = "0b84b167-2dcb-4bbd-abab-1837000bea17";
/// The outbound demo assistant ("Sales Assistant").
pub const AGENT_ID: &str = "830f767a-397e-4b39-82ff-235cd344e2f9";
/// The active version of [`AGENT_ID`].
pub const AGENT_VERSION_ID: &str = "387bd8f1-5748-4006-b7fe-6a6455e9d45d";
/// The browser-safe web-call key of [`AGENT_ID`].
pub const AGENT_WEBCALL_PUBLIC_KEY: &str = "pk_demo_4f1c2a9e7b3d4e6f8a0b1c2d3e4f5a6b";
/// The inbound demo assistant ("Support Desk").
pub const INBOUND_AGENT_ID: &str = "5d7cdc09-6d51-4468-93c6-a0b8e5ad3f22";
/// The active version of [`INBOUND_AGENT_ID`].
pub const INBOUND_AGENT_VERSION_ID: &str = "a1b2c3d4-5e6f-4890-abcd-ef1234567890";
/// The second outbound demo assistant ("Renewals Assistant", variables `callee_name`,
/// `mobile_number`, `policy_number`, `due_date`), present with
/// [`SimulatorBuilder::demo_extras`](crate::SimulatorBuilder::demo_extras).
pub const SECOND_AGENT_ID: &str = "830f9e21-5c4b-4d7a-9e13-6b2f0c8d4a51";
/// The active version of [`SECOND_AGENT_ID`].
pub const SECOND_AGENT_VERSION_ID: &str = "b7c8d9e0-1f2a-4b3c-8d4e-5f6a7b8c9d0e";
/// The demo knowledge base ("Product FAQ", already processed).
pub const KB_ID: &str = "7a9c2d5e-4f6b-4a2b-8c4d-5e6f7a8b9c0d";
/// The default voice ("Sarah").
pub const VOICE_ID: &str = "02ad256b-092b-4048-bea0-5af46a452b98";
/// A second voice ("Arjun").
pub const VOICE_ID_2: &str = "3b5c7d2a-8e9f-4a1b-9c6d-2e5f8a7b3c4d";
