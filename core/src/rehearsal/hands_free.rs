//! Hands-free rehearsal decided, never done: given what the run and the
//! microphone look like now, [`Interviewer::step`] says what happens next
//! (ask, start recording, stop, say time is up, move on) and
//! [`Interviewer::turn`] says whose turn it is. Pure: no clock, no device,
//! no I/O; the caller passes the time in. The window's and the terminal's
//! drivers (`crate::hands_free`) carry the steps out.
//!
//! One answer, hands-free: the interviewer asks → the recording starts when
//! the voice has ended → the answer ends by itself when the candidate has
//! spoken at least [`SilenceRule::after_speech_seconds`] and then been quiet
//! [`SilenceRule::quiet_seconds`], after a [`MOVE_ON_MS`] countdown the
//! candidate can stop ("stay"); or when the answer's time is up, with the
//! interviewer saying so → the next probe is asked → after the last, the
//! assessment, where hands-free waits until the next round begins.

use crate::limits::LIMITS;
use serde::{Deserialize, Serialize};

/// How long "Moving on in 3 s" lasts before the answer ends.
pub const MOVE_ON_MS: u64 = 3_000;
/// What the interviewer says when an answer's time is up.
pub const TIME_UP_LINE: &str = "Thank you, that is time. Let's move on.";

/// When a hands-free answer ends by itself on silence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SilenceRule {
    /// Seconds of quiet that end an answer.
    pub quiet_seconds: u32,
    /// Seconds of speech the answer must hold before quiet can end it, so
    /// a pause to think before the first word does not.
    pub after_speech_seconds: u32,
}

impl Default for SilenceRule {
    fn default() -> Self {
        let whole = |d: i32| u32::try_from(d).unwrap_or_default();
        Self {
            quiet_seconds: whole(LIMITS.quiet_seconds.default),
            after_speech_seconds: whole(LIMITS.after_speech_seconds.default),
        }
    }
}

impl SilenceRule {
    /// Refuses a rule no answer could meet sensibly, in words.
    pub fn validate(&self) -> Result<(), String> {
        let (quiet, after) = (LIMITS.quiet_seconds, LIMITS.after_speech_seconds);
        if !quiet.contains(self.quiet_seconds.into()) {
            return Err(format!(
                "the silence that ends an answer must be {} to {} seconds, not {}",
                quiet.min, quiet.max, self.quiet_seconds
            ));
        }
        if !after.contains(self.after_speech_seconds.into()) {
            return Err(format!(
                "the speech an answer needs before silence ends it must be at most {} seconds, not {}",
                after.max, self.after_speech_seconds
            ));
        }
        Ok(())
    }
}

/// Which answer: run, round position, question position and probe (the
/// file's index), so a new probe is a new answer.
pub type AnswerKey = (i64, usize, usize, Option<usize>);

/// The answer being given, as the driver sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Answering {
    /// Which answer it is.
    pub key: AnswerKey,
    /// What the interviewer asks: the probe if one is up, else the question.
    pub text: String,
    /// Milliseconds left on the answer's clock (negative past time).
    pub remaining_ms: i64,
    /// Whether the run is paused.
    pub paused: bool,
}

/// What the live voice detector has heard of the take being recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Heard {
    /// Milliseconds heard as voice so far.
    pub speech_ms: u64,
    /// Milliseconds since voice was last heard.
    pub quiet_ms: u64,
}

/// Everything [`Interviewer::step`] looks at.
#[derive(Debug, Clone, PartialEq)]
pub struct Seen {
    /// Milliseconds on any steady clock.
    pub now_ms: u64,
    /// The answer being given; `None` while assessing or after the run.
    pub answer: Option<Answering>,
    /// The take being recorded, if one is.
    pub recording: Option<Heard>,
}

