//! Files that survive a power cut and that other local users cannot read:
//! private folders (0700) and files (0600) on Unix, `fsync` of a file before
//! it is renamed and of its folder after, and a rename that never replaces
//! a file already there.
//!
//! Everything mockloop writes into the data folder goes through here.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;

/// Creates `dir` (and its parents) if missing; a folder this creates is
/// private to the user (0700 on Unix).
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Makes an existing file or folder private to the user (0600 for files,
/// 0700 for folders) on Unix; nothing elsewhere. A file that is already
/// private is left alone.
pub fn make_private(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(path)?;
        let wanted = if meta.is_dir() { 0o700 } else { 0o600 };
        if meta.permissions().mode() & 0o077 != 0 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(wanted))?;
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Creates a new file that only the user can read (0600 on Unix); fails if
/// `path` exists, so nothing is ever overwritten by accident.
pub fn create_new_private(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).read(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Flushes a folder's entries (a rename or a new file in it) to the disk.
/// On systems where a folder cannot be opened for this, does nothing.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Renames `from` to `to` only if `to` does not exist, then syncs the
/// folder so the new name survives a power cut. `from` should already be
/// synced. Fails with `AlreadyExists` rather than replace `to`.
pub fn rename_no_replace(from: &Path, to: &Path) -> io::Result<()> {
    // A hard link fails if `to` exists, atomically; then the old name goes.
    // Where links are not supported (some USB file systems) fall back to a
    // checked rename, which can only race with another mockloop, and the
    // data-folder lock rules that out.
    match std::fs::hard_link(from, to) {
        Ok(()) => std::fs::remove_file(from)?,
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Err(e),
        Err(_) => {
            if to.exists() {
                return Err(io::Error::new(io::ErrorKind::AlreadyExists, format!("{} already exists", to.display())));
            }
            std::fs::rename(from, to)?;
        }
    }
    sync_dir(to.parent().unwrap_or(Path::new(".")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    #[cfg(unix)]
    fn folders_and_files_are_private() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("a/b");
        create_private_dir(&sub).unwrap();
        assert_eq!(mode(&sub), 0o700);
        let file = sub.join("f");
        drop(create_new_private(&file).unwrap());
        assert_eq!(mode(&file), 0o600);
        assert_eq!(create_new_private(&file).unwrap_err().kind(), io::ErrorKind::AlreadyExists);
        let open = dir.path().join("open");
        std::fs::write(&open, b"x").unwrap();
        std::fs::set_permissions(&open, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
        make_private(&open).unwrap();
        assert_eq!(mode(&open), 0o600);
    }

    #[test]
    fn rename_never_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::write(&a, b"new").unwrap();
        std::fs::write(&b, b"old").unwrap();
        assert_eq!(rename_no_replace(&a, &b).unwrap_err().kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&b).unwrap(), b"old");
        assert!(a.exists());
        std::fs::remove_file(&b).unwrap();
        rename_no_replace(&a, &b).unwrap();
        assert_eq!(std::fs::read(&b).unwrap(), b"new");
        assert!(!a.exists());
    }
}
