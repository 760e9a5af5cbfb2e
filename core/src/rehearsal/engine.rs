//! The rehearsal state machine: round → question → answer → follow-up probes
//! → self-assessment → next round, with a round countdown and an answer
//! countdown driven by a monotonic clock.
//!
//! The engine is pure: it never reads a clock or touches storage. Callers
//! pass `now` (from a [`crate::clock::Clock`]) into every call and persist
//! the [`Rehearsal::snapshot`] themselves, which keeps it trivially testable.

use super::countdown::Countdown;
use super::plan::RunPlan;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Where the run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// The candidate is answering a question or a probe.
    Answering,
    /// The round is over; the candidate rates themself.
    Assessing,
    /// Every round is done.
    Finished,
}

/// Which countdown an event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Timer {
    /// The current answer (main or probe).
    Answer,
    /// The whole round.
    Round,
}

/// Seconds-left marks at which a warning fires. `0` means "overtime began".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Thresholds {
    /// Marks for the answer countdown, in seconds left.
    pub answer_s: Vec<i64>,
    /// Marks for the round countdown, in seconds left.
    pub round_s: Vec<i64>,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self { answer_s: vec![30, 0], round_s: vec![300, 0] }
    }
}

/// The longest countdown a mark may sit in: two hours, longer than any round.
const MAX_MARK_S: i64 = 2 * 60 * 60;
/// More marks than this is a settings mistake, not a rehearsal plan.
const MAX_MARKS: usize = 8;

impl Thresholds {
    /// Checks marks a user chose: each between 0 and two hours, at most
    /// eight per countdown. Says what is wrong in the user's terms.
    pub fn validate(&self) -> Result<(), String> {
        for (what, marks) in [("answer", &self.answer_s), ("round", &self.round_s)] {
            if marks.len() > MAX_MARKS {
                return Err(format!("at most {MAX_MARKS} warnings per {what} (got {})", marks.len()));
            }
            if let Some(bad) = marks.iter().find(|&&m| !(0..=MAX_MARK_S).contains(&m)) {
                return Err(format!("a warning at {bad} s left in the {what} countdown is outside 0 s to 2 hours"));
            }
        }
        Ok(())
    }

    /// The earliest warning for a countdown, in milliseconds left (0 when
    /// only overtime is marked): where the UI starts showing urgency.
    pub fn first_warning_ms(&self, timer: Timer) -> i64 {
        let marks = match timer {
            Timer::Answer => &self.answer_s,
            Timer::Round => &self.round_s,
        };
        marks.iter().copied().max().unwrap_or(0) * 1000
    }
}

/// Something that happened, for the UI (warnings) and the store (results).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RunEvent {
    /// A countdown crossed a threshold; `seconds_left == 0` is overtime.
    Warning {
        /// Which countdown.
        timer: Timer,
        /// The threshold crossed.
        seconds_left: i64,
    },
    /// An answer (main or probe) ended.
    AnswerEnded {
        /// Index of the round in the plan.
        round: usize,
        /// The question answered.
        question_id: String,
        /// `None` for the main answer, else which probe (its index in the
        /// question's probes, whatever order they were asked in).
        probe: Option<usize>,
        /// Time spent answering.
        used_ms: i64,
        /// Time given.
        given_ms: i64,
    },
    /// A round's interview part ended; self-assessment follows.
    RoundEnded {
        /// Index of the round in the plan.
        round: usize,
        /// Time used in the round.
        used_ms: i64,
        /// Time given.
        given_ms: i64,
    },
    /// The last round's assessment is done.
    RunFinished,
}

/// The position of the current answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    /// Index of the round in the plan.
    pub round: usize,
    /// Index of the question within the round.
    pub question: usize,
    /// `None` for the main answer, else which probe.
    pub probe: Option<usize>,
}

/// One run of a loop (or of a single round). Serialises to a snapshot that
/// restores it exactly, paused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rehearsal {
    plan: RunPlan,
    thresholds: Thresholds,
    phase: Phase,
    position: Position,
    paused: bool,
    round_clock: Countdown,
    answer_clock: Countdown,
    /// Thresholds already fired for the current answer / round.
    fired_answer: Vec<i64>,
    fired_round: Vec<i64>,
}

