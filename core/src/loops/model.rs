//! The validated, in-memory shape of an interview loop. Built only by
//! [`super::parse`], so every value here has already passed validation.

use serde::Serialize;
use std::path::PathBuf;

/// Where a loop came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum LoopSource {
    /// Shipped inside the binary.
    #[serde(serialize_with = "serialize_builtin")]
    Builtin,
    /// A user's file.
    File(PathBuf),
}

fn serialize_builtin<S: serde::Serializer>(s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str("builtin")
}

impl std::fmt::Display for LoopSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoopSource::Builtin => f.write_str("builtin"),
            LoopSource::File(path) => write!(f, "{}", path.display()),
        }
    }
}

/// A whole interview loop: its competencies, its rounds in order, and the
/// question banks the rounds draw from.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Loop {
    /// Stable identifier, e.g. `microsoft-pm`.
    pub id: String,
    /// Human title.
    pub title: String,
    /// What this loop rehearses.
    pub description: String,
    /// Built-in or a user's file: `"builtin"` or the file's path.
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub source: LoopSource,
    /// What the rounds evaluate.
    pub competencies: Vec<Competency>,
    /// Rounds in interview order.
    pub rounds: Vec<Round>,
    /// Every question of every bank; a round draws from those of its `kind`.
    pub questions: Vec<Question>,
}

/// Something an interviewer scores, e.g. "customer obsession".
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Competency {
    /// Identifier referenced by rounds and checklist items.
    pub id: String,
    /// Human name.
    pub name: String,
    /// What a strong candidate shows.
    pub description: String,
}

/// One interview of the loop.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Round {
    /// Identifier, unique within the loop.
    pub id: String,
    /// The question bank this round draws from.
    pub kind: String,
    /// Human title.
    pub title: String,
    /// Length of the round.
    pub minutes: u32,
    /// Default time for a main answer.
    pub answer_seconds: u32,
    /// Default time for each follow-up probe.
    pub probe_seconds: u32,
    /// Whether a loop may leave this round out (e.g. a second behavioural).
    pub optional: bool,
    /// Whether its answers are stories from the candidate's own work (a
    /// screen, a behavioural round): its questions are the ones a story
    /// from the story bank can be practised on, and its takes can be
    /// linked to the story they told.
    pub stories: bool,
    /// Competency ids this round probes.
    pub competencies: Vec<String>,
    /// What the candidate rates themself on afterwards.
    pub checklist: Vec<ChecklistItem>,
}

/// One observable behaviour the candidate rates after a round.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ChecklistItem {
    /// Identifier, unique within the loop.
    pub id: String,
    /// The behaviour, in words the candidate can rate honestly.
    pub text: String,
    /// The competency this item is evidence for.
    pub competency: String,
}

/// An interviewer's question with the follow-ups that test depth.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Question {
    /// Identifier, unique within the loop.
    pub id: String,
    /// The bank (round kind) it belongs to.
    pub kind: String,
    /// The question as asked aloud.
    pub text: String,
    /// How long a good spoken answer takes (never more than the answer
    /// time of a round that asks it).
    pub target_seconds: u32,
    /// The checklist items (ids, of the rounds that draw from its bank) the
    /// question gives the candidate a chance to show: the assessment lists
    /// them first, and lets the others be marked "not asked". Empty when
    /// the file does not say (every item is then shown alike).
    pub evidence: Vec<String>,
    /// What a strong answer covers, point by point: shown after the
    /// answer, never before. May be empty in a user's loop.
    pub strong: Vec<String>,
    /// Follow-up probes, in the order the file gives them (the order used
    /// when nothing says another is more useful: [`crate::rehearsal::probes`]).
    pub probes: Vec<Probe>,
}

/// A follow-up an interviewer asks after the main answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Probe {
    /// The follow-up as asked aloud.
    pub text: String,
    /// Checklist items (ids of this question's rounds) it gives the
    /// candidate a chance to show; empty for a probe written as a plain
    /// string.
    pub tests: Vec<String>,
    /// What kind of answer it asks for, if it answers a delivery problem.
    pub aim: Option<ProbeAim>,
}

/// What a probe asks of an answer that sounded a certain way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ProbeAim {
    /// More depth: asked first after a very short main answer.
    Depth,
    /// The short version: asked first after a main answer that ran over.
    Brevity,
}

impl Loop {
    /// The questions a round of `kind` draws from, in file order.
    pub fn bank<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Question> + 'a {
        self.questions.iter().filter(move |q| q.kind == kind)
    }

    /// The round with this id.
    pub fn round(&self, id: &str) -> Option<&Round> {
        self.rounds.iter().find(|r| r.id == id)
    }

    /// The question with this id.
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    /// The competency with this id.
    pub fn competency(&self, id: &str) -> Option<&Competency> {
        self.competencies.iter().find(|c| c.id == id)
    }

    /// Total minutes of the rounds, optional ones included or not.
    pub fn total_minutes(&self, include_optional: bool) -> u32 {
        self.rounds.iter().filter(|r| include_optional || !r.optional).map(|r| r.minutes).sum()
    }
}
