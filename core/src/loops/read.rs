//! The first pass over a loop file: TOML text → the file's shape
//! ([`RawLoop`]), with every problem of shape found in one go.
//!
//! Not serde: a derived `Deserialize` stops at the first unknown key,
//! missing field or wrong type, so a user fixing a file would meet its
//! problems one run at a time. This walks the parsed TOML tree (toml's
//! spanned `DeTable`) by hand instead, notes each problem with its place,
//! and carries on with the next field. A field that is missing or of the
//! wrong type comes out as `None`, and [`super::parse`] checks only what
//! is there, so one mistake is never reported twice.
//!
//! Pure: text in, shape and problems out; no I/O.

use super::model::ProbeAim;
use super::problem::{Locator, Problem};
use std::ops::Range;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// A loop file as written: every field that can be checked later is
/// `Spanned`, so its problems point at the exact line and column.
pub(super) struct RawLoop {
    pub id: Option<Spanned<String>>,
    pub title: Option<Spanned<String>>,
    pub description: String,
    pub competencies: Vec<RawCompetency>,
    pub rounds: Vec<RawRound>,
    pub questions: Vec<RawQuestion>,
    /// Which of the three lists were read whole (present, a list, every
    /// entry a table): a check that needs all of one (is this competency
    /// known? does a round ask this kind?) is only made on a whole list, so
    /// a list already reported broken is not reported again, entry by entry.
    pub whole: Whole,
}

/// See [`RawLoop::whole`].
#[derive(Clone, Copy)]
pub(super) struct Whole {
    pub competencies: bool,
    pub rounds: bool,
    pub questions: bool,
}

pub(super) struct RawCompetency {
    pub id: Option<Spanned<String>>,
    pub name: Option<Spanned<String>>,
    pub description: String,
}

pub(super) struct RawRound {
    pub id: Option<Spanned<String>>,
    pub kind: Option<Spanned<String>>,
    pub title: Option<Spanned<String>>,
    pub minutes: Option<Spanned<i64>>,
    pub answer_seconds: Option<Spanned<i64>>,
    pub probe_seconds: Option<Spanned<i64>>,
    pub optional: bool,
    pub stories: bool,
    pub competencies: Option<Spanned<Vec<Spanned<String>>>>,
    pub checklist: Option<Spanned<Vec<RawItem>>>,
}

pub(super) struct RawItem {
    pub id: Option<Spanned<String>>,
    pub text: Option<Spanned<String>>,
    pub competency: Option<Spanned<String>>,
}

pub(super) struct RawQuestion {
    pub id: Option<Spanned<String>>,
    pub kind: Option<Spanned<String>>,
    pub text: Option<Spanned<String>>,
    pub target_seconds: Option<Spanned<i64>>,
    pub evidence: Vec<Spanned<String>>,
    pub strong: Vec<Spanned<String>>,
    pub probes: Vec<Spanned<RawProbe>>,
}

/// A probe as a plain string (the first file format, still accepted) or as
/// a table that says what it tests and what it asks for.
pub(super) enum RawProbe {
    Text(String),
    Table { text: Option<Spanned<String>>, tests: Vec<Spanned<String>>, aim: Option<ProbeAim> },
}

/// The keys each table may hold, in the order the format documents them
/// (docs/loops.md): an unknown key is reported with this list.
const LOOP_KEYS: &[&str] = &["id", "title", "description", "competencies", "rounds", "questions"];
const COMPETENCY_KEYS: &[&str] = &["id", "name", "description"];
const ROUND_KEYS: &[&str] = &[
    "id",
    "kind",
    "title",
    "minutes",
    "answer_seconds",
    "probe_seconds",
    "optional",
    "stories",
    "competencies",
    "checklist",
];
const ITEM_KEYS: &[&str] = &["id", "text", "competency"];
const QUESTION_KEYS: &[&str] = &["id", "kind", "text", "target_seconds", "evidence", "strong", "probes"];
const PROBE_KEYS: &[&str] = &["text", "tests", "aim"];

