//! `mockloop rehearse LOOP [--round ID]`: one round hands-free in the
//! terminal. The interviewer asks each question and follow-up aloud, the
//! answer is recorded from when the voice ends until the candidate falls
//! quiet (or the answer's time is up, which the interviewer says), and the
//! round stops at its self-assessment, saved for the window (Home →
//! Resume). Ctrl-C ends it early; what was recorded is kept.
//!
//! With `--json`, one JSON object a line for each thing that happens, with
//! wall-clock times in Unix milliseconds (`*_at`): what the real-time test
//! checks the order of sound against.

use mockloop_core::analysis;
use mockloop_core::audio::{Quality, RecordOptions, Recorder};
use mockloop_core::clock::SystemClock;
use mockloop_core::hands_free::{self, Controls, Room};
use mockloop_core::rehearsal::hands_free::{AnswerKey, Heard, Interviewer, Seen, SilenceRule, Turn, TIME_UP_LINE};
use mockloop_core::rehearsal::Phase;
use mockloop_core::session::{Action, Session};
use mockloop_core::voice::{Speaker, VoiceError, VoiceSettings};
use serde_json::json;
use std::path::Path;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// What `mockloop rehearse` was asked.
pub struct RehearseArgs {
    /// The loop's id.
    pub loop_id: String,
    /// The round's id (default: the loop's first).
    pub round: Option<String>,
    /// The interviewer's voice; `None`: questions are printed only.
    pub voice: Option<VoiceSettings>,
    /// When silence ends an answer.
    pub rule: SilenceRule,
    /// The microphone.
    pub device: Option<String>,
    /// How takes are stored.
    pub quality: Quality,
    /// JSON lines instead of words.
    pub json: bool,
}

/// Unix milliseconds now.
fn wall_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

/// The terminal as a hands-free room.
struct Terminal {
    session: Session,
    speaker: Option<(Speaker, VoiceSettings)>,
    recording: Option<(Recorder, i64)>,
    options: RecordOptions,
    json: bool,
    /// The last line `show` printed, so a countdown prints once a second.
    shown: String,
    /// The last turn `show` sent as JSON.
    last_turn: Option<Turn>,
}

impl Terminal {
    fn say(&mut self, text: &str) -> Option<(u64, u64)> {
        let (speaker, settings) = self.speaker.as_mut()?;
        let called = wall_ms();
        match speaker.say(text, settings) {
            Ok(spoken) => Some((called + u64::from(spoken.began_ms), called + u64::from(spoken.ended_ms))),
            Err(VoiceError::Cancelled) => None,
            Err(e) => {
                // Said once; the questions are printed from here on.
                eprintln!("note: questions are printed, not spoken: {e}");
                self.speaker = None;
                None
            }
        }
    }

    /// Files a take that ended, and analyses it now: the probes that
    /// follow a main answer depend on it.
    fn file(&mut self, take_id: i64, ended: Result<mockloop_core::audio::TakeSummary, String>) {
        let seconds = ended.as_ref().map_or(0.0, |s| s.seconds);
        let row = match self.session.close_take(take_id, ended.as_ref().map_err(Clone::clone)) {
            Ok(row) => row,
            Err(e) => {
                eprintln!("error: the take could not be filed: {e}");
                return;
            }
        };
        let path = self.session.take_file(row.id);
        let delivery =
            path.map_err(|e| e.to_string()).and_then(|p| analysis::analyze_file(&p).map_err(|e| e.to_string()));
        if let Err(e) = self.session.save_delivery(row.id, delivery.as_ref().map_err(String::as_str)) {
            eprintln!("warning: take {}: its analysis could not be saved: {e}", row.id);
        }
        let speaking = delivery.as_ref().ok().map(|d| d.speaking_seconds);
        self.words(&format!(
            "  recorded {seconds:.1} s{}",
            speaking.map_or(String::new(), |s| format!(", {s:.1} s of it speech"))
        ));
        self.event(json!({
            "event": "recorded", "take_id": take_id, "seconds": seconds, "speaking_seconds": speaking,
            "file": row.path,
        }));
    }

