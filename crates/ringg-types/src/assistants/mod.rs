//! Assistants (agents): list, details, create, update, operation-based edits, voices
//! (API reference §2.4).
//!
//! Every fine-grained write goes through `PATCH /agent/v1` with an `operation` discriminator;
//! [`AgentEdit`] has one variant per operation and [`EditAssistantRequest`] wraps it with the
//! common fields:
//!
//! ```
//! use ringg_types::assistants::{AgentEdit, EditAssistantRequest};
//! use ringg_types::ids::{AgentId, KbId};
//!
//! let req = EditAssistantRequest::new(
//!     AgentId::new("830f767a-397e-4b39-82ff-235cd344e2f9"),
//!     AgentEdit::AttachKb { kb_id: KbId::new("7a9c2d5e-4f6b-1a2b-3c4d-5e6f7a8b9c0d") },
//! );
//! let json = serde_json::to_value(&req).unwrap();
//! assert_eq!(json["operation"], "attach_kb");
//! assert_eq!(json["kb_id"], "7a9c2d5e-4f6b-1a2b-3c4d-5e6f7a8b9c0d");
//! assert_eq!(json["agent_id"], "830f767a-397e-4b39-82ff-235cd344e2f9");
//! ```

pub use crate::common::{MessageResponse, PageQuery};
pub use crate::enums::{
    AgentType, ConfigType, Language, NodeEditOperation, NodeType, OrchestrationMode, TemplateType,
    ToolType,
};
pub use crate::webhook::{AuthFetchConfig, EventSubscription};

mod agent_edit;
mod create;
mod details;
mod edit_request;
mod edit_wire;
mod list;
#[cfg(test)]
mod tests;
mod voices;

pub use self::agent_edit::*;
pub use self::create::*;
pub use self::details::*;
pub use self::edit_request::*;
pub use self::edit_wire::edit_is_repeatable;
pub use self::list::*;
pub use self::voices::*;
