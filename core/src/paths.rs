//! Where mockloop keeps the user's data.

use std::path::{Path, PathBuf};

/// Environment variable that overrides the data dir (as `--data-dir` does).
pub const DATA_DIR_ENV: &str = "MOCKLOOP_DATA_DIR";

/// The data dir: `explicit` if given (from `--data-dir` or
/// `MOCKLOOP_DATA_DIR`), else the platform's local app-data folder:
/// `~/.local/share/mockloop` on Linux, `~/Library/Application
/// Support/mockloop` on macOS, `%LOCALAPPDATA%\mockloop` on Windows (the
/// local, not the roaming, profile: hours of recordings must not be copied
/// to a server at every sign-in).
pub fn data_dir(explicit: Option<&Path>) -> Result<PathBuf, String> {
    if let Some(dir) = explicit {
        return Ok(dir.to_path_buf());
    }
    dirs::data_local_dir()
        .map(|d| d.join("mockloop"))
        .ok_or_else(|| format!("cannot find this system's app-data folder; pass --data-dir DIR or set {DATA_DIR_ENV}"))
}

/// Where `mockloop demo-data` writes when no folder is named: beside the
/// real data, never in it (`~/.local/share/mockloop-demo` on Linux).
pub fn demo_dir() -> Result<PathBuf, String> {
    dirs::data_local_dir()
        .map(|d| d.join("mockloop-demo"))
        .ok_or_else(|| "cannot find this system's app-data folder; pass --data-dir DIR".to_owned())
}

/// Where the user's own loop files live.
pub fn loops_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("loops")
}

/// The user's documents folder, else their home folder: where the app
/// puts what the user is meant to keep (backups).
pub fn documents_dir() -> Option<PathBuf> {
    dirs::document_dir().filter(|d| d.is_dir()).or_else(dirs::home_dir)
}
