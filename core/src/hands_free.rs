//! Hands-free rehearsal carried out: a loop that asks the pure
//! [`Interviewer`] what to do and does it, the takes and the run through
//! the [`Booth`] (the same calls the keyboard's commands make), the voice
//! and the screen through a [`Room`]: the window's, or the terminal's
//! `mockloop rehearse`. A room only speaks and shows; it never records or
//! moves the run on itself.
//!
//! It polls every [`POLL`]: the live voice figures change every 16 ms and
//! a silence rule counts whole seconds, so a tenth of a second is finer
//! than anyone can tell. `Ask` blocks for as long as the voice speaks,
//! which is the point.

use crate::audio::RecordOptions;
use crate::booth::{Booth, BoothError, Notice, Started};
use crate::rehearsal::hands_free::{AnswerKey, Interviewer, Seen, Step, Turn};
use crate::session::{Action, RunView, Update};
use crate::store::TakeRow;
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

/// Where hands-free is seen and heard: the voice and the screen.
pub trait Room {
    /// Says `text` (the question or follow-up up now) and returns once the
    /// voice has ended (at once without a voice); false when it was
    /// stopped before the end.
    fn ask(&mut self, text: &str) -> bool;
    /// Says the time-up line.
    fn say_time_up(&mut self);
    /// Whose turn it is, and whether a take is recording: on each change (a
    /// countdown's included), and again after the steps of a turn.
    fn show(&mut self, turn: Turn, recording: bool);
    /// A take began recording.
    fn recording(&mut self, _started: &Started) {}
    /// A take was filed: stopped by hands-free, or ended by itself
    /// (`by_itself`: the microphone lost, the disk full).
    fn recorded(&mut self, _take: &TakeRow, _by_itself: bool) {}
    /// The run moved on from an answer.
    fn moved_on(&mut self, _update: &Update) {}
    /// Something could not be done (no microphone, the run could not be
    /// saved); hands-free goes on.
    fn trouble(&mut self, problem: &BoothError);
    /// The work after a take told something (a take's figures).
    fn told(&mut self, _notice: Notice) {}
    /// Called at every look, for a room that keeps the run saved itself
    /// (the terminal has no ticker thread).
    fn poll(&mut self, _booth: &Booth) {}
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

/// How [`drive`] records, and when it ends.
#[derive(Debug, Clone, Default)]
pub struct Drive {
    /// The microphone and quality of the takes.
    pub record: RecordOptions,
    /// End once the run has no answer to give (its assessment, or its
    /// end); else only on `controls.stop`.
    pub until_assessed: bool,
}

/// Runs hands-free until `controls.stop` is set, or (with
/// `until_assessed`) until the run has no answer to give.
pub fn drive(booth: &Booth, room: &mut dyn Room, mut interviewer: Interviewer, controls: &Controls, how: &Drive) {
    let start = Instant::now();
    let now = || start.elapsed().as_millis() as u64;
    let mut shown: Option<(Turn, bool)> = None;
    let mut began = false;
    while !controls.stop.load(Ordering::Acquire) {
        if controls.stay.swap(false, Ordering::AcqRel) {
            interviewer.stay();
        }
        room.poll(booth);
        if let Some(reaped) = booth.reap_take() {
            match reaped {
                Ok(take) => room.recorded(&take, true),
                Err(e) => room.trouble(&e),
            }
        }
        let seen = seen(booth, now());
        let answering = seen.answer.is_some();
        let steps = interviewer.step(&seen);
        let turn = (interviewer.turn(now()), booth.is_recording());
        if shown != Some(turn) {
            room.show(turn.0, turn.1);
            shown = Some(turn);
        }
        if how.until_assessed && began && !answering {
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
                    if !start_recording(booth, room, controls, &how.record, key) {
                        // The room said why; hands-free waits for the
                        // candidate (N moves on, Space tries again).
                        break;
                    }
                }
                Step::StopRecording => stop_recording(booth, room),
                Step::SayTimeUp => room.say_time_up(),
                Step::Next(key) => next(booth, room, key),
            }
        }
        // Shown again once its steps are done: the same turn, now with the
        // take started or stopped.
        let turn = (interviewer.turn(now()), booth.is_recording());
        room.show(turn.0, turn.1);
        shown = Some(turn);
    }
}

/// The run and the take as they are now.
fn seen(booth: &Booth, now_ms: u64) -> Seen {
    let view = booth.with_session(|s| Ok::<_, BoothError>(s.view())).ok().flatten();
    Seen { now_ms, answer: view.as_ref().and_then(RunView::answering), recording: booth.heard() }
}

/// Records the answer `key`, if it is still the one up; false when it is
/// not, or the microphone failed (the room is told why).
fn start_recording(
    booth: &Booth,
    room: &mut dyn Room,
    controls: &Controls,
    options: &RecordOptions,
    key: AnswerKey,
) -> bool {
    if controls.stop.load(Ordering::Acquire) {
        return false;
    }
    match booth.start_take(options, Some(key)) {
        // Turned off while the microphone opened: not ours to keep.
        Ok(_) if controls.stop.load(Ordering::Acquire) => {
            stop_recording(booth, room);
            false
        }
        Ok(started) => {
            room.recording(&started);
            true
        }
        Err(BoothError::MovedOn) => false,
        Err(e) => {
            room.trouble(&e);
            false
        }
    }
}

fn stop_recording(booth: &Booth, room: &mut dyn Room) {
    match booth.stop_take() {
        Ok(Some(take)) => room.recorded(&take, false),
        Ok(None) => {}
        Err(e) => room.trouble(&e),
    }
}

/// Moves the run on from the answer `key`, if it is still the one up (the
/// candidate may have moved on by hand meanwhile), once the main answer's
/// takes are analysed: the probes follow how it sounded.
fn next(booth: &Booth, room: &mut dyn Room, key: AnswerKey) {
    booth.settle_answer(&mut |notice| room.told(notice));
    let moved = booth.with_session(|s| {
        let up = s.view().as_ref().and_then(RunView::answering).is_some_and(|a| a.key == key);
        if up {
            s.act(Action::Next).map(Some).map_err(BoothError::from)
        } else {
            Ok(None)
        }
    });
    match moved {
        Ok(Some(update)) => room.moved_on(&update),
        Ok(None) => {}
        Err(e) => room.trouble(&e),
    }
}