/// What the driver does, in the order given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Say this question or probe, and return once the voice has ended.
    Ask(String),
    /// Start recording this answer, if it is still the one up.
    StartRecording(AnswerKey),
    /// Stop the take.
    StopRecording,
    /// Say [`TIME_UP_LINE`].
    SayTimeUp,
    /// Move the run on from this answer (to the next probe, question, or
    /// the assessment), if it is still the one up: the candidate may have
    /// moved on by hand meanwhile.
    Next(AnswerKey),
}

/// Why an answer is ending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum EndedBy {
    /// The candidate fell quiet.
    Silence,
    /// The answer's time ran out.
    TimeUp,
}

/// Whose turn it is, for the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "turn", rename_all = "snake_case")]
pub enum Turn {
    /// Nothing to do: assessing, paused, or between runs.
    Waiting,
    /// The interviewer is asking.
    Asking,
    /// The candidate is answering and being recorded.
    Answering,
    /// The answer ends in `left_ms` unless the candidate stays or speaks.
    MovingOn {
        /// Milliseconds until it ends.
        #[cfg_attr(feature = "specta", specta(type = u32))]
        left_ms: u64,
    },
    /// The candidate stopped the recording by hand: N moves on.
    Yours,
    /// The answer has ended and the run is moving on.
    Ended {
        /// How.
        by: EndedBy,
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    Idle,
    Asking(AnswerKey),
    Listening(AnswerKey),
    /// Quiet long enough: moving on at `since + MOVE_ON_MS`.
    MovingOn(AnswerKey, u64),
    /// The candidate stayed: silence ends nothing until they speak again.
    Stayed(AnswerKey),
    /// The recording was stopped by someone else (the candidate, or the
    /// device): nothing happens until the answer changes.
    Yours(AnswerKey),
    Ended(AnswerKey, EndedBy),
}

impl State {
    fn key(self) -> Option<AnswerKey> {
        match self {
            State::Idle => None,
            State::Asking(k)
            | State::Listening(k)
            | State::MovingOn(k, _)
            | State::Stayed(k)
            | State::Yours(k)
            | State::Ended(k, _) => Some(k),
        }
    }
}

/// The hands-free interviewer: one per hands-free session.
#[derive(Debug, Clone)]
pub struct Interviewer {
    rule: SilenceRule,
    state: State,
    /// No step taken yet: a take already recording is this answer's.
    fresh: bool,
}

impl Interviewer {
    /// An interviewer ending answers on `rule`.
    pub fn new(rule: SilenceRule) -> Self {
        Self { rule, state: State::Idle, fresh: true }
    }

    /// The candidate is not done ("Stay"): the countdown stops, and silence
    /// ends nothing until they have spoken again. Nothing otherwise.
    pub fn stay(&mut self) {
        if let State::MovingOn(key, _) = self.state {
            self.state = State::Stayed(key);
        }
    }

    /// The question was cut short (the candidate moved on, recorded or
    /// left): nothing is recorded for it until they say so (Space), or the
    /// answer changes.
    pub fn interrupted(&mut self) {
        if let State::Asking(key) = self.state {
            self.state = State::Yours(key);
        }
    }

    /// Whose turn it is at `now_ms`.
    pub fn turn(&self, now_ms: u64) -> Turn {
        match self.state {
            State::Idle => Turn::Waiting,
            State::Asking(_) => Turn::Asking,
            State::Listening(_) | State::Stayed(_) => Turn::Answering,
            State::MovingOn(_, since) => Turn::MovingOn { left_ms: (since + MOVE_ON_MS).saturating_sub(now_ms).max(1) },
            State::Yours(_) => Turn::Yours,
            State::Ended(_, by) => Turn::Ended { by },
        }
    }

