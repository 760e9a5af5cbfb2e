//! The interviewer's voice in the window: the questions and follow-ups
//! said aloud by the desktop's speech engine ([`mockloop_core::voice`]),
//! on Tauri's blocking pool, one utterance at a time. Saying something
//! new, or `hush`, stops what is being said.

use crate::error::CommandResult;
use crate::state::blocking;
use mockloop_core::booth::relock;
use mockloop_core::logging::LogErr;
use mockloop_core::voice::{Speaker, Spoken, VoiceError, VoiceInfo, VoiceSettings};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use tauri::{AppHandle, Manager};

/// The utterance being said now, if any, and a count of stops: an
/// utterance still being handed to the engine when a stop came is stopped
/// as soon as the engine has it.
#[derive(Default)]
pub struct VoiceState {
    speaking: Mutex<Option<u32>>,
    stops: AtomicU64,
}

/// Cancels `id` from a connection of its own (its speaker is busy saying it).
fn cancel(id: u32) {
    // Over already, or no engine: nothing to stop, but said in the log.
    Speaker::connect().and_then(|mut s| s.cancel(id)).log_warn();
}

/// Stops the utterance on now, if any, and any still on its way.
pub fn stop_current(app: &AppHandle) {
    let state = app.state::<VoiceState>();
    state.stops.fetch_add(1, Ordering::AcqRel);
    let current = relock(&state.speaking).take();
    if let Some(id) = current {
        cancel(id);
    }
}

/// The engine's voices; an error in words when there is no engine.
#[tauri::command]
#[specta::specta]
pub async fn voices(app: AppHandle) -> CommandResult<Vec<VoiceInfo>> {
    blocking(app, |_| Ok(Speaker::connect().and_then(|mut s| s.voices())?)).await
}

/// Says `text` (stopping whatever was being said) and returns once the
/// voice has ended; `None` when it was stopped first. An error in words
/// when there is no engine: the window shows it once.
#[tauri::command]
#[specta::specta]
pub async fn say(app: AppHandle, text: String, settings: VoiceSettings) -> CommandResult<Option<Spoken>> {
    crate::state::check_len("text to say", &text)?;
    blocking(app, move |app| Ok(speak(app, &text, &settings)?)).await
}

/// Says `text` (stopping whatever was being said) and returns once the
/// voice has ended; `None` when it was stopped first. The `say` command,
/// and hands-free's interviewer.
pub fn speak(app: &AppHandle, text: &str, settings: &VoiceSettings) -> Result<Option<Spoken>, VoiceError> {
    stop_current(app);
    let state = app.state::<VoiceState>();
    let mine = state.stops.load(Ordering::Acquire);
    let mut speaker = Speaker::connect()?;
    let mut queued = None;
    let result = speaker.say_then(text, settings, &mut |id| {
        queued = Some(id);
        *relock(&state.speaking) = Some(id);
        // Stopped (or replaced) while it was being handed over.
        if state.stops.load(Ordering::Acquire) != mine {
            cancel(id);
        }
    });
    {
        let mut speaking = relock(&state.speaking);
        if queued.is_some() && *speaking == queued {
            *speaking = None;
        }
    }
    match result {
        Ok(spoken) => Ok(Some(spoken)),
        Err(VoiceError::Cancelled) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Stops the voice (moving on, leaving the round).
#[tauri::command]
#[specta::specta]
pub async fn hush(app: AppHandle) -> CommandResult<()> {
    blocking(app, |app| {
        stop_current(app);
        Ok(())
    })
    .await
}