    fn event(&self, value: serde_json::Value) {
        if self.json {
            println!("{value}");
        }
    }

    fn words(&self, line: &str) {
        if !self.json {
            println!("{line}");
        }
    }
}

impl Room for Terminal {
    fn seen(&mut self, now_ms: u64) -> Seen {
        // Saves the run now and then, as the window's ticker does.
        if let Err(e) = self.session.tick() {
            eprintln!("warning: the run could not be saved: {e}; trying again");
        }
        if self.recording.as_ref().is_some_and(|(r, _)| r.is_finished()) {
            // The take ended by itself (device lost, disk full).
            if let Some((recorder, take_id)) = self.recording.take() {
                let ended = recorder.wait().map_err(|e| e.to_string());
                if let Err(why) = &ended {
                    eprintln!("error: the recording stopped: {why}");
                }
                self.file(take_id, ended);
            }
        }
        let answer = self.session.view().as_ref().and_then(hands_free::answering);
        let recording = self.recording.as_ref().map(|(r, _)| {
            let levels = r.status().levels;
            Heard { speech_ms: levels.speech_ms, quiet_ms: levels.quiet_ms }
        });
        Seen { now_ms, answer, recording }
    }

    fn ask(&mut self, text: &str) -> bool {
        let reason = self.session.view().and_then(|v| v.probe_reason.filter(|_| v.probe.is_some()));
        if let Some(reason) = &reason {
            self.words(&format!("  ({reason})"));
        }
        self.words(&format!("Interviewer: {text}"));
        let asked_at = wall_ms();
        let timing = self.say(text);
        self.event(json!({
            "event": "asked", "text": text, "reason": reason, "asked_at": asked_at,
            "voice_began_at": timing.map(|t| t.0), "voice_ended_at": timing.map(|t| t.1),
        }));
        // Nothing here stops the voice but Ctrl-C, which ends it all.
        true
    }

    fn start_recording(&mut self, _key: AnswerKey) -> bool {
        // One thread drives this room: the answer cannot have changed.
        let (take_id, path) = match self.session.begin_take() {
            Ok(take) => take,
            Err(e) => {
                eprintln!("error: cannot file a take: {e}");
                return false;
            }
        };
        let asked_at = wall_ms();
        match Recorder::start(&path, &self.options) {
            Ok(recorder) => {
                let first_samples_at = wall_ms();
                self.recording = Some((recorder, take_id));
                self.event(json!({
                    "event": "recording", "take_id": take_id,
                    "asked_at": asked_at, "first_samples_at": first_samples_at,
                }));
                true
            }
            Err(e) => {
                let _ = self.session.delete_take(take_id);
                eprintln!("error: {e}. The round goes on without recording.");
                false
            }
        }
    }

    fn stop_recording(&mut self) {
        let Some((recorder, take_id)) = self.recording.take() else { return };
        let ended = recorder.stop().map_err(|e| e.to_string());
        if let Err(why) = &ended {
            eprintln!("error: the take could not be finished: {why}");
        }
        self.file(take_id, ended);
    }

    fn say_time_up(&mut self) {
        self.words(&format!("Interviewer: {TIME_UP_LINE}"));
        let timing = self.say(TIME_UP_LINE);
        self.event(json!({ "event": "time_up", "voice_ended_at": timing.map(|t| t.1) }));
    }

    fn next(&mut self, key: AnswerKey) {
        if self.session.view().as_ref().and_then(hands_free::answering).is_none_or(|a| a.key != key) {
            return;
        }
        match self.session.act(Action::Next) {
            Ok(update) => self.event(json!({ "event": "next", "phase": update.view.phase })),
            Err(e) => eprintln!("error: cannot move on: {e}"),
        }
    }

