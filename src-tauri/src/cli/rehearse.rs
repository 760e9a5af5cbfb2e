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

use mockloop_core::audio::{Quality, RecordOptions};
use mockloop_core::booth::{Booth, BoothError, Notice, Started};
use mockloop_core::clock::SystemClock;
use mockloop_core::hands_free::{self, Controls, Drive, Room};
use mockloop_core::rehearsal::hands_free::{Interviewer, SilenceRule, Turn, TIME_UP_LINE};
use mockloop_core::rehearsal::Phase;
use mockloop_core::session::{SessionError, Update};
use mockloop_core::store::TakeRow;
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

/// The terminal as a hands-free room: it speaks and prints; the booth
/// records and moves the run on.
struct Terminal<'a> {
    booth: &'a Booth,
    speaker: Option<(Speaker, VoiceSettings)>,
    json: bool,
    /// The last line `show` printed, so a countdown prints once a second.
    shown: String,
    /// The last turn `show` sent as JSON.
    last_turn: Option<Turn>,
}

impl Terminal<'_> {
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

impl Room for Terminal<'_> {
    fn poll(&mut self, booth: &Booth) {
        // Saves the run now and then, as the window's ticker does.
        if let Err(e) = booth.with_session(|s| s.tick().map_err(BoothError::from)) {
            eprintln!("warning: the run could not be saved: {e}; trying again");
        }
    }

    fn ask(&mut self, text: &str) -> bool {
        let view = self.booth.with_session(|s| Ok::<_, BoothError>(s.view())).ok().flatten();
        let reason = view.and_then(|v| v.probe_reason.filter(|_| v.probe.is_some()));
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

    fn say_time_up(&mut self) {
        self.words(&format!("Interviewer: {TIME_UP_LINE}"));
        let timing = self.say(TIME_UP_LINE);
        self.event(json!({ "event": "time_up", "voice_ended_at": timing.map(|t| t.1) }));
    }

    fn recording(&mut self, started: &Started) {
        let first_samples_at = wall_ms();
        self.event(json!({
            "event": "recording", "take_id": started.take_id,
            "asked_at": first_samples_at.saturating_sub(started.opened_ms.into()), "first_samples_at": first_samples_at,
        }));
    }

    fn recorded(&mut self, take: &TakeRow, by_itself: bool) {
        if let Some(why) = take.error.as_ref().filter(|_| by_itself) {
            eprintln!("error: the recording stopped: {why}");
        }
        // Analysed now: the probes that follow a main answer depend on it,
        // and the line below says how much of it was speech.
        self.booth.settle(&[take.id], &mut |_| {});
        let row = self.booth.with_session(|s| Ok::<_, BoothError>(s.store().take(take.id)?));
        let speaking = row.ok().and_then(|r| r.delivery).map(|d| d.speaking_seconds);
        let seconds = take.duration_ms as f64 / 1000.0;
        self.words(&format!(
            "  recorded {seconds:.1} s{}",
            speaking.map_or(String::new(), |s| format!(", {s:.1} s of it speech"))
        ));
        self.event(json!({
            "event": "recorded", "take_id": take.id, "seconds": seconds, "speaking_seconds": speaking,
            "file": take.path,
        }));
    }

    fn moved_on(&mut self, update: &Update) {
        self.event(json!({ "event": "next", "phase": update.view.phase }));
    }

    fn trouble(&mut self, problem: &BoothError) {
        eprintln!("error: {problem}");
    }

    fn told(&mut self, _notice: Notice) {}

    fn show(&mut self, turn: Turn, _recording: bool) {
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
            log::error!("rehearse: {e}");
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
    let _log = mockloop_core::logging::start(&dir, super::LOG_NAME);
    let booth = Booth::open(Arc::new(SystemClock::new()), lock);
    if let Some(why) = booth.unopened() {
        return Err(why.message);
    }
    let view = booth
        .with_session(|s| {
            let round = match &args.round {
                Some(round) => round.clone(),
                None => {
                    let lp = s
                        .catalog()
                        .get(&args.loop_id)
                        .ok_or_else(|| BoothError::from(SessionError::UnknownLoop(args.loop_id.clone())))?;
                    let first = lp.rounds.first().map(|r| r.id.clone());
                    first.ok_or_else(|| SessionError::BadSetting("that loop has no rounds".into()))?
                }
            };
            let seed = s.clock().wall().timestamp_nanos_opt().map_or(0, |n| n as u64);
            Ok::<_, BoothError>(s.start(&args.loop_id, Some(&round), true, seed)?)
        })
        .map_err(|e| e.to_string())?;
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
    let how = Drive {
        record: RecordOptions { device: args.device, quality: args.quality, ..RecordOptions::default() },
        until_assessed: true,
    };
    let mut room = Terminal { booth: &booth, speaker, json, shown: String::new(), last_turn: None };
    hands_free::drive(&booth, &mut room, Interviewer::new(args.rule), &controls, &how);
    match booth.stop_take() {
        Ok(Some(take)) => room.recorded(&take, false),
        Ok(None) => {}
        Err(e) => eprintln!("error: the take could not be finished: {e}"),
    }
    booth.close().map_err(|e| format!("the run could not be saved: {e}"))?;
    let assessing = booth
        .with_session(|s| Ok::<_, BoothError>(s.view()))
        .ok()
        .flatten()
        .is_some_and(|v| v.phase != Phase::Answering);
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