/// Every table of the format with the keys it may hold: what docs/loops.md
/// documents (a test holds the two together).
pub const FORMAT: &[(&str, &[&str])] = &[
    ("the loop", LOOP_KEYS),
    ("[[competencies]]", COMPETENCY_KEYS),
    ("[[rounds]]", ROUND_KEYS),
    ("[[rounds.checklist]]", ITEM_KEYS),
    ("[[questions]]", QUESTION_KEYS),
    ("probes", PROBE_KEYS),
];

/// Reads `src`: the file's shape, or `None` when it is not TOML at all
/// (then `problems` holds every syntax error the parser could recover
/// from, and nothing else: with the structure unknown, anything more
/// would be a guess).
pub(super) fn read(path: &str, at: &Locator<'_>, src: &str, problems: &mut Vec<Problem>) -> Option<RawLoop> {
    let (doc, errors) = DeTable::parse_recoverable(src);
    if !errors.is_empty() {
        problems.extend(errors.iter().map(|e| syntax_problem(path, at, src, e)));
        return None;
    }
    let mut r = Reader { path, at, problems };
    let top = Table { entries: doc.get_ref(), at: doc.span().start, what: "the loop file", known: LOOP_KEYS };
    r.unknown_keys(&top);
    let (competencies, whole_competencies) = r.tables(&top, "competencies", true);
    let (rounds, whole_rounds) = r.tables(&top, "rounds", true);
    let (questions, whole_questions) = r.tables(&top, "questions", true);
    let raw = RawLoop {
        id: r.string(&top, "id", true),
        title: r.string(&top, "title", true),
        description: r.string(&top, "description", false).map(|d| d.into_inner()).unwrap_or_default(),
        competencies: competencies.iter().map(|t| r.competency(t)).collect(),
        rounds: rounds.iter().map(|t| r.round(t)).collect(),
        questions: questions.iter().map(|t| r.question(t)).collect(),
        whole: Whole { competencies: whole_competencies, rounds: whole_rounds, questions: whole_questions },
    };
    Some(raw)
}

/// A TOML parse error as a located problem. TOML's own messages for a bad
/// value do not say which key it belongs to, so the key on that line is
/// added.
fn syntax_problem(path: &str, at: &Locator<'_>, src: &str, e: &toml::de::Error) -> Problem {
    let offset = e.span().map_or(0, |s| s.start);
    let message = e.message().trim().replace('\n', " ");
    let message = match key_at(src, offset) {
        Some(key) if !message.contains(&format!("`{key}`")) => format!("`{key}`: {message}"),
        _ => message,
    };
    Problem::at(path, at, offset, message)
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

/// One table being read: its entries, where a missing key is reported,
/// what it is called in messages, and the keys it may hold.
struct Table<'t, 'i> {
    entries: &'t DeTable<'i>,
    at: usize,
    what: &'static str,
    known: &'static [&'static str],
}

struct Reader<'a> {
    path: &'a str,
    at: &'a Locator<'a>,
    problems: &'a mut Vec<Problem>,
}

/// A TOML type as a person would name it.
fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "a whole number",
        DeValue::Float(_) => "a decimal number",
        DeValue::Boolean(_) => "true or false",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}

impl<'a> Reader<'a> {
    fn problem(&mut self, offset: usize, message: impl Into<String>) {
        self.problems.push(Problem::at(self.path, self.at, offset, message));
    }

    /// Every key of `t` the format does not know, each reported at the key.
    fn unknown_keys(&mut self, t: &Table<'_, '_>) {
        for (key, _) in t.entries.iter() {
            if !t.known.contains(&key.get_ref().as_ref()) {
                let message =
                    format!("unknown key `{}` in {}; it may hold: {}", key.get_ref(), t.what, t.known.join(", "));
                self.problem(key.span().start, message);
            }
        }
    }

