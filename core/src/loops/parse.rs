//! Turning a loop file's text into a [`Loop`], or into every problem found.
//!
//! Two passes, both of which carry on past a problem so that one run
//! reports all of them: [`super::read`] walks the TOML tree and reports
//! syntax, unknown keys, missing keys and wrong types; then [`Validator`]
//! checks what the shape cannot say (ids, references between competencies,
//! rounds, checklist items, questions and probes, durations, banks). Every
//! field that can be wrong is `Spanned`, which is how every problem gets a
//! line and column. A field the first pass found missing or mistyped is
//! `None` here and checked no further, so one mistake is reported once.
//!
//! Pure: text in, a loop or problems out; no I/O.

use super::model::{ChecklistItem, Competency, Loop, LoopSource, Probe, Question, Round};
use super::problem::{Locator, Problem};
use super::read::{read, RawItem, RawLoop, RawProbe, RawQuestion, RawRound};
use std::collections::{HashMap, HashSet};
use toml::Spanned;

/// Longest round or answer accepted: a typo such as `minutes = 4500` should be
/// an error, not a 75-hour countdown.
const MAX_MINUTES: i64 = 8 * 60;
const MAX_SECONDS: i64 = MAX_MINUTES * 60;

/// Parses and validates one loop file. `path` is how problems name the file.
/// On failure, every problem found, in the order of the file.
pub fn parse_loop(path: &str, source_text: &str, source: LoopSource) -> Result<Loop, Vec<Problem>> {
    let mut problems = Vec::new();
    let at = Locator::new(source_text);
    let raw = read(path, &at, source_text, &mut problems);
    let lp = raw.map(|raw| {
        let mut v = Validator { path, at: &at, problems: &mut problems };
        v.check(raw, source)
    });
    match lp {
        Some(lp) if problems.is_empty() => Ok(lp),
        _ => {
            problems.sort_by_key(|p| (p.line, p.column));
            problems.dedup();
            if problems.len() > MAX_PROBLEMS {
                let more = problems.len() - MAX_PROBLEMS;
                problems.truncate(MAX_PROBLEMS);
                let last = problems.last().map_or((1, 1), |p| (p.line, p.column));
                problems.push(Problem {
                    path: path.to_owned(),
                    line: last.0,
                    column: last.1,
                    message: format!("and {more} more problems after these {MAX_PROBLEMS}: fix these first"),
                });
            }
            Err(problems)
        }
    }
}

/// The most problems listed for one file: past them, a file is not a loop
/// gone slightly wrong, and a list of thousands helps no one (nor the
/// window's home screen, which shows them).
pub const MAX_PROBLEMS: usize = 200;

struct Validator<'a> {
    path: &'a str,
    at: &'a Locator<'a>,
    problems: &'a mut Vec<Problem>,
}

/// The value of an optional spanned field, as a plain reference.
fn value<T>(field: &Option<Spanned<T>>) -> Option<&T> {
    field.as_ref().map(Spanned::get_ref)
}

/// An optional string field's value, or "" (a missing field was reported
/// by the first pass).
fn text_of(field: &Option<Spanned<String>>) -> &str {
    value(field).map_or("", String::as_str)
}

