//! Hands-free in the window: a `hands-free` thread runs the core's driver
//! ([`mockloop_core::hands_free::drive`]) over this room, made of the same
//! pieces the window's commands use: the session (under its lock), the
//! recorder (`recording.rs`) and the voice (`voice.rs`). It tells the
//! window whose turn it is with [`HandsFreeTurn`], and sends each step of
//! the run as a `run-tick`, as the ticker does.
//!
//! The window starts it on the round screen when the candidate turned
//! hands-free on, and stops it on leaving the round screen or turning it
//! off: stopping stops the voice and waits for the thread to end, so no
//! step of it comes after (a take it was opening meanwhile it stops itself).

use crate::ipc::{HandsFreeNotice, HandsFreeTurn, RunTick};
use crate::state::{audio, blocking, relock, with_session, AppState};
use crate::{app, recording, voice};
use mockloop_core::audio::Quality;
use mockloop_core::hands_free::{self, Controls, Room};
use mockloop_core::rehearsal::hands_free::{AnswerKey, Heard, Interviewer, Seen, SilenceRule, Turn, TIME_UP_LINE};
use mockloop_core::session::Action;
use mockloop_core::voice::VoiceSettings;
use serde::{Deserialize, Serialize};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use tauri::{AppHandle, Manager};
use tauri_specta::Event;

/// How the window wants hands-free run.
#[derive(Debug, Clone, Deserialize, specta::Type)]
pub struct HandsFreeOptions {
    /// The interviewer's voice; `None`: questions are shown, not said.
    pub voice: Option<VoiceSettings>,
    /// When silence ends an answer.
    pub rule: SilenceRule,
    /// How takes are stored.
    pub quality: Option<Quality>,
    /// The microphone (the default when absent).
    pub device: Option<String>,
}

/// Whose turn it is, and whether a take is being recorded now.
#[derive(Debug, Clone, Copy, Serialize, specta::Type)]
pub struct TurnNow {
    /// Whose turn.
    pub turn: Turn,
    /// A take is being recorded.
    pub recording: bool,
}

/// The hands-free thread running now, if any.
#[derive(Default)]
pub struct HandsFreeState {
    running: Mutex<Option<(Arc<Controls>, JoinHandle<()>)>>,
}

/// The window as a hands-free room.
struct Window {
    app: AppHandle,
    options: HandsFreeOptions,
    controls: Arc<Controls>,
    /// Said once: there is no voice (the text is on screen).
    voice_failed: bool,
}

impl Window {
    /// Says `text`; false if it was stopped before the end.
    fn say(&mut self, text: &str) -> bool {
        let Some(settings) = self.options.voice.clone().filter(|_| !self.voice_failed) else { return true };
        match voice::speak(&self.app, text, &settings) {
            Ok(spoken) => spoken.is_some(),
            Err(e) => {
                self.voice_failed = true;
                let _ = HandsFreeNotice { voice: true, message: e }.emit(&self.app);
                true
            }
        }
    }

    /// Whether `key` is the answer up now.
    fn is_up(&self, key: AnswerKey) -> bool {
        let view = with_session(&self.app.state::<AppState>(), |s| Ok(s.view())).ok().flatten();
        view.as_ref().and_then(hands_free::answering).is_some_and(|a| a.key == key)
    }
}

impl Room for Window {
    fn seen(&mut self, now_ms: u64) -> Seen {
        let view = with_session(&self.app.state::<AppState>(), |s| Ok(s.view())).ok().flatten();
        let answer = view.as_ref().and_then(hands_free::answering);
        let audio = audio(&self.app);
        let recording = relock(&audio.recording).as_ref().map(|a| {
            let levels = a.recorder.status().levels;
            Heard { speech_ms: levels.speech_ms, quiet_ms: levels.quiet_ms }
        });
        // A take the candidate is starting (Space) counts as recording.
        let recording = recording.or_else(|| relock(&audio.starting).then(Heard::default));
        Seen { now_ms, answer, recording }
    }

    fn ask(&mut self, text: &str) -> bool {
        self.say(text)
    }

    fn start_recording(&mut self, key: AnswerKey) -> bool {
        if self.controls.stop.load(Ordering::Acquire) || !self.is_up(key) {
            return false;
        }
        match recording::start_recording(&self.app, self.options.quality, self.options.device.clone()) {
            // Turned off, or moved on, while the microphone opened: not ours to keep.
            Ok(_) if self.controls.stop.load(Ordering::Acquire) || !self.is_up(key) => {
                self.stop_recording();
                false
            }
            Ok(_) => true,
            Err(e) => {
                let _ = HandsFreeNotice { voice: false, message: e }.emit(&self.app);
                false
            }
        }
    }

