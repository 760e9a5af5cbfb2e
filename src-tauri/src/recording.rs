//! Recording and playback commands for the window. The recorder and player
//! live here, beside (not inside) the session, so starting a microphone —
//! which waits for its first samples — never holds the session lock that the
//! countdowns need.

use crate::app::{with_session, AppState};
use mockloop_core::audio::{
    devices, peaks, DeviceInfo, Outcome, Player, Quality, RecordOptions, Recorder, RecorderStatus, TakeSummary,
};
use mockloop_core::session::Session;
use mockloop_core::store::{TakeResult, TakeRow};
use mockloop_core::takes;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tauri::State;

/// The take being recorded, with its row id.
pub struct ActiveTake {
    recorder: Recorder,
    take_id: i64,
}

/// Audio state of the window.
#[derive(Default)]
pub struct AudioState {
    pub recording: Mutex<Option<ActiveTake>>,
    /// The settings screen's microphone test: a recorder into a scratch file.
    pub mic_test: Mutex<Option<(Recorder, PathBuf)>>,
    pub player: Mutex<Option<(i64, Player)>>,
    pub data_dir: PathBuf,
}

impl AudioState {
    pub fn new(data_dir: PathBuf) -> Self {
        Self { data_dir, ..Self::default() }
    }
}

fn lock<T>(m: &Mutex<T>) -> Result<std::sync::MutexGuard<'_, T>, String> {
    m.lock().map_err(|_| "internal error: audio state lock poisoned".to_owned())
}

/// Records what a closed take holds in its row.
fn file_result(session: &Session, take_id: i64, summary: &TakeSummary) -> Result<TakeRow, String> {
    let status = match summary.outcome {
        Outcome::Complete => "complete",
        Outcome::DeviceLost => "device_lost",
        Outcome::WriteFailed => "write_failed",
    };
    let result = TakeResult {
        duration_ms: (summary.seconds * 1000.0) as u64,
        sample_rate: summary.rate,
        bytes: summary.bytes,
        dropped_samples: summary.dropped_samples,
        stream_errors: summary.stream_errors,
        status: status.into(),
        error: summary.error.clone(),
    };
    session.store().finish_take(take_id, &result).map_err(|e| e.to_string())?;
    session.store().take(take_id).map_err(|e| e.to_string())
}

#[tauri::command]
pub fn audio_devices() -> Result<Vec<DeviceInfo>, String> {
    devices::list().map_err(|e| e.to_string())
}

#[derive(Serialize)]
pub struct Started {
    take_id: i64,
    path: String,
}

#[tauri::command]
pub fn record_start(
    app: State<'_, AppState>,
    audio: State<'_, AudioState>,
    quality: Option<Quality>,
    device: Option<String>,
) -> Result<Started, String> {
    if lock(&audio.recording)?.is_some() {
        return Err("already recording".into());
    }
    // Filed first, so even a crash in the first second leaves a row that
    // start-up recovery can mark "interrupted".
    let (take_id, path) = with_session(&app, |s| s.begin_take().map_err(|e| e.to_string()))?;
    let options = RecordOptions { device, quality: quality.unwrap_or_default(), ..RecordOptions::default() };
    // Opening the microphone waits for its first samples (up to 5 s): no
    // lock is held meanwhile, so the countdowns keep ticking.
    let recorder = match Recorder::start(&path, &options) {
        Ok(r) => r,
        Err(e) => {
            let _ = with_session(&app, |s| s.delete_take(take_id).map_err(|e| e.to_string()));
            return Err(format!("{e}. The rehearsal goes on without recording."));
        }
    };
    let mut recording = lock(&audio.recording)?;
    if recording.is_some() {
        // A second start raced this one: keep the first, file this one as it is.
        let summary = recorder.stop().map_err(|e| e.to_string())?;
        with_session(&app, |s| file_result(s, take_id, &summary))?;
        return Err("already recording".into());
    }
    *recording = Some(ActiveTake { recorder, take_id });
    Ok(Started { take_id, path: path.display().to_string() })
}

#[tauri::command]
pub fn record_stop(app: State<'_, AppState>, audio: State<'_, AudioState>) -> Result<Option<TakeRow>, String> {
    let active = lock(&audio.recording)?.take();
    match active {
        None => Ok(None),
        Some(active) => {
            let summary = active.recorder.stop().map_err(|e| e.to_string())?;
            with_session(&app, |s| file_result(s, active.take_id, &summary)).map(Some)
        }
    }
}

#[tauri::command]
pub fn record_status(audio: State<'_, AudioState>) -> Result<Option<RecorderStatus>, String> {
    Ok(lock(&audio.recording)?.as_ref().map(|a| a.recorder.status()))
}

