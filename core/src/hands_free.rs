//! Hands-free rehearsal carried out: a loop that asks the pure
//! [`Interviewer`] what to do and does it in a [`Room`] (the window's, or
//! the terminal's `mockloop rehearse`). The room owns the session, the
//! microphone and the voice; this loop only sequences them.
//!
//! It polls every [`POLL`]: the live voice figures change every 16 ms and
//! a silence rule counts whole seconds, so a tenth of a second is finer
//! than anyone can tell. Nothing here blocks on a lock of its own; `Ask`
//! blocks for as long as the voice speaks, which is the point.

use crate::rehearsal::hands_free::{AnswerKey, Answering, Interviewer, Seen, Step, Turn};
use crate::rehearsal::Phase;
use crate::session::RunView;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How often the run and the microphone are looked at.
pub const POLL: Duration = Duration::from_millis(100);
/// A breath between the engine saying the voice has ended and the
/// recording: a take opening on the tail of the question would count it as
/// the answer's. Small, because Speech Dispatcher says "ended" once the
/// audio has played, espeak-ng's own trailing silence included (measured:
/// 250-270 ms after the last audible sample, tests/hands_free.rs).
pub const AFTER_VOICE: Duration = Duration::from_millis(50);

/// The answer `view` is waiting for, as the interviewer sees it; `None`
/// outside the answering phase.
pub fn answering(view: &RunView) -> Option<Answering> {
    (view.phase == Phase::Answering).then(|| Answering {
        key: (view.run_id, view.round_number - 1, view.question_number - 1, view.probe_index),
        text: view.probe.clone().unwrap_or_else(|| view.question.clone()),
        remaining_ms: view.answer_timer.remaining_ms,
        paused: view.paused,
    })
}

/// Where hands-free happens: each method does one [`Step`].
pub trait Room {
    /// The run and the take as they are now (`now_ms` as given).
    fn seen(&mut self, now_ms: u64) -> Seen;
    /// Says `text` and returns once the voice has ended (at once without
    /// a voice); false when it was stopped before the end.
    fn ask(&mut self, text: &str) -> bool;
    /// Starts recording the answer `key`, if it is still the one up; false
    /// when it is not, or the microphone failed (the room says why).
    fn start_recording(&mut self, key: AnswerKey) -> bool;
    /// Stops the take, if one is recording.
    fn stop_recording(&mut self);
    /// Says the time-up line.
    fn say_time_up(&mut self);
    /// Moves the run on from the answer `key`, if it is still the one up.
    fn next(&mut self, key: AnswerKey);
    /// Whose turn it is: on each change (a countdown's included), and again
    /// after the steps of a turn were done.
    fn show(&mut self, turn: Turn);
}

/// What ends [`drive`], and asks the candidate's "Stay".
#[derive(Debug, Default)]
pub struct Controls {
    /// Hands-free is over: the loop returns at its next look. Shared, so
    /// a signal handler can set it.
    pub stop: Arc<AtomicBool>,
    /// The candidate asked to stay in the answer.
    pub stay: AtomicBool,
}

/// Runs hands-free until `controls.stop` is set, or (with `until_assessed`)
/// until the run has no answer to give (the assessment, or its end).
pub fn drive(room: &mut dyn Room, mut interviewer: Interviewer, controls: &Controls, until_assessed: bool) {
    let start = Instant::now();
    let now = || start.elapsed().as_millis() as u64;
    let mut shown: Option<Turn> = None;
    let mut began = false;
    while !controls.stop.load(Ordering::Acquire) {
        if controls.stay.swap(false, Ordering::AcqRel) {
            interviewer.stay();
        }
        let seen = room.seen(now());
        let answering = seen.answer.is_some();
        let steps = interviewer.step(&seen);
        let turn = interviewer.turn(now());
        if shown != Some(turn) {
            room.show(turn);
            shown = Some(turn);
        }
        if until_assessed && began && !answering {
            return;
        }
        began |= answering;
        if steps.is_empty() {
            std::thread::sleep(POLL);
            continue;
        }
        for step in steps {
            if controls.stop.load(Ordering::Acquire) {
                return;
            }
            match step {
                Step::Ask(text) => {
                    if !room.ask(&text) {
                        interviewer.interrupted();
                        break;
                    }
                    std::thread::sleep(AFTER_VOICE);
                }
                Step::StartRecording(key) => {
                    if !room.start_recording(key) {
                        // The room said why; hands-free waits for the
                        // candidate (N moves on, Space tries again).
                        break;
                    }
                }
                Step::StopRecording => room.stop_recording(),
                Step::SayTimeUp => room.say_time_up(),
                Step::Next(key) => room.next(key),
            }
        }
        // Shown again once its steps are done: the same turn, now with the
        // take started or stopped.
        let turn = interviewer.turn(now());
        room.show(turn);
        shown = Some(turn);
    }
}