impl Rehearsal {
    /// Starts a run at `now`: the first question of the first round, both
    /// countdowns running. A plan with no rounds starts finished.
    pub fn start(plan: RunPlan, thresholds: Thresholds, now: Duration) -> Self {
        let round_ms = plan.rounds.first().map_or(0, |r| r.round_ms);
        let answer_ms = plan.rounds.first().map_or(0, |r| r.answer_ms);
        let phase = if plan.rounds.is_empty() { Phase::Finished } else { Phase::Answering };
        let mut run = Self {
            plan,
            thresholds,
            phase,
            position: Position { round: 0, question: 0, probe: None },
            paused: false,
            round_clock: Countdown::new(round_ms),
            answer_clock: Countdown::new(answer_ms),
            fired_answer: Vec::new(),
            fired_round: Vec::new(),
        };
        run.fired_round = run.already_below(Timer::Round);
        run.fired_answer = run.already_below(Timer::Answer);
        run.run_clocks(now);
        run
    }

    /// The plan this run follows.
    pub fn plan(&self) -> &RunPlan {
        &self.plan
    }

    /// Current phase.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// Current position (meaningful while answering or assessing).
    pub fn position(&self) -> Position {
        self.position
    }

    /// The warning marks this run uses.
    pub fn thresholds(&self) -> &Thresholds {
        &self.thresholds
    }

    /// Whether the countdowns are paused.
    pub fn is_paused(&self) -> bool {
        self.paused
    }

    /// Milliseconds left in the current answer at `now` (negative in overtime).
    pub fn answer_remaining_ms(&self, now: Duration) -> i64 {
        self.answer_clock.remaining_ms(now)
    }

    /// Time given for the current answer.
    pub fn answer_budget_ms(&self) -> i64 {
        self.answer_clock.budget_ms
    }

    /// Milliseconds left in the round at `now` (negative in overtime).
    pub fn round_remaining_ms(&self, now: Duration) -> i64 {
        self.round_clock.remaining_ms(now)
    }

    /// Time given for the round.
    pub fn round_budget_ms(&self) -> i64 {
        self.round_clock.budget_ms
    }

    /// A copy to store: both clocks frozen at `now` and paused, so a run
    /// restored after the app was closed does not count the closed time.
    pub fn snapshot(&self, now: Duration) -> Self {
        let mut copy = self.clone();
        copy.round_clock.stop(now);
        copy.answer_clock.stop(now);
        copy.paused = self.phase == Phase::Answering || self.paused;
        copy
    }

    /// Pauses both countdowns.
    pub fn pause(&mut self, now: Duration) {
        self.paused = true;
        self.round_clock.stop(now);
        self.answer_clock.stop(now);
    }

    /// Resumes the countdowns that belong to the current phase.
    pub fn resume(&mut self, now: Duration) {
        self.paused = false;
        self.run_clocks(now);
    }

    /// Checks thresholds at `now`; each fires once per answer / round.
    pub fn tick(&mut self, now: Duration) -> Vec<RunEvent> {
        let mut events = Vec::new();
        if self.phase != Phase::Answering {
            return events;
        }
        let answer_left = self.answer_clock.remaining_ms(now);
        let round_left = self.round_clock.remaining_ms(now);
        for (timer, left, marks, fired) in [
            (Timer::Answer, answer_left, &self.thresholds.answer_s, &mut self.fired_answer),
            (Timer::Round, round_left, &self.thresholds.round_s, &mut self.fired_round),
        ] {
            for &mark in marks {
                if left <= mark * 1000 && !fired.contains(&mark) {
                    fired.push(mark);
                    events.push(RunEvent::Warning { timer, seconds_left: mark });
                }
            }
        }
        events
    }

    /// Whether the main answer of a question is on now: the moment its
    /// probes can still be put in order ([`Self::order_probes`]).
    pub fn on_main_answer(&self) -> bool {
        self.phase == Phase::Answering && self.position.probe.is_none()
    }

    /// Sets the order the current question's probes are asked in, while
    /// its main answer is on. `order` must name each probe once; anything
    /// else (or a call at another moment) is refused and the order kept.
    pub fn order_probes(&mut self, order: Vec<super::probes::ProbeChoice>) -> bool {
        if !self.on_main_answer() {
            return false;
        }
        let question = &mut self.plan.rounds[self.position.round].questions[self.position.question];
        let mut seen = vec![false; question.probes];
        let whole = order.len() == question.probes
            && order.iter().all(|c| c.probe < seen.len() && !std::mem::replace(&mut seen[c.probe], true));
        if whole {
            question.order = order;
        }
        whole
    }