    fn stop_recording(&mut self) {
        if let Err(e) = recording::stop_recording(&self.app) {
            let _ = HandsFreeNotice { voice: false, message: e }.emit(&self.app);
        }
    }

    fn say_time_up(&mut self) {
        self.say(TIME_UP_LINE);
    }

    fn next(&mut self, key: AnswerKey) {
        app::analyse_main_answer(&self.app);
        // Only from the answer that ended: the candidate may have moved on
        // by hand (N, End round) meanwhile.
        let moved = with_session(&self.app.state::<AppState>(), |s| {
            let up = s.view().as_ref().and_then(hands_free::answering).is_some_and(|a| a.key == key);
            if up {
                s.act(Action::Next).map(Some).map_err(|e| e.to_string())
            } else {
                Ok(None)
            }
        });
        match moved {
            Ok(None) => {}
            Ok(Some(update)) => {
                let _ = RunTick(update).emit(&self.app);
            }
            Err(e) => {
                let _ = HandsFreeNotice { voice: false, message: e }.emit(&self.app);
            }
        }
    }

    fn show(&mut self, turn: Turn) {
        let recording = relock(&audio(&self.app).recording).is_some();
        let _ = HandsFreeTurn(TurnNow { turn, recording }).emit(&self.app);
    }
}

/// Stops the hands-free thread, if one runs, and the voice.
/// Waits for the thread to end (it may be opening the microphone, up to
/// 5 s; a take it started meanwhile it stops itself), so no hands-free step
/// happens after this returns.
pub fn stop_running(app: &AppHandle) {
    let running = relock(&app.state::<HandsFreeState>().running).take();
    voice::stop_current(app);
    if let Some((controls, thread)) = running {
        controls.stop.store(true, Ordering::Release);
        voice::stop_current(app);
        let _ = thread.join();
    }
}

/// Turns hands-free on (again, with these options): the interviewer asks
/// the answer up now, unless a take is already recording it.
#[tauri::command]
#[specta::specta]
pub async fn hands_free_start(app: AppHandle, options: HandsFreeOptions) -> Result<(), String> {
    options.rule.validate()?;
    if let Some(v) = &options.voice {
        v.validate().map_err(|e| e.to_string())?;
    }
    if options.device.as_ref().is_some_and(|d| d.len() > 4096) {
        return Err("that device name is too long to be a microphone".into());
    }
    blocking(app, move |app| {
        stop_running(app);
        let controls = Arc::new(Controls::default());
        let interviewer = Interviewer::new(options.rule);
        let mut room = Window { app: app.clone(), options, controls: Arc::clone(&controls), voice_failed: false };
        let driving = Arc::clone(&controls);
        let thread = std::thread::Builder::new()
            .name("hands-free".into())
            .spawn(move || {
                let driven = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    hands_free::drive(&mut room, interviewer, &driving, false);
                }));
                if driven.is_err() {
                    let message = "hands-free stopped on an internal error; the round goes on by keyboard".to_owned();
                    let _ = HandsFreeNotice { voice: false, message }.emit(&room.app);
                    let _ = HandsFreeTurn(TurnNow { turn: Turn::Waiting, recording: false }).emit(&room.app);
                }
            })
            .map_err(|e| format!("cannot start hands-free: {e}"))?;
        *relock(&app.state::<HandsFreeState>().running) = Some((controls, thread));
        Ok(())
    })
    .await
}

/// Turns hands-free off: the voice stops; a take being recorded goes on
/// (Space stops it, as in keyboard mode).
#[tauri::command]
#[specta::specta]
pub async fn hands_free_stop(app: AppHandle) -> Result<(), String> {
    blocking(app, |app| {
        stop_running(app);
        Ok(())
    })
    .await
}

/// "Stay": the candidate is not done; the countdown to moving on stops.
#[tauri::command]
#[specta::specta]
pub async fn hands_free_stay(app: AppHandle) -> Result<(), String> {
    if let Some((controls, _)) = relock(&app.state::<HandsFreeState>().running).as_ref() {
        controls.stay.store(true, Ordering::Release);
    }
    Ok(())
}