    fn show(&mut self, turn: Turn) {
        if self.json {
            // The countdown's every change is noise to a script, and a
            // turn shown again is no change.
            if !matches!(turn, Turn::MovingOn { .. }) && self.last_turn != Some(turn) {
                self.last_turn = Some(turn);
                self.event(json!({ "event": "turn", "turn": turn, "at": wall_ms() }));
            }
            return;
        }
        let line = match turn {
            Turn::Answering => "— Your answer, recording".to_owned(),
            Turn::MovingOn { left_ms } => format!("— Moving on in {} s (speak to go on)", left_ms.div_ceil(1000)),
            Turn::Yours => "— The recording stopped; Ctrl-C ends the round here".to_owned(),
            Turn::Waiting | Turn::Asking | Turn::Ended { .. } => return,
        };
        if line != self.shown {
            println!("{line}");
            self.shown = line;
        }
    }
}

/// Rehearses one round hands-free; the exit code.
pub fn rehearse(args: RehearseArgs, data_dir: Option<&Path>) -> i32 {
    match run(args, data_dir) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}

fn run(args: RehearseArgs, data_dir: Option<&Path>) -> Result<i32, String> {
    args.rule.validate()?;
    if let Some(v) = &args.voice {
        v.validate().map_err(|e| e.to_string())?;
    }
    let dir = mockloop_core::paths::data_dir(data_dir).map_err(|e| e.to_string())?;
    let lock = mockloop_core::lock::DataLock::acquire(&dir, "mockloop rehearse").map_err(|e| e.to_string())?;
    let mut session = Session::open_locked(&dir, Arc::new(SystemClock::new()), lock).map_err(|e| e.to_string())?;
    let round = match args.round {
        Some(round) => round,
        None => {
            let lp = session
                .catalog()
                .get(&args.loop_id)
                .ok_or_else(|| format!("there is no loop \"{}\" (mockloop loops lists them)", args.loop_id))?;
            lp.rounds.first().map(|r| r.id.clone()).ok_or("that loop has no rounds")?
        }
    };
    let seed = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
    let view = session.start(&args.loop_id, Some(&round), true, seed).map_err(|e| e.to_string())?;
    let speaker = match args.voice {
        Some(settings) => match Speaker::connect() {
            Ok(speaker) => Some((speaker, settings)),
            Err(e) => {
                eprintln!("note: questions are printed, not spoken: {e}");
                None
            }
        },
        None => None,
    };
    let controls = Controls::default();
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        // Ctrl-C ends hands-free at its next look; the take is finished.
        signal_hook::flag::register(signal, Arc::clone(&controls.stop))
            .map_err(|e| format!("cannot handle Ctrl-C: {e}"))?;
    }
    let json = args.json;
    if !json {
        println!(
            "{}, {} (run {}). Answers end after {} s of quiet once you have spoken {} s; Ctrl-C stops.",
            view.loop_title, view.round_title, view.run_id, args.rule.quiet_seconds, args.rule.after_speech_seconds
        );
    }
    let options = RecordOptions { device: args.device, quality: args.quality, ..RecordOptions::default() };
    let mut room = Terminal { session, speaker, recording: None, options, json, shown: String::new(), last_turn: None };
    hands_free::drive(&mut room, Interviewer::new(args.rule), &controls, true);
    room.stop_recording();
    room.session.save_active().map_err(|e| format!("the run could not be saved: {e}"))?;
    let assessing = room.session.view().is_some_and(|v| v.phase != Phase::Answering);
    room.event(json!({ "event": "done", "assessing": assessing, "run_id": view.run_id }));
    if !json {
        if assessing {
            println!("The round is done: rate it in the window (Home → Resume run {}).", view.run_id);
        } else {
            println!("Stopped; the run is saved (Home → Resume run {}).", view.run_id);
        }
    }
    Ok(0)
}
