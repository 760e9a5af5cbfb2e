//! Rehearsing a loop against the clock: plans, countdowns and the state machine.

pub mod countdown;
pub mod engine;
pub mod hands_free;
pub mod plan;
pub mod probes;

pub use countdown::{format_remaining, Countdown};
pub use engine::{Phase, Position, Rehearsal, RunEvent, Thresholds, Timer};
pub use plan::{PlanError, PlannedQuestion, PlannedRound, RunPlan};
pub use probes::{AnswerSignals, ProbeChoice};
