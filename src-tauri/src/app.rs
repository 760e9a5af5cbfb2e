//! The window: Tauri commands and events over the core's [`Session`].
//!
//! Invariants: the session (and so the database) is only touched while
//! holding `AppState::session`; the ticker thread is the only source of
//! `run-tick` events; no business logic lives here.

use crate::recording::{self, AudioState};
use mockloop_core::clock::SystemClock;
use mockloop_core::loops::Loop;
use mockloop_core::paths;
use mockloop_core::readiness::{self, History, Report};
use mockloop_core::rehearsal::Thresholds;
use mockloop_core::session::{Action, RunView, Session, Update};
use mockloop_core::store::{Rating, RoundResult, RunSummary};
use serde::Serialize;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tauri::{Emitter, Manager, State};

/// How often countdowns are pushed to the window: fast enough that a
/// displayed second never lags visibly, slow enough to cost nothing.
const TICK_EVERY: Duration = Duration::from_millis(200);
/// How often the level meter is pushed while recording (20 Hz).
const METER_EVERY: Duration = Duration::from_millis(50);

pub struct AppState {
    /// `Err` holds why the data dir could not be opened, shown by every command.
    session: Mutex<Result<Session, String>>,
}

impl AppState {
    fn session(&self) -> Result<MutexGuard<'_, Result<Session, String>>, String> {
        self.session.lock().map_err(|_| "internal error: the session lock was poisoned".to_owned())
    }
}

pub fn with_session<T>(state: &AppState, f: impl FnOnce(&mut Session) -> Result<T, String>) -> Result<T, String> {
    let mut guard = state.session()?;
    match guard.as_mut() {
        Ok(session) => f(session),
        Err(why) => Err(why.clone()),
    }
}

/// What the home screen shows.
#[derive(Serialize)]
struct Home {
    loops: Vec<Loop>,
    problems: Vec<String>,
    recent_runs: Vec<RunSummary>,
    active: Option<RunView>,
    /// The interview date (YYYY-MM-DD), shared with the CLI's report.
    target_date: Option<chrono::NaiveDate>,
}

#[tauri::command]
fn list_loops(state: State<'_, AppState>) -> Result<Home, String> {
    with_session(&state, |s| {
        Ok(Home {
            loops: s.catalog().loops.clone(),
            problems: s.catalog().problems.iter().map(ToString::to_string).collect(),
            recent_runs: s.store().recent_runs(10).map_err(|e| e.to_string())?,
            active: s.view(),
            target_date: s.store().target_date().map_err(|e| e.to_string())?,
        })
    })
}

/// Sets the interview date (`YYYY-MM-DD`; empty clears it).
#[tauri::command]
fn set_target_date(state: State<'_, AppState>, date: String) -> Result<(), String> {
    let date = match date.trim() {
        "" => None,
        text => Some(
            chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| format!("\"{text}\" is not a date like 2027-01-31"))?,
        ),
    };
    with_session(&state, |s| s.store().set_target_date(date).map_err(|e| e.to_string()))
}

/// The readiness dashboard: the same report as `mockloop report --json`.
#[tauri::command]
fn dashboard(state: State<'_, AppState>, weeks: Option<usize>) -> Result<Report, String> {
    with_session(&state, |s| {
        let history = History::load(s.store()).map_err(|e| e.to_string())?;
        let target = s.store().target_date().map_err(|e| e.to_string())?;
        let today = chrono::Local::now().date_naive();
        Ok(readiness::build(s.catalog(), &history, today, target, weeks.unwrap_or(12).clamp(1, 520)))
    })
}

/// "Practise now": a short run of exactly these questions.
#[tauri::command]
fn practise(
    state: State<'_, AppState>,
    loop_id: String,
    question_ids: Vec<String>,
    thresholds: Option<Thresholds>,
) -> Result<RunView, String> {
    begin_run(&state, thresholds, |s, seed| s.start_practice(&loop_id, &question_ids, seed))
}

/// Applies the window's warning marks (the core's defaults when absent),
/// then starts a run with a fresh seed.
fn begin_run(
    state: &AppState,
    thresholds: Option<Thresholds>,
    start: impl FnOnce(&mut Session, u64) -> mockloop_core::session::Result<RunView>,
) -> Result<RunView, String> {
    let seed = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
    with_session(state, |s| {
        s.set_thresholds(thresholds.unwrap_or_default()).map_err(|e| e.to_string())?;
        start(s, seed).map_err(|e| e.to_string())
    })
}

/// Starts a whole loop or one round, with the window's warning marks.
#[tauri::command]
fn start_run(
    state: State<'_, AppState>,
    loop_id: String,
    round_id: Option<String>,
    thresholds: Option<Thresholds>,
) -> Result<RunView, String> {
    begin_run(&state, thresholds, |s, seed| s.start(&loop_id, round_id.as_deref(), true, seed))
}

#[tauri::command]
fn resume_run(state: State<'_, AppState>, run_id: i64) -> Result<RunView, String> {
    with_session(&state, |s| s.resume(run_id).map_err(|e| e.to_string()))
}