impl Validator<'_> {
    fn err<T>(&mut self, at: &Spanned<T>, message: impl Into<String>) {
        self.problems.push(Problem::at(self.path, self.at, at.span().start, message));
    }

    fn id(&mut self, id: &Option<Spanned<String>>, what: &str, seen: &mut HashSet<String>) -> String {
        let Some(id) = id else { return String::new() };
        let value = id.get_ref();
        if value.is_empty() || !value.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
            self.err(id, format!("{what} id \"{value}\" must be lowercase letters, digits and '-'"));
        } else if !seen.insert(value.clone()) {
            self.err(id, format!("duplicate {what} id \"{value}\""));
        }
        value.clone()
    }

    fn text(&mut self, text: &Option<Spanned<String>>, what: &str) -> String {
        let Some(text) = text else { return String::new() };
        if text.get_ref().trim().is_empty() {
            self.err(text, format!("{what} must not be empty"));
        }
        text.get_ref().trim().to_owned()
    }

    /// Checklist item ids in `ids`, each one an item of `items` (those of
    /// the rounds that draw from the question's bank), none named twice.
    fn item_refs(
        &mut self,
        ids: &[Spanned<String>],
        items: Option<&HashSet<&str>>,
        field: &str,
        q: &RawQuestion,
    ) -> Vec<String> {
        let mut out: Vec<String> = Vec::with_capacity(ids.len());
        for t in ids {
            let id = t.get_ref();
            if items.is_some_and(|known| !known.contains(id.as_str())) {
                self.err(
                    t,
                    format!(
                        "{field} \"{id}\", which is no checklist item of a \"{}\" round (question \"{}\")",
                        text_of(&q.kind),
                        text_of(&q.id)
                    ),
                );
            } else if out.contains(id) {
                self.err(t, format!("{field} checklist item \"{id}\" twice"));
            } else {
                out.push(id.clone());
            }
        }
        out
    }

    fn probe(&mut self, raw: &Spanned<RawProbe>, q: &RawQuestion, items: Option<&HashSet<&str>>) -> Probe {
        match raw.get_ref() {
            RawProbe::Text(text) => {
                if text.trim().is_empty() {
                    self.err(raw, "a probe must not be empty");
                }
                Probe { text: text.trim().to_owned(), tests: Vec::new(), aim: None }
            }
            RawProbe::Table { text, tests, aim } => Probe {
                tests: self.item_refs(tests, items, "probe tests", q),
                text: self.text(text, "a probe's `text`"),
                aim: *aim,
            },
        }
    }

    fn positive(&mut self, value: &Option<Spanned<i64>>, field: &str, max: i64) -> u32 {
        let Some(value) = value else { return 0 };
        let v = *value.get_ref();
        if v <= 0 {
            self.err(value, format!("`{field}` must be a positive number, found {v}"));
            0
        } else if v > max {
            self.err(value, format!("`{field}` = {v} is longer than the {max} allowed"));
            0
        } else {
            u32::try_from(v).unwrap_or(0)
        }
    }

    fn check(&mut self, raw: RawLoop, source: LoopSource) -> Loop {
        let id = self.id(&raw.id, "loop", &mut HashSet::new());
        let title = self.text(&raw.title, "`title`");

        let mut competency_ids = HashSet::new();
        let competencies: Vec<Competency> = raw
            .competencies
            .iter()
            .map(|c| Competency {
                id: self.id(&c.id, "competency", &mut competency_ids),
                name: self.text(&c.name, "competency `name`"),
                description: c.description.trim().to_owned(),
            })
            .collect();

        // What is known whole. A check that needs a whole list is skipped
        // where a part of it was already reported missing or mistyped, so
        // that one mistake is one problem.
        let known_competencies =
            (raw.whole.competencies && raw.competencies.iter().all(|c| c.id.is_some())).then_some(&competency_ids);
        let round_kinds_known = raw.whole.rounds && raw.rounds.iter().all(|r| r.kind.is_some());
        let question_kinds_known = raw.whole.questions && raw.questions.iter().all(|q| q.kind.is_some());
        let usage_known = raw.whole.rounds && raw.rounds.iter().all(|r| r.competencies.is_some());

        if raw.whole.rounds && raw.rounds.is_empty() {
            let at = raw.id.clone().unwrap_or_else(|| Spanned::new(0..0, String::new()));
            self.err(&at, format!("loop \"{id}\" has no [[rounds]]"));
        }
        let question_kinds: HashSet<&str> =
            raw.questions.iter().filter_map(|q| value(&q.kind)).map(String::as_str).collect();

        let mut round_ids = HashSet::new();
        let mut item_ids = HashSet::new();
        let mut rounds = Vec::with_capacity(raw.rounds.len());
        for r in &raw.rounds {
            let round = self.check_round(r, known_competencies, &mut round_ids, &mut item_ids);
            if let (Some(kind), true) = (&r.kind, question_kinds_known) {
                if !question_kinds.contains(kind.get_ref().as_str()) {
                    self.err(
                        kind,
                        format!(
                            "round \"{}\" draws from the \"{}\" bank, which is empty: add [[questions]] with kind = \"{}\"",
                            round.id, round.kind, round.kind
                        ),
                    );
                }
            }
            rounds.push(round);
        }

        // The checklist items a question's evidence and probes may name:
        // those of every round that draws from its bank; `None` where that
        // is not known whole (then the names are not checked).
        let mut kind_items: HashMap<&str, Option<HashSet<&str>>> = HashMap::new();
        for r in raw.rounds.iter().filter(|_| round_kinds_known) {
            let Some(kind) = value(&r.kind) else { continue };
            let entry = kind_items.entry(kind.as_str()).or_insert_with(|| Some(HashSet::new()));
            match (entry.as_mut(), &r.checklist) {
                (Some(items), Some(checklist)) if checklist.get_ref().iter().all(|i| i.id.is_some()) => {
                    items.extend(checklist.get_ref().iter().filter_map(|i| value(&i.id)).map(String::as_str));
                }
                _ => *entry = None,
            }
        }
        let mut question_ids = HashSet::new();
        let mut questions = Vec::with_capacity(raw.questions.len());
        for q in &raw.questions {
            let items = kind_items.get(text_of(&q.kind)).and_then(Option::as_ref);
            questions.push(self.check_question(q, &rounds, round_kinds_known, items, &mut question_ids));
        }

        for (c, rc) in competencies.iter().zip(&raw.competencies) {
            let used = rounds.iter().any(|r| r.competencies.contains(&c.id));
            if let (false, true, Some(at)) = (used, usage_known, &rc.id) {
                self.err(at, format!("competency \"{}\" is probed by no round", c.id));
            }
        }

        Loop { id, title, description: raw.description.trim().to_owned(), source, competencies, rounds, questions }
    }

    fn check_question(
        &mut self,
        q: &RawQuestion,
        rounds: &[Round],
        round_kinds_known: bool,
        items: Option<&HashSet<&str>>,
        question_ids: &mut HashSet<String>,
    ) -> Question {
        let kind = text_of(&q.kind);
        let asked_in: Vec<&Round> = rounds.iter().filter(|r| r.kind == kind).collect();
        if let (Some(at), true) = (&q.kind, round_kinds_known && asked_in.is_empty()) {
            self.err(at, format!("no round has kind \"{kind}\", so this question would never be asked"));
        }
        let id = self.id(&q.id, "question", question_ids);
        let target_seconds = self.positive(&q.target_seconds, "target_seconds", MAX_SECONDS);
        // A target longer than a round gives the answer is a question the
        // clock always cuts short: the first round that does is named.
        if let (Some(at), Some(round)) =
            (&q.target_seconds, asked_in.iter().find(|r| r.answer_seconds > 0 && target_seconds > r.answer_seconds))
        {
            self.err(
                at,
                format!(
                    "`target_seconds` = {target_seconds} is longer than the {} s round \"{}\" gives a main answer: \
                     shorten the target or give the round more `answer_seconds`",
                    round.answer_seconds, round.id
                ),
            );
        }
        let strong = q
            .strong
            .iter()
            .map(|point| {
                if point.get_ref().trim().is_empty() {
                    self.err(point, "a point of `strong` must not be empty");
                }
                point.get_ref().trim().to_owned()
            })
            .collect();
        Question {
            evidence: self.item_refs(&q.evidence, items, "evidence names", q),
            probes: q.probes.iter().map(|p| self.probe(p, q, items)).collect(),
            kind: kind.to_owned(),
            text: self.text(&q.text, "question `text`"),
            strong,
            target_seconds,
            id,
        }
    }

    /// A round and its checklist. `known`: every competency of the loop,
    /// when the list was read whole (else names are not checked).
    fn check_round(
        &mut self,
        r: &RawRound,
        known: Option<&HashSet<String>>,
        round_ids: &mut HashSet<String>,
        item_ids: &mut HashSet<String>,
    ) -> Round {
        let id = self.id(&r.id, "round", round_ids);
        let mut own = HashSet::new();
        if let Some(list) = &r.competencies {
            for c in list.get_ref() {
                if known.is_some_and(|known| !known.contains(c.get_ref())) {
                    self.err(c, format!("round \"{id}\" names unknown competency \"{}\"", c.get_ref()));
                } else if !own.insert(c.get_ref().clone()) {
                    self.err(c, format!("round \"{id}\" lists competency \"{}\" twice", c.get_ref()));
                }
            }
            if list.get_ref().is_empty() {
                self.err(list, format!("round \"{id}\" must probe at least one competency"));
            }
        }
        let mut checklist = Vec::new();
        if let Some(items) = &r.checklist {
            if items.get_ref().is_empty() {
                self.err(items, format!("round \"{id}\" has an empty checklist"));
            }
            // The round's own competencies, if they were read.
            let own = r.competencies.as_ref().map(|_| &own);
            for item in items.get_ref() {
                checklist.push(self.check_item(item, &id, known, own, item_ids));
            }
        }
        Round {
            kind: self.id(&r.kind, "round kind", &mut HashSet::new()),
            title: self.text(&r.title, "round `title`"),
            minutes: self.positive(&r.minutes, "minutes", MAX_MINUTES),
            answer_seconds: self.positive(&r.answer_seconds, "answer_seconds", MAX_SECONDS),
            probe_seconds: self.positive(&r.probe_seconds, "probe_seconds", MAX_SECONDS),
            optional: r.optional,
            stories: r.stories,
            competencies: r
                .competencies
                .as_ref()
                .map_or_else(Vec::new, |l| l.get_ref().iter().map(|c| c.get_ref().clone()).collect()),
            checklist,
            id,
        }
    }

    fn check_item(
        &mut self,
        item: &RawItem,
        round: &str,
        known: Option<&HashSet<String>>,
        own: Option<&HashSet<String>>,
        item_ids: &mut HashSet<String>,
    ) -> ChecklistItem {
        if let Some(at) = &item.competency {
            let competency = at.get_ref();
            if known.is_some_and(|known| !known.contains(competency)) {
                self.err(at, format!("checklist item names unknown competency \"{competency}\""));
            } else if own.is_some_and(|own| !own.contains(competency)) {
                self.err(at, format!("competency \"{competency}\" is not one that round \"{round}\" probes"));
            }
        }
        ChecklistItem {
            id: self.id(&item.id, "checklist item", item_ids),
            text: self.text(&item.text, "checklist `text`"),
            competency: text_of(&item.competency).to_owned(),
        }
    }
}
