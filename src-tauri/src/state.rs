//! What the window's commands share, and the one way a command does its
//! work.
//!
//! Invariants:
//! - **No command runs on the main thread.** Every command is `async` and
//!   does its work through [`blocking`], on Tauri's blocking pool: a
//!   microphone that takes 5 s to fail, a slow disk or a dashboard over
//!   years of data never freezes the window or its countdowns.
//! - **A failed command is logged** (which command, its kind, its words)
//!   before the window hears of it; a panic in one is an internal error
//!   for the window, logged, never a dead app.
//! - **Arguments no person sends are refused** before any work: text past
//!   [`MAX_TEXT`], id lists past a thousand.

use crate::error::{CommandError, CommandResult};
use mockloop_core::booth::Booth;
use mockloop_core::rehearsal::Thresholds;
use mockloop_core::session::{RunView, Session};
use std::sync::Arc;
use tauri::{AppHandle, Manager};

/// When the window's process started (its first line of `bootstrap::run`):
/// start-up's milestones are logged against it.
pub static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// Milliseconds since [`STARTED`].
pub fn since_start_ms() -> u128 {
    STARTED.get().map_or(0, |t| t.elapsed().as_millis())
}

/// The window's log file's name in `<data dir>/logs/`.
pub const LOG_NAME: &str = "window";

/// The booth: the session, the microphone and the work after each take.
pub struct AppState {
    /// Shared with the ticker, the worker and the hands-free thread.
    pub booth: Arc<Booth>,
}

/// The app's booth.
pub fn booth(app: &AppHandle) -> Arc<Booth> {
    Arc::clone(&app.state::<AppState>().booth)
}

/// The name of the command whose work `F` is (from the closure's type:
/// `mockloop_window::commands::run::start_run::{{closure}}`), for the log.
fn command_name<F>() -> &'static str {
    let name = std::any::type_name::<F>();
    let path = name.split("::{{closure}}").next().unwrap_or(name);
    path.rsplit("::").next().unwrap_or(path)
}

/// Runs a command's work on the blocking pool, never on the main thread;
/// logs a failure, and turns a panic into an internal error.
pub async fn blocking<T: Send + 'static, F>(app: AppHandle, work: F) -> CommandResult<T>
where
    F: FnOnce(&AppHandle) -> CommandResult<T> + Send + 'static,
{
    on_pool(command_name::<F>(), app, work).await
}

/// [`blocking`] with the session.
pub async fn session_blocking<T: Send + 'static, F>(app: AppHandle, work: F) -> CommandResult<T>
where
    F: FnOnce(&mut Session) -> CommandResult<T> + Send + 'static,
{
    on_pool(command_name::<F>(), app, move |app| booth(app).with_session(work)).await
}

async fn on_pool<T: Send + 'static>(
    command: &'static str,
    app: AppHandle,
    work: impl FnOnce(&AppHandle) -> CommandResult<T> + Send + 'static,
) -> CommandResult<T> {
    let done = tauri::async_runtime::spawn_blocking(move || {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&app)))
            .unwrap_or_else(|_| Err(CommandError::internal("internal error: the command failed; the app goes on")))
    })
    .await
    .unwrap_or_else(|e| Err(CommandError::internal(format!("internal error: {e}"))));
    if let Err(e) = &done {
        log::warn!("command {command} failed ({:?}): {}", e.kind, mockloop_core::logging::clip(&e.message));
    }
    done
}

/// The longest note or id the window may send: far past anything typed.
pub const MAX_TEXT: usize = 64 * 1024;

/// Refuses text no person typed (a megabyte id, a note past 64 KiB).
#[track_caller]
pub fn check_len(what: &str, text: &str) -> CommandResult<()> {
    if text.len() > MAX_TEXT {
        return Err(CommandError::bad_input(format!(
            "the {what} is too long ({} bytes; at most {MAX_TEXT})",
            text.len()
        )));
    }
    Ok(())
}

/// Refuses a list of ids no window sends (thousands, or megabytes each).
#[track_caller]
pub fn check_ids(what: &str, ids: &[String]) -> CommandResult<()> {
    if ids.len() > 1000 || ids.iter().any(|id| id.len() > MAX_TEXT) {
        return Err(CommandError::bad_input(format!("that is not a list of {what}")));
    }
    Ok(())
}

/// Refuses a device name no system has.
#[track_caller]
pub fn check_device(device: Option<&str>) -> CommandResult<()> {
    if device.is_some_and(|d| d.len() > 4096) {
        return Err(CommandError::bad_input("that device name is too long to be a microphone"));
    }
    Ok(())
}

/// Applies the window's warning marks (the core's defaults when absent),
/// then starts a run with a fresh seed.
pub async fn begin_run(
    app: AppHandle,
    thresholds: Option<Thresholds>,
    start: impl FnOnce(&mut Session, u64) -> mockloop_core::session::Result<RunView> + Send + 'static,
) -> CommandResult<RunView> {
    session_blocking(app, move |s| {
        let seed = s.clock().wall().timestamp_nanos_opt().map_or(0, |n| n as u64);
        s.set_thresholds(thresholds.unwrap_or_default())?;
        Ok(start(s, seed)?)
    })
    .await
}
