//! Which rounds and questions a run will ask, decided once at the start and
//! stored with the run, so a resumed run asks exactly the same questions.

use crate::loops::Loop;
use crate::rng::SplitMix64;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Most questions asked in one round: interviewers rarely get past three
/// before the round's time is gone.
const MAX_QUESTIONS_PER_ROUND: usize = 3;

/// One planned question of a round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedQuestion {
    /// The question's id in the loop.
    pub question_id: String,
    /// How many follow-up probes follow the main answer.
    pub probes: usize,
    /// The order they are asked in, chosen when the main answer ended
    /// ([`super::probes`]); empty until then, and in runs stored before
    /// probes were chosen (the file's order).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub order: Vec<super::probes::ProbeChoice>,
}

/// One planned round, with its time budgets copied from the loop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedRound {
    /// The round's id in the loop.
    pub round_id: String,
    /// Round length in milliseconds.
    pub round_ms: i64,
    /// Main answer time in milliseconds.
    pub answer_ms: i64,
    /// Time for each probe in milliseconds.
    pub probe_ms: i64,
    /// Questions in the order they will be asked (never empty).
    pub questions: Vec<PlannedQuestion>,
}

/// The rounds and questions of one run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunPlan {
    /// The loop this plan was made from.
    pub loop_id: String,
    /// The seed questions were drawn with.
    pub seed: u64,
    /// Rounds in order (never empty).
    pub rounds: Vec<PlannedRound>,
    /// A "practise now" run of chosen questions rather than the loop's
    /// rounds (absent in runs stored before practice runs existed).
    #[serde(default)]
    pub practice: bool,
    /// The story from the story bank this run practises ("Practise this
    /// story"): each take recorded in it is linked to that story.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub story_id: Option<i64>,
}

/// Why a plan could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// The round id is not in the loop.
    #[error("loop \"{loop_id}\" has no round \"{round_id}\"")]
    UnknownRound {
        /// The loop.
        loop_id: String,
        /// The round asked for.
        round_id: String,
    },
}

impl RunPlan {
    /// Every round of the loop in order; optional rounds only if asked for.
    pub fn whole_loop(lp: &Loop, include_optional: bool, seed: u64) -> Self {
        let ids: Vec<&str> =
            lp.rounds.iter().filter(|r| include_optional || !r.optional).map(|r| r.id.as_str()).collect();
        Self::rounds(lp, &ids, seed)
    }

    /// A run of a single round.
    pub fn single_round(lp: &Loop, round_id: &str, seed: u64) -> Result<Self, PlanError> {
        if lp.round(round_id).is_none() {
            return Err(PlanError::UnknownRound { loop_id: lp.id.clone(), round_id: round_id.to_owned() });
        }
        Ok(Self::rounds(lp, &[round_id], seed))
    }

    /// A practice run of exactly these questions: one round per round kind
    /// (timed like the loop's first round of that kind), in the loop's
    /// round order, the questions in the order given. Unknown ids are left
    /// out; `None` if none is left.
    pub fn practice(lp: &Loop, question_ids: &[String], seed: u64) -> Option<Self> {
        let mut rounds = Vec::new();
        let mut kinds_done: HashSet<&str> = HashSet::new();
        for round in &lp.rounds {
            if !kinds_done.insert(round.kind.as_str()) {
                continue;
            }
            let questions: Vec<PlannedQuestion> = question_ids
                .iter()
                .filter_map(|id| lp.question(id))
                .filter(|q| q.kind == round.kind)
                .map(|q| PlannedQuestion { question_id: q.id.clone(), probes: q.probes.len(), order: Vec::new() })
                .collect();
            if questions.is_empty() {
                continue;
            }
            let answer_ms = i64::from(round.answer_seconds) * 1000;
            let probe_ms = i64::from(round.probe_seconds) * 1000;
            // The round's clock covers these questions, not the full round.
            let round_ms = questions.len() as i64 * (answer_ms + probe_ms * 2).max(60_000);
            rounds.push(PlannedRound { round_id: round.id.clone(), round_ms, answer_ms, probe_ms, questions });
        }
        (!rounds.is_empty()).then(|| Self { loop_id: lp.id.clone(), seed, rounds, practice: true, story_id: None })
    }

    fn rounds(lp: &Loop, round_ids: &[&str], seed: u64) -> Self {
        let mut rng = SplitMix64(seed);
        let mut used: HashSet<&str> = HashSet::new();
        let mut rounds = Vec::new();
        for round in round_ids.iter().filter_map(|id| lp.round(id)) {
            let answer_ms = i64::from(round.answer_seconds) * 1000;
            let probe_ms = i64::from(round.probe_seconds) * 1000;
            let round_ms = i64::from(round.minutes) * 60_000;
            // Questions the round has time for, counting each at twice its
            // answer-plus-probes time: interviewers also introduce, listen
            // and note.
            let mut bank: Vec<_> = lp.bank(&round.kind).collect();
            let per_question = answer_ms + 2 * probe_ms;
            let fits = usize::try_from(round_ms / (2 * per_question.max(1))).unwrap_or(1);
            let count = fits.clamp(1, MAX_QUESTIONS_PER_ROUND);
            rng.shuffle(&mut bank);
            // Prefer questions no earlier round of this run has asked (two
            // behavioural rounds share a bank); reuse only if the bank runs dry.
            bank.sort_by_key(|q| used.contains(q.id.as_str()));
            let questions: Vec<PlannedQuestion> = bank
                .iter()
                .take(count)
                .map(|q| {
                    used.insert(q.id.as_str());
                    PlannedQuestion { question_id: q.id.clone(), probes: q.probes.len(), order: Vec::new() }
                })
                .collect();
            rounds.push(PlannedRound { round_id: round.id.clone(), round_ms, answer_ms, probe_ms, questions });
        }
        Self { loop_id: lp.id.clone(), seed, rounds, practice: false, story_id: None }
    }
}
