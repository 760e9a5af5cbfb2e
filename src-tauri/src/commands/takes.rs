//! Takes: recording one (the booth's take life, `mockloop_core::booth`),
//! listing, playing and deleting them, their waveforms and the analysis's
//! progress, and the settings screen's microphone test. The recorder lives
//! in the booth beside (not inside) the session, and the player here, so a
//! microphone that is slow to start never holds the session lock that the
//! countdowns need.

use crate::error::{CommandError, CommandResult};
use crate::state::{blocking, booth, check_device, session_blocking};
use mockloop_core::audio::{devices, peaks, DeviceInfo, Player, Quality, RecordOptions, RecorderStatus};
use mockloop_core::booth::{relock, Progress, Started};
use mockloop_core::store::TakeRow;
use mockloop_core::takes;
use serde::{Deserialize, Serialize};
use std::sync::Mutex;
use tauri::{AppHandle, Manager};

/// The take being played, by id.
#[derive(Default)]
pub struct Playing(Mutex<Option<(i64, Player)>>);

#[tauri::command]
#[specta::specta]
pub async fn audio_devices(app: AppHandle) -> CommandResult<Vec<DeviceInfo>> {
    blocking(app, |_| Ok(devices::list(false)?)).await
}

/// Files a take for the answer up now and opens the microphone; returns
/// once its first samples have arrived.
#[tauri::command]
#[specta::specta]
pub async fn record_start(app: AppHandle, quality: Option<Quality>, device: Option<String>) -> CommandResult<Started> {
    check_device(device.as_deref())?;
    blocking(app, move |app| {
        let options = RecordOptions { device, quality: quality.unwrap_or_default(), ..RecordOptions::default() };
        Ok(booth(app).start_take(&options, None)?)
    })
    .await
}

/// Stops the take being recorded, if any; returns its row as filed.
#[tauri::command]
#[specta::specta]
pub async fn record_stop(app: AppHandle) -> CommandResult<Option<TakeRow>> {
    blocking(app, |app| Ok(booth(app).stop_take()?)).await
}

#[tauri::command]
#[specta::specta]
pub async fn record_status(app: AppHandle) -> CommandResult<Option<RecorderStatus>> {
    blocking(app, |app| Ok(booth(app).recorder_status())).await
}

/// Every take, newest first (the library).
#[tauri::command]
#[specta::specta]
pub async fn list_takes(app: AppHandle) -> CommandResult<Vec<TakeRow>> {
    session_blocking(app, |s| Ok(s.store().takes()?)).await
}

/// The takes of one run, in the order they were recorded (a round's
/// assessment, a run's summary).
#[tauri::command]
#[specta::specta]
pub async fn run_takes(app: AppHandle, run_id: i64) -> CommandResult<Vec<TakeRow>> {
    session_blocking(app, move |s| Ok(s.store().run_takes(run_id)?)).await
}

#[tauri::command]
#[specta::specta]
pub async fn delete_take(app: AppHandle, take_id: i64) -> CommandResult<()> {
    blocking(app, move |app| {
        let state = app.state::<Playing>();
        let mut playing = relock(&state.0);
        if playing.as_ref().is_some_and(|(id, _)| *id == take_id) {
            *playing = None;
        }
        drop(playing);
        booth(app).with_session(|s| Ok(s.delete_take(take_id)?))
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn take_peaks(app: AppHandle, take_id: i64, buckets: usize) -> CommandResult<Vec<[f32; 2]>> {
    blocking(app, move |app| {
        let path = booth(app).with_session(|s| Ok::<_, CommandError>(s.take_file(take_id)?))?;
        peaks::load(&path, buckets.clamp(1, 4096)).map_err(|e| {
            CommandError::new(mockloop_core::error::ErrorKind::Storage, format!("cannot read {}: {e}", path.display()))
        })
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn disk_usage(app: AppHandle) -> CommandResult<u64> {
    blocking(app, |app| Ok(takes::disk_usage(booth(app).data_dir()))).await
}

/// The analysis's progress, for a window that opened after it began.
#[tauri::command]
#[specta::specta]
pub async fn analysis_progress(app: AppHandle) -> CommandResult<Progress> {
    blocking(app, |app| Ok(booth(app).progress())).await
}

/// What the microphone test is asked to do.
#[derive(Debug, Clone, Copy, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum MicTestAction {
    /// Open the device and start measuring.
    Start,
    /// Read the levels.
    Status,
    /// Close it and delete the scratch file.
    Stop,
}

/// The settings screen's microphone test: `start` opens the chosen device,
/// `status` reads its levels, `stop` closes it and deletes the scratch
/// file (see `Booth::start_mic_test`).
#[tauri::command]
#[specta::specta]
pub async fn mic_test(
    app: AppHandle,
    action: MicTestAction,
    device: Option<String>,
) -> CommandResult<Option<RecorderStatus>> {
    check_device(device.as_deref())?;
    blocking(app, move |app| {
        let booth = booth(app);
        match action {
            MicTestAction::Start => Ok(Some(booth.start_mic_test(device)?)),
            MicTestAction::Status => Ok(booth.mic_test_status()),
            MicTestAction::Stop => {
                booth.stop_mic_test();
                Ok(None)
            }
        }
    })
    .await
}

/// What the player is asked to do.
#[derive(Debug, Clone, Copy, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum PlaybackAction {
    /// Play (from the start if it had played to the end).
    Play,
    /// Pause.
    Pause,
    /// Jump to `seconds`.
    Seek,
    /// Only report.
    Status,
}

/// Where the player is.
#[derive(Serialize, specta::Type)]
pub struct PlaybackStatus {
    take_id: i64,
    playing: bool,
    position: f64,
    duration: f64,
    /// The speakers' latest error while playing, in words.
    error: Option<String>,
}

#[tauri::command]
#[specta::specta]
pub async fn playback(
    app: AppHandle,
    take_id: i64,
    action: PlaybackAction,
    seconds: Option<f64>,
) -> CommandResult<PlaybackStatus> {
    if seconds.is_some_and(|s| !s.is_finite()) {
        return Err(CommandError::bad_input("a position to seek to must be a number of seconds"));
    }
    blocking(app, move |app| {
        let state = app.state::<Playing>();
        let mut playing = relock(&state.0);
        if playing.as_ref().is_none_or(|(id, _)| *id != take_id) {
            let path = booth(app).with_session(|s| Ok::<_, CommandError>(s.take_file(take_id)?))?;
            *playing = None; // close the old stream before opening a new one
            *playing = Some((take_id, Player::open(&path, None)?));
        }
        let (_, p) = playing.as_ref().ok_or_else(|| CommandError::internal("no player"))?;
        match action {
            PlaybackAction::Play => {
                if p.is_done() {
                    p.seek(0.0);
                }
                p.play();
            }
            PlaybackAction::Pause => p.pause(),
            PlaybackAction::Seek => p.seek(seconds.unwrap_or(0.0).max(0.0)),
            PlaybackAction::Status => {}
        }
        let (playing, position, duration, error) = (p.is_playing(), p.position(), p.duration(), p.fault());
        Ok(PlaybackStatus { take_id, playing, position, duration, error })
    })
    .await
}
