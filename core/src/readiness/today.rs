//! What the home screen offers first: the practice due today for the loop
//! last rehearsed (the report's FSRS order), and a warm-up of three
//! questions from different rounds, each with the minutes its run gives.

use super::report::Report;
use crate::loops::{Catalog, Loop};
use crate::rehearsal::RunPlan;
use serde::Serialize;
use std::collections::HashSet;

/// Questions in one suggestion.
pub const QUESTIONS: usize = 3;

/// A short run the home screen can start at once.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Suggestion {
    /// The loop.
    pub loop_id: String,
    /// Its title.
    pub loop_title: String,
    /// The questions, in the order asked.
    pub question_ids: Vec<String>,
    /// The names of the competencies they practise, in loop order.
    pub competencies: Vec<String>,
    /// Minutes on the run's clocks (rounded up).
    pub minutes: u32,
}

/// Today's two offers for one loop.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Today {
    /// The most urgent questions by FSRS; `None` before anything of the
    /// loop was rated (nothing is due yet).
    pub due: Option<Suggestion>,
    /// The first question of each of the loop's first three kinds of round.
    pub warm_up: Option<Suggestion>,
}

/// Today's offers for `loop_id` (the loop last rehearsed), else the
/// catalog's first loop; `None` with no loops at all.
pub fn today(catalog: &Catalog, report: &Report, loop_id: Option<&str>) -> Option<Today> {
    let lp = loop_id.and_then(|id| catalog.get(id)).or_else(|| catalog.loops.first())?;
    let rated = report.loops.iter().find(|l| l.id == lp.id).filter(|l| l.readiness.score.is_some());
    let due = rated.and_then(|l| {
        let ids: Vec<String> = l.next.iter().take(QUESTIONS).map(|n| n.question_id.clone()).collect();
        suggestion(lp, ids)
    });
    let mut kinds = HashSet::new();
    let warm: Vec<String> = lp
        .rounds
        .iter()
        .filter(|r| kinds.insert(r.kind.as_str()))
        .filter_map(|r| lp.questions.iter().find(|q| q.kind == r.kind))
        .take(QUESTIONS)
        .map(|q| q.id.clone())
        .collect();
    Some(Today { due, warm_up: suggestion(lp, warm) })
}

fn suggestion(lp: &Loop, question_ids: Vec<String>) -> Option<Suggestion> {
    let plan = RunPlan::practice(lp, &question_ids, 0)?;
    let ms: i64 = plan.rounds.iter().map(|r| r.round_ms).sum();
    // A question practises what the rounds of its kind probe (as the
    // practice list reckons it).
    let kinds: HashSet<&str> = question_ids.iter().filter_map(|id| lp.question(id)).map(|q| q.kind.as_str()).collect();
    let practised: HashSet<&str> = lp
        .rounds
        .iter()
        .filter(|r| kinds.contains(r.kind.as_str()))
        .flat_map(|r| r.competencies.iter().map(String::as_str))
        .collect();
    let competencies =
        lp.competencies.iter().filter(|c| practised.contains(c.id.as_str())).map(|c| c.name.clone()).collect();
    Some(Suggestion {
        loop_id: lp.id.clone(),
        loop_title: lp.title.clone(),
        question_ids,
        competencies,
        minutes: u32::try_from((ms + 59_999) / 60_000).unwrap_or(u32::MAX),
    })
}