    /// What to do now, given what is seen. Empty when nothing is to be
    /// done until something changes.
    pub fn step(&mut self, seen: &Seen) -> Vec<Step> {
        let fresh = std::mem::replace(&mut self.fresh, false);
        let Some(answer) = seen.answer.as_ref() else {
            // The assessment (or the run's end): a take still running
            // belongs to no answer.
            let was_idle = self.state == State::Idle;
            self.state = State::Idle;
            return if seen.recording.is_some() && !(fresh && was_idle) {
                vec![Step::StopRecording]
            } else {
                Vec::new()
            };
        };
        let key = answer.key;
        if self.state.key() != Some(key) {
            // Hands-free turned on mid-answer: a take already running goes
            // on as this answer's. Any other new answer is asked (a take
            // left running from the last one is stopped first).
            if fresh && seen.recording.is_some() {
                self.state = State::Listening(key);
                return Vec::new();
            }
            self.state = State::Asking(key);
            let ask = Step::Ask(answer.text.clone());
            return if seen.recording.is_some() { vec![Step::StopRecording, ask] } else { vec![ask] };
        }
        if answer.paused {
            // The quiet of a pause is no silence of the answer's: after it,
            // silence ends nothing until the candidate has spoken again.
            if let State::MovingOn(k, _) | State::Listening(k) = self.state {
                self.state = State::Stayed(k);
            }
            return Vec::new();
        }
        let quiet_ms = u64::from(self.rule.quiet_seconds) * 1000;
        let time_up = answer.remaining_ms <= 0;
        match (self.state, seen.recording) {
            (State::Asking(_), None) if time_up => {
                self.state = State::Ended(key, EndedBy::TimeUp);
                vec![Step::SayTimeUp, Step::Next(key)]
            }
            (State::Asking(_), None) => {
                self.state = State::Listening(key);
                vec![Step::StartRecording(key)]
            }
            (State::Asking(_), Some(_)) => {
                // Recording began by hand while the question was asked.
                self.state = State::Listening(key);
                Vec::new()
            }
            (State::Listening(_) | State::MovingOn(..) | State::Stayed(_), None) => {
                self.state = State::Yours(key);
                Vec::new()
            }
            (State::Listening(_) | State::MovingOn(..) | State::Stayed(_), Some(_)) if time_up => {
                self.state = State::Ended(key, EndedBy::TimeUp);
                vec![Step::StopRecording, Step::SayTimeUp, Step::Next(key)]
            }
            (State::Listening(_), Some(heard)) => {
                let spoke_enough = heard.speech_ms >= u64::from(self.rule.after_speech_seconds) * 1000;
                if spoke_enough && heard.quiet_ms >= quiet_ms {
                    self.state = State::MovingOn(key, seen.now_ms);
                }
                Vec::new()
            }
            (State::MovingOn(_, since), Some(heard)) => {
                if heard.quiet_ms < quiet_ms {
                    self.state = State::Listening(key);
                    Vec::new()
                } else if seen.now_ms >= since + MOVE_ON_MS {
                    self.state = State::Ended(key, EndedBy::Silence);
                    vec![Step::StopRecording, Step::Next(key)]
                } else {
                    Vec::new()
                }
            }
            (State::Stayed(_), Some(heard)) => {
                if heard.quiet_ms < quiet_ms {
                    self.state = State::Listening(key);
                }
                Vec::new()
            }
            (State::Yours(_), Some(_)) => {
                // Recording again by hand: hands-free listens again.
                self.state = State::Listening(key);
                Vec::new()
            }
            (State::Yours(_), None) if time_up => {
                // The interviewer still keeps the time.
                self.state = State::Ended(key, EndedBy::TimeUp);
                vec![Step::SayTimeUp, Step::Next(key)]
            }
            (State::Yours(_) | State::Ended(..), _) | (State::Idle, _) => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const Q: AnswerKey = (1, 0, 0, None);
    const P: AnswerKey = (1, 0, 0, Some(2));

    fn answering(key: AnswerKey, remaining_ms: i64) -> Option<Answering> {
        Some(Answering { key, text: format!("text of {key:?}"), remaining_ms, paused: false })
    }

    fn seen(now_ms: u64, answer: Option<Answering>, recording: Option<(u64, u64)>) -> Seen {
        Seen { now_ms, answer, recording: recording.map(|(speech_ms, quiet_ms)| Heard { speech_ms, quiet_ms }) }
    }

    fn rule() -> SilenceRule {
        SilenceRule { quiet_seconds: 5, after_speech_seconds: 20 }
    }

    #[test]
    fn asks_then_records_once_the_voice_has_ended() {
        let mut i = Interviewer::new(rule());
        assert_eq!(i.step(&seen(0, answering(Q, 120_000), None)), vec![Step::Ask("text of (1, 0, 0, None)".into())]);
        assert_eq!(i.turn(0), Turn::Asking);
        assert_eq!(i.step(&seen(4_000, answering(Q, 116_000), None)), vec![Step::StartRecording(Q)]);
        assert_eq!(i.turn(4_000), Turn::Answering);
        // Recording: nothing more to do while the candidate speaks.
        assert!(i.step(&seen(4_100, answering(Q, 115_900), Some((0, 100)))).is_empty());
    }

    #[test]
    fn silence_before_enough_speech_ends_nothing() {
        let mut i = Interviewer::new(rule());
        i.step(&seen(0, answering(Q, 120_000), None));
        i.step(&seen(1, answering(Q, 120_000), None));
        // 19 s spoken, then 30 s quiet: still the candidate's turn.
        assert!(i.step(&seen(60_000, answering(Q, 60_000), Some((19_000, 30_000)))).is_empty());
        assert_eq!(i.turn(60_000), Turn::Answering);
    }

    #[test]
    fn quiet_after_enough_speech_counts_down_then_moves_on() {
        let mut i = Interviewer::new(rule());
        i.step(&seen(0, answering(Q, 120_000), None));
        i.step(&seen(1, answering(Q, 120_000), None));
        assert!(i.step(&seen(40_000, answering(Q, 80_000), Some((25_000, 4_999)))).is_empty());
        assert_eq!(i.turn(40_000), Turn::Answering);
        assert!(i.step(&seen(41_000, answering(Q, 79_000), Some((25_000, 5_000)))).is_empty());
        assert_eq!(i.turn(41_000), Turn::MovingOn { left_ms: 3_000 });
        assert_eq!(i.turn(43_500), Turn::MovingOn { left_ms: 500 });
        assert!(i.step(&seen(43_999, answering(Q, 76_001), Some((25_000, 7_999)))).is_empty());
        assert_eq!(
            i.step(&seen(44_000, answering(Q, 76_000), Some((25_000, 8_000)))),
            vec![Step::StopRecording, Step::Next(Q)]
        );
        assert_eq!(i.turn(44_000), Turn::Ended { by: EndedBy::Silence });
        // Until the run has moved on, nothing more.
        assert!(i.step(&seen(44_100, answering(Q, 75_900), None)).is_empty());
        // The probe is a new answer: asked.
        assert_eq!(
            i.step(&seen(44_200, answering(P, 60_000), None)),
            vec![Step::Ask("text of (1, 0, 0, Some(2))".into())]
        );
    }

    #[test]
    fn speaking_again_during_the_countdown_keeps_the_answer_going() {
        let mut i = Interviewer::new(rule());
        i.step(&seen(0, answering(Q, 120_000), None));
        i.step(&seen(1, answering(Q, 120_000), None));
        i.step(&seen(30_000, answering(Q, 90_000), Some((21_000, 5_000))));
        assert!(matches!(i.turn(30_000), Turn::MovingOn { .. }));
        assert!(i.step(&seen(31_000, answering(Q, 89_000), Some((21_100, 0)))).is_empty());
        assert_eq!(i.turn(31_000), Turn::Answering);
        // A new silence counts down afresh, from when it is heard.
        i.step(&seen(40_000, answering(Q, 80_000), Some((22_000, 5_000))));
        assert_eq!(i.turn(40_000), Turn::MovingOn { left_ms: 3_000 });
    }

    #[test]
    fn staying_stops_the_countdown_until_the_candidate_speaks_again() {
        let mut i = Interviewer::new(rule());
        i.step(&seen(0, answering(Q, 120_000), None));
        i.step(&seen(1, answering(Q, 120_000), None));
        i.step(&seen(30_000, answering(Q, 90_000), Some((21_000, 5_000))));
        i.stay();
        assert_eq!(i.turn(31_000), Turn::Answering);
        // Still quiet long past the countdown: stays.
        assert!(i.step(&seen(45_000, answering(Q, 75_000), Some((21_000, 20_000)))).is_empty());
        assert_eq!(i.turn(45_000), Turn::Answering);
        // Speaks, then falls quiet again: the rule applies again.
        i.step(&seen(46_000, answering(Q, 74_000), Some((22_000, 0))));
        i.step(&seen(52_000, answering(Q, 68_000), Some((22_000, 5_000))));
        assert!(matches!(i.turn(52_000), Turn::MovingOn { .. }));
        // Staying outside a countdown does nothing.
        let mut j = Interviewer::new(rule());
        j.stay();
        assert_eq!(j.turn(0), Turn::Waiting);
    }

    #[test]
    fn time_up_stops_the_take_says_so_and_moves_on() {
        let mut i = Interviewer::new(rule());
        i.step(&seen(0, answering(Q, 120_000), None));
        i.step(&seen(1, answering(Q, 120_000), None));
        assert!(i.step(&seen(119_999, answering(Q, 1), Some((100_000, 0)))).is_empty());
        assert_eq!(
            i.step(&seen(120_000, answering(Q, 0), Some((100_000, 0)))),
            vec![Step::StopRecording, Step::SayTimeUp, Step::Next(Q)]
        );
        assert_eq!(i.turn(120_000), Turn::Ended { by: EndedBy::TimeUp });
        // Time up also cuts a countdown short.
        let mut j = Interviewer::new(rule());
        j.step(&seen(0, answering(Q, 30_000), None));
        j.step(&seen(1, answering(Q, 30_000), None));
        j.step(&seen(29_000, answering(Q, 1_000), Some((21_000, 5_000))));
        assert_eq!(j.step(&seen(30_000, answering(Q, 0), Some((21_000, 6_000))))[1], Step::SayTimeUp);
    }

    #[test]
    fn a_recording_stopped_by_hand_hands_the_answer_to_the_candidate() {
        let mut i = Interviewer::new(rule());
        i.step(&seen(0, answering(Q, 120_000), None));
        i.step(&seen(1, answering(Q, 120_000), None));
        assert!(i.step(&seen(10_000, answering(Q, 110_000), None)).is_empty());
        assert_eq!(i.turn(10_000), Turn::Yours);
        // Nothing is started again, however long it waits.
        assert!(i.step(&seen(100_000, answering(Q, 20_000), None)).is_empty());
        // Recording again by hand: listening again.
        i.step(&seen(100_100, answering(Q, 19_900), Some((0, 0))));
        assert_eq!(i.turn(100_100), Turn::Answering);
        // Stopped by hand again, then time up: the interviewer still moves on.
        i.step(&seen(110_000, answering(Q, 10_000), None));
        assert_eq!(i.turn(110_000), Turn::Yours);
        assert_eq!(i.step(&seen(120_000, answering(Q, 0), None)), vec![Step::SayTimeUp, Step::Next(Q)]);
    }

    #[test]
    fn a_question_cut_short_records_nothing_until_the_candidate_does() {
        let mut i = Interviewer::new(rule());
        i.step(&seen(0, answering(Q, 120_000), None));
        // N or Space stopped the voice: no take is opened for this answer.
        i.interrupted();
        assert_eq!(i.turn(2_000), Turn::Yours);
        assert!(i.step(&seen(2_100, answering(Q, 118_000), None)).is_empty());
        // The next answer is asked as usual.
        assert_eq!(i.step(&seen(2_200, answering(P, 60_000), None)).len(), 1);
        assert_eq!(i.turn(2_200), Turn::Asking);
    }

    #[test]
    fn an_answer_whose_time_is_up_when_asked_is_not_recorded() {
        let mut i = Interviewer::new(rule());
        i.step(&seen(0, answering(Q, 3_000), None));
        assert_eq!(i.step(&seen(5_000, answering(Q, -2_000), None)), vec![Step::SayTimeUp, Step::Next(Q)]);
    }

    #[test]
    fn a_take_left_running_into_the_assessment_is_stopped() {
        let mut i = Interviewer::new(rule());
        i.step(&seen(0, answering(Q, 60_000), None));
        i.step(&seen(1, answering(Q, 60_000), None));
        assert_eq!(i.step(&seen(5_000, None, Some((1_000, 0)))), vec![Step::StopRecording]);
        // And never adopted as the next round's answer: that one is asked.
        let next_round = (1, 1, 0, None);
        assert_eq!(
            i.step(&seen(6_000, answering(next_round, 60_000), Some((1_000, 0)))),
            vec![Step::StopRecording, Step::Ask("text of (1, 1, 0, None)".into())]
        );
    }

    #[test]
    fn pausing_stops_every_clock_of_its_own() {
        let mut i = Interviewer::new(rule());
        i.step(&seen(0, answering(Q, 120_000), None));
        i.step(&seen(1, answering(Q, 120_000), None));
        i.step(&seen(30_000, answering(Q, 90_000), Some((21_000, 5_000))));
        let mut paused = answering(Q, 0).unwrap();
        paused.paused = true;
        // Paused at zero: neither time up nor the countdown ends it.
        assert!(i.step(&seen(50_000, Some(paused), Some((21_000, 25_000)))).is_empty());
        assert_eq!(i.turn(50_000), Turn::Answering);
        // Resumed, still quiet from the pause: silence ends nothing until
        // the candidate speaks again.
        assert!(i.step(&seen(50_100, answering(Q, 30_000), Some((21_000, 25_100)))).is_empty());
        assert_eq!(i.turn(50_100), Turn::Answering);
        i.step(&seen(51_000, answering(Q, 29_000), Some((21_500, 0))));
        i.step(&seen(56_000, answering(Q, 24_000), Some((21_500, 5_000))));
        assert!(matches!(i.turn(56_000), Turn::MovingOn { .. }));
    }

    #[test]
    fn turned_on_mid_answer_keeps_the_take_and_asks_nothing() {
        let mut i = Interviewer::new(rule());
        assert!(i.step(&seen(0, answering(Q, 60_000), Some((3_000, 0)))).is_empty());
        assert_eq!(i.turn(0), Turn::Answering);
        // A new answer while a take runs (N pressed): stop it, then ask.
        assert_eq!(
            i.step(&seen(1_000, answering(P, 60_000), Some((3_000, 0)))),
            vec![Step::StopRecording, Step::Ask("text of (1, 0, 0, Some(2))".into())]
        );
    }

    #[test]
    fn the_assessment_is_a_wait_and_the_next_round_is_asked() {
        let mut i = Interviewer::new(rule());
        i.step(&seen(0, answering(Q, 60_000), None));
        assert!(i.step(&seen(5_000, None, None)).is_empty());
        assert_eq!(i.turn(5_000), Turn::Waiting);
        let next_round = (1, 1, 0, None);
        assert_eq!(i.step(&seen(90_000, answering(next_round, 60_000), None)).len(), 1);
        assert_eq!(i.turn(90_000), Turn::Asking);
    }

    #[test]
    fn rules_out_of_range_are_refused_in_words() {
        assert!(SilenceRule::default().validate().is_ok());
        let e = SilenceRule { quiet_seconds: 0, after_speech_seconds: 20 }.validate().unwrap_err();
        assert!(e.contains("1 to 60 seconds, not 0"), "{e}");
        assert!(SilenceRule { quiet_seconds: 5, after_speech_seconds: 601 }.validate().is_err());
    }
}
