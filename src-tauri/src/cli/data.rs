//! `mockloop backup` and `restore`.

use mockloop_core::{backup, paths, store::Store};
use std::path::Path;

fn fail(message: impl std::fmt::Display) -> i32 {
    eprintln!("error: {message}");
    1
}

/// Writes one archive of the data folder: a consistent database snapshot,
/// the takes and the user's loops. Safe while the app is open.
pub fn backup(data_dir: Option<&Path>, archive: &Path) -> i32 {
    let dir = match paths::data_dir(data_dir) {
        Ok(dir) => dir,
        Err(e) => return fail(e),
    };
    if !dir.join(mockloop_core::store::DB_FILE).exists() {
        return fail(format!("{} holds no mockloop data to back up", dir.display()));
    }
    // Read only: a window may have the folder open, and a backup never
    // changes what it copies.
    let store = match Store::open_read_only(&dir) {
        Ok(store) => store,
        Err(e) => return fail(e),
    };
    match backup::backup(&store, &dir, archive) {
        Ok(contents) => {
            eprintln!(
                "backed up {} to {}: the database, {} takes ({:.1} MB), {} loop files",
                dir.display(),
                archive.display(),
                contents.takes,
                contents.take_bytes as f64 / 1e6,
                contents.loops
            );
            0
        }
        Err(e) => fail(e),
    }
}

/// Restores an archive into an empty data folder.
pub fn restore(data_dir: Option<&Path>, archive: &Path) -> i32 {
    let dir = match paths::data_dir(data_dir) {
        Ok(dir) => dir,
        Err(e) => return fail(e),
    };
    match backup::restore(archive, &dir) {
        Ok(contents) => {
            eprintln!(
                "restored {} into {}: the database, {} takes, {} loop files",
                archive.display(),
                dir.display(),
                contents.takes,
                contents.loops
            );
            0
        }
        Err(e) => fail(e),
    }
}
