//! The file a launch uploads: the header, then each row the pre-flight found valid, its number
//! written as the pre-flight read it (E.164, `+…`), its other fields as they are.
//!
//! The server then dials exactly the numbers the check reported, whatever its own reading of a
//! number written another way (separators, a national number, a number the check refused)
//! would have been. When that copy would not fit in one upload, a launch sends the valid rows
//! as the file holds them, byte for byte ([`UploadCopy::slices`]): never longer than the file.

use bytes::Bytes;

/// The copy being made, row by row, up to a size limit.
pub(crate) enum UploadCopy {
    /// Rows written again, numbers as read.
    Rewritten(Box<Rewritten>),
    /// Rows cut out of the file as they are.
    Slices(Slices),
}

/// Rows written again with the CSV writer, each number as read.
pub(crate) struct Rewritten {
    writer: csv::Writer<Vec<u8>>,
    record: csv::ByteRecord,
    limit: u64,
    rows: u64,
    state: State,
}

/// The valid rows of a file held in memory, cut out byte for byte: where each row read starts
/// and whether it is valid (a row ends where the next one read starts).
pub(crate) struct Slices {
    data: Bytes,
    limit: u64,
    starts: Vec<(usize, bool)>,
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
    /// A copy starting with `header` (as the check read it: without a byte-order mark), each
    /// number written as read, kept only while it holds at most `limit` bytes.
    pub(crate) fn rewritten(header: &[String], limit: u64) -> Self {
        Self::Rewritten(Box::new(Rewritten::new(header, limit)))
    }

    /// The valid rows of `data` (the whole file, as the check reads it) byte for byte, after
    /// the file's own header; at most `limit` bytes.
    pub(crate) fn slices(data: Bytes, limit: u64) -> Self {
        Self::Slices(Slices {
            data,
            limit,
            starts: Vec::new(),
        })
    }

    /// Notes that a row (valid or not, a blank line too) starts at byte `start` of the file.
    pub(crate) fn row_at(&mut self, start: Option<u64>) {
        if let (Self::Slices(s), Some(start)) = (self, start) {
            s.starts
                .push((usize::try_from(start).unwrap_or(usize::MAX), false));
        }
    }

    /// Adds the valid row last noted (`row`, its number field `mobile` read as `number`).
    pub(crate) fn push(&mut self, row: &csv::ByteRecord, mobile: usize, number: &str) {
        match self {
            Self::Rewritten(r) => r.push(row, mobile, number),
            Self::Slices(s) => {
                if let Some(last) = s.starts.last_mut() {
                    last.1 = true;
                }
            }
        }
    }

    /// The copy, once every row is in.
    pub(crate) fn finish(self) -> Copied {
        match self {
            Self::Rewritten(r) => r.finish(),
            Self::Slices(s) => s.finish(),
        }
    }
}

impl Slices {
    fn finish(self) -> Copied {
        let len = self.data.len();
        let header_end = self.starts.first().map_or(len, |s| s.0.min(len));
        let mut out = self.data[..header_end].to_vec();
        let mut rows = 0;
        for (at, &(start, valid)) in self.starts.iter().enumerate() {
            if !valid {
                continue;
            }
            let end = self.starts.get(at + 1).map_or(len, |next| next.0.min(len));
            if let Some(row) = self.data.get(start..end) {
                out.extend_from_slice(row);
                rows += 1;
            }
        }
        if out.len() as u64 > self.limit {
            return Copied::TooLarge;
        }
        Copied::Ready {
            bytes: Bytes::from(out),
            rows,
        }
    }
}

impl Rewritten {
    fn new(header: &[String], limit: u64) -> Self {
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
            limit,
            rows: 0,
            state,
        }
    }

    /// Adds a valid row, its field `mobile` replaced by `number`. A row keeps its width (a
    /// short row is read by Ringg with its missing values empty, as before).
    fn push(&mut self, row: &csv::ByteRecord, mobile: usize, number: &str) {
        if self.state != State::Writing {
            return;
        }
        self.record.clear();
        for (at, field) in row.iter().enumerate() {
            let field = if at == mobile {
                number.as_bytes()
            } else {
                field
            };
            self.record.push_field(field);
        }
        if let Err(e) = self.writer.write_byte_record(&self.record) {
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

    fn finish(self) -> Copied {
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
        let mut copy = UploadCopy::rewritten(&header, 1024);
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
    fn a_copy_over_the_limit_is_not_kept() {
        let header = ["Mobile Number".to_string()];
        let mut copy = UploadCopy::rewritten(&header, 64);
        for _ in 0..10 {
            copy.push(&record(&["9876500001"]), 0, "+919876500001");
        }
        assert!(matches!(copy.finish(), Copied::TooLarge));
        // Past the writer's own buffer, the copy stops holding rows as it goes.
        let mut copy = UploadCopy::rewritten(&header, 64);
        for _ in 0..2_000 {
            copy.push(&record(&["9876500001"]), 0, "+919876500001");
        }
        let UploadCopy::Rewritten(r) = &copy else {
            panic!("a rewritten copy")
        };
        assert_eq!(r.state, State::TooLarge);
        assert!(r.writer.get_ref().is_empty());
    }

    /// The valid rows cut out of the file keep every byte (quotes, line ends, a byte-order
    /// mark); a refused row and a blank line are left out.
    #[test]
    fn slices_keep_the_valid_rows_byte_for_byte() {
        let data = "\u{feff}Mobile Number,Note\r\n98765 00001,5\" screen\r\n0091 1,x\r\n\r\n\"+91 98765 00002\",\"a,b\"";
        let mut copy = UploadCopy::slices(Bytes::from(data), 1024);
        let starts = [
            data.find("98765 00001"),
            data.find("0091"),
            data.find("\r\n\r\n").map(|at| at + 2),
            data.find("\"+91"),
        ];
        let row = record(&["x"]);
        for (at, valid) in starts.into_iter().zip([true, false, false, true]) {
            copy.row_at(at.map(|a| a as u64));
            if valid {
                copy.push(&row, 0, "ignored");
            }
        }
        let Copied::Ready { bytes, rows } = copy.finish() else {
            panic!("the copy is cut")
        };
        assert_eq!(rows, 2);
        assert_eq!(
            std::str::from_utf8(&bytes).unwrap(),
            "\u{feff}Mobile Number,Note\r\n98765 00001,5\" screen\r\n\"+91 98765 00002\",\"a,b\""
        );
        let mut small = UploadCopy::slices(Bytes::from(data), 20);
        small.row_at(starts[0].map(|a| a as u64));
        small.push(&row, 0, "ignored");
        assert!(matches!(small.finish(), Copied::TooLarge));
    }
}
