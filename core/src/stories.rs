//! The story bank: the candidate's own stories from their work, which the
//! behavioural and screen rounds ask for again and again. What is decided
//! here is pure (no I/O): the story check, which competencies the stories
//! cover in a loop and where the gaps are, and which questions a story
//! fits. The stories themselves live in the store ([`crate::store`]); the
//! session writes them.

use crate::loops::Loop;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Longest story title accepted (a title is a line, not a paragraph).
pub const MAX_TITLE: usize = 200;

/// One of the candidate's stories, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Story {
    /// Id.
    pub id: i64,
    /// What the candidate wrote (its fields sit beside these in JSON).
    #[serde(flatten)]
    pub content: StoryInput,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
    /// How many takes told it.
    pub takes: usize,
}

/// What the candidate writes of a story.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StoryInput {
    /// A short name the candidate knows it by.
    pub title: String,
    /// Where and when: the team, the product, the customer, the problem.
    pub situation: String,
    /// What the candidate did (not the team).
    pub action: String,
    /// The decision the candidate made.
    pub decision: String,
    /// The constraint behind that decision (a limit, a deadline, a budget,
    /// a rule).
    pub constraint: String,
    /// How it ended, ideally with a number.
    pub result: String,
    /// Competency ids (of any loop) the story shows.
    pub competencies: Vec<String>,
    /// The candidate's own answers to the story check's questions.
    pub answers: Vec<CheckAnswer>,
}

/// The candidate's yes or no to one question of the story check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CheckAnswer {
    /// The check's id ([`CHECKS`]).
    pub id: String,
    /// Yes, the story does this.
    pub yes: bool,
}

/// How a check is answered.
#[derive(Clone, Copy)]
enum Judge {
    /// By the app, from what the story says.
    Automatic(fn(&StoryFields<'_>) -> bool),
    /// By the candidate, yes or no.
    Candidate,
}

/// The written parts of a story a check reads.
struct StoryFields<'a> {
    decision: &'a str,
    constraint: &'a str,
    result: &'a str,
}

/// One question of the story check.
struct Check {
    id: &'static str,
    question: &'static str,
    why: &'static str,
    judge: Judge,
}

/// At least `n` words: a field holding one stray word says nothing yet.
fn words(text: &str, n: usize) -> bool {
    text.split_whitespace().count() >= n
}

/// The story check: what interviewers listen for in a story, asked of each
/// one. The first two the app answers from what is written; the rest the
/// candidate answers, honestly, about the story as they tell it.
const CHECKS: &[Check] = &[
    Check {
        id: "decision-and-constraint",
        question: "Does it name the decision you made and the constraint behind it?",
        why: "Follow-ups go straight to what you decided and what limited you; a story without both has nowhere to go.",
        judge: Judge::Automatic(|s| words(s.decision, 3) && words(s.constraint, 3)),
    },
    Check {
        id: "result-number",
        question: "Does the result carry a number?",
        why: "A result with a figure (a latency, a share, a date kept, a count) is one an interviewer can weigh.",
        judge: Judge::Automatic(|s| s.result.chars().any(|c| c.is_ascii_digit())),
    },
    Check {
        id: "ends-in-decision",
        question: "Does it build to a decision you made under that constraint, rather than end on what research found?",
        why:
            "An insight is where a strong story starts; its high point is the technical or business call that followed.",
        judge: Judge::Candidate,
    },
    Check {
        id: "buyer-and-user",
        question: "Does it say who bought the product and who used it, and how the difference shaped your call?",
        why: "In enterprise products the buyer (an IT admin, a CISO, a budget owner) is rarely the user.",
        judge: Judge::Candidate,
    },
    Check {
        id: "dependency",
        question: "Does it name a team or platform you depended on, and how you got them to commit?",
        why:
            "Little ships alone at Microsoft's scale; interviewers ask how you moved a team you had no authority over.",
        judge: Judge::Candidate,
    },
    Check {
        id: "cost-named",
        question: "Does it say what you cut, delayed or simplified, and why that price was worth paying?",
        why: "A trade-off with its cost named shows judgement; one without shows only that something shipped.",
        judge: Judge::Candidate,
    },
    Check {
        id: "own-part",
        question: "Is \"I\" used only for what you decided or did yourself?",
        why: "Interviewers separate your calls from the team's, and ask again when they cannot.",
        judge: Judge::Candidate,
    },
    Check {
        id: "behaviour-change",
        question: "Does the result show what customers or users did differently afterwards, not only what shipped?",
        why: "Usage, retention, adoption or win rate moved is an outcome; a launch is an output.",
        judge: Judge::Candidate,
    },
];

/// One check as the window and `mockloop stories` show it for a story.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CheckResult {
    /// The check's id.
    pub id: String,
    /// The question.
    pub question: String,
    /// Why interviewers care.
    pub why: String,
    /// Whether the app answers it (from what is written) rather than the
    /// candidate.
    pub automatic: bool,
    /// Yes, no, or not answered yet.
    pub passed: Option<bool>,
}