    /// The probe being answered: its index in the question's probes (the
    /// file's order) and why it was asked now; `None` on a main answer.
    pub fn current_probe(&self) -> Option<(usize, Option<&str>)> {
        let asked = self.position.probe?;
        let question = self.plan.rounds.get(self.position.round)?.questions.get(self.position.question)?;
        Some(match question.order.get(asked) {
            Some(choice) => (choice.probe, Some(choice.reason.as_str())),
            None => (asked, None),
        })
    }

    /// Moves on: main answer → each probe → next question → assessment →
    /// next round → finished. Returns what ended.
    pub fn next(&mut self, now: Duration) -> Vec<RunEvent> {
        match self.phase {
            Phase::Answering => {
                let mut events = vec![self.end_answer(now)];
                let round = &self.plan.rounds[self.position.round];
                let question = &round.questions[self.position.question];
                let next_probe = self.position.probe.map_or(0, |p| p + 1);
                if next_probe < question.probes {
                    self.position.probe = Some(next_probe);
                    self.begin_answer(now);
                } else if self.position.question + 1 < round.questions.len() {
                    self.position.question += 1;
                    self.position.probe = None;
                    self.begin_answer(now);
                } else {
                    events.push(self.end_round(now));
                }
                events
            }
            Phase::Assessing => {
                if self.position.round + 1 < self.plan.rounds.len() {
                    let round = &self.plan.rounds[self.position.round + 1];
                    self.round_clock = Countdown::new(round.round_ms);
                    self.position = Position { round: self.position.round + 1, question: 0, probe: None };
                    self.phase = Phase::Answering;
                    self.fired_round = self.already_below(Timer::Round);
                    self.begin_answer(now);
                    Vec::new()
                } else {
                    self.phase = Phase::Finished;
                    vec![RunEvent::RunFinished]
                }
            }
            Phase::Finished => Vec::new(),
        }
    }

    /// Ends the round's interview part early and goes to self-assessment.
    pub fn finish_round(&mut self, now: Duration) -> Vec<RunEvent> {
        if self.phase != Phase::Answering {
            return Vec::new();
        }
        vec![self.end_answer(now), self.end_round(now)]
    }

    fn end_answer(&mut self, now: Duration) -> RunEvent {
        self.answer_clock.stop(now);
        let round = &self.plan.rounds[self.position.round];
        RunEvent::AnswerEnded {
            round: self.position.round,
            question_id: round.questions[self.position.question].question_id.clone(),
            probe: self.current_probe().map(|(index, _)| index),
            used_ms: self.answer_clock.used_ms(now),
            given_ms: self.answer_clock.budget_ms,
        }
    }

    fn end_round(&mut self, now: Duration) -> RunEvent {
        self.round_clock.stop(now);
        self.phase = Phase::Assessing;
        RunEvent::RoundEnded {
            round: self.position.round,
            used_ms: self.round_clock.used_ms(now),
            given_ms: self.round_clock.budget_ms,
        }
    }

    fn begin_answer(&mut self, now: Duration) {
        let round = &self.plan.rounds[self.position.round];
        let budget = if self.position.probe.is_some() { round.probe_ms } else { round.answer_ms };
        self.answer_clock = Countdown::new(budget);
        self.fired_answer = self.already_below(Timer::Answer);
        self.run_clocks(now);
    }

    fn run_clocks(&mut self, now: Duration) {
        if self.phase == Phase::Answering && !self.paused {
            self.round_clock.run(now);
            self.answer_clock.run(now);
        }
    }

    /// Marks at or above a fresh countdown's budget would fire at once with
    /// nothing to warn about (a 20 s probe is not "30 s left"), so they are
    /// counted as fired from the start.
    fn already_below(&self, timer: Timer) -> Vec<i64> {
        let (marks, budget) = match timer {
            Timer::Answer => (&self.thresholds.answer_s, self.answer_clock.budget_ms),
            Timer::Round => (&self.thresholds.round_s, self.round_clock.budget_ms),
        };
        marks.iter().copied().filter(|&m| m > 0 && m * 1000 >= budget).collect()
    }
}
