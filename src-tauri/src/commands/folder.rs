//! The data folder and the app itself: About (version, folders, the log),
//! "Start fresh" after a damaged database, "Back up now", the moment the
//! home screen is ready, and problems the window reports for the log.

use crate::error::{CommandError, CommandResult};
use crate::state::{blocking, booth, check_len};
use mockloop_core::logging;
use serde::Serialize;
use std::path::PathBuf;
use tauri::AppHandle;

/// What the settings screen's "About" and Help say: which mockloop this is
/// and where it keeps the candidate's data and its log.
#[derive(Serialize, specta::Type)]
pub struct About {
    /// This build's version, the same `mockloop --version` prints.
    version: String,
    /// The licence mockloop is distributed under (an SPDX name).
    licence: String,
    /// The data folder this window has open (absolute).
    data_folder: String,
    /// The file this window logs its failures to (absolute).
    log_file: String,
    /// The executable running this window, so an installed copy can be
    /// told from one built from source.
    executable: String,
}

#[tauri::command]
#[specta::specta]
pub async fn about(app: AppHandle) -> CommandResult<About> {
    blocking(app, |app| {
        let dir = booth(app).data_dir().to_path_buf();
        let dir = std::path::absolute(&dir).unwrap_or(dir);
        Ok(About {
            version: env!("CARGO_PKG_VERSION").to_string(),
            licence: env!("CARGO_PKG_LICENSE").to_string(),
            log_file: logging::current_log(&dir, crate::state::LOG_NAME).display().to_string(),
            data_folder: dir.display().to_string(),
            executable: std::env::current_exe().map(|p| p.display().to_string()).unwrap_or_default(),
        })
    })
    .await
}

/// The window calls this once the home screen is interactive. With
/// `MOCKLOOP_ANNOUNCE_READY` set, a line on stdout says so: how the
/// start-up benchmark times a cold start without a WebDriver in between.
#[tauri::command]
#[specta::specta]
pub async fn ui_ready(app: AppHandle) -> CommandResult<()> {
    blocking(app, |_| {
        log::info!("the home screen is ready, {} ms after start", crate::state::since_start_ms());
        if std::env::var_os("MOCKLOOP_ANNOUNCE_READY").is_some() {
            println!("mockloop: ready");
        }
        Ok(())
    })
    .await
}

/// Something failed in the window where no one could be told (a voice
/// that would not stop, a list that did not refresh): written to the log.
#[tauri::command]
#[specta::specta]
pub async fn report_problem(app: AppHandle, place: String, message: String) -> CommandResult<()> {
    check_len("place", &place)?;
    check_len("message", &message)?;
    blocking(app, move |_| {
        log::warn!("window, {}: {}", logging::clip(&place), logging::clip(&message));
        Ok(())
    })
    .await
}

/// When the data folder could not be opened because its database is
/// damaged: sets the database aside (renamed, never deleted) and opens a
/// fresh one, the folder's lock held throughout. Recordings and loops
/// stay. Returns the set-aside file's path.
#[tauri::command]
#[specta::specta]
pub async fn start_fresh(app: AppHandle) -> CommandResult<String> {
    blocking(app, |app| Ok(booth(app).start_fresh()?.display().to_string())).await
}

/// "Back up now": one archive of the data folder (see `mockloop backup`)
/// in the user's documents folder (else home), named by the time. Returns
/// its path.
#[tauri::command]
#[specta::specta]
pub async fn backup_now(app: AppHandle) -> CommandResult<String> {
    blocking(app, |app| {
        let folder = backup_folder().ok_or_else(|| {
            CommandError::new(mockloop_core::error::ErrorKind::Storage, "cannot find your documents or home folder")
        })?;
        booth(app).with_session(|s| {
            let now = s.clock().wall().with_timezone(&chrono::Local);
            let archive = folder.join(format!("mockloop-backup-{}.tar", now.format("%Y-%m-%d_%H-%M-%S")));
            mockloop_core::backup::backup(s.store(), s.data_dir(), &archive)?;
            Ok(archive.display().to_string())
        })
    })
    .await
}

/// Where "Back up now" writes: `MOCKLOOP_BACKUP_DIR` if set, else the
/// documents folder, else home.
fn backup_folder() -> Option<PathBuf> {
    std::env::var_os("MOCKLOOP_BACKUP_DIR").map(PathBuf::from).or_else(mockloop_core::paths::documents_dir)
}
