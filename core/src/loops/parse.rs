//! Turning a loop file's text into a [`Loop`], or into every problem found.
//!
//! Two passes: serde (with `deny_unknown_fields`) catches syntax, unknown keys
//! and wrong types; then [`Validator`] checks what the types cannot say
//! (unique ids, known competencies, positive durations, non-empty banks).
//! Fields that can be wrong in the second pass are kept `Spanned`, so every
//! problem points at the exact line and column.

use super::model::{ChecklistItem, Competency, Loop, LoopSource, Probe, ProbeAim, Question, Round};
use super::problem::Problem;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLoop {
    id: Spanned<String>,
    title: Spanned<String>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    competencies: Vec<RawCompetency>,
    #[serde(default)]
    rounds: Vec<RawRound>,
    #[serde(default)]
    questions: Vec<RawQuestion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCompetency {
    id: Spanned<String>,
    name: Spanned<String>,
    #[serde(default)]
    description: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRound {
    id: Spanned<String>,
    kind: Spanned<String>,
    title: Spanned<String>,
    minutes: Spanned<i64>,
    answer_seconds: Spanned<i64>,
    probe_seconds: Spanned<i64>,
    #[serde(default)]
    optional: bool,
    competencies: Spanned<Vec<Spanned<String>>>,
    checklist: Spanned<Vec<RawItem>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    id: Spanned<String>,
    text: Spanned<String>,
    competency: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: Spanned<String>,
    kind: Spanned<String>,
    text: Spanned<String>,
    target_seconds: Spanned<i64>,
    #[serde(default)]
    probes: Vec<Spanned<RawProbe>>,
}

/// A probe as a plain string (the first file format, still accepted) or as
/// a table that says what it tests. Not `#[serde(untagged)]`: that buffers
/// the value, which loses the table's spans and says only "no variant
/// matched"; this passes the table to its own deserializer, so an unknown
/// key is named as anywhere else.
enum RawProbe {
    Text(String),
    Table(RawProbeTable),
}

impl<'de> Deserialize<'de> for RawProbe {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = RawProbe;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a probe: a string, or { text = \"...\", tests = [\"item-id\"] }")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawProbe, E> {
                Ok(RawProbe::Text(v.to_owned()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<RawProbe, A::Error> {
                RawProbeTable::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(RawProbe::Table)
            }
        }
        d.deserialize_any(Visit)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProbeTable {
    text: Spanned<String>,
    #[serde(default)]
    tests: Vec<Spanned<String>>,
    #[serde(default)]
    aim: Option<ProbeAim>,
}

/// Longest round or answer accepted: a typo such as `minutes = 4500` should be
/// an error, not a 75-hour countdown.
const MAX_MINUTES: i64 = 8 * 60;
const MAX_SECONDS: i64 = MAX_MINUTES * 60;

/// Parses and validates one loop file. `path` is how problems name the file.
pub fn parse_loop(path: &str, source_text: &str, source: LoopSource) -> Result<Loop, Vec<Problem>> {
    let raw: RawLoop = toml::from_str(source_text).map_err(|e| vec![syntax_problem(path, source_text, &e)])?;
    let mut v = Validator { path, src: source_text, problems: Vec::new() };
    let lp = v.check(raw, source);
    if v.problems.is_empty() {
        Ok(lp)
    } else {
        v.problems.sort_by_key(|p| (p.line, p.column));
        Err(v.problems)
    }
}

/// A serde/TOML error as a located problem. TOML's own messages for wrong
/// types do not say which key was wrong, so the key on that line is added.
fn syntax_problem(path: &str, src: &str, e: &toml::de::Error) -> Problem {
    let offset = e.span().map_or(0, |s| s.start);
    let message = e.message().trim().replace('\n', " ");
    let message = match key_at(src, offset) {
        Some(key) if !message.contains(&format!("`{key}`")) => format!("`{key}`: {message}"),
        _ => message,
    };
    Problem::at(path, src, offset, message)
}

/// The bare key assigned on the line holding `offset`, if the offset lies in
/// its value (`key = value`).
fn key_at(src: &str, offset: usize) -> Option<String> {
    let offset = offset.min(src.len());
    let start = src[..offset].rfind('\n').map_or(0, |i| i + 1);
    let (key, _) = src[start..offset].split_once('=')?;
    let key = key.trim();
    let bare = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.');
    bare.then(|| key.to_owned())
}

struct Validator<'a> {
    path: &'a str,
    src: &'a str,
    problems: Vec<Problem>,
}

impl Validator<'_> {
    fn err<T>(&mut self, at: &Spanned<T>, message: impl Into<String>) {
        self.problems.push(Problem::at(self.path, self.src, at.span().start, message));
    }

    fn id(&mut self, id: &Spanned<String>, what: &str, seen: &mut HashSet<String>) -> String {
        let value = id.get_ref();
        if value.is_empty() || !value.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
            self.err(id, format!("{what} id \"{value}\" must be lowercase letters, digits and '-'"));
        } else if !seen.insert(value.clone()) {
            self.err(id, format!("duplicate {what} id \"{value}\""));
        }
        value.clone()
    }

    fn text(&mut self, text: &Spanned<String>, what: &str) -> String {
        if text.get_ref().trim().is_empty() {
            self.err(text, format!("{what} must not be empty"));
        }
        text.get_ref().trim().to_owned()
    }

    fn probe(&mut self, raw: &Spanned<RawProbe>, q: &RawQuestion, items: Option<&HashSet<&str>>) -> Probe {
        let table = match raw.get_ref() {
            RawProbe::Text(text) => {
                if text.trim().is_empty() {
                    self.err(raw, "a probe must not be empty");
                }
                return Probe { text: text.trim().to_owned(), tests: Vec::new(), aim: None };
            }
            RawProbe::Table(table) => table,
        };
        let mut tests: Vec<String> = Vec::with_capacity(table.tests.len());
        for t in &table.tests {
            let id = t.get_ref();
            if items.is_some_and(|known| !known.contains(id.as_str())) {
                self.err(
                    t,
                    format!(
                        "probe tests \"{id}\", which is no checklist item of a \"{}\" round (question \"{}\")",
                        q.kind.get_ref(),
                        q.id.get_ref()
                    ),
                );
            } else if tests.contains(id) {
                self.err(t, format!("probe names checklist item \"{id}\" twice"));
            } else {
                tests.push(id.clone());
            }
        }
        Probe { text: self.text(&table.text, "a probe's `text`"), tests, aim: table.aim }
    }

    fn positive(&mut self, value: &Spanned<i64>, field: &str, max: i64) -> u32 {
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

        if raw.rounds.is_empty() {
            self.err(&raw.id, format!("loop \"{id}\" has no [[rounds]]"));
        }
        let question_kinds: HashMap<&str, usize> = raw.questions.iter().fold(HashMap::new(), |mut m, q| {
            *m.entry(q.kind.get_ref().as_str()).or_default() += 1;
            m
        });

        let mut round_ids = HashSet::new();
        let mut item_ids = HashSet::new();
        let mut rounds = Vec::with_capacity(raw.rounds.len());
        for r in &raw.rounds {
            let round = self.check_round(r, &competency_ids, &mut round_ids, &mut item_ids);
            if !question_kinds.contains_key(r.kind.get_ref().as_str()) {
                self.err(
                    &r.kind,
                    format!(
                        "round \"{}\" draws from the \"{}\" bank, which is empty: add [[questions]] with kind = \"{}\"",
                        round.id, round.kind, round.kind
                    ),
                );
            }
            rounds.push(round);
        }

        let round_kinds: HashSet<&str> = raw.rounds.iter().map(|r| r.kind.get_ref().as_str()).collect();
        // The checklist items a question's probes may name: those of every
        // round that draws from its bank.
        let mut kind_items: HashMap<&str, HashSet<&str>> = HashMap::new();
        for r in &raw.rounds {
            let items = kind_items.entry(r.kind.get_ref().as_str()).or_default();
            items.extend(r.checklist.get_ref().iter().map(|i| i.id.get_ref().as_str()));
        }
        let mut question_ids = HashSet::new();
        let mut questions = Vec::with_capacity(raw.questions.len());
        for q in &raw.questions {
            if !round_kinds.contains(q.kind.get_ref().as_str()) {
                self.err(
                    &q.kind,
                    format!("no round has kind \"{}\", so this question would never be asked", q.kind.get_ref()),
                );
            }
            let items = kind_items.get(q.kind.get_ref().as_str());
            let probes = q.probes.iter().map(|p| self.probe(p, q, items)).collect();
            questions.push(Question {
                id: self.id(&q.id, "question", &mut question_ids),
                kind: q.kind.get_ref().clone(),
                text: self.text(&q.text, "question `text`"),
                target_seconds: self.positive(&q.target_seconds, "target_seconds", MAX_SECONDS),
                probes,
            });
        }

        for c in &competencies {
            let used = rounds.iter().any(|r| r.competencies.contains(&c.id));
            if !used {
                let at = raw.competencies.iter().find(|rc| rc.id.get_ref() == &c.id).map(|rc| rc.id.clone());
                if let Some(at) = at {
                    self.err(&at, format!("competency \"{}\" is probed by no round", c.id));
                }
            }
        }

        Loop { id, title, description: raw.description.trim().to_owned(), source, competencies, rounds, questions }
    }

    fn check_round(
        &mut self,
        r: &RawRound,
        competency_ids: &HashSet<String>,
        round_ids: &mut HashSet<String>,
        item_ids: &mut HashSet<String>,
    ) -> Round {
        let id = self.id(&r.id, "round", round_ids);
        let mut own = HashSet::new();
        for c in r.competencies.get_ref() {
            if !competency_ids.contains(c.get_ref()) {
                self.err(c, format!("round \"{id}\" names unknown competency \"{}\"", c.get_ref()));
            } else if !own.insert(c.get_ref().clone()) {
                self.err(c, format!("round \"{id}\" lists competency \"{}\" twice", c.get_ref()));
            }
        }
        if r.competencies.get_ref().is_empty() {
            self.err(&r.competencies, format!("round \"{id}\" must probe at least one competency"));
        }
        if r.checklist.get_ref().is_empty() {
            self.err(&r.checklist, format!("round \"{id}\" has an empty checklist"));
        }
        let checklist = r
            .checklist
            .get_ref()
            .iter()
            .map(|item| {
                let competency = item.competency.get_ref();
                if !competency_ids.contains(competency) {
                    self.err(&item.competency, format!("checklist item names unknown competency \"{competency}\""));
                } else if !own.contains(competency) {
                    self.err(
                        &item.competency,
                        format!("competency \"{competency}\" is not one that round \"{id}\" probes"),
                    );
                }
                ChecklistItem {
                    id: self.id(&item.id, "checklist item", item_ids),
                    text: self.text(&item.text, "checklist `text`"),
                    competency: competency.clone(),
                }
            })
            .collect();
        Round {
            kind: self.id(&r.kind, "round kind", &mut HashSet::new()),
            title: self.text(&r.title, "round `title`"),
            minutes: self.positive(&r.minutes, "minutes", MAX_MINUTES),
            answer_seconds: self.positive(&r.answer_seconds, "answer_seconds", MAX_SECONDS),
            probe_seconds: self.positive(&r.probe_seconds, "probe_seconds", MAX_SECONDS),
            optional: r.optional,
            competencies: r.competencies.get_ref().iter().map(|c| c.get_ref().clone()).collect(),
            checklist,
            id,
        }
    }
}
