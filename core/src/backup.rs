//! Backing up and restoring a data folder: one `.tar` archive with a
//! consistent snapshot of the database (SQLite's online backup API), every
//! finished take and the user's own loops.
//!
//! A backup only reads, so it runs while the window is open (takes still
//! being recorded are left out). A restore writes, so it holds the data
//! folder's lock, and only ever into a folder with no rehearsals: it never
//! merges into or overwrites anyone's data. The archive's entries are
//! checked by name before anything is written; nothing lands outside the
//! folder.

use crate::fsutil;
use crate::lock::{DataLock, LockError};
use crate::logging::LogErr;
use crate::store::{Store, StoreError, DB_FILE};
use crate::takes::takes_dir;
use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Component, Path, PathBuf};

/// What a backup holds, or a restore brought back.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Contents {
    /// Takes (WAV files).
    pub takes: usize,
    /// The user's loop files.
    pub loops: usize,
    /// Bytes of takes.
    pub take_bytes: u64,
}

/// Why a backup or restore did not happen.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The database could not be read or written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Another process writes to the folder.
    #[error(transparent)]
    Locked(#[from] LockError),
    /// A file could not be read or written.
    #[error("{what}: {source}")]
    Io {
        /// What was being done, with the file.
        what: String,
        /// What failed.
        source: io::Error,
    },
    /// The archive is not a mockloop backup, or holds something unsafe.
    #[error("{0} is not a mockloop backup: {1}")]
    NotABackup(PathBuf, String),
    /// Restoring would mix with data already there.
    #[error("{0} already holds rehearsals; restore only into an empty folder (nothing was changed)")]
    NotEmpty(PathBuf),
}

fn io_err(what: impl Into<String>) -> impl FnOnce(io::Error) -> BackupError {
    let what = what.into();
    move |source| BackupError::Io { what, source }
}

