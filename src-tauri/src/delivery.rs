//! How each take sounded, computed off every thread the window waits on:
//! one `delivery` thread analyses each take as it closes (before any
//! older one), and, from three seconds after start-up, every older take
//! this build has not analysed (newest first), saying how far it is
//! through `AnalysisProgress`.
//!
//! The analysis reads the file without the session lock (a 45-minute take
//! takes about a second) and takes the lock only to store the result. No
//! take's analysis starts while a take is being recorded; one already
//! running finishes. A panic in it costs that take's figures, never the
//! thread.

use crate::ipc::{AnalysisProgress, TakeAnalyzed};
use crate::state::{relock, with_session, AppState, AudioState};
use mockloop_core::analysis;
use serde::Serialize;
use std::collections::{HashSet, VecDeque};
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::Mutex;
use std::time::{Duration, Instant};
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

    /// Hands a take that just closed to the analysis.
    pub fn push(&self, take_id: i64) {
        // The thread only ends with the app.
        let _ = relock(&self.jobs).send(take_id);
    }

    /// How far the analysis is.
    pub fn progress(&self) -> Progress {
        *relock(&self.progress)
    }
}

/// What the thread has to do: fresh takes first, then the backlog; each
/// take once.
struct Work {
    fresh: VecDeque<i64>,
    backlog: VecDeque<i64>,
    seen: HashSet<i64>,
}

impl Work {
    fn add(&mut self, take_id: i64, fresh: bool, queue: &DeliveryQueue) {
        if self.seen.insert(take_id) {
            relock(&queue.progress).queued += 1;
            if fresh {
                self.fresh.push_back(take_id);
            } else {
                self.backlog.push_back(take_id);
            }
        }
    }

    fn next(&mut self) -> Option<i64> {
        self.fresh.pop_front().or_else(|| self.backlog.pop_front())
    }
}

/// Analyses takes as they close, and the backlog of older ones, until the
/// app ends.
pub fn run(app: AppHandle, jobs: Receiver<i64>) {
    let queue = app.state::<DeliveryQueue>();
    let mut work = Work { fresh: VecDeque::new(), backlog: VecDeque::new(), seen: HashSet::new() };
    // The window's first seconds belong to the window: WebKit starting on
    // two cores should not share them with a backlog of old takes.
    let backlog_at = Instant::now() + BACKLOG_AFTER;
    let mut backlog_loaded = false;
    loop {
        // Fresh takes, without waiting (or until the backlog is due).
        let wait = if backlog_loaded { None } else { Some(backlog_at.saturating_duration_since(Instant::now())) };
        let received = match (work.fresh.is_empty() && work.backlog.is_empty(), wait) {
            (true, None) => jobs.recv().map_err(|_| RecvTimeoutError::Disconnected),
            (true, Some(w)) => jobs.recv_timeout(w),
            (false, _) => jobs.try_recv().map_err(|e| match e {
                mpsc::TryRecvError::Empty => RecvTimeoutError::Timeout,
                mpsc::TryRecvError::Disconnected => RecvTimeoutError::Disconnected,
            }),
        };
        match received {
            Ok(id) => {
                work.add(id, true, &queue);
                while let Ok(id) = jobs.try_recv() {
                    work.add(id, true, &queue);
                }
            }
            Err(RecvTimeoutError::Disconnected) => return,
            Err(RecvTimeoutError::Timeout) => {}
        }
        if !backlog_loaded && Instant::now() >= backlog_at {
            backlog_loaded = true;
            let backlog = with_session(&app.state::<AppState>(), |s| s.analysis_backlog().map_err(|e| e.to_string()));
            for (id, _) in backlog.unwrap_or_default() {
                work.add(id, false, &queue);
            }
            let _ = AnalysisProgress(queue.progress()).emit(&app);
        }
        let Some(take_id) = work.next() else { continue };
        while relock(&app.state::<AudioState>().recording).is_some() {
            std::thread::sleep(Duration::from_millis(500));
        }
        let analysed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| analyse(&app, take_id)));
        if analysed.is_err() {
            eprintln!("warning: take {take_id}: the analysis failed on an internal error");
        }
        let progress = {
            let mut p = relock(&queue.progress);
            p.done += 1;
            *p
        };
        let _ = AnalysisProgress(progress).emit(&app);
    }
}

/// Analyses one take and stores the result (its file read without the
/// session lock), telling the window. Also used by `run_action`, which
/// needs a main answer's figures before it chooses the probes.
pub fn analyse(app: &AppHandle, take_id: i64) {
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