/// Called by the ticker: a take that ended by itself (device lost, disk
/// full) is closed and filed; returns its row so the window can say why.
pub fn reap_finished(app: &AppState, audio: &AudioState) -> Option<TakeRow> {
    let mut recording = audio.recording.lock().ok()?;
    if !recording.as_ref()?.recorder.is_finished() {
        return None;
    }
    let active = recording.take()?;
    let summary = active.recorder.wait().ok()?;
    with_session(app, |s| file_result(s, active.take_id, &summary)).ok()
}

#[tauri::command]
pub fn list_takes(app: State<'_, AppState>) -> Result<Vec<TakeRow>, String> {
    with_session(&app, |s| s.store().takes().map_err(|e| e.to_string()))
}

#[tauri::command]
pub fn delete_take(app: State<'_, AppState>, audio: State<'_, AudioState>, take_id: i64) -> Result<(), String> {
    let mut player = lock(&audio.player)?;
    if player.as_ref().is_some_and(|(id, _)| *id == take_id) {
        *player = None;
    }
    with_session(&app, |s| s.delete_take(take_id).map_err(|e| e.to_string()))
}

/// The WAV file of a take.
fn take_path(app: &AppState, take_id: i64) -> Result<String, String> {
    with_session(app, |s| s.store().take(take_id).map(|t| t.path).map_err(|e| e.to_string()))
}

#[tauri::command]
pub fn take_peaks(app: State<'_, AppState>, take_id: i64, buckets: usize) -> Result<Vec<[f32; 2]>, String> {
    let path = take_path(&app, take_id)?;
    peaks::load(Path::new(&path), buckets.clamp(1, 4096)).map_err(|e| format!("cannot read {path}: {e}"))
}

#[tauri::command]
pub fn disk_usage(audio: State<'_, AudioState>) -> u64 {
    takes::disk_usage(&audio.data_dir)
}

/// The settings screen's microphone test: `start` opens the chosen device,
/// `status` reads its levels, `stop` closes it and deletes the scratch
/// file. It records into a scratch file (not a take) because the recorder
/// only reports levels of what it writes; nothing of it is kept.
#[tauri::command]
pub fn mic_test(
    audio: State<'_, AudioState>,
    action: String,
    device: Option<String>,
) -> Result<Option<RecorderStatus>, String> {
    match action.as_str() {
        "start" => {
            if lock(&audio.recording)?.is_some() {
                return Err("a take is being recorded; test the microphone when it is done".into());
            }
            stop_mic_test(&audio)?;
            let path = std::env::temp_dir().join(format!("mockloop-mic-test-{}.wav", std::process::id()));
            let options = RecordOptions { device, ..RecordOptions::default() };
            let recorder = Recorder::start(&path, &options).map_err(|e| e.to_string())?;
            let status = recorder.status();
            *lock(&audio.mic_test)? = Some((recorder, path));
            Ok(Some(status))
        }
        "status" => Ok(lock(&audio.mic_test)?.as_ref().map(|(r, _)| r.status())),
        "stop" => stop_mic_test(&audio).map(|()| None),
        other => Err(format!("unknown microphone test action \"{other}\"")),
    }
}

/// Ends the microphone test, if one runs, and deletes its scratch file.
pub fn stop_mic_test(audio: &AudioState) -> Result<(), String> {
    let test = lock(&audio.mic_test)?.take();
    if let Some((recorder, path)) = test {
        let _ = recorder.stop();
        for leftover in [path.with_extension("wav.part"), path.with_extension("wav.peaks"), path] {
            let _ = std::fs::remove_file(leftover);
        }
    }
    Ok(())
}

#[derive(Serialize)]
pub struct PlaybackStatus {
    take_id: i64,
    playing: bool,
    position: f64,
    duration: f64,
}

#[tauri::command]
pub fn playback(
    app: State<'_, AppState>,
    audio: State<'_, AudioState>,
    take_id: i64,
    action: String,
    seconds: Option<f64>,
) -> Result<PlaybackStatus, String> {
    let mut player = lock(&audio.player)?;
    if player.as_ref().is_none_or(|(id, _)| *id != take_id) {
        let path = take_path(&app, take_id)?;
        *player = None; // close the old stream before opening a new one
        *player = Some((take_id, Player::open(Path::new(&path), None).map_err(|e| e.to_string())?));
    }
    let (_, p) = player.as_ref().ok_or("no player")?;
    match action.as_str() {
        "play" => {
            if p.is_done() {
                p.seek(0.0);
            }
            p.play();
        }
        "pause" => p.pause(),
        "seek" => p.seek(seconds.unwrap_or(0.0)),
        "status" => {}
        other => return Err(format!("unknown playback action \"{other}\"")),
    }
    Ok(PlaybackStatus { take_id, playing: p.is_playing(), position: p.position(), duration: p.duration() })
}
