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
    /// A problem at byte `offset` of `source`.
    pub fn at(path: &str, source: &str, offset: usize, message: impl Into<String>) -> Self {
        let (line, column) = line_column(source, offset);
        Self { path: path.to_owned(), line, column, message: message.into() }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}", self.path, self.line, self.column, self.message)
    }
}

/// 1-based line and column (in characters) of byte `offset` in `source`.
/// Offsets past the end, or inside a character, are clamped rather than
/// panicking: a location is a hint, never a reason to crash.
pub fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_offsets() {
        let src = "a = 1\nbé = 2\n";
        assert_eq!(line_column(src, 0), (1, 1));
        assert_eq!(line_column(src, 6), (2, 1));
        assert_eq!(line_column(src, 9), (2, 3), "é counts as one column");
        assert_eq!(line_column(src, 8), (2, 2), "inside a character is clamped back");
        assert_eq!(line_column(src, 999), (3, 1));
    }

    #[test]
    fn displays_as_path_line_column() {
        let p = Problem::at("x.toml", "a\nb", 2, "bad");
        assert_eq!(p.to_string(), "x.toml:2:1: bad");
    }
}
