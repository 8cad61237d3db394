//! What an error says of whether its request was carried out.

use super::{Error, ErrorKind};

impl Error {
    /// This error as outcome-unknown when it is a success answer that could not be read: the
    /// request it answers was carried out (a call placed, a list created, a campaign started),
    /// so sending it again could do it twice. Any other error is returned as it is.
    pub(crate) fn unread_answer_is_unknown(self) -> Self {
        if self.kind() == ErrorKind::Decode {
            self.into_outcome_unknown()
        } else {
            self
        }
    }
}
