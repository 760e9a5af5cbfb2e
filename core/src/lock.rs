//! One writer per data folder: every process that writes to a data folder
//! (the window, `recover`, `demo-data`, `restore`, `record` into the takes
//! folder) first takes an advisory lock on `<data dir>/mockloop.lock`.
//!
//! The lock is the operating system's (`flock` on Linux, `LockFileEx` on
//! Windows, through `std::fs::File::try_lock`): it goes away with the
//! process, also when it is killed, so a crash never leaves a stale lock.
//! The file's text says who holds it, for the message a second process
//! prints; it is never trusted for anything else.

use crate::fsutil;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The lock file's name inside the data dir.
pub const LOCK_FILE: &str = "mockloop.lock";

/// Why the data folder could not be locked.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another live process holds the folder.
    #[error("{dir} is in use by {holder}; close it first (one mockloop writes to a data folder at a time)")]
    Held {
        /// The data folder.
        dir: PathBuf,
        /// Who holds it, in words ("the mockloop window (process 1234)").
        holder: String,
    },
    /// The lock file could not be created or locked.
    #[error("cannot lock the data folder {dir}: {source}")]
    Io {
        /// The data folder.
        dir: PathBuf,
        /// What failed.
        source: std::io::Error,
    },
}

/// The data folder, held for writing until this is dropped.
#[derive(Debug)]
pub struct DataLock {
    _file: File,
    dir: PathBuf,
}

impl DataLock {
    /// Locks `data_dir` (creating it, private, if missing) for `who`, a
    /// few words such as "the mockloop window". Never waits: a folder held
    /// by another process is [`LockError::Held`].
    pub fn acquire(data_dir: &Path, who: &str) -> Result<Self, LockError> {
        let io = |source| LockError::Io { dir: data_dir.to_path_buf(), source };
        fsutil::create_private_dir(data_dir).map_err(io)?;
        let path = data_dir.join(LOCK_FILE);
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&path).map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut text = String::new();
                let _ = file.read_to_string(&mut text);
                let holder = text.trim();
                let holder = if holder.is_empty() { "another mockloop".to_owned() } else { holder.to_owned() };
                return Err(LockError::Held { dir: data_dir.to_path_buf(), holder });
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
        }
        let said = format!("{who} (process {})\n", std::process::id());
        let _ =
            file.set_len(0).and_then(|()| file.seek(SeekFrom::Start(0))).and_then(|_| file.write_all(said.as_bytes()));
        Ok(Self { _file: file, dir: data_dir.to_path_buf() })
    }

    /// The folder held.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_with_the_first_ones_name() {
        let dir = tempfile::tempdir().unwrap();
        let first = DataLock::acquire(dir.path(), "the mockloop window").unwrap();
        let err = DataLock::acquire(dir.path(), "mockloop recover").unwrap_err();
        let words = err.to_string();
        assert!(words.contains("the mockloop window (process "), "{words}");
        assert!(words.contains("close it first"), "{words}");
        drop(first);
        DataLock::acquire(dir.path(), "mockloop recover").expect("free once the first is gone");
    }
}
