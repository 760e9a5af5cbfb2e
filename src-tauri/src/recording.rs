//! Recording and playback commands for the window. The recorder and player
//! live here, beside (not inside) the session, so starting a microphone —
//! which waits for its first samples — never holds the session lock that the
//! countdowns need. Every command runs off the main thread (see `state.rs`).

use crate::delivery::DeliveryQueue;
use crate::state::{audio, blocking, relock, session_blocking, with_session, ActiveTake, AppState, AudioState};
use mockloop_core::audio::{devices, peaks, DeviceInfo, Player, Quality, RecordOptions, Recorder, RecorderStatus};
use mockloop_core::store::TakeRow;
use mockloop_core::takes;
use serde::{Deserialize, Serialize};
use std::sync::Mutex;
use tauri::{AppHandle, Manager};

#[tauri::command]
#[specta::specta]
pub async fn audio_devices(app: AppHandle) -> Result<Vec<DeviceInfo>, String> {
    blocking(app, |_| devices::list(false).map_err(|e| e.to_string())).await
}

#[derive(Serialize, specta::Type)]
pub struct Started {
    take_id: i64,
    path: String,
}

/// Clears the "starting" mark however a start ends.
struct Starting<'a>(&'a Mutex<bool>);

impl Drop for Starting<'_> {
    fn drop(&mut self) {
        *relock(self.0) = false;
    }
}

#[tauri::command]
#[specta::specta]
pub async fn record_start(app: AppHandle, quality: Option<Quality>, device: Option<String>) -> Result<Started, String> {
    if device.as_ref().is_some_and(|d| d.len() > 4096) {
        return Err("that device name is too long to be a microphone".into());
    }
    blocking(app, move |app| start_recording(app, quality, device)).await
}

/// Files a take and opens the microphone for it; returns once its first
/// samples have arrived. The `record_start` command, and hands-free.
pub fn start_recording(app: &AppHandle, quality: Option<Quality>, device: Option<String>) -> Result<Started, String> {
    let audio = audio(app);
    let state = app.state::<AppState>();
    {
        let mut starting = relock(&audio.starting);
        if *starting || relock(&audio.recording).is_some() {
            return Err("already recording".into());
        }
        *starting = true;
    }
    let _starting = Starting(&audio.starting);
    // Filed first, so even a crash in the first second leaves a row that
    // start-up recovery settles.
    let (take_id, path) = with_session(&state, |s| s.begin_take().map_err(|e| e.to_string()))?;
    let options = RecordOptions { device, quality: quality.unwrap_or_default(), ..RecordOptions::default() };
    // Opening the microphone waits for its first samples (up to 5 s): no
    // lock is held meanwhile, so the countdowns keep ticking.
    let recorder = match Recorder::start(&path, &options) {
        Ok(r) => r,
        Err(e) => {
            let _ = with_session(&state, |s| s.delete_take(take_id).map_err(|e| e.to_string()));
            return Err(format!("{e}. The rehearsal goes on without recording."));
        }
    };
    *relock(&audio.recording) = Some(ActiveTake { recorder, take_id });
    Ok(Started { take_id, path: path.display().to_string() })
}

/// Stops the take being recorded, if any, and files how it ended.
pub fn stop_recording(app: &AppHandle) -> Result<Option<TakeRow>, String> {
    let active = relock(&audio(app).recording).take();
    let Some(active) = active else { return Ok(None) };
    let ended = active.recorder.stop().map_err(|e| e.to_string());
    let row = with_session(&app.state::<AppState>(), |s| {
        s.close_take(active.take_id, ended.as_ref().map_err(Clone::clone)).map_err(|e| e.to_string())
    })?;
    app.state::<DeliveryQueue>().push(row.id);
    Ok(Some(row))
}

#[tauri::command]
#[specta::specta]
pub async fn record_stop(app: AppHandle) -> Result<Option<TakeRow>, String> {
    blocking(app, stop_recording).await
}

#[tauri::command]
#[specta::specta]
pub async fn record_status(app: AppHandle) -> Result<Option<RecorderStatus>, String> {
    Ok(relock(&audio(&app).recording).as_ref().map(|a| a.recorder.status()))
}

/// Called by the ticker: a take that ended by itself (device lost, disk
/// full) is closed and filed; returns its row so the window can say why.
pub fn reap_finished(app: &AppHandle) -> Option<TakeRow> {
    let audio = audio(app);
    let mut recording = relock(&audio.recording);
    if !recording.as_ref()?.recorder.is_finished() {
        return None;
    }
    let active = recording.take()?;
    drop(recording);
    let ended = active.recorder.wait().map_err(|e| e.to_string());
    let row = with_session(&app.state::<AppState>(), |s| {
        s.close_take(active.take_id, ended.as_ref().map_err(Clone::clone)).map_err(|e| e.to_string())
    })
    .ok()?;
    app.state::<DeliveryQueue>().push(row.id);
    Some(row)
}

