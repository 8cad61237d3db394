//! The caller of an individual call: a workspace number, or the number pool.

use crate::error::ApiError;
use crate::model::Workspace;

/// The caller of an initiate request: a workspace number by id or by value (its E.164 value
/// and id), or the workspace's number pool, which lends a number at each attempt.
pub(crate) enum Caller {
    Number { number: String, id: String },
    Pool(String),
}

pub(crate) fn caller_number(
    ws: &Workspace,
    from_number_id: Option<&str>,
    from_number: Option<&str>,
    pool_id: Option<&str>,
) -> Result<Caller, ApiError> {
    let from = if let Some(id) = from_number_id {
        ws.numbers
            .iter()
            .find(|n| n.id == *id)
            .ok_or_else(|| ApiError::not_found(format!("from_number_id {id} not found")))?
    } else if let Some(num) = from_number {
        ws.numbers
            .iter()
            .find(|n| n.number == *num)
            .ok_or_else(|| {
                ApiError::not_found(format!(
                    "from_number {num} is not a number of this workspace"
                ))
            })?
    } else {
        let pid = pool_id.unwrap_or_default();
        if pid != ws.pool_id {
            return Err(ApiError::not_found(format!(
                "number_pool_id {pid} not found in this workspace"
            )));
        }
        return Ok(Caller::Pool(pid.to_owned()));
    };
    Ok(Caller::Number {
        number: from.number.clone(),
        id: from.id.clone(),
    })
}
