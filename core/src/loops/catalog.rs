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
                match std::fs::read_to_string(&path) {
                    Ok(text) => catalog.add(parse_loop(&shown, &text, LoopSource::File(path))),
                    Err(e) => catalog.problems.push(Problem {
                        path: shown,
                        line: 1,
                        column: 1,
                        message: format!("cannot read this loop file: {e}"),
                    }),
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
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        vec![Problem { path: shown.clone(), line: 1, column: 1, message: format!("cannot read this loop file: {e}") }]
    })?;
    parse_loop(&shown, &text, LoopSource::File(path.to_path_buf()))
}
