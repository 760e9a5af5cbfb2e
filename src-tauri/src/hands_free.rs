//! Hands-free in the window: a `hands-free` thread runs the core's driver
//! ([`mockloop_core::hands_free::drive`]) over this room, made of the same
//! pieces the window's commands use: the session (under its lock), the
//! recorder (`recording.rs`) and the voice (`voice.rs`). It tells the
//! window whose turn it is with [`HandsFreeTurn`], and sends each step of
//! the run as a `run-tick`, as the ticker does.
//!
//! The window starts it on the round screen when the candidate turned
//! hands-free on, and stops it on leaving the round screen or turning it
//! off: stopping also stops the voice, and the thread ends at its next look
//! (at most [`mockloop_core::hands_free::POLL`] later).

use crate::ipc::{HandsFreeNotice, HandsFreeTurn, RunTick};
use crate::state::{audio, blocking, relock, with_session, AppState};
use crate::{app, recording, voice};
use mockloop_core::audio::Quality;
use mockloop_core::hands_free::{self, Controls, Room};
use mockloop_core::rehearsal::hands_free::{Heard, Interviewer, Seen, SilenceRule, Turn, TIME_UP_LINE};
use mockloop_core::session::Action;
use mockloop_core::voice::VoiceSettings;
use serde::{Deserialize, Serialize};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
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
    running: Mutex<Option<Arc<Controls>>>,
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
    fn say(&mut self, text: &str) {
        let Some(settings) = self.options.voice.clone().filter(|_| !self.voice_failed) else { return };
        if let Err(e) = voice::speak(&self.app, text, &settings) {
            self.voice_failed = true;
            let _ = HandsFreeNotice { voice: true, message: e }.emit(&self.app);
        }
    }
}

impl Room for Window {
    fn seen(&mut self, now_ms: u64) -> Seen {
        let view = with_session(&self.app.state::<AppState>(), |s| Ok(s.view())).ok().flatten();
        let answer = view.as_ref().and_then(hands_free::answering);
        let recording = relock(&audio(&self.app).recording).as_ref().map(|a| {
            let levels = a.recorder.status().levels;
            Heard { speech_ms: levels.speech_ms, quiet_ms: levels.quiet_ms }
        });
        Seen { now_ms, answer, recording }
    }

    fn ask(&mut self, text: &str) {
        self.say(text);
    }

    fn start_recording(&mut self) -> bool {
        if self.controls.stop.load(Ordering::Acquire) {
            return false;
        }
        match recording::start_recording(&self.app, self.options.quality, self.options.device.clone()) {
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

    fn next(&mut self) {
        app::analyse_main_answer(&self.app);
        match with_session(&self.app.state::<AppState>(), |s| s.act(Action::Next).map_err(|e| e.to_string())) {
            Ok(update) => {
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
pub fn stop_running(app: &AppHandle) {
    if let Some(controls) = relock(&app.state::<HandsFreeState>().running).take() {
        controls.stop.store(true, Ordering::Release);
    }
    voice::stop_current(app);
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
        *relock(&app.state::<HandsFreeState>().running) = Some(Arc::clone(&controls));
        let interviewer = Interviewer::new(options.rule);
        let mut room = Window { app: app.clone(), options, controls: Arc::clone(&controls), voice_failed: false };
        std::thread::Builder::new()
            .name("hands-free".into())
            .spawn(move || hands_free::drive(&mut room, interviewer, &controls, false))
            .map(|_| ())
            .map_err(|e| format!("cannot start hands-free: {e}"))
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
    if let Some(controls) = relock(&app.state::<HandsFreeState>().running).as_ref() {
        controls.stay.store(true, Ordering::Release);
    }
    Ok(())
}
