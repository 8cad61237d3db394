//! The file a launch uploads: the header, then each row the pre-flight found valid, its number
//! written as the pre-flight read it (E.164, `+…`), its other fields as they are.
//!
//! The server then dials exactly the numbers the check reported, whatever its own reading of a
//! number written another way (separators, a national number, a number the check refused)
//! would have been. A copy that keeps each number as written (the valid rows alone) is what a
//! launch sends when the first would not fit in one upload: never longer than the file but
//! for quotes the writer adds.

use bytes::Bytes;

/// The copy being written, row by row, up to a size limit.
pub(crate) struct UploadCopy {
    writer: csv::Writer<Vec<u8>>,
    record: csv::ByteRecord,
    /// Whether each number is written as read (else as written).
    numbers_as_read: bool,
    limit: u64,
    rows: u64,
    state: State,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    Writing,
    /// Past the limit: nothing more is kept.
    TooLarge,
    /// Writing failed (it cannot into memory, but the error is kept, not hidden).
    Failed(String),
}

/// The finished copy.
#[derive(Debug, Clone)]
pub(crate) enum Copied {
    /// The file to upload, and how many data rows it holds.
    Ready {
        /// The CSV text.
        bytes: Bytes,
        /// Its data rows.
        rows: u64,
    },
    /// The rows to upload come to more than the limit.
    TooLarge,
    /// It could not be written.
    Failed(String),
}

impl UploadCopy {
    /// A copy starting with `header` (as the check read it: without a byte-order mark), kept
    /// only while it holds at most `limit` bytes; each number written as read when
    /// `numbers_as_read`, else as it is in the file.
    pub(crate) fn new(header: &[String], limit: u64, numbers_as_read: bool) -> Self {
        let mut writer = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(Vec::new());
        let state = match writer.write_record(header) {
            Ok(()) => State::Writing,
            Err(e) => State::Failed(e.to_string()),
        };
        Self {
            writer,
            record: csv::ByteRecord::new(),
            numbers_as_read,
            limit,
            rows: 0,
            state,
        }
    }

    /// Adds a valid row, its field `mobile` replaced by `number` when numbers are written as
    /// read. A row keeps its width (a short row is read by Ringg with its missing values
    /// empty, as before).
    pub(crate) fn push(&mut self, row: &csv::ByteRecord, mobile: usize, number: &str) {
        if self.state != State::Writing {
            return;
        }
        let written = if self.numbers_as_read {
            self.record.clear();
            for (at, field) in row.iter().enumerate() {
                let field = if at == mobile {
                    number.as_bytes()
                } else {
                    field
                };
                self.record.push_field(field);
            }
            self.writer.write_byte_record(&self.record)
        } else {
            self.writer.write_byte_record(row)
        };
        if let Err(e) = written {
            self.state = State::Failed(e.to_string());
            return;
        }
        self.rows += 1;
        // What the writer has handed to the `Vec` so far (it buffers a few KiB more).
        if self.writer.get_ref().len() as u64 > self.limit {
            self.give_up();
        }
    }

    fn give_up(&mut self) {
        self.state = State::TooLarge;
        self.writer = csv::Writer::from_writer(Vec::new());
    }

    /// The copy, once every row is in.
    pub(crate) fn finish(self) -> Copied {
        match self.state {
            State::Writing => {}
            State::TooLarge => return Copied::TooLarge,
            State::Failed(e) => return Copied::Failed(e),
        }
        match self.writer.into_inner() {
            Ok(bytes) if bytes.len() as u64 > self.limit => Copied::TooLarge,
            Ok(bytes) => Copied::Ready {
                bytes: Bytes::from(bytes),
                rows: self.rows,
            },
            Err(e) => Copied::Failed(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(fields: &[&str]) -> csv::ByteRecord {
        csv::ByteRecord::from(fields.to_vec())
    }

    #[test]
    fn rows_keep_their_fields_and_width_with_the_number_replaced() {
        let header = ["Name".to_string(), "Mobile Number".to_string()];
        let mut copy = UploadCopy::new(&header, 1024, true);
        copy.push(&record(&["Asha, Jr.", "98765 00001"]), 1, "+919876500001");
        copy.push(
            &record(&["Two\nlines", "+91 98765 00002", "extra"]),
            1,
            "+919876500002",
        );
        copy.push(&record(&["Zed"]), 0, "+919876500003");
        let Copied::Ready { bytes, rows } = copy.finish() else {
            panic!("the copy is written")
        };
        assert_eq!(rows, 3);
        assert_eq!(
            std::str::from_utf8(&bytes).unwrap(),
            "Name,Mobile Number\n\"Asha, Jr.\",+919876500001\n\"Two\nlines\",+919876500002,extra\n+919876500003\n"
        );
    }

    #[test]
    fn numbers_can_be_kept_as_written() {
        let header = ["Mobile Number".to_string(), "Name".to_string()];
        let mut copy = UploadCopy::new(&header, 1024, false);
        copy.push(&record(&["98765 00001", "Asha"]), 0, "+919876500001");
        let Copied::Ready { bytes, rows } = copy.finish() else {
            panic!("the copy is written")
        };
        assert_eq!(rows, 1);
        assert_eq!(&bytes[..], b"Mobile Number,Name\n98765 00001,Asha\n");
    }

    #[test]
    fn a_copy_over_the_limit_is_not_kept() {
        let header = ["Mobile Number".to_string()];
        let mut copy = UploadCopy::new(&header, 64, true);
        for _ in 0..10 {
            copy.push(&record(&["9876500001"]), 0, "+919876500001");
        }
        assert!(matches!(copy.finish(), Copied::TooLarge));
        // Past the writer's own buffer, the copy stops holding rows as it goes.
        let mut copy = UploadCopy::new(&header, 64, true);
        for _ in 0..2_000 {
            copy.push(&record(&["9876500001"]), 0, "+919876500001");
        }
        assert_eq!(copy.state, State::TooLarge);
        assert!(copy.writer.get_ref().is_empty());
    }
}
