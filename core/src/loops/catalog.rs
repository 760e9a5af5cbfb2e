//! The loops a user can rehearse: the built-in ones, embedded in the binary,
//! and the user's own `*.toml` files from `<data dir>/loops/`.

use super::model::{Loop, LoopSource};
use super::parse::parse_loop;
use super::problem::Problem;
use std::path::{Path, PathBuf};

/// Loops shipped in the binary, as (file name, text). Embedded at compile
/// time so a damaged install can never lose them.
const BUILTIN: &[(&str, &str)] = &[
    ("microsoft-pm.toml", include_str!("../../../assets/loops/microsoft-pm.toml")),
    ("microsoft-pmm.toml", include_str!("../../../assets/loops/microsoft-pmm.toml")),
];

/// Every loop that loaded, and every problem with the files that did not.
#[derive(Debug, Default, Clone)]
pub struct Catalog {
    /// Loaded loops: built-ins first, then the user's in file-name order.
    pub loops: Vec<Loop>,
    /// Problems with user files; those files are left out, nothing else is.
    pub problems: Vec<Problem>,
}

impl Catalog {
    /// Loads the built-in loops and, if given, every `*.toml` in `user_dir`.
    /// A missing `user_dir` is not an error: the user simply has no loops yet.
    pub fn load(user_dir: Option<&Path>) -> Self {
        let mut catalog = Self::default();
        for (name, text) in BUILTIN {
            catalog.add(parse_loop(&format!("builtin:{name}"), text, LoopSource::Builtin));
        }
        if let Some(dir) = user_dir {
            for path in user_files(dir, &mut catalog.problems) {
                let shown = path.display().to_string();
                match read_loop_file(&path) {
                    Ok(text) => catalog.add(parse_loop(&shown, &text, LoopSource::File(path))),
                    Err(problem) => catalog.problems.push(problem),
                }
            }
        }
        catalog
    }

    fn add(&mut self, parsed: Result<Loop, Vec<Problem>>) {
        match parsed {
            Ok(lp) => {
                if self.get(&lp.id).is_some() {
                    let path = lp.source.to_string();
                    self.problems.push(Problem {
                        path,
                        line: 1,
                        column: 1,
                        message: format!("a loop with id \"{}\" is already loaded; give this one another `id`", lp.id),
                    });
                } else {
                    self.loops.push(lp);
                }
            }
            Err(problems) => self.problems.extend(problems),
        }
    }

    /// The loop with this id.
    pub fn get(&self, id: &str) -> Option<&Loop> {
        self.loops.iter().find(|l| l.id == id)
    }
}

/// The `*.toml` files directly in `dir`, sorted by name so load order (and so
/// which of two clashing ids wins) is stable.
fn user_files(dir: &Path, problems: &mut Vec<Problem>) -> Vec<PathBuf> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => {
            problems.push(Problem {
                path: dir.display().to_string(),
                line: 1,
                column: 1,
                message: format!("cannot list the loops folder: {e}"),
            });
            return Vec::new();
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

/// Validates one file as a user loop, as `mockloop validate` does.
pub fn validate_file(path: &Path) -> Result<Loop, Vec<Problem>> {
    let text = read_loop_file(path).map_err(|problem| vec![problem])?;
    parse_loop(&path.display().to_string(), &text, LoopSource::File(path.to_path_buf()))
}

/// The largest loop file read: twenty times the built-in ones (about
/// 0.1 MB each), so a real loop never meets it, and a file that is not a
/// loop (a log, a data dump) is refused in words before it is parsed,
/// instead of keeping the window's start-up or `validate` busy.
pub const MAX_LOOP_BYTES: u64 = 2 * 1024 * 1024;

/// A user's loop file as text: refused, unread, when larger than
/// [`MAX_LOOP_BYTES`] (and never read past it, should it grow meanwhile).
fn read_loop_file(path: &Path) -> Result<String, Problem> {
    use std::io::Read;
    let problem = |message: String| Problem { path: path.display().to_string(), line: 1, column: 1, message };
    let too_big = |bytes: u64| {
        problem(format!(
            "this file is {:.1} MB; a loop file is at most {} MB (the built-in loops are about 0.1 MB): is it a loop file?",
            bytes as f64 / 1e6,
            MAX_LOOP_BYTES / (1024 * 1024)
        ))
    };
    let file = std::fs::File::open(path).map_err(|e| problem(format!("cannot read this loop file: {e}")))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if size > MAX_LOOP_BYTES {
        return Err(too_big(size));
    }
    let mut bytes = Vec::new();
    file.take(MAX_LOOP_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| problem(format!("cannot read this loop file: {e}")))?;
    if bytes.len() as u64 > MAX_LOOP_BYTES {
        return Err(too_big(bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|e| {
        problem(format!(
            "this file is not text (UTF-8): byte {} is not part of a character",
            e.utf8_error().valid_up_to()
        ))
    })
}
