//! The window: Tauri commands and events over the core's [`Session`].
//!
//! Invariants: the session (and so the database) is only touched while
//! holding `AppState::session`, and never on the main thread (every command
//! is async and works on the blocking pool, see `state.rs`); the ticker
//! thread is the only source of `run-tick`; no business logic lives here.

use crate::delivery::{self, DeliveryQueue};
use crate::ipc::{self, RecordEnded, RecordStatus, RunError, RunSaved, RunTick};
use crate::recording;
use crate::single_instance::{self, Claim};
use crate::state::{blocking, relock, session_blocking, with_session, AppState, AudioState};
use mockloop_core::clock::SystemClock;
use mockloop_core::loops::Loop;
use mockloop_core::paths;
use mockloop_core::readiness::{self, History, Report};
use mockloop_core::rehearsal::Thresholds;
use mockloop_core::session::{Action, RunView, Session, Update};
use mockloop_core::store::{Draft, Rating, RoundResult, RunSummary};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tauri::{AppHandle, Manager};
use tauri_specta::Event;

/// How often countdowns are pushed to the window: fast enough that a
/// displayed second never lags visibly, slow enough to cost nothing.
const TICK_EVERY: Duration = Duration::from_millis(200);
/// How often the level meter is pushed while recording (20 Hz).
const METER_EVERY: Duration = Duration::from_millis(50);
/// Finished runs listed on the home screen (every unfinished one is listed).
const RECENT_FINISHED: usize = 10;
/// The longest note or id the window may send: far past anything typed.
const MAX_TEXT: usize = 64 * 1024;

/// Refuses text no person typed (a megabyte id, a note past 64 KiB).
pub(crate) fn check_len(what: &str, text: &str) -> Result<(), String> {
    if text.len() > MAX_TEXT {
        return Err(format!("the {what} is too long ({} bytes; at most {MAX_TEXT})", text.len()));
    }
    Ok(())
}

/// What the home screen shows.
#[derive(Serialize, specta::Type)]
pub struct Home {
    loops: Vec<Loop>,
    problems: Vec<String>,
    /// Every unfinished run, then the most recent finished ones.
    recent_runs: Vec<RunSummary>,
    active: Option<RunView>,
    /// The interview date (YYYY-MM-DD), shared with the CLI's report.
    target_date: Option<chrono::NaiveDate>,
}

#[tauri::command]
#[specta::specta]
pub async fn list_loops(app: AppHandle) -> Result<Home, String> {
    session_blocking(app, |s| {
        let mut runs = s.store().unfinished_runs().map_err(|e| e.to_string())?;
        let recent = s.store().recent_runs(RECENT_FINISHED * 4).map_err(|e| e.to_string())?;
        runs.extend(recent.into_iter().filter(|r| r.finished_at.is_some()).take(RECENT_FINISHED));
        Ok(Home {
            loops: s.catalog().loops.clone(),
            problems: s.catalog().problems.iter().map(ToString::to_string).collect(),
            recent_runs: runs,
            active: s.view(),
            target_date: s.store().target_date().map_err(|e| e.to_string())?,
        })
    })
    .await
}

/// Sets the interview date (`YYYY-MM-DD`; empty clears it).
#[tauri::command]
#[specta::specta]
pub async fn set_target_date(app: AppHandle, date: String) -> Result<(), String> {
    check_len("date", &date)?;
    let date =
        match date.trim() {
            "" => None,
            text => Some(chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
                format!("\"{}\" is not a date like 2027-01-31", text.chars().take(40).collect::<String>())
            })?),
        };
    session_blocking(app, move |s| s.set_target_date(date).map_err(|e| e.to_string())).await
}

/// The readiness dashboard: the same report as `mockloop report --json`.
/// Read under the lock, computed after it is released.
#[tauri::command]
#[specta::specta]
pub async fn dashboard(app: AppHandle, weeks: Option<usize>) -> Result<Report, String> {
    blocking(app, move |app| {
        let (catalog, history, target) = with_session(&app.state::<AppState>(), |s| {
            let history = History::load(s.store()).map_err(|e| e.to_string())?;
            let target = s.store().target_date().map_err(|e| e.to_string())?;
            Ok((s.catalog().clone(), history, target))
        })?;
        let today = chrono::Local::now().date_naive();
        Ok(readiness::build(&catalog, &history, today, target, weeks.unwrap_or(12).clamp(1, 520)))
    })
    .await
}

