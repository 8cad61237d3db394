//! [`LineIndex`]: the line of the file a CSV record starts on.

use std::collections::VecDeque;
use std::io::Read;

/// A reader that notes where the line breaks of what passes through it fall, so that the
/// position of a CSV record can be turned into the line of the file it starts on, counted as
/// an editor counts them (the header is line 1; `\n`, `\r\n` and a lone `\r` each end a line;
/// blank lines and line breaks inside quoted fields count).
///
/// The `csv` crate's own `csv::Position::line` is one line early for each
/// `\r\n` and each blank line before a record, so a row of a file saved on Windows would be
/// reported on the line above it. Wrap the reader, hand it to `csv`, and ask
/// [`line_of`](Self::line_of) with each record's `csv::Position::byte`, in
/// file order:
///
/// ```
/// use ringg_types::campaigns::LineIndex;
///
/// let file = b"Mobile Number\r\n+919876543210\r\n\r\n12\r\n";
/// let mut rdr = csv::Reader::from_reader(LineIndex::new(&file[..]));
/// let mut record = csv::ByteRecord::new();
/// let mut lines = Vec::new();
/// while rdr.read_byte_record(&mut record)? {
///     let byte = record.position().map_or(0, |p| p.byte());
///     lines.push(rdr.get_mut().line_of(byte));
/// }
/// assert_eq!(lines, [2, 4]);
/// # Ok::<(), csv::Error>(())
/// ```
#[derive(Debug)]
pub struct LineIndex<R> {
    inner: R,
    /// Bytes read so far.
    offset: u64,
    /// Line breaks not yet counted: the byte where each starts and the byte after it.
    breaks: VecDeque<(u64, u64)>,
    /// Line breaks before the last record asked about.
    counted: u64,
    /// Where a `\r` that ended the last read starts (it is a break of its own unless a `\n`
    /// follows).
    pending_cr: Option<u64>,
    /// Where the bytes read so far leave a field, as `csv` reads them with its defaults.
    quoting: Quoting,
    /// How many bytes of a UTF-8 BOM the input started with (up to 3).
    bom: u64,
}

/// Where the bytes read so far leave a CSV field (`,` between fields, `"` quoting a field
/// that starts with it, `""` a quote inside one), as the `csv` crate reads them by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quoting {
    /// At the start of a field (or of the file, after a UTF-8 BOM).
    FieldStart,
    /// Inside a field not quoted (or after a quoted field's closing quote).
    Unquoted,
    /// Inside a quoted field.
    Quoted,
    /// Just after a quote inside a quoted field: it closed the field, unless another follows.
    QuoteInQuoted,
}

impl Quoting {
    fn after(self, b: u8) -> Self {
        match (self, b) {
            (Self::Quoted, b'"') => Self::QuoteInQuoted,
            (Self::Quoted, _) | (Self::QuoteInQuoted, b'"') => Self::Quoted,
            (_, b',' | b'\n' | b'\r') => Self::FieldStart,
            (Self::FieldStart, b'"') => Self::Quoted,
            _ => Self::Unquoted,
        }
    }
}

impl<R> LineIndex<R> {
    /// Wraps `inner`.
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            offset: 0,
            breaks: VecDeque::new(),
            counted: 0,
            pending_cr: None,
            quoting: Quoting::FieldStart,
            bom: 0,
        }
    }

    /// Whether what was read so far ends inside a quoted field: once the whole input was read,
    /// a quote opened and never closed, whose field `csv` ran to the end of the input (taking
    /// every later line into it). As `csv` reads with its defaults: `,` between fields, `"`
    /// quoting a field that starts with it, `""` standing for a quote inside one.
    ///
    /// ```
    /// use std::io::Read;
    /// use ringg_types::campaigns::LineIndex;
    ///
    /// let open = |file: &[u8]| {
    ///     let mut index = LineIndex::new(file);
    ///     std::io::copy(&mut index, &mut std::io::sink()).unwrap();
    ///     index.ends_in_quotes()
    /// };
    /// assert!(open(b"Mobile Number,name\n+919876543210,\"Ann\n+919876543211,Ben"));
    /// assert!(!open(b"Mobile Number,name\n+919876543210,\"Ann\nBen\"\n"));
    /// ```
    pub fn ends_in_quotes(&self) -> bool {
        self.quoting == Quoting::Quoted
    }

    /// The line on which the record whose position is `byte` starts. The `csv` crate puts a
    /// record's position just after the first byte of the previous record's line break, so
    /// the breaks before `byte`, and those that follow it without a byte between them (the
    /// rest of a `\r\n`, blank lines), come before the record. Ask for every record, in file
    /// order: the breaks counted are forgotten, and only those are.
    pub fn line_of(&mut self, byte: u64) -> u64 {
        let mut end = None;
        while let Some(&(start, after)) = self.breaks.front() {
            if start >= byte && end != Some(start) {
                break;
            }
            self.breaks.pop_front();
            self.counted += 1;
            end = Some(after);
        }
        self.counted + 1
    }

    /// The reader it wraps.
    pub fn into_inner(self) -> R {
        self.inner
    }

    fn note(&mut self, bytes: &[u8]) {
        for (i, &b) in bytes.iter().enumerate() {
            let at = self.offset + i as u64;
            // A UTF-8 BOM before the first field leaves it at its start (`csv` drops it).
            if at == self.bom && at < 3 && b == [0xEF, 0xBB, 0xBF][at as usize] {
                self.bom += 1;
            } else {
                self.quoting = self.quoting.after(b);
            }
            if let Some(cr) = self.pending_cr.take() {
                if b == b'\n' {
                    self.breaks.push_back((cr, at + 1));
                    continue;
                }
                self.breaks.push_back((cr, cr + 1));
            }
            match b {
                b'\n' => self.breaks.push_back((at, at + 1)),
                b'\r' => self.pending_cr = Some(at),
                _ => {}
            }
        }
        self.offset += bytes.len() as u64;
    }
}