    /// The value of `key`, or a problem when a required key is absent.
    fn get<'t, 'i>(&mut self, t: &Table<'t, 'i>, key: &str, required: bool) -> Option<&'t Spanned<DeValue<'i>>> {
        let value = t.entries.get(key);
        if value.is_none() && required {
            self.problem(t.at, format!("{} is missing `{key}`", t.what));
        }
        value
    }

    fn wrong_type(&mut self, key: &str, wanted: &str, found: &Spanned<DeValue<'_>>) {
        self.problem(found.span().start, format!("`{key}` must be {wanted}, found {}", type_name(found.get_ref())));
    }

    fn string(&mut self, t: &Table<'_, '_>, key: &str, required: bool) -> Option<Spanned<String>> {
        let value = self.get(t, key, required)?;
        match value.get_ref() {
            DeValue::String(s) => Some(Spanned::new(value.span(), s.to_string())),
            _ => {
                self.wrong_type(key, "a string in quotes", value);
                None
            }
        }
    }

    fn integer(&mut self, t: &Table<'_, '_>, key: &str) -> Option<Spanned<i64>> {
        let value = self.get(t, key, true)?;
        match value.get_ref() {
            DeValue::Integer(n) => match i64::from_str_radix(n.as_str(), n.radix()) {
                Ok(n) => Some(Spanned::new(value.span(), n)),
                Err(_) => {
                    self.problem(value.span().start, format!("`{key}` = {n} is too large"));
                    None
                }
            },
            _ => {
                self.wrong_type(key, "a whole number", value);
                None
            }
        }
    }

    fn boolean(&mut self, t: &Table<'_, '_>, key: &str) -> bool {
        let Some(value) = self.get(t, key, false) else { return false };
        match value.get_ref() {
            DeValue::Boolean(b) => *b,
            _ => {
                self.wrong_type(key, "true or false", value);
                false
            }
        }
    }