/// "Practise now": a short run of exactly these questions.
#[tauri::command]
#[specta::specta]
pub async fn practise(
    app: AppHandle,
    loop_id: String,
    question_ids: Vec<String>,
    thresholds: Option<Thresholds>,
) -> Result<RunView, String> {
    check_len("loop id", &loop_id)?;
    if question_ids.len() > 1000 || question_ids.iter().any(|q| q.len() > MAX_TEXT) {
        return Err("that is not a list of questions of a loop".into());
    }
    begin_run(app, thresholds, move |s, seed| s.start_practice(&loop_id, &question_ids, seed)).await
}

/// Applies the window's warning marks (the core's defaults when absent),
/// then starts a run with a fresh seed.
pub(crate) async fn begin_run(
    app: AppHandle,
    thresholds: Option<Thresholds>,
    start: impl FnOnce(&mut Session, u64) -> mockloop_core::session::Result<RunView> + Send + 'static,
) -> Result<RunView, String> {
    let seed = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
    session_blocking(app, move |s| {
        s.set_thresholds(thresholds.unwrap_or_default()).map_err(|e| e.to_string())?;
        start(s, seed).map_err(|e| e.to_string())
    })
    .await
}

/// Starts a whole loop or one round, with the window's warning marks.
#[tauri::command]
#[specta::specta]
pub async fn start_run(
    app: AppHandle,
    loop_id: String,
    round_id: Option<String>,
    thresholds: Option<Thresholds>,
) -> Result<RunView, String> {
    check_len("loop id", &loop_id)?;
    check_len("round id", round_id.as_deref().unwrap_or(""))?;
    begin_run(app, thresholds, move |s, seed| s.start(&loop_id, round_id.as_deref(), true, seed)).await
}

#[tauri::command]
#[specta::specta]
pub async fn resume_run(app: AppHandle, run_id: i64) -> Result<RunView, String> {
    session_blocking(app, move |s| s.resume(run_id).map_err(|e| e.to_string())).await
}

