//! What the window's commands share: the session (behind one mutex), the
//! audio state, and the one way a command reaches them, off the main thread.
//!
//! Invariants:
//! - **No command runs on the main thread.** Every command is `async` and
//!   does its work through [`blocking`], on Tauri's blocking pool: a
//!   microphone that takes 5 s to fail, a slow disk or a dashboard over
//!   years of data never freezes the window or its countdowns.
//! - **A lock is never lost to a panic.** [`relock`] takes the guard of a
//!   poisoned mutex: the session keeps its invariants per transaction, so a
//!   panic half-way through a command leaves nothing half-written.

use mockloop_core::audio::{Player, Recorder};
use mockloop_core::session::Session;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};
use tauri::{AppHandle, Manager};

/// The session, or why the data folder could not be opened.
pub struct AppState {
    /// `Err` holds why the data dir could not be opened, shown by every command.
    pub session: Mutex<Result<Session, String>>,
}

/// The take being recorded, with its row id.
pub struct ActiveTake {
    /// Its recorder.
    pub recorder: Recorder,
    /// Its row.
    pub take_id: i64,
}

/// Audio state of the window: beside the session, not inside it, so a
/// microphone that is slow to start never holds the session lock.
#[derive(Default)]
pub struct AudioState {
    /// The take being recorded.
    pub recording: Mutex<Option<ActiveTake>>,
    /// A start in progress (waiting for the microphone's first samples):
    /// a second start is refused meanwhile.
    pub starting: Mutex<bool>,
    /// The settings screen's microphone test: a recorder into a scratch file.
    pub mic_test: Mutex<Option<(Recorder, PathBuf)>>,
    /// The take being played, by id.
    pub player: Mutex<Option<(i64, Player)>>,
    /// The data folder.
    pub data_dir: PathBuf,
}

impl AudioState {
    /// Audio state for a data folder.
    pub fn new(data_dir: PathBuf) -> Self {
        Self { data_dir, ..Self::default() }
    }
}

/// Locks a mutex, also one a panicking thread left poisoned.
pub fn relock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Runs `f` with the session, or says why there is none.
pub fn with_session<T>(state: &AppState, f: impl FnOnce(&mut Session) -> Result<T, String>) -> Result<T, String> {
    let mut guard = relock(&state.session);
    match guard.as_mut() {
        Ok(session) => f(session),
        Err(why) => Err(why.clone()),
    }
}

/// Runs a command's work on the blocking pool, never on the main thread.
/// A panic in it becomes an error for the window, not a dead app.
pub async fn blocking<T: Send + 'static>(
    app: AppHandle,
    work: impl FnOnce(&AppHandle) -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    tauri::async_runtime::spawn_blocking(move || {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&app)))
            .unwrap_or_else(|_| Err("internal error: the command failed; the app goes on".into()))
    })
    .await
    .map_err(|e| format!("internal error: {e}"))?
}

/// [`blocking`] with the session.
pub async fn session_blocking<T: Send + 'static>(
    app: AppHandle,
    work: impl FnOnce(&mut Session) -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    blocking(app, move |app| with_session(&app.state::<AppState>(), work)).await
}

/// The audio state of the app.
pub fn audio(app: &AppHandle) -> tauri::State<'_, AudioState> {
    app.state::<AudioState>()
}