/// The story check of a story: each question with its answer.
pub fn check(story: &StoryInput) -> Vec<CheckResult> {
    let fields = StoryFields { decision: &story.decision, constraint: &story.constraint, result: &story.result };
    CHECKS
        .iter()
        .map(|c| {
            let (automatic, passed) = match c.judge {
                Judge::Automatic(judge) => (true, Some(judge(&fields))),
                Judge::Candidate => (false, story.answers.iter().find(|a| a.id == c.id).map(|a| a.yes)),
            };
            CheckResult {
                id: c.id.to_owned(),
                question: c.question.to_owned(),
                why: c.why.to_owned(),
                automatic,
                passed,
            }
        })
        .collect()
}

/// Whether `id` is a check the candidate answers (the only ones a story
/// may carry answers for).
pub fn is_candidate_check(id: &str) -> bool {
    CHECKS.iter().any(|c| c.id == id && matches!(c.judge, Judge::Candidate))
}

/// Which of a loop's competencies the stories show: one row per
/// competency the loop's story rounds probe, with the stories tagged with
/// it, and the gaps in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Coverage {
    /// The loop.
    pub loop_id: String,
    /// Its title.
    pub loop_title: String,
    /// One per competency, in the loop's order.
    pub rows: Vec<CoverageRow>,
    /// "No story shows …", one per competency no story shows.
    pub gaps: Vec<String>,
    /// "Only one story shows …", for each competency two story rounds ask
    /// for (one loop may ask for it twice).
    pub thin: Vec<String>,
}

/// One competency of the coverage grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CoverageRow {
    /// Competency id.
    pub competency: String,
    /// Its name.
    pub name: String,
    /// The stories (ids) that show it.
    pub stories: Vec<i64>,
}

/// The competencies stories are asked for in a loop: those its story
/// rounds probe (all of the loop's when no round says it asks for stories),
/// in the loop's order.
pub fn story_competencies(lp: &Loop) -> Vec<&str> {
    let story_rounds: Vec<_> = lp.rounds.iter().filter(|r| r.stories).collect();
    lp.competencies
        .iter()
        .filter(|c| story_rounds.is_empty() || story_rounds.iter().any(|r| r.competencies.contains(&c.id)))
        .map(|c| c.id.as_str())
        .collect()
}

/// The coverage grid of `stories` in `lp`.
pub fn coverage(lp: &Loop, stories: &[Story]) -> Coverage {
    let rows: Vec<CoverageRow> = story_competencies(lp)
        .into_iter()
        .map(|id| CoverageRow {
            competency: id.to_owned(),
            name: lp.competency(id).map_or_else(|| id.to_owned(), |c| c.name.clone()),
            stories: stories.iter().filter(|s| s.content.competencies.iter().any(|c| c == id)).map(|s| s.id).collect(),
        })
        .collect();
    let gaps = rows.iter().filter(|r| r.stories.is_empty()).map(|r| format!("No story shows {}", r.name)).collect();
    // A competency two story rounds ask for may be asked for twice in one
    // loop: one story for it is thin there, and only there.
    let asked_by = |id: &str| lp.rounds.iter().filter(|r| r.stories && r.competencies.iter().any(|c| c == id)).count();
    let thin = rows
        .iter()
        .filter(|r| r.stories.len() == 1 && asked_by(&r.competency) > 1)
        .map(|r| format!("Only one story shows {}", r.name))
        .collect();
    Coverage { loop_id: lp.id.clone(), loop_title: lp.title.clone(), rows, gaps, thin }
}