#[tauri::command]
fn run_summary(state: State<'_, AppState>, run_id: i64) -> Result<Vec<RoundResult>, String> {
    with_session(&state, |s| s.store().round_results(run_id).map_err(|e| e.to_string()))
}

#[tauri::command]
fn run_state(state: State<'_, AppState>) -> Result<Option<RunView>, String> {
    with_session(&state, |s| Ok(s.view()))
}

/// Saves a round's self-assessment: the active round, or (`run_id` and
/// `position` given) any earlier round, for editing later.
#[tauri::command]
fn save_assessment(
    state: State<'_, AppState>,
    ratings: Vec<Rating>,
    note: String,
    run_id: Option<i64>,
    position: Option<usize>,
) -> Result<(), String> {
    let target = run_id.zip(position);
    with_session(&state, |s| s.save_assessment(target, &ratings, &note).map_err(|e| e.to_string()))
}

/// Where this window keeps its data, for the settings screen.
#[tauri::command]
fn data_folder(audio: State<'_, AudioState>) -> String {
    audio.data_dir.display().to_string()
}

/// The window calls this once the home screen is interactive. With
/// `MOCKLOOP_ANNOUNCE_READY` set, a line on stdout says so: how the
/// start-up benchmark times a cold start without a WebDriver in between.
#[tauri::command]
fn ui_ready() {
    if std::env::var_os("MOCKLOOP_ANNOUNCE_READY").is_some() {
        println!("mockloop: ready");
    }
}

#[tauri::command]
fn run_action(state: State<'_, AppState>, action: Action) -> Result<Update, String> {
    with_session(&state, |s| s.act(action).map_err(|e| e.to_string()))
}

/// Opens the window; returns the process exit code.
pub fn run(data_dir: Option<&Path>) -> i32 {
    if cfg!(target_os = "linux")
        && std::env::var_os("DISPLAY").is_none()
        && std::env::var_os("WAYLAND_DISPLAY").is_none()
    {
        eprintln!("error: no display to open the window on (DISPLAY and WAYLAND_DISPLAY are unset); headless commands: mockloop --help");
        return 1;
    }
    let dir = paths::data_dir(data_dir);
    let session =
        dir.clone().and_then(|dir| Session::open(&dir, Arc::new(SystemClock::new())).map_err(|e| e.to_string()));
    if let Err(why) = &session {
        eprintln!("error: {why}");
    }
    let result = tauri::Builder::default()
        .manage(AppState { session: Mutex::new(session) })
        .manage(AudioState::new(dir.unwrap_or_default()))
        .invoke_handler(tauri::generate_handler![
            list_loops,
            start_run,
            resume_run,
            run_summary,
            run_state,
            run_action,
            save_assessment,
            data_folder,
            ui_ready,
            set_target_date,
            dashboard,
            practise,
            recording::audio_devices,
            recording::mic_test,
            recording::record_start,
            recording::record_stop,
            recording::record_status,
            recording::list_takes,
            recording::delete_take,
            recording::take_peaks,
            recording::disk_usage,
            recording::playback
        ])
        .setup(|app| {
            let handle = app.handle().clone();
            std::thread::Builder::new().name("ticker".into()).spawn(move || ticker(handle))?;
            Ok(())
        })
        .build(tauri::generate_context!("../tauri.conf.json"));
    let app = match result {
        Ok(app) => app,
        Err(e) => {
            eprintln!("error: cannot open the window: {e}");
            return 1;
        }
    };
    app.run(|handle, event| {
        // Closing the window mid-answer must keep the time used so far, and
        // the take being recorded must be finished, not left as a part file.
        if let tauri::RunEvent::Exit = event {
            let _ = recording::record_stop(handle.state::<AppState>(), handle.state::<AudioState>());
            let _ = recording::stop_mic_test(&handle.state::<AudioState>());
            let saved = with_session(&handle.state::<AppState>(), |s| s.save_active().map_err(|e| e.to_string()));
            if let Err(e) = saved {
                eprintln!("error: could not save the rehearsal on exit: {e}");
            }
        }
    });
    0
}

/// Pushes the active run's countdowns (and any warnings) to the window, and
/// the level meter while recording. Also files a take that ended by itself.
fn ticker(handle: tauri::AppHandle) {
    let mut last_tick = std::time::Instant::now();
    loop {
        let state = handle.state::<AppState>();
        let audio = handle.state::<AudioState>();
        let recording = audio.recording.lock().map(|r| r.is_some()).unwrap_or(false);
        std::thread::sleep(if recording { METER_EVERY } else { TICK_EVERY });
        if recording {
            if let Ok(Some(status)) = recording::record_status(audio.clone()) {
                let _ = handle.emit("record-status", status);
            }
            if let Some(take) = recording::reap_finished(&state, &audio) {
                let _ = handle.emit("record-ended", take);
            }
        }
        if last_tick.elapsed() < TICK_EVERY {
            continue;
        }
        last_tick = std::time::Instant::now();
        let update = with_session(&state, |s| s.tick().map_err(|e| e.to_string()));
        match update {
            Ok(Some(update)) => {
                let _ = handle.emit("run-tick", update);
            }
            Ok(None) => {}
            Err(e) => {
                let _ = handle.emit("run-error", e);
            }
        }
    }
}