impl<R: Read> Read for LineIndex<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 {
            if let Some(cr) = self.pending_cr.take() {
                self.breaks.push_back((cr, cr + 1));
            }
        } else {
            self.note(&buf[..n]);
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lines of each record's first field, read through `csv` one byte at a time (so line
    /// breaks are split across reads too) and all at once.
    fn lines(data: &[u8]) -> Vec<(String, u64)> {
        struct OneByte<'a>(&'a [u8]);
        impl Read for OneByte<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let Some((&b, rest)) = self.0.split_first() else {
                    return Ok(0);
                };
                buf[0] = b;
                self.0 = rest;
                Ok(1)
            }
        }
        fn read<R: Read>(r: R) -> Vec<(String, u64)> {
            let mut rdr = csv::ReaderBuilder::new()
                .flexible(true)
                .from_reader(LineIndex::new(r));
            let mut record = csv::ByteRecord::new();
            let mut out = Vec::new();
            while rdr.read_byte_record(&mut record).unwrap() {
                let byte = record.position().unwrap().byte();
                let line = rdr.get_mut().line_of(byte);
                out.push((String::from_utf8_lossy(&record[0]).into_owned(), line));
            }
            out
        }
        let whole = read(data);
        assert_eq!(whole, read(OneByte(data)), "split reads");
        whole
    }

    fn expect(pairs: &[(&str, u64)]) -> Vec<(String, u64)> {
        pairs.iter().map(|(s, l)| ((*s).to_owned(), *l)).collect()
    }

    #[test]
    fn lines_as_an_editor_counts_them() {
        let plain = expect(&[("a", 2), ("b", 3)]);
        assert_eq!(lines(b"h,v\na,1\nb,2\n"), plain);
        assert_eq!(lines(b"h,v\r\na,1\r\nb,2\r\n"), plain);
        assert_eq!(lines(b"h,v\ra,1\rb,2\r"), plain);
        assert_eq!(lines(b"h,v\na,1\nb,2"), plain, "no final line break");
        assert_eq!(lines(b"\xef\xbb\xbfh,v\na,1\nb,2\n"), plain, "BOM");
        let blank = expect(&[("a", 5), ("b", 7)]);
        assert_eq!(lines(b"h,v\n\n\n\na,1\n\nb,2\n"), blank);
        assert_eq!(lines(b"h,v\r\n\r\n\r\n\r\na,1\r\n\r\nb,2\r\n"), blank);
        assert_eq!(
            lines(b"h,v\n\"x\ny\",1\nb,2\n"),
            expect(&[("x\ny", 2), ("b", 4)]),
            "a quoted line break counts"
        );
        assert_eq!(
            lines(b"h,v\r\n\"x\r\n\r\ny\",1\r\n,2\r\n"),
            expect(&[("x\r\n\r\ny", 2), ("", 5)]),
            "an empty first field"
        );
    }

    /// Whether the input ends inside quotes, read whole and one byte at a time.
    fn ends_in_quotes(data: &[u8]) -> bool {
        let mut whole = LineIndex::new(data);
        std::io::copy(&mut whole, &mut std::io::sink()).unwrap();
        let mut split = LineIndex::new(data);
        let mut byte = [0u8];
        while split.read(&mut byte).unwrap() == 1 {}
        assert_eq!(
            whole.ends_in_quotes(),
            split.ends_in_quotes(),
            "split reads"
        );
        whole.ends_in_quotes()
    }

    #[test]
    fn a_quote_never_closed_is_told_from_closed_ones_whatever_the_line_ends() {
        for closed in [
            &b"h,v\na,1\n"[..],
            b"h,v\na,\"1\nstill 1\"\n",
            b"h,v\na,\"1\nstill 1\"",
            b"h,v\ra,\"1\rstill 1\"\r",
            b"h,v\na,\"ends with a break\n\"\n",
            b"h,v\na,\"a \"\"quoted\"\" word\"\n",
            b"h,v\na,\"\"\"\"",
            b"h,v\na,b\"c\nd,e\n",
            b"\xef\xbb\xbf\"h\",v\na,1",
            b"h,v\na,\"x\"y\n",
        ] {
            assert!(
                !ends_in_quotes(closed),
                "{:?}",
                String::from_utf8_lossy(closed)
            );
        }
        for open in [
            &b"h,v\na,\"1\nb,2\nc,3"[..],
            b"h,v\na,\"1\nb,2\nc,3\n",
            b"h,v\ra,\"1\rb,2\rc,3\r",
            b"h,v\r\na,\"1\r\nb,2\r\n",
            b"h,v\na,\"ends with a quote\"\"",
            b"h,v\na,\"",
            b"\xef\xbb\xbf\"h,v\na,1\n",
        ] {
            assert!(ends_in_quotes(open), "{:?}", String::from_utf8_lossy(open));
        }
    }
}
