//! What to practise next: every question of a loop is a spaced-repetition
//! card scheduled by FSRS (the `fsrs` crate, Anki's scheduler), reviewed each
//! time it is answered and graded by that round's self-assessment. The
//! order blends what FSRS says is being forgotten with how weak the
//! question's competencies are (see `docs/readiness.md`).

use chrono::{Duration, NaiveDate};
use fsrs::{current_retrievability, MemoryState, FSRS, FSRS6_DEFAULT_DECAY};
use serde::Serialize;

/// The recall probability FSRS schedules for: the usual Anki default.
pub const DESIRED_RETENTION: f32 = 0.9;

/// A question as the scheduler sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Card<'a> {
    /// The question's id.
    pub question_id: &'a str,
    /// Its round kind.
    pub kind: &'a str,
    /// Its text.
    pub text: &'a str,
    /// The competencies rounds of its kind probe, with their current scores
    /// (`None`: never rated) and names.
    pub competencies: Vec<(&'a str, &'a str, Option<f64>)>,
    /// Each time it was answered: the day and the grade 1-4, oldest first.
    pub reviews: Vec<(NaiveDate, u8)>,
}

/// One entry of the practice list.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NextItem {
    /// The question's id.
    pub question_id: String,
    /// Its round kind.
    pub kind: String,
    /// Its text.
    pub question: String,
    /// Competency ids it practises.
    pub competencies: Vec<String>,
    /// How often it was answered with a grade.
    pub reviews: usize,
    /// When FSRS next wants it, if ever answered.
    pub due: Option<NaiveDate>,
    /// FSRS's estimate (0-1) that it is still fresh today, if ever answered.
    pub retrievability: Option<f64>,
    /// Weakness (0-1) plus forgetting (1 − retrievability; 1 if never
    /// answered): higher comes first.
    pub priority: f64,
    /// Why it is here, in words.
    pub reason: String,
}

/// A self-assessment's mean rating as an FSRS grade: again, hard, good, easy.
pub fn grade(mean_rating: f64) -> u8 {
    mean_rating.round().clamp(1.0, 4.0) as u8
}

/// The memory state after replaying `reviews`, with the last review's day
/// and the interval FSRS chose after it (days).
fn replay(fsrs: &FSRS, reviews: &[(NaiveDate, u8)]) -> Option<(MemoryState, NaiveDate, f32)> {
    let mut state: Option<(MemoryState, NaiveDate, f32)> = None;
    for &(day, grade) in reviews {
        let elapsed = state.map_or(0, |(_, last, _)| (day - last).num_days().max(0));
        let previous = state.map(|(memory, _, _)| memory);
        // A review the model rejects (it never should with default
        // parameters) leaves the card as it was rather than failing the list.
        let Ok(next) = fsrs.next_states(previous, DESIRED_RETENTION, u32::try_from(elapsed).unwrap_or(u32::MAX)) else {
            continue;
        };
        let chosen = match grade {
            1 => next.again,
            2 => next.hard,
            3 => next.good,
            _ => next.easy,
        };
        state = Some((chosen.memory, day, chosen.interval));
    }
    state
}

/// Every card with its priority and reason, most urgent first (ties by
/// question id, so the list is the same for the same history).
pub fn next_practice(cards: &[Card<'_>], today: NaiveDate) -> Vec<NextItem> {
    let fsrs = FSRS::default();
    let mut items: Vec<NextItem> = cards
        .iter()
        .map(|card| {
            let weaknesses: Vec<f64> =
                card.competencies.iter().map(|(_, _, score)| 1.0 - score.unwrap_or(0.0) / 100.0).collect();
            let weakness =
                if weaknesses.is_empty() { 1.0 } else { weaknesses.iter().sum::<f64>() / weaknesses.len() as f64 };
            let weakest = card
                .competencies
                .iter()
                .min_by(|a, b| a.2.unwrap_or(-1.0).total_cmp(&b.2.unwrap_or(-1.0)).then_with(|| a.0.cmp(b.0)));
            let weakest_words = weakest.map_or_else(String::new, |(_, name, score)| match score {
                None => format!("{name} never rated"),
                Some(s) => format!("{name} {s:.0}"),
            });
            let (due, retrievability, reason) = match replay(&fsrs, &card.reviews) {
                None => (None, None, format!("New to you; {weakest_words}")),
                Some((memory, last, interval)) => {
                    let elapsed = (today - last).num_days().max(0) as f32;
                    let r = f64::from(current_retrievability(memory, elapsed, FSRS6_DEFAULT_DECAY)).clamp(0.0, 1.0);
                    let due = last + Duration::days(f64::from(interval).round().max(1.0) as i64);
                    let when = match (due - today).num_days() {
                        d if d < 0 => format!("due {} days ago", -d),
                        0 => "due today".to_owned(),
                        d => format!("due in {d} days"),
                    };
                    (Some(due), Some(r), format!("Answered {}×, {when}; {weakest_words}", card.reviews.len()))
                }
            };
            NextItem {
                question_id: card.question_id.to_owned(),
                kind: card.kind.to_owned(),
                question: card.text.to_owned(),
                competencies: card.competencies.iter().map(|(id, _, _)| (*id).to_owned()).collect(),
                reviews: card.reviews.len(),
                due,
                retrievability,
                priority: weakness + (1.0 - retrievability.unwrap_or(0.0)),
                reason,
            }
        })
        .collect();
    items.sort_by(|a, b| b.priority.total_cmp(&a.priority).then_with(|| a.question_id.cmp(&b.question_id)));
    items
}