#[tauri::command]
#[specta::specta]
pub async fn run_summary(app: AppHandle, run_id: i64) -> Result<Vec<RoundResult>, String> {
    session_blocking(app, move |s| {
        s.store().run_summary(run_id).map_err(|e| e.to_string())?; // an unknown run is an error, not "no rounds"
        s.store().round_results(run_id).map_err(|e| e.to_string())
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn run_state(app: AppHandle) -> Result<Option<RunView>, String> {
    session_blocking(app, |s| Ok(s.view())).await
}

/// The round of a run the window names: both `run_id` and `position`, or
/// neither (the active round).
fn round_arg(run_id: Option<i64>, position: Option<usize>) -> Result<Option<(i64, usize)>, String> {
    match (run_id, position) {
        (Some(run), Some(position)) => Ok(Some((run, position))),
        (None, None) => Ok(None),
        _ => Err("name both the run and the round's position, or neither".into()),
    }
}

/// Saves a round's self-assessment: the active round, or (`run_id` and
/// `position` given) any earlier round, for editing later.
#[tauri::command]
#[specta::specta]
pub async fn save_assessment(
    app: AppHandle,
    ratings: Vec<Rating>,
    not_asked: Vec<String>,
    note: String,
    run_id: Option<i64>,
    position: Option<usize>,
) -> Result<(), String> {
    check_len("note", &note)?;
    check_ids(&not_asked)?;
    let target = round_arg(run_id, position)?;
    session_blocking(app, move |s| s.save_assessment(target, &ratings, &not_asked, &note).map_err(|e| e.to_string()))
        .await
}

/// Refuses a list of ids no window sends (thousands, or megabytes each).
fn check_ids(ids: &[String]) -> Result<(), String> {
    if ids.len() > 1000 || ids.iter().any(|id| id.len() > MAX_TEXT) {
        return Err("that is not a list of checklist items".into());
    }
    Ok(())
}

/// Keeps what was typed or rated for a round and not saved yet (notes
/// during the round, the assessment's ratings and note), with the run.
#[tauri::command]
#[specta::specta]
pub async fn save_draft(
    app: AppHandle,
    ratings: Vec<Rating>,
    not_asked: Vec<String>,
    note: String,
    run_id: Option<i64>,
    position: Option<usize>,
) -> Result<(), String> {
    check_len("note", &note)?;
    check_ids(&not_asked)?;
    let target = round_arg(run_id, position)?;
    session_blocking(app, move |s| s.save_draft(target, &ratings, &not_asked, &note).map_err(|e| e.to_string())).await
}

/// The draft of a round (the active one when neither argument is given).
#[tauri::command]
#[specta::specta]
pub async fn draft(app: AppHandle, run_id: Option<i64>, position: Option<usize>) -> Result<Option<Draft>, String> {
    let target = round_arg(run_id, position)?;
    session_blocking(app, move |s| s.draft(target).map_err(|e| e.to_string())).await
}

/// What the settings screen's "About" says: which mockloop this is and
/// where it keeps the candidate's data.
#[derive(Serialize, specta::Type)]
pub struct About {
    /// This build's version, the same `mockloop --version` prints.
    version: String,
    /// The licence mockloop is distributed under (an SPDX name).
    licence: String,
    /// The data folder this window has open (absolute).
    data_folder: String,
    /// The executable running this window, so an installed copy can be
    /// told from one built from source.
    executable: String,
}

#[tauri::command]
#[specta::specta]
pub async fn about(app: AppHandle) -> Result<About, String> {
    Ok(About {
        version: env!("CARGO_PKG_VERSION").to_string(),
        licence: env!("CARGO_PKG_LICENSE").to_string(),
        data_folder: {
            let dir = &app.state::<AudioState>().data_dir;
            std::path::absolute(dir).unwrap_or_else(|_| dir.clone()).display().to_string()
        },
        executable: std::env::current_exe().map(|p| p.display().to_string()).unwrap_or_default(),
    })
}

/// The window calls this once the home screen is interactive. With
/// `MOCKLOOP_ANNOUNCE_READY` set, a line on stdout says so: how the
/// start-up benchmark times a cold start without a WebDriver in between.
#[tauri::command]
#[specta::specta]
pub async fn ui_ready() -> Result<(), String> {
    if std::env::var_os("MOCKLOOP_ANNOUNCE_READY").is_some() {
        println!("mockloop: ready");
    }
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn run_action(app: AppHandle, action: Action) -> Result<Update, String> {
    if action == Action::Next {
        blocking(app.clone(), |app| {
            analyse_main_answer(app);
            Ok(())
        })
        .await?;
    }
    session_blocking(app, move |s| s.act(action).map_err(|e| e.to_string())).await
}

/// The probes that follow a main answer depend on how it sounded: before
/// moving on, its takes are analysed (a few hundredths of a second for a
/// three-minute take), outside the session lock, as the delivery thread
/// would.
pub fn analyse_main_answer(app: &AppHandle) {
    let pending = with_session(&app.state::<AppState>(), |s| s.unanalysed_answer_takes().map_err(|e| e.to_string()));
    for (take_id, _) in pending.unwrap_or_default() {
        delivery::analyse(app, take_id);
    }
}

/// When the data folder could not be opened because its database is
/// damaged: sets the database aside (renamed, never deleted) and opens a
/// fresh one. Recordings and loops stay. Returns the set-aside file's path.
#[tauri::command]
#[specta::specta]
pub async fn start_fresh(app: AppHandle) -> Result<String, String> {
    blocking(app, |app| {
        let state = app.state::<AppState>();
        let mut session = relock(&state.session);
        if session.is_ok() {
            return Err("the data folder is open and healthy; nothing to set aside".into());
        }
        let dir = app.state::<AudioState>().data_dir.clone();
        let lock = app.state::<Held>().0.lock().map_err(|_| "internal error".to_owned())?.take();
        // The set-aside takes the folder's lock itself: let ours go meanwhile.
        drop(lock);
        let aside = Session::set_aside_database(&dir).map_err(|e| e.to_string());
        let reopened = mockloop_core::lock::DataLock::acquire(&dir, "the mockloop window")
            .map_err(|e| e.to_string())
            .and_then(|lock| Session::open_locked(&dir, Arc::new(SystemClock::new()), lock).map_err(|e| e.to_string()));
        let aside = aside?;
        *session = reopened;
        session.as_ref().map(|_| aside.display().to_string()).map_err(Clone::clone)
    })
    .await
}

/// "Back up now": one archive of the data folder (see `mockloop backup`)
/// in the user's documents folder (else home), named by the time. Returns
/// its path.
#[tauri::command]
#[specta::specta]
pub async fn backup_now(app: AppHandle) -> Result<String, String> {
    blocking(app, |app| {
        let folder = dirs_next_to_home().ok_or("cannot find your documents or home folder")?;
        let name = format!("mockloop-backup-{}.tar", chrono::Local::now().format("%Y-%m-%d_%H-%M-%S"));
        let archive = folder.join(name);
        with_session(&app.state::<AppState>(), |s| {
            mockloop_core::backup::backup(s.store(), s.data_dir(), &archive).map_err(|e| e.to_string())
        })?;
        Ok(archive.display().to_string())
    })
    .await
}

/// Where "Back up now" writes: `MOCKLOOP_BACKUP_DIR` if set, else the
/// documents folder, else home.
fn dirs_next_to_home() -> Option<PathBuf> {
    std::env::var_os("MOCKLOOP_BACKUP_DIR").map(PathBuf::from).or_else(mockloop_core::paths::documents_dir)
}

/// The folder's lock while the session could not be opened (the session
/// owns it once open).
struct Held(Mutex<Option<mockloop_core::lock::DataLock>>);

/// What opening the data folder gave: a session, or why not (and the
/// folder's lock, kept so no one else writes meanwhile).
fn open_session(
    dir: &Path,
    lock: mockloop_core::lock::DataLock,
) -> (Result<Session, String>, Option<mockloop_core::lock::DataLock>) {
    // The lock moves into the session; if opening fails, take it again.
    match Session::open_locked(dir, Arc::new(SystemClock::new()), lock) {
        Ok(session) => (Ok(session), None),
        Err(e) => {
            let why = e.to_string();
            let lock = mockloop_core::lock::DataLock::acquire(dir, "the mockloop window").ok();
            let damaged = matches!(
                e,
                mockloop_core::session::SessionError::Store(mockloop_core::store::StoreError::Damaged { .. })
            );
            let why = if damaged {
                format!("{why}. Start fresh sets it aside (nothing is deleted); your recordings stay.")
            } else {
                why
            };
            (Err(why), lock)
        }
    }
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
    let dir: PathBuf = match paths::data_dir(data_dir) {
        Ok(dir) => dir,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    let lock = match single_instance::claim(&dir) {
        Claim::First(lock) => lock,
        Claim::Focused => {
            eprintln!("mockloop is already open on {}; its window was brought to the front", dir.display());
            return 0;
        }
        Claim::Refused(why) => {
            eprintln!("error: {why}");
            return 1;
        }
    };
    let (session, held) = open_session(&dir, lock);
    if let Err(why) = &session {
        eprintln!("error: {why}");
    }
    let commands = ipc::builder();
    let (queue, jobs) = DeliveryQueue::new();
    let result = tauri::Builder::default()
        .manage(queue)
        .manage(AppState { session: Mutex::new(session) })
        .manage(crate::voice::VoiceState::default())
        .manage(crate::hands_free::HandsFreeState::default())
        .manage(AudioState::new(dir.clone()))
        .manage(Held(Mutex::new(held)))
        .invoke_handler(commands.invoke_handler())
        .setup(move |app| {
            commands.mount_events(app);
            let handle = app.handle().clone();
            std::thread::Builder::new().name("ticker".into()).spawn(move || ticker(handle))?;
            let handle = app.handle().clone();
            std::thread::Builder::new().name("delivery".into()).spawn(move || delivery::run(handle, jobs))?;
            let handle = app.handle().clone();
            let served = single_instance::serve(&dir, move || {
                let window = handle.clone();
                let _ = handle.run_on_main_thread(move || {
                    if let Some(w) = window.get_webview_window("main") {
                        let _ = w.unminimize();
                        let _ = w.show();
                        let _ = w.set_focus();
                    }
                });
            });
            if let Err(e) = served {
                eprintln!("warning: a second launch cannot bring this window forward: {e}");
            }
            Ok(())
        })
        .build(tauri::generate_context!());
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
            crate::hands_free::stop_running(handle);
            let _ = recording::stop_recording(handle);
            recording::stop_mic_test(&handle.state::<AudioState>());
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
/// A failed autosave is sent as `run-error` (the window shows it) and is
/// tried again at the next tick; `run-saved` says when saving works again.
fn ticker(handle: AppHandle) {
    let mut last_tick = std::time::Instant::now();
    let mut failing = false;
    loop {
        let recording = relock(&handle.state::<AudioState>().recording).is_some();
        std::thread::sleep(if recording { METER_EVERY } else { TICK_EVERY });
        if recording {
            let status = relock(&handle.state::<AudioState>().recording).as_ref().map(|a| a.recorder.status());
            if let Some(status) = status {
                let _ = RecordStatus(status).emit(&handle);
            }
            if let Some(take) = recording::reap_finished(&handle) {
                let _ = RecordEnded(take).emit(&handle);
            }
        }
        if last_tick.elapsed() < TICK_EVERY {
            continue;
        }
        last_tick = std::time::Instant::now();
        let update = match relock(&handle.state::<AppState>().session).as_mut() {
            Ok(session) => session.tick().map_err(|e| e.to_string()),
            Err(_) => continue, // no data folder: every command says why
        };
        match update {
            Ok(update) => {
                if failing {
                    failing = false;
                    let _ = RunSaved.emit(&handle);
                }
                if let Some(update) = update {
                    let _ = RunTick(update).emit(&handle);
                }
            }
            Err(e) => {
                failing = true;
                let _ = RunError(format!("Your progress could not be saved: {e}. Trying again.")).emit(&handle);
            }
        }
    }
}
