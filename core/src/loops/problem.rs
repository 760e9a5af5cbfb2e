//! A problem found in a loop file, located as `path:line:column`.

use std::fmt;

/// One thing wrong with a loop file, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file as the user named it (or `builtin:NAME` for a shipped loop).
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong, in words that say how to fix it.
    pub message: String,
}

impl Problem {
    /// A problem at byte `offset` of the file `at` locates.
    pub fn at(path: &str, at: &Locator<'_>, offset: usize, message: impl Into<String>) -> Self {
        let (line, column) = at.line_column(offset);
        Self { path: path.to_owned(), line, column, message: message.into() }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}", self.path, self.line, self.column, self.message)
    }
}

/// Bytes between the samples of how many characters precede them.
const BLOCK: usize = 256;

/// Byte offsets → line and column, for one file, each in logarithmic time
/// (plus at most [`BLOCK`] bytes counted): reporting every problem of a
/// file stays linear in its size, however many problems and however long
/// its lines.
pub struct Locator<'a> {
    src: &'a str,
    /// Where each line starts.
    line_starts: Vec<usize>,
    /// Characters before each [`BLOCK`]-byte boundary.
    chars_before_block: Vec<usize>,
}

impl<'a> Locator<'a> {
    /// A locator for `src` (one pass over it).
    pub fn new(src: &'a str) -> Self {
        let bytes = src.as_bytes();
        let line_starts = std::iter::once(0).chain(memchr_all(bytes)).collect();
        let mut chars_before_block = Vec::with_capacity(bytes.len() / BLOCK + 1);
        let mut chars = 0;
        for block in bytes.chunks(BLOCK) {
            chars_before_block.push(chars);
            chars += char_starts(block);
        }
        chars_before_block.push(chars);
        Self { src, line_starts, chars_before_block }
    }

    /// Characters in `src[..offset]`.
    fn chars_before(&self, offset: usize) -> usize {
        let block = offset / BLOCK;
        self.chars_before_block[block] + char_starts(&self.src.as_bytes()[block * BLOCK..offset])
    }

    /// 1-based line and column (in characters) of byte `offset`. Offsets
    /// past the end, or inside a character, are clamped rather than
    /// panicking: a location is a hint, never a reason to crash.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.src.len());
        while !self.src.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let start = self.line_starts[line - 1];
        (line, self.chars_before(offset) - self.chars_before(start) + 1)
    }
}

/// Offsets just after each newline.
fn memchr_all(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    bytes.iter().enumerate().filter(|(_, &b)| b == b'\n').map(|(i, _)| i + 1)
}

/// How many characters start in `bytes` (UTF-8: every byte that is not a
/// continuation byte).
fn char_starts(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_offsets() {
        let src = "a = 1\nbé = 2\n";
        let at = Locator::new(src);
        assert_eq!(at.line_column(0), (1, 1));
        assert_eq!(at.line_column(6), (2, 1));
        assert_eq!(at.line_column(9), (2, 3), "é counts as one column");
        assert_eq!(at.line_column(8), (2, 2), "inside a character is clamped back");
        assert_eq!(at.line_column(999), (3, 1));
    }

    #[test]
    fn locates_across_the_sampled_blocks_of_a_long_line() {
        // One line of 1,000 two-byte characters, then one more line.
        let src = format!("{}\nx", "é".repeat(1000));
        let at = Locator::new(&src);
        for chars in [0, 1, 127, 128, 129, 500, 999] {
            assert_eq!(at.line_column(chars * 2), (1, chars + 1), "{chars} characters in");
        }
        assert_eq!(at.line_column(2001), (2, 1));
    }

    #[test]
    fn displays_as_path_line_column() {
        let p = Problem::at("x.toml", &Locator::new("a\nb"), 2, "bad");
        assert_eq!(p.to_string(), "x.toml:2:1: bad");
    }
}
