//! The log: what went wrong where nobody was looking (a worker thread, an
//! event the window never got, a file that could not be deleted), written
//! to `<data dir>/logs/`, one file per shell (`window`, `cli`), rotated at
//! [`ROTATE_BYTES`] and bounded to [`KEEP_FILES`] old files, so it never
//! grows without end. A window started from the desktop menu has no
//! terminal: this is where its failures go. No audio thread logs.
//!
//! [`LogErr`] is how a result nobody can act on is dropped: never with
//! `let _ =`, always logged with the place it was dropped.

use std::fmt::Display;
use std::path::{Path, PathBuf};

/// A log file is rotated once it passes this size.
pub const ROTATE_BYTES: u64 = 1024 * 1024;
/// Rotated log files kept beside the current one.
pub const KEEP_FILES: usize = 3;

/// The folder of the logs inside a data folder.
pub fn logs_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("logs")
}

/// The file a shell's log is being written to now.
pub fn current_log(data_dir: &Path, shell: &str) -> PathBuf {
    logs_dir(data_dir).join(format!("{shell}_rCURRENT.log"))
}

/// Keeps the log open; dropping it flushes and closes the file.
pub struct LogGuard {
    _handle: flexi_logger::LoggerHandle,
}

/// Starts logging (`info` and worse; `MOCKLOOP_LOG`, e.g. `debug`, says
/// otherwise) for `shell` into the data folder's logs. A log that cannot
/// be opened is said once on stderr, and everything goes on without it.
pub fn start(data_dir: &Path, shell: &str) -> Option<LogGuard> {
    let dir = logs_dir(data_dir);
    if let Err(e) = crate::fsutil::create_private_dir(&dir) {
        eprintln!("warning: no log: cannot create {}: {e}", dir.display());
        return None;
    }
    let level = std::env::var("MOCKLOOP_LOG").unwrap_or_else(|_| "info".to_owned());
    let started = flexi_logger::Logger::try_with_str(&level)
        .or_else(|_| flexi_logger::Logger::try_with_str("info"))
        .and_then(|logger| {
            logger
                .log_to_file(flexi_logger::FileSpec::default().directory(&dir).basename(shell).suppress_timestamp())
                .rotate(
                    flexi_logger::Criterion::Size(ROTATE_BYTES),
                    flexi_logger::Naming::Numbers,
                    flexi_logger::Cleanup::KeepLogFiles(KEEP_FILES),
                )
                .cleanup_in_background_thread(false)
                .append()
                .format_for_files(flexi_logger::detailed_format)
                .start()
        });
    match started {
        Ok(handle) => {
            crate::fsutil::make_private(&current_log(data_dir, shell)).log_warn();
            Some(LogGuard { _handle: handle })
        }
        Err(e) => {
            eprintln!("warning: no log in {}: {e}", dir.display());
            None
        }
    }
}

/// The longest message a log line holds: what a person sent (a megabyte
/// id, say) may be quoted in an error, and one line must never rotate the
/// log away.
pub const MAX_LINE: usize = 2000;

/// `message` cut to [`MAX_LINE`] characters, saying so.
pub fn clip(message: &str) -> std::borrow::Cow<'_, str> {
    match message.char_indices().nth(MAX_LINE) {
        None => message.into(),
        Some((at, _)) => format!("{}… ({} bytes in all)", &message[..at], message.len()).into(),
    }
}

/// Logs the error of a result that no one can act on, with where it was
/// dropped, instead of dropping it silently.
pub trait LogErr<T> {
    /// The value, or `None` with the error logged as an error.
    fn log_err(self) -> Option<T>;
    /// The value, or `None` with the error logged as a warning.
    fn log_warn(self) -> Option<T>;
}

impl<T, E: Display> LogErr<T> for Result<T, E> {
    #[track_caller]
    fn log_err(self) -> Option<T> {
        logged(self, log::Level::Error)
    }

    #[track_caller]
    fn log_warn(self) -> Option<T> {
        logged(self, log::Level::Warn)
    }
}

/// The value, or `None` with the error logged at `level` with its caller.
#[track_caller]
fn logged<T, E: Display>(result: Result<T, E>, level: log::Level) -> Option<T> {
    // Read here, not in a closure: only this function carries the caller.
    let at = std::panic::Location::caller();
    result.map_err(|e| log::log!(level, "{}:{}: {}", at.file(), at.line(), clip(&e.to_string()))).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_message_is_clipped_on_a_character_and_says_how_long_it_was() {
        assert_eq!(clip("short"), "short");
        let long = "é".repeat(MAX_LINE + 10);
        let clipped = clip(&long);
        assert!(clipped.starts_with(&"é".repeat(MAX_LINE)));
        assert!(clipped.ends_with(&format!("… ({} bytes in all)", long.len())), "{clipped}");
    }
}