    /// A list of strings; an element of another type is reported and left out.
    fn strings(&mut self, t: &Table<'_, '_>, key: &str, required: bool) -> Option<Spanned<Vec<Spanned<String>>>> {
        let value = self.get(t, key, required)?;
        let DeValue::Array(items) = value.get_ref() else {
            self.wrong_type(key, "a list of strings, like [\"a\", \"b\"]", value);
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items.iter() {
            match item.get_ref() {
                DeValue::String(s) => out.push(Spanned::new(item.span(), s.to_string())),
                _ => self.problem(
                    item.span().start,
                    format!("`{key}` must list strings in quotes, found {}", type_name(item.get_ref())),
                ),
            }
        }
        Some(Spanned::new(value.span(), out))
    }

    /// The tables of an array of tables (`[[key]]`, or a list of inline
    /// tables), with where each starts; a missing key (when `required`) and
    /// a non-table are reported. Also whether the list was read whole:
    /// there, a list, every entry a table.
    #[allow(clippy::type_complexity)]
    fn tables<'t, 'i>(
        &mut self,
        t: &Table<'t, 'i>,
        key: &str,
        required: bool,
    ) -> (Vec<(Range<usize>, &'t DeTable<'i>)>, bool) {
        let Some(value) = self.get(t, key, required) else { return (Vec::new(), false) };
        let DeValue::Array(items) = value.get_ref() else {
            self.wrong_type(key, &format!("a list of tables, written [[{key}]]"), value);
            return (Vec::new(), false);
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items.iter() {
            match item.get_ref() {
                DeValue::Table(table) => out.push((item.span(), table)),
                other => self
                    .problem(item.span().start, format!("each of `{key}` must be a table, found {}", type_name(other))),
            }
        }
        let whole = out.len() == items.len();
        (out, whole)
    }

    fn competency(&mut self, (span, entries): &(Range<usize>, &DeTable<'_>)) -> RawCompetency {
        let t = Table { entries, at: span.start, what: "a competency", known: COMPETENCY_KEYS };
        self.unknown_keys(&t);
        RawCompetency {
            id: self.string(&t, "id", true),
            name: self.string(&t, "name", true),
            description: self.string(&t, "description", false).map(|d| d.into_inner()).unwrap_or_default(),
        }
    }

    fn round(&mut self, (span, entries): &(Range<usize>, &DeTable<'_>)) -> RawRound {
        let t = Table { entries, at: span.start, what: "a round", known: ROUND_KEYS };
        self.unknown_keys(&t);
        // A checklist that is not a list of tables is reported as such, and
        // is `None` from here on: it is not also "empty".
        let span = t.entries.get("checklist").map(Spanned::span);
        let (items, whole) = self.tables(&t, "checklist", true);
        let items: Vec<RawItem> = items.iter().map(|item| self.item(item)).collect();
        let checklist = span.filter(|_| whole);
        RawRound {
            id: self.string(&t, "id", true),
            kind: self.string(&t, "kind", true),
            title: self.string(&t, "title", true),
            minutes: self.integer(&t, "minutes"),
            answer_seconds: self.integer(&t, "answer_seconds"),
            probe_seconds: self.integer(&t, "probe_seconds"),
            optional: self.boolean(&t, "optional"),
            stories: self.boolean(&t, "stories"),
            competencies: self.strings(&t, "competencies", true),
            checklist: checklist.map(|span| Spanned::new(span, items)),
        }
    }

    fn item(&mut self, (span, entries): &(Range<usize>, &DeTable<'_>)) -> RawItem {
        let t = Table { entries, at: span.start, what: "a checklist item", known: ITEM_KEYS };
        self.unknown_keys(&t);
        RawItem {
            id: self.string(&t, "id", true),
            text: self.string(&t, "text", true),
            competency: self.string(&t, "competency", true),
        }
    }

    fn question(&mut self, (span, entries): &(Range<usize>, &DeTable<'_>)) -> RawQuestion {
        let t = Table { entries, at: span.start, what: "a question", known: QUESTION_KEYS };
        self.unknown_keys(&t);
        let probes = match self.get(&t, "probes", false) {
            None => Vec::new(),
            Some(value) => match value.get_ref() {
                DeValue::Array(items) => items.iter().filter_map(|p| self.probe(p)).collect(),
                _ => {
                    self.wrong_type("probes", "a list of probes", value);
                    Vec::new()
                }
            },
        };
        RawQuestion {
            id: self.string(&t, "id", true),
            kind: self.string(&t, "kind", true),
            text: self.string(&t, "text", true),
            target_seconds: self.integer(&t, "target_seconds"),
            evidence: self.strings(&t, "evidence", false).map(Spanned::into_inner).unwrap_or_default(),
            strong: self.strings(&t, "strong", false).map(Spanned::into_inner).unwrap_or_default(),
            probes,
        }
    }

    fn probe(&mut self, value: &Spanned<DeValue<'_>>) -> Option<Spanned<RawProbe>> {
        let probe = match value.get_ref() {
            DeValue::String(s) => RawProbe::Text(s.to_string()),
            DeValue::Table(entries) => {
                let t = Table { entries, at: value.span().start, what: "a probe", known: PROBE_KEYS };
                self.unknown_keys(&t);
                let aim = self.string(&t, "aim", false).and_then(|aim| match aim.get_ref().as_str() {
                    "depth" => Some(ProbeAim::Depth),
                    "brevity" => Some(ProbeAim::Brevity),
                    other => {
                        let message = format!("unknown aim \"{other}\": a probe's `aim` is \"depth\" or \"brevity\"");
                        self.problem(aim.span().start, message);
                        None
                    }
                });
                RawProbe::Table {
                    text: self.string(&t, "text", true),
                    tests: self.strings(&t, "tests", false).map(Spanned::into_inner).unwrap_or_default(),
                    aim,
                }
            }
            other => {
                let message = format!(
                    "a probe is a string, or a table like {{ text = \"...\", tests = [\"item-id\"] }}; found {}",
                    type_name(other)
                );
                self.problem(value.span().start, message);
                return None;
            }
        };
        Some(Spanned::new(value.span(), probe))
    }
}