/// The questions of `lp` a story fits, best first, at most `limit`: those
/// of the loop's story rounds (every round's, when none says it asks for
/// stories) whose evidence shows a competency the story is tagged with
/// (a question without evidence: its rounds' competencies). More
/// competencies in common come first; then questions this story has not
/// been told to yet (`told`); then the file's order.
pub fn fitting_questions(lp: &Loop, story: &Story, told: &HashSet<String>, limit: usize) -> Vec<String> {
    let any_story_round = lp.rounds.iter().any(|r| r.stories);
    let mut fits: Vec<(usize, bool, usize, &str)> = Vec::new();
    for (order, q) in lp.questions.iter().enumerate() {
        let rounds: Vec<_> = lp.rounds.iter().filter(|r| r.kind == q.kind).collect();
        if any_story_round && !rounds.iter().any(|r| r.stories) {
            continue;
        }
        let shows: HashSet<&str> = if q.evidence.is_empty() {
            rounds.iter().flat_map(|r| r.competencies.iter().map(String::as_str)).collect()
        } else {
            rounds
                .iter()
                .flat_map(|r| r.checklist.iter())
                .filter(|item| q.evidence.contains(&item.id))
                .map(|item| item.competency.as_str())
                .collect()
        };
        let shared = story.content.competencies.iter().filter(|c| shows.contains(c.as_str())).count();
        if shared > 0 {
            fits.push((shared, told.contains(&q.id), order, q.id.as_str()));
        }
    }
    fits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    fits.into_iter().take(limit).map(|(_, _, _, id)| id.to_owned()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loops::{parse::parse_loop, LoopSource};

    fn story(id: i64, competencies: &[&str]) -> Story {
        Story {
            id,
            content: StoryInput {
                title: format!("story {id}"),
                competencies: competencies.iter().map(|c| (*c).to_owned()).collect(),
                ..StoryInput::default()
            },
            created_at: String::new(),
            updated_at: String::new(),
            takes: 0,
        }
    }

    const LOOP: &str = r#"
id = "t"
title = "T"
[[competencies]]
id = "people"
name = "Working with people"
[[competencies]]
id = "numbers"
name = "Numbers"
[[competencies]]
id = "craft"
name = "Craft"
[[rounds]]
id = "talk"
kind = "talk"
title = "Talk"
minutes = 30
answer_seconds = 120
probe_seconds = 60
stories = true
competencies = ["people", "craft"]
  [[rounds.checklist]]
  id = "talk-people"
  text = "Named who I had to convince"
  competency = "people"
  [[rounds.checklist]]
  id = "talk-craft"
  text = "Said what I built"
  competency = "craft"
[[rounds]]
id = "sums"
kind = "sums"
title = "Sums"
minutes = 30
answer_seconds = 120
probe_seconds = 60
competencies = ["numbers"]
  [[rounds.checklist]]
  id = "sums-right"
  text = "Got it right"
  competency = "numbers"
[[questions]]
id = "q-people"
kind = "talk"
text = "Who did you convince?"
target_seconds = 60
evidence = ["talk-people"]
[[questions]]
id = "q-both"
kind = "talk"
text = "What did you build, and with whom?"
target_seconds = 60
evidence = ["talk-people", "talk-craft"]
[[questions]]
id = "q-craft"
kind = "talk"
text = "What did you build?"
target_seconds = 60
evidence = ["talk-craft"]
[[questions]]
id = "q-sums"
kind = "sums"
text = "How many?"
target_seconds = 60
"#;

    fn lp() -> Loop {
        parse_loop("t.toml", LOOP, LoopSource::Builtin).expect("valid")
    }

    #[test]
    fn the_grid_rows_are_the_story_rounds_competencies_and_gaps_are_named() {
        let lp = lp();
        let grid = coverage(&lp, &[story(1, &["people"]), story(2, &["people", "numbers"])]);
        let rows: Vec<(&str, &[i64])> = grid.rows.iter().map(|r| (r.competency.as_str(), &r.stories[..])).collect();
        assert_eq!(rows, [("people", &[1, 2][..]), ("craft", &[][..])], "numbers is asked by no story round");
        assert_eq!(grid.gaps, ["No story shows Craft"]);
        assert!(grid.thin.is_empty(), "one story round asks for each: one story is enough");
        let closed = coverage(&lp, &[story(1, &["people"]), story(3, &["craft"])]);
        assert!(closed.gaps.is_empty(), "{:?}", closed.gaps);
    }

    #[test]
    fn one_story_is_thin_only_where_two_story_rounds_ask_for_it() {
        let two = LOOP.replace(
            "[[questions]]\nid = \"q-people\"",
            "[[rounds]]\nid = \"talk-2\"\nkind = \"talk2\"\ntitle = \"Talk again\"\nminutes = 30\n\
             answer_seconds = 120\nprobe_seconds = 60\nstories = true\ncompetencies = [\"people\"]\n\
             [[rounds.checklist]]\nid = \"talk2-people\"\ntext = \"Named who again\"\ncompetency = \"people\"\n\
             [[questions]]\nid = \"q-people-2\"\nkind = \"talk2\"\ntext = \"Whom else?\"\ntarget_seconds = 60\n\
             [[questions]]\nid = \"q-people\"",
        );
        let lp = parse_loop("t.toml", &two, LoopSource::Builtin).expect("valid");
        let grid = coverage(&lp, &[story(1, &["people", "craft"])]);
        assert_eq!(grid.thin, ["Only one story shows Working with people"], "craft: one round asks for it");
        assert!(coverage(&lp, &[story(1, &["people", "craft"]), story(2, &["people"])]).thin.is_empty());
    }

    #[test]
    fn a_story_fits_the_story_rounds_questions_that_show_its_competencies() {
        let lp = lp();
        let none = HashSet::new();
        assert_eq!(fitting_questions(&lp, &story(1, &["people"]), &none, 5), ["q-people", "q-both"]);
        assert_eq!(
            fitting_questions(&lp, &story(1, &["people", "craft"]), &none, 5),
            ["q-both", "q-people", "q-craft"],
            "two competencies in common come first, then file order"
        );
        let told: HashSet<String> = ["q-people".to_owned()].into();
        assert_eq!(
            fitting_questions(&lp, &story(1, &["people"]), &told, 5),
            ["q-both", "q-people"],
            "a question the story was already told to comes after one it was not"
        );
        assert!(fitting_questions(&lp, &story(1, &["numbers"]), &none, 5).is_empty(), "estimation is no story");
        assert_eq!(fitting_questions(&lp, &story(1, &["people", "craft"]), &none, 1), ["q-both"]);
    }

    #[test]
    fn the_app_answers_two_checks_and_the_candidate_the_rest() {
        let mut input = StoryInput {
            decision: "Cached the ten heaviest queries".into(),
            constraint: "a fixed cloud budget".into(),
            result: "latency down to about a second".into(),
            ..StoryInput::default()
        };
        let by_id = |results: &[CheckResult], id: &str| results.iter().find(|c| c.id == id).cloned().expect("check");
        let results = check(&input);
        assert_eq!(by_id(&results, "decision-and-constraint").passed, Some(true));
        assert_eq!(by_id(&results, "result-number").passed, Some(false), "no digit in the result yet");
        assert_eq!(by_id(&results, "buyer-and-user").passed, None, "unanswered");
        input.result = "p95 from 8 s to 1.2 s".into();
        input.answers = vec![CheckAnswer { id: "buyer-and-user".into(), yes: false }];
        let results = check(&input);
        assert_eq!(by_id(&results, "result-number").passed, Some(true));
        assert_eq!(by_id(&results, "buyer-and-user").passed, Some(false));
        assert!(!is_candidate_check("result-number") && is_candidate_check("own-part") && !is_candidate_check("x"));
        input.constraint = "budget".into();
        assert_eq!(by_id(&check(&input), "decision-and-constraint").passed, Some(false), "one word says nothing yet");
    }
}
