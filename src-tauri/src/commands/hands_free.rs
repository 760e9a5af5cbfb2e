//! Hands-free in the window: a `hands-free` thread runs the core's driver
//! ([`mockloop_core::hands_free::drive`]) over the booth, with the window
//! as its room: the voice (`voice.rs`) says the questions, and the window
//! hears whose turn it is ([`HandsFreeTurn`]), each step of the run (a
//! `run-tick`, as the ticker sends) and what could not be done
//! ([`HandsFreeNotice`]).
//!
//! The window starts it on the round screen when the candidate turned
//! hands-free on, and stops it on leaving the round screen or turning it
//! off: stopping stops the voice and waits for the thread to end, so no
//! step of it comes after (a take it was opening meanwhile it stops itself).

use super::voice;
use crate::error::{CommandError, CommandResult};
use crate::events::{self, HandsFreeNotice, HandsFreeTurn, RecordEnded, RunTick, TakeAnalyzed, TurnNow};
use crate::state::{blocking, booth, check_device};
use mockloop_core::audio::{Quality, RecordOptions};
use mockloop_core::booth::{relock, BoothError, Notice};
use mockloop_core::hands_free::{self, Controls, Drive, Room};
use mockloop_core::rehearsal::hands_free::{Interviewer, SilenceRule, Turn, TIME_UP_LINE};
use mockloop_core::session::Update;
use mockloop_core::store::TakeRow;
use mockloop_core::voice::VoiceSettings;
use serde::Deserialize;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use tauri::{AppHandle, Manager};

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

/// The hands-free thread running now, if any.
#[derive(Default)]
pub struct HandsFreeState {
    running: Mutex<Option<(Arc<Controls>, JoinHandle<()>)>>,
}

/// The window as a hands-free room.
struct Window {
    app: AppHandle,
    voice: Option<VoiceSettings>,
}

impl Window {
    /// Says `text`; false if it was stopped before the end.
    fn say(&mut self, text: &str) -> bool {
        let Some(settings) = self.voice.clone() else { return true };
        match voice::speak(&self.app, text, &settings) {
            Ok(spoken) => spoken.is_some(),
            Err(e) => {
                // Said once; the questions are shown from here on.
                self.voice = None;
                events::send(&self.app, HandsFreeNotice { voice: true, message: e.to_string() });
                true
            }
        }
    }
}

impl Room for Window {
    fn ask(&mut self, text: &str) -> bool {
        self.say(text)
    }

    fn say_time_up(&mut self) {
        self.say(TIME_UP_LINE);
    }

    fn show(&mut self, turn: Turn, recording: bool) {
        events::send(&self.app, HandsFreeTurn(TurnNow { turn, recording }));
    }

    fn recorded(&mut self, take: &TakeRow, by_itself: bool) {
        if by_itself {
            events::send(&self.app, RecordEnded(take.clone()));
        }
    }

    fn moved_on(&mut self, update: &Update) {
        events::send(&self.app, RunTick(update.clone()));
    }

    fn trouble(&mut self, problem: &BoothError) {
        events::send(&self.app, HandsFreeNotice { voice: false, message: problem.to_string() });
    }

    fn told(&mut self, notice: Notice) {
        if let Notice::Analysed(row) = notice {
            events::send(&self.app, TakeAnalyzed(*row));
        }
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
        if thread.join().is_err() {
            log::error!("the hands-free thread ended on a panic");
        }
    }
}

/// Turns hands-free on (again, with these options): the interviewer asks
/// the answer up now, unless a take is already recording it.
#[tauri::command]
#[specta::specta]
pub async fn hands_free_start(app: AppHandle, options: HandsFreeOptions) -> CommandResult<()> {
    options.rule.validate().map_err(|e| CommandError::bad_input(e))?;
    if let Some(v) = &options.voice {
        v.validate().map_err(|e| CommandError::bad_input(e.to_string()))?;
    }
    check_device(options.device.as_deref())?;
    blocking(app, move |app| {
        stop_running(app);
        let controls = Arc::new(Controls::default());
        let interviewer = Interviewer::new(options.rule);
        let how = Drive {
            record: RecordOptions {
                device: options.device,
                quality: options.quality.unwrap_or_default(),
                ..RecordOptions::default()
            },
            until_assessed: false,
        };
        let mut room = Window { app: app.clone(), voice: options.voice };
        let driving = Arc::clone(&controls);
        let booth = booth(app);
        let thread = std::thread::Builder::new()
            .name("hands-free".into())
            .spawn(move || {
                let driven = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    hands_free::drive(&booth, &mut room, interviewer, &driving, &how);
                }));
                if driven.is_err() {
                    log::error!("hands-free stopped on an internal error");
                    let message = "hands-free stopped on an internal error; the round goes on by keyboard".to_owned();
                    events::send(&room.app, HandsFreeNotice { voice: false, message });
                    events::send(&room.app, HandsFreeTurn(TurnNow { turn: Turn::Waiting, recording: false }));
                }
            })
            .map_err(|e| CommandError::internal(format!("cannot start hands-free: {e}")))?;
        *relock(&app.state::<HandsFreeState>().running) = Some((controls, thread));
        Ok(())
    })
    .await
}

/// Turns hands-free off: the voice stops; a take being recorded goes on
/// (Space stops it, as in keyboard mode).
#[tauri::command]
#[specta::specta]
pub async fn hands_free_stop(app: AppHandle) -> CommandResult<()> {
    blocking(app, |app| {
        stop_running(app);
        Ok(())
    })
    .await
}

/// "Stay": the candidate is not done; the countdown to moving on stops.
#[tauri::command]
#[specta::specta]
pub async fn hands_free_stay(app: AppHandle) -> CommandResult<()> {
    blocking(app, |app| {
        if let Some((controls, _)) = relock(&app.state::<HandsFreeState>().running).as_ref() {
            controls.stay.store(true, Ordering::Release);
        }
        Ok(())
    })
    .await
}
