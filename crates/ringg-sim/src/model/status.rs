//! Call and campaign statuses (the documented values), as enums.

/// A call's status (the documented §1.7 values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Status {
    Registered,
    Ongoing,
    Retry,
    Completed,
    Failed,
    Error,
    Cancelled,
    /// Answered, then transferred to another party (a terminal state, INF).
    Forwarded,
}

impl Status {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Status::Registered => "registered",
            Status::Ongoing => "ongoing",
            Status::Retry => "retry",
            Status::Completed => "completed",
            Status::Failed => "failed",
            Status::Error => "error",
            Status::Cancelled => "cancelled",
            Status::Forwarded => "forwarded",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "registered" => Status::Registered,
            "ongoing" => Status::Ongoing,
            "retry" => Status::Retry,
            "completed" => Status::Completed,
            "failed" => Status::Failed,
            "error" => Status::Error,
            "cancelled" => Status::Cancelled,
            "forwarded" => Status::Forwarded,
            _ => return None,
        })
    }

    pub(crate) fn is_terminal(self) -> bool {
        matches!(
            self,
            Status::Completed
                | Status::Failed
                | Status::Error
                | Status::Cancelled
                | Status::Forwarded
        )
    }

    /// Completed or forwarded: a conversation happened, so a recording and analyses follow.
    pub(crate) fn was_answered(self) -> bool {
        matches!(self, Status::Completed | Status::Forwarded)
    }

    pub(crate) fn is_terminable(self) -> bool {
        matches!(self, Status::Registered | Status::Retry)
    }
}

/// A contact list's / campaign's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum ListStatus {
    Draft,
    InsufficientBalance,
    Scheduled,
    Ongoing,
    Completed,
    Terminated,
}

impl ListStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ListStatus::Draft => "draft",
            ListStatus::InsufficientBalance => "insufficient_balance",
            ListStatus::Scheduled => "scheduled",
            ListStatus::Ongoing => "ongoing",
            ListStatus::Completed => "completed",
            ListStatus::Terminated => "terminated",
        }
    }

    /// Scheduled or ongoing: its calls can still move.
    pub(crate) fn is_running(self) -> bool {
        matches!(self, ListStatus::Scheduled | ListStatus::Ongoing)
    }
}
