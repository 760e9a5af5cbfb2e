//! Start-up and shut-down of the window, top to bottom: the display
//! check, the data folder claimed (one window per folder), the log, the
//! booth (whose session opens on a thread of its own while WebKit starts),
//! the commands and events, the threads (ticker, the work after takes, the
//! single-instance server), and on exit the take finished and the run
//! saved.

use crate::commands::{hands_free, run, takes, transcripts, voice};
use crate::events::{
    self, AnalysisProgress, RecordEnded, RecordStatus, RunError, RunSaved, RunTick, TakeAnalyzed, TakeTranscribed,
    TranscriptProgress,
};
use crate::ipc;
use crate::single_instance::{self, Claim};
use crate::state::{since_start_ms, AppState, LOG_NAME, STARTED};
use mockloop_core::booth::{Booth, Notice};
use mockloop_core::clock::SystemClock;
use mockloop_core::logging::{self, LogErr};
use mockloop_core::paths;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tauri::{AppHandle, Manager};

/// How often countdowns are pushed to the window: fast enough that a
/// displayed second never lags visibly, slow enough to cost nothing.
const TICK_EVERY: Duration = Duration::from_millis(200);
/// How often the level meter is pushed while recording (20 Hz).
const METER_EVERY: Duration = Duration::from_millis(50);
/// How long after start-up the backlog of older takes begins: the window's
/// first seconds belong to the window (WebKit starting on two cores).
const BACKLOG_AFTER: Duration = Duration::from_secs(3);

/// Opens the window; returns the process exit code.
pub fn run(data_dir: Option<&Path>) -> i32 {
    STARTED.get_or_init(Instant::now);
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
    let _log = logging::start(&dir, LOG_NAME);
    log::info!("mockloop-window {} on {}", env!("CARGO_PKG_VERSION"), dir.display());
    // The session (checking the database, recovering takes) opens while
    // WebKit starts; a command that comes first waits for it.
    let booth = Arc::new(Booth::opening(Arc::new(SystemClock::new()), lock));
    let opening = Arc::clone(&booth);
    let opener = std::thread::Builder::new().name("open-session".into()).spawn(move || {
        opening.finish_opening();
        log::info!("the data folder is open, {} ms after start", since_start_ms());
        if let Some(why) = opening.unopened() {
            log::error!("the data folder could not be opened: {}", why.message);
            eprintln!("error: {}", why.message);
        }
    });
    if let Err(e) = opener {
        log::warn!("cannot open the session on a thread of its own ({e}); opening it now");
        booth.finish_opening();
    }
    let code = serve(&dir, Arc::clone(&booth));
    // However the window ended, the take is finished and the run saved
    // (again, if the exit event did: closing twice changes nothing).
    close(&booth);
    code
}

/// Finishes the take being recorded and saves the run.
fn close(booth: &Booth) {
    if let Err(e) = booth.close() {
        log::error!("could not save the rehearsal on exit: {e}");
        eprintln!("error: could not save the rehearsal on exit: {e}");
    }
}

/// Builds the app over `booth` and runs it until the window closes.
fn serve(dir: &Path, booth: Arc<Booth>) -> i32 {
    let commands = ipc::builder();
    let dir = dir.to_path_buf();
    let result = tauri::Builder::default()
        .manage(AppState { booth })
        .manage(voice::VoiceState::default())
        .manage(hands_free::HandsFreeState::default())
        .manage(takes::Playing::default())
        .manage(transcripts::Downloads::default())
        .invoke_handler(commands.invoke_handler())
        .setup(move |app| {
            log::info!("the window is being set up, {} ms after start", since_start_ms());
            commands.mount_events(app);
            open_window(app)?;
            spawn(app.handle(), "ticker", ticker)?;
            spawn(app.handle(), "after-takes", work_after_takes)?;
            spawn(app.handle(), "transcripts", transcribe_takes)?;
            let handle = app.handle().clone();
            if let Err(e) = single_instance::serve(&dir, move || bring_forward(&handle)) {
                log::warn!("a second launch cannot bring this window forward: {e}");
            }
            Ok(())
        })
        .build(tauri::generate_context!());
    let app = match result {
        Ok(app) => app,
        Err(e) => {
            log::error!("cannot open the window: {e}");
            eprintln!("error: cannot open the window: {e}");
            return 1;
        }
    };
    app.run_return(|handle, event| {
        // Closing the window mid-answer must keep the time used so far, and
        // the take being recorded must be finished, not left as a part
        // file: hands-free stops first, so it starts nothing after.
        if let tauri::RunEvent::Exit = event {
            hands_free::stop_running(handle);
            close(&handle.state::<AppState>().booth);
        }
    })
}