#[tauri::command]
#[specta::specta]
pub async fn list_takes(app: AppHandle) -> Result<Vec<TakeRow>, String> {
    session_blocking(app, |s| s.store().takes().map_err(|e| e.to_string())).await
}

#[tauri::command]
#[specta::specta]
pub async fn delete_take(app: AppHandle, take_id: i64) -> Result<(), String> {
    blocking(app, move |app| {
        let audio = audio(app);
        let mut player = relock(&audio.player);
        if player.as_ref().is_some_and(|(id, _)| *id == take_id) {
            *player = None;
        }
        drop(player);
        with_session(&app.state::<AppState>(), |s| s.delete_take(take_id).map_err(|e| e.to_string()))
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn take_peaks(app: AppHandle, take_id: i64, buckets: usize) -> Result<Vec<[f32; 2]>, String> {
    blocking(app, move |app| {
        let path = with_session(&app.state::<AppState>(), |s| s.take_file(take_id).map_err(|e| e.to_string()))?;
        peaks::load(&path, buckets.clamp(1, 4096)).map_err(|e| format!("cannot read {}: {e}", path.display()))
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn disk_usage(app: AppHandle) -> Result<u64, String> {
    blocking(app, |app| Ok(takes::disk_usage(&audio(app).data_dir))).await
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
/// file. It records into a scratch file (not a take) because the recorder
/// only reports levels of what it writes; nothing of it is kept. The file
/// is private, in the data folder, under a name no other user can guess.
#[tauri::command]
#[specta::specta]
pub async fn mic_test(
    app: AppHandle,
    action: MicTestAction,
    device: Option<String>,
) -> Result<Option<RecorderStatus>, String> {
    blocking(app, move |app| {
        let audio = audio(app);
        match action {
            MicTestAction::Start => {
                if relock(&audio.recording).is_some() || *relock(&audio.starting) {
                    return Err("a take is being recorded; test the microphone when it is done".into());
                }
                stop_mic_test(&audio);
                let scratch = audio.data_dir.join("scratch");
                mockloop_core::fsutil::create_private_dir(&scratch).map_err(|e| e.to_string())?;
                let nonce =
                    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
                let path = scratch.join(format!("mic-test-{}-{nonce}.wav", std::process::id()));
                let options = RecordOptions { device, ..RecordOptions::default() };
                let recorder = Recorder::start(&path, &options).map_err(|e| e.to_string())?;
                let status = recorder.status();
                *relock(&audio.mic_test) = Some((recorder, path));
                Ok(Some(status))
            }
            MicTestAction::Status => Ok(relock(&audio.mic_test).as_ref().map(|(r, _)| r.status())),
            MicTestAction::Stop => {
                stop_mic_test(&audio);
                Ok(None)
            }
        }
    })
    .await
}

/// Ends the microphone test, if one runs, and deletes its scratch file.
pub fn stop_mic_test(audio: &AudioState) {
    let test = relock(&audio.mic_test).take();
    if let Some((recorder, path)) = test {
        let _ = recorder.stop();
        for leftover in [path.with_extension("wav.part"), path.with_extension("wav.peaks"), path] {
            let _ = std::fs::remove_file(leftover);
        }
    }
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
}

#[tauri::command]
#[specta::specta]
pub async fn playback(
    app: AppHandle,
    take_id: i64,
    action: PlaybackAction,
    seconds: Option<f64>,
) -> Result<PlaybackStatus, String> {
    if seconds.is_some_and(|s| !s.is_finite()) {
        return Err("a position to seek to must be a number of seconds".into());
    }
    blocking(app, move |app| {
        let audio = audio(app);
        let mut player = relock(&audio.player);
        if player.as_ref().is_none_or(|(id, _)| *id != take_id) {
            let path = with_session(&app.state::<AppState>(), |s| s.take_file(take_id).map_err(|e| e.to_string()))?;
            *player = None; // close the old stream before opening a new one
            *player = Some((take_id, Player::open(&path, None).map_err(|e| e.to_string())?));
        }
        let (_, p) = player.as_ref().ok_or("no player")?;
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
        Ok(PlaybackStatus { take_id, playing: p.is_playing(), position: p.position(), duration: p.duration() })
    })
    .await
}