/// The files of a folder, sorted, that `keep` accepts by name.
fn files(dir: &Path, keep: impl Fn(&str) -> bool) -> Vec<(String, PathBuf)> {
    let mut found: Vec<(String, PathBuf)> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .filter_map(|e| Some((e.file_name().into_string().ok()?, e.path())))
                .filter(|(name, _)| keep(name))
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

/// Writes a backup of the data folder whose database `store` is to
/// `archive` (a new file; an existing one is refused).
pub fn backup(store: &Store, data_dir: &Path, archive: &Path) -> Result<Contents, BackupError> {
    if archive.exists() {
        return Err(BackupError::Io {
            what: format!("{} already exists", archive.display()),
            source: io::Error::from(io::ErrorKind::AlreadyExists),
        });
    }
    let scratch = tempfile_in(data_dir)?;
    let snapshot = scratch.join(DB_FILE);
    store.backup_into(&snapshot)?;
    let part = PathBuf::from(format!("{}.part", archive.display()));
    let written = (|| {
        let file = fsutil::create_new_private(&part).map_err(io_err(format!("cannot create {}", part.display())))?;
        let mut tar = tar::Builder::new(BufWriter::new(file));
        tar.mode(tar::HeaderMode::Deterministic);
        let mut contents = Contents::default();
        let add = |tar: &mut tar::Builder<BufWriter<File>>, name: &str, path: &Path| {
            tar.append_path_with_name(path, name).map_err(io_err(format!("cannot add {}", path.display())))
        };
        add(&mut tar, DB_FILE, &snapshot)?;
        for (name, path) in files(&takes_dir(data_dir), |n| n.ends_with(".wav")) {
            contents.takes += 1;
            contents.take_bytes += std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            add(&mut tar, &format!("takes/{name}"), &path)?;
        }
        for (name, path) in files(&crate::paths::loops_dir(data_dir), |n| n.ends_with(".toml")) {
            contents.loops += 1;
            add(&mut tar, &format!("loops/{name}"), &path)?;
        }
        let mut out = tar.into_inner().map_err(io_err("cannot finish the archive"))?;
        out.flush().map_err(io_err("cannot finish the archive"))?;
        out.get_ref().sync_all().map_err(io_err("cannot save the archive to the disk"))?;
        Ok(contents)
    })();
    std::fs::remove_dir_all(&scratch).log_warn();
    let contents = match written {
        Ok(c) => c,
        Err(e) => {
            std::fs::remove_file(&part).log_warn();
            return Err(e);
        }
    };
    fsutil::rename_no_replace(&part, archive)
        .map_err(io_err(format!("cannot name the archive {}", archive.display())))?;
    Ok(contents)
}

/// A private scratch folder inside the data folder, for the snapshot.
fn tempfile_in(data_dir: &Path) -> Result<PathBuf, BackupError> {
    let nonce = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let dir = data_dir.join("scratch").join(format!("backup-{}-{nonce}", std::process::id()));
    fsutil::create_private_dir(&dir).map_err(io_err(format!("cannot create {}", dir.display())))?;
    Ok(dir)
}

/// Where an archive entry may go: the database, a take or a loop file, by
/// plain names only.
fn destination(name: &Path) -> Option<PathBuf> {
    let parts: Vec<&str> = name
        .components()
        .map(|c| match c {
            Component::Normal(part) => part.to_str(),
            _ => None,
        })
        .collect::<Option<_>>()?;
    match parts.as_slice() {
        [db] if *db == DB_FILE => Some(PathBuf::from(DB_FILE)),
        ["takes", file] if file.ends_with(".wav") => Some(Path::new("takes").join(file)),
        ["loops", file] if file.ends_with(".toml") => Some(Path::new("loops").join(file)),
        _ => None,
    }
}

/// Restores `archive` into `data_dir`, which must hold no rehearsals
/// (created, private, if missing). Holds the folder's lock throughout.
pub fn restore(archive: &Path, data_dir: &Path) -> Result<Contents, BackupError> {
    let lock = DataLock::acquire(data_dir, "mockloop restore")?;
    let occupied = data_dir.join(DB_FILE).exists() || !files(&takes_dir(data_dir), |_| true).is_empty();
    if occupied {
        return Err(BackupError::NotEmpty(data_dir.to_path_buf()));
    }
    let not_backup = |why: String| BackupError::NotABackup(archive.to_path_buf(), why);
    // First pass: every entry is one we know, and the database is there.
    let open = || File::open(archive).map_err(io_err(format!("cannot open {}", archive.display())));
    let mut has_db = false;
    let mut tar = tar::Archive::new(open()?);
    for entry in tar.entries().map_err(|e| not_backup(e.to_string()))? {
        let entry = entry.map_err(|e| not_backup(e.to_string()))?;
        let name = entry.path().map_err(|e| not_backup(e.to_string()))?.into_owned();
        if !entry.header().entry_type().is_file() {
            return Err(not_backup(format!("{} is not a plain file", name.display())));
        }
        match destination(&name) {
            Some(dest) => has_db |= dest == Path::new(DB_FILE),
            None => return Err(not_backup(format!("it holds {}, which no backup has", name.display()))),
        }
    }
    if !has_db {
        return Err(not_backup("it has no database".into()));
    }
    // Second pass: write each file, private, never over anything.
    let mut contents = Contents::default();
    let mut tar = tar::Archive::new(open()?);
    for entry in tar.entries().map_err(|e| not_backup(e.to_string()))? {
        let mut entry = entry.map_err(|e| not_backup(e.to_string()))?;
        let name = entry.path().map_err(|e| not_backup(e.to_string()))?.into_owned();
        let Some(dest) = destination(&name) else { continue };
        let dest = data_dir.join(dest);
        if let Some(parent) = dest.parent() {
            fsutil::create_private_dir(parent).map_err(io_err(format!("cannot create {}", parent.display())))?;
        }
        let mut out = fsutil::create_new_private(&dest).map_err(io_err(format!("cannot create {}", dest.display())))?;
        let mut buf = vec![0u8; 1 << 16];
        let mut bytes = 0u64;
        loop {
            let n = entry.read(&mut buf).map_err(|e| not_backup(e.to_string()))?;
            if n == 0 {
                break;
            }
            out.write_all(&buf[..n]).map_err(io_err(format!("cannot write {}", dest.display())))?;
            bytes += n as u64;
        }
        out.sync_all().map_err(io_err(format!("cannot save {}", dest.display())))?;
        if name.starts_with("takes") {
            contents.takes += 1;
            contents.take_bytes += bytes;
        } else if name.starts_with("loops") {
            contents.loops += 1;
        }
    }
    for dir in [data_dir.to_path_buf(), takes_dir(data_dir), crate::paths::loops_dir(data_dir)] {
        fsutil::sync_dir(&dir).log_warn();
    }
    // The restored database must open and be whole.
    let store = Store::open_in(&lock)?;
    store.check()?;
    Ok(contents)
}

#[cfg(test)]
mod tests {
    use super::destination;
    use std::path::Path;

    #[test]
    fn only_known_plain_names_are_restored() {
        assert!(destination(Path::new("mockloop.sqlite3")).is_some());
        assert!(destination(Path::new("takes/a.wav")).is_some());
        assert!(destination(Path::new("loops/mine.toml")).is_some());
        for bad in ["../x.wav", "/etc/passwd", "takes/../../x.wav", "takes/sub/a.wav", "other.txt", "loops/a.sh"] {
            assert!(destination(Path::new(bad)).is_none(), "{bad}");
        }
    }
}