/// Opens the main window (configured in `tauri.conf.json`, `create:
/// false`) with what the home screen shows handed to its page before any
/// of the page's scripts run: the home screen paints at once, with no
/// round trip. The session has been opening meanwhile (a few milliseconds
/// against WebKit's hundreds); this waits for it.
fn open_window(app: &tauri::App) -> tauri::Result<()> {
    let booth = Arc::clone(&app.state::<AppState>().booth);
    let first = match booth.with_session(|s| run::home(s)) {
        Ok(home) => serde_json::json!({ "home": home }),
        Err(e) => serde_json::json!({ "error": e }),
    };
    let script = format!("window.__MOCKLOOP_FIRST__ = {first};");
    let Some(config) = app.config().app.windows.iter().find(|w| w.label == "main") else {
        return Err(tauri::Error::WindowNotFound);
    };
    tauri::WebviewWindowBuilder::from_config(app, config)?.initialization_script(script).build().map(drop)
}

/// Starts one of the window's threads.
fn spawn(app: &AppHandle, name: &str, body: fn(AppHandle)) -> std::io::Result<()> {
    let handle = app.clone();
    std::thread::Builder::new().name(name.into()).spawn(move || body(handle)).map(drop)
}

/// A second launch asked for this window: bring it to the front.
fn bring_forward(app: &AppHandle) {
    let window = app.clone();
    let queued = app.run_on_main_thread(move || {
        if let Some(w) = window.get_webview_window("main") {
            w.unminimize().log_warn();
            w.show().log_warn();
            w.set_focus().log_warn();
        }
    });
    queued.log_warn();
}

/// The work after each take, until the app ends, telling the window.
fn work_after_takes(app: AppHandle) {
    let booth = Arc::clone(&app.state::<AppState>().booth);
    booth.work_after_takes(BACKLOG_AFTER, &mut |notice| match notice {
        Notice::Analysed(row) => events::send(&app, TakeAnalyzed(*row)),
        Notice::Progress(progress) => events::send(&app, AnalysisProgress(progress)),
        Notice::Transcribed { .. } | Notice::Transcribing { .. } | Notice::TranscriptProgress(_) => {}
    });
}

/// Turns transcripts on with the model the user chose (checked first; a
/// model gone or damaged turns them off, logged), then transcribes takes
/// as they are analysed, and the backlog, until the window closes.
fn transcribe_takes(app: AppHandle) {
    let booth = Arc::clone(&app.state::<AppState>().booth);
    let chosen = booth.with_session(|s| s.transcript_model().map_err(mockloop_core::booth::BoothError::from));
    match chosen {
        Ok(Some(name)) => match mockloop_core::booth::words::ready_model(booth.data_dir(), &name) {
            Ok(model) => booth.set_transcripts(Some(model), false),
            Err(why) => log::warn!("transcripts stay off this session: {why}"),
        },
        Ok(None) => {}
        Err(e) => log::warn!("the transcripts setting could not be read: {e}"),
    }
    let mut current = None;
    booth.transcribe_takes(BACKLOG_AFTER, &mut |notice| match notice {
        Notice::Transcribed { take_id, error } => {
            current = None;
            events::send(&app, TakeTranscribed { take_id, error });
        }
        Notice::Transcribing { take_id, done, of } => {
            current = Some((take_id, done, of));
            events::send(&app, TranscriptProgress { progress: booth.transcript_progress(), current });
        }
        Notice::TranscriptProgress(progress) => events::send(&app, TranscriptProgress { progress, current }),
        Notice::Analysed(_) | Notice::Progress(_) => {}
    });
}

/// Pushes the active run's countdowns (and any warnings) to the window, and
/// the level meter while recording. Also files a take that ended by itself.
/// A failed autosave is sent as `run-error` (the window shows it) and is
/// tried again at the next tick; `run-saved` says when saving works again.
fn ticker(app: AppHandle) {
    let booth = Arc::clone(&app.state::<AppState>().booth);
    let mut last_tick = Instant::now();
    let mut failing = false;
    loop {
        let status = booth.recorder_status();
        std::thread::sleep(if status.is_some() { METER_EVERY } else { TICK_EVERY });
        if let Some(status) = booth.recorder_status() {
            events::send(&app, RecordStatus(status));
        }
        match booth.reap_take() {
            Some(Ok(take)) => events::send(&app, RecordEnded(take)),
            Some(Err(e)) => log::error!("a take that ended by itself could not be filed: {e}"),
            None => {}
        }
        if last_tick.elapsed() < TICK_EVERY {
            continue;
        }
        last_tick = Instant::now();
        if booth.unopened().is_some() {
            continue; // no data folder: every command says why
        }
        match booth.with_session(|s| s.tick().map_err(mockloop_core::booth::BoothError::from)) {
            Ok(update) => {
                if failing {
                    failing = false;
                    events::send(&app, RunSaved);
                }
                if let Some(update) = update {
                    events::send(&app, RunTick(update));
                }
            }
            Err(e) => {
                if !failing {
                    log::error!("the run's progress could not be saved: {e}");
                }
                failing = true;
                events::send(&app, RunError(format!("Your progress could not be saved: {e}. Trying again.")));
            }
        }
    }
}
