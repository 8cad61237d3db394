//! Campaigns: operations 19–26 (standard and large flows).
//!
//! `uploads` and `start` → `lists` (shared lookups).

mod lists;
mod start;
mod uploads;

pub(crate) use start::{list, start, start_large};
pub(crate) use uploads::{check_balance, save, upload_large, upload_status};
