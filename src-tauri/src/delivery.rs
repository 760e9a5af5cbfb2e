//! How each take sounded, computed off every thread the window waits on:
//! one `delivery` thread analyses takes as they close, and, from three
//! seconds after start-up, every older take this build has not analysed
//! (newest first), saying how far it is through `AnalysisProgress`.
//!
//! The analysis reads the file without the session lock (a 45-minute take
//! takes about a second) and takes the lock only to store the result. It
//! waits while a take is being recorded, so the microphone's threads never
//! share the cores with it.

use crate::ipc::{AnalysisProgress, TakeAnalyzed};
use crate::state::{relock, with_session, AppState, AudioState};
use mockloop_core::analysis;
use serde::Serialize;
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Mutex;
use std::time::Duration;
use tauri::{AppHandle, Manager};
use tauri_specta::Event;

/// How long after start-up the backlog of older takes begins.
const BACKLOG_AFTER: Duration = Duration::from_secs(3);

/// How far the analysis is: `done` of `queued` since the window opened.
#[derive(Debug, Clone, Copy, Default, Serialize, specta::Type)]
pub struct Progress {
    /// Takes analysed (or found unreadable).
    pub done: u32,
    /// Takes handed to the analysis.
    pub queued: u32,
}

/// The way into the `delivery` thread.
pub struct DeliveryQueue {
    jobs: Mutex<Sender<i64>>,
    progress: Mutex<Progress>,
}

impl DeliveryQueue {
    /// A queue and the receiving end its thread runs on.
    pub fn new() -> (Self, Receiver<i64>) {
        let (tx, rx) = mpsc::channel();
        (Self { jobs: Mutex::new(tx), progress: Mutex::new(Progress::default()) }, rx)
    }

    /// Hands a take to the analysis.
    pub fn push(&self, take_id: i64) {
        relock(&self.progress).queued += 1;
        // The thread only ends with the app.
        let _ = relock(&self.jobs).send(take_id);
    }

    /// How far the analysis is.
    pub fn progress(&self) -> Progress {
        *relock(&self.progress)
    }
}

/// Queues the takes not yet analysed, then analyses whatever comes, until
/// the app ends.
pub fn run(app: AppHandle, jobs: Receiver<i64>) {
    // The window's first seconds belong to the window: WebKit starting on
    // two cores should not share them with a backlog of old takes.
    std::thread::sleep(BACKLOG_AFTER);
    let queue = app.state::<DeliveryQueue>();
    let backlog = with_session(&app.state::<AppState>(), |s| s.analysis_backlog().map_err(|e| e.to_string()));
    for (id, _) in backlog.unwrap_or_default() {
        queue.push(id);
    }
    let _ = AnalysisProgress(queue.progress()).emit(&app);
    while let Ok(take_id) = jobs.recv() {
        while relock(&app.state::<AudioState>().recording).is_some() {
            std::thread::sleep(Duration::from_millis(500));
        }
        analyse(&app, take_id);
        let progress = {
            let mut p = relock(&queue.progress);
            p.done += 1;
            *p
        };
        let _ = AnalysisProgress(progress).emit(&app);
    }
}

fn analyse(app: &AppHandle, take_id: i64) {
    let state = app.state::<AppState>();
    let Ok(file): Result<PathBuf, _> = with_session(&state, |s| s.take_file(take_id).map_err(|e| e.to_string())) else {
        return; // deleted meanwhile
    };
    let result = analysis::analyze_file(&file).map_err(|e| e.to_string());
    let saved = with_session(&state, |s| {
        s.save_delivery(take_id, result.as_ref().map_err(String::as_str)).map_err(|e| e.to_string())?;
        s.store().take(take_id).map_err(|e| e.to_string())
    });
    match saved {
        Ok(row) => {
            let _ = TakeAnalyzed(row).emit(app);
        }
        Err(e) => eprintln!("warning: take {take_id}: its analysis could not be saved: {e}"),
    }
}

/// The analysis's progress, for a window that opened after it began.
#[tauri::command]
#[specta::specta]
pub async fn analysis_progress(app: AppHandle) -> Result<Progress, String> {
    Ok(app.state::<DeliveryQueue>().progress())
}
