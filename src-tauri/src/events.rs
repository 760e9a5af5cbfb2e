//! Every event the window hears, with its payload: declared once here, so
//! a name or a payload can never differ between the two sides (the
//! window's TypeScript is generated from these, see `ipc.rs`). This module
//! imports no feature of the shell; the features import it.
//!
//! [`send`] is the one way an event leaves: a failure to deliver one (the
//! window already closed, say) is logged, never dropped silently.

use mockloop_core::audio::RecorderStatus;
use mockloop_core::booth::Progress;
use mockloop_core::logging::LogErr;
use mockloop_core::rehearsal::hands_free::Turn;
use mockloop_core::session::Update;
use mockloop_core::store::TakeRow;
use serde::Serialize;
use tauri::AppHandle;
use tauri_specta::Event;

/// The active run's countdowns and what happened since the last tick
/// (every 200 ms while a run is open), or after a step hands-free took.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct RunTick(pub Update);

/// Saving the run's progress failed; the app keeps trying at every tick.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct RunError(pub String);

/// Saving works again after a [`RunError`].
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct RunSaved;

/// The level meter and length of the take being recorded (20 Hz).
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct RecordStatus(pub RecorderStatus);

/// A take ended by itself (length reached, microphone lost, disk full),
/// filed as this row; the window says why and leaves the recording state.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct RecordEnded(pub TakeRow);

/// A take's delivery was analysed (or found unreadable): its row, with the
/// measures.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct TakeAnalyzed(pub TakeRow);

/// How far the analysis of takes is (after each take, and once at start).
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct AnalysisProgress(pub Progress);

/// A take's transcript was stored (or why it has none: the take is kept).
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct TakeTranscribed {
    /// The take.
    pub take_id: i64,
    /// Why it has no transcript, in words.
    pub error: Option<String>,
}

/// How far the transcripts are: takes done of queued, and the take being
/// transcribed with its pieces done of all.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct TranscriptProgress {
    /// Takes done of queued.
    pub progress: Progress,
    /// The take under way and its pieces done of all, if one is.
    pub current: Option<(i64, u32, u32)>,
}

/// A model download's progress, and its end (`done`, with `error` if it
/// failed or was cancelled).
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct ModelDownload {
    /// The model.
    pub name: String,
    /// How far it is.
    pub fetched: mockloop_core::transcript::download::Fetched,
    /// It ended.
    pub done: bool,
    /// Why it ended without a model.
    pub error: Option<String>,
}

/// Whose turn it is, and whether a take is being recorded now.
#[derive(Debug, Clone, Copy, Serialize, specta::Type)]
pub struct TurnNow {
    /// Whose turn.
    pub turn: Turn,
    /// A take is being recorded.
    pub recording: bool,
}

/// Hands-free: whose turn it is now (on each change, and each step of a
/// countdown).
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct HandsFreeTurn(pub TurnNow);

/// Hands-free could not do something (no voice, no microphone), in words;
/// the round goes on.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct HandsFreeNotice {
    /// It is about the voice (there is none: questions are shown only).
    pub voice: bool,
    /// What happened.
    pub message: String,
}

/// Sends `event` to the window; a failure is logged.
#[track_caller]
pub fn send<E: Event + Serialize + Clone>(app: &AppHandle, event: E) {
    event.emit(app).log_warn();
}
