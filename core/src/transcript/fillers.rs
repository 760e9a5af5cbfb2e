//! Fillers, from a transcript's words and their times (English only):
//! filled pauses ("um", "uh", "er", "hmm"…), verbal fillers ("like",
//! "you know", "I mean", "sort of", "kind of", "basically", "actually",
//! "literally") where the words around them say they fill rather than
//! mean ("I like", "would like", "looks like", "what kind of" are not
//! fillers), a word said twice in a row, and, as a back-up for what the
//! model did not write down, a voiced stretch of [`PROBABLE_SECONDS`] or
//! more that no word covers (a probable filler, marked as such).

use super::Word;
use serde::{Deserialize, Serialize};

/// A voiced stretch with no word at least this long is a probable filler.
pub const PROBABLE_SECONDS: f64 = 0.3;

/// What kind of filler.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum FillerKind {
    /// "um", "uh", "er", "hmm"…
    Filled,
    /// "like", "you know", "I mean"… used as filler.
    Verbal,
    /// A word said twice in a row ("the the").
    Repeat,
    /// Voice that no word covers: likely a filler the model left out.
    Probable,
}

/// One filler in a take.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Filler {
    /// Its kind.
    pub kind: FillerKind,
    /// What was said ("um", "you know", "the the"; "" for a probable one).
    pub text: String,
    /// Where it starts and ends, in ms from the take's start.
    pub start_ms: u32,
    /// Where it ends.
    pub end_ms: u32,
    /// The first of its words in the transcript; `None` for a probable one.
    pub word: Option<u32>,
    /// How many words it spans (0 for a probable one).
    pub words: u32,
}

/// A word as the rules compare it: lower case, no punctuation around it.
pub fn bare(text: &str) -> String {
    text.trim().trim_matches(|c: char| !c.is_alphanumeric() && c != '\'').to_lowercase()
}

/// Whether `word` (bare) is a filled pause: um, umm, uh, uhm, er, erm,
/// hmm, mm, ah, eh, with any number of repeated letters.
pub fn is_filled_pause(word: &str) -> bool {
    let mut squeezed: Vec<char> = word.chars().collect();
    squeezed.dedup();
    let s: String = squeezed.into_iter().collect();
    matches!(s.as_str(), "um" | "uh" | "uhm" | "er" | "erm" | "hm" | "m" | "ah" | "eh" | "ahm" | "em")
}

/// Words after which "like" is a verb or a comparison, not a filler.
const LIKE_MEANT_AFTER: &[&str] = &[
    "i",
    "you",
    "we",
    "they",
    "would",
    "i'd",
    "we'd",
    "you'd",
    "they'd",
    "he'd",
    "she'd",
    "looks",
    "look",
    "looked",
    "looking",
    "feel",
    "feels",
    "felt",
    "seem",
    "seems",
    "sound",
    "sounds",
    "something",
    "anything",
    "nothing",
    "things",
    "thing",
    "stuff",
    "more",
    "less",
    "much",
    "do",
    "don't",
    "didn't",
    "doesn't",
    "really",
    "customers",
    "users",
    "people",
    "companies",
    "products",
    "features",
    "tools",
    "apps",
    "teams",
    "markets",
    "not",
    "might",
    "will",
    "to",
    "also",
    "who",
    "that",
    "and",
    "or",
];
/// Words after which "kind of" / "sort of" name a kind ("a kind of tool").
const KIND_MEANT_AFTER: &[&str] = &[
    "a",
    "the",
    "this",
    "that",
    "what",
    "which",
    "any",
    "some",
    "every",
    "one",
    "no",
    "each",
    "same",
    "different",
    "new",
    "right",
    "another",
    "first",
    "other",
];
/// Words after which "you know" asks or states ("do you know").
const YOU_KNOW_MEANT_AFTER: &[&str] = &["do", "did", "don't", "didn't", "if", "would", "as", "now", "so", "before"];
/// Words after "you know" that make it mean "you are aware".
const YOU_KNOW_MEANT_BEFORE: &[&str] = &[
    "that", "what", "how", "why", "where", "when", "who", "whether", "if", "it", "him", "her", "them", "this", "about",
];
/// Words after "I mean" that make it the verb ("I mean that").
const I_MEAN_MEANT_BEFORE: &[&str] = &["that", "it", "to", "this", "what", "the", "you", "literally"];
/// Verbal fillers of one word: always counted (coaches do).
const ALWAYS: &[&str] = &["basically", "actually", "literally"];
/// Doubled words that are grammar, not a stumble ("had had").
const DOUBLE_OK: &[&str] = &["had", "that"];

/// The fillers in `words` (in order, times in ms), and the probable ones
/// in `speech` (voiced stretches, seconds) that no word covers.
pub fn find(words: &[Word], speech: &[(f64, f64)]) -> Vec<Filler> {
    let bares: Vec<String> = words.iter().map(|w| bare(&w.text)).collect();
    let at = |i: usize| bares.get(i).map(String::as_str).unwrap_or("");
    // A comma or full stop after a word marks a break the rules can use.
    let breaks_after =
        |i: usize| words.get(i).is_some_and(|w| w.text.trim_end().ends_with([',', '.', '?', '!', ';', ':']));
    let mut out = Vec::new();
    let push = |kind: FillerKind, first: usize, count: usize, out: &mut Vec<Filler>| {
        let text = words[first..first + count].iter().map(|w| bare(&w.text)).collect::<Vec<_>>().join(" ");
        out.push(Filler {
            kind,
            text,
            start_ms: words[first].start_ms,
            end_ms: words[first + count - 1].end_ms,
            word: Some(first as u32),
            words: count as u32,
        });
    };
    let mut i = 0;
    while i < words.len() {
        let w = at(i);
        let prev = if i == 0 || breaks_after(i - 1) { "" } else { at(i - 1) };
        if w.is_empty() {
            i += 1;
            continue;
        }
        let like = w == "like" && !LIKE_MEANT_AFTER.contains(&prev) && (prev.is_empty() || !at(i + 1).is_empty());
        let you_know = w == "you"
            && at(i + 1) == "know"
            && !YOU_KNOW_MEANT_AFTER.contains(&prev)
            && (breaks_after(i + 1) || !YOU_KNOW_MEANT_BEFORE.contains(&at(i + 2)));
        let i_mean =
            w == "i" && at(i + 1) == "mean" && (breaks_after(i + 1) || !I_MEAN_MEANT_BEFORE.contains(&at(i + 2)));
        let kind_of = (w == "sort" || w == "kind") && at(i + 1) == "of" && !KIND_MEANT_AFTER.contains(&prev);
        if is_filled_pause(w) {
            push(FillerKind::Filled, i, 1, &mut out);
        } else if like || ALWAYS.contains(&w) {
            push(FillerKind::Verbal, i, 1, &mut out);
        } else if you_know || i_mean || kind_of {
            push(FillerKind::Verbal, i, 2, &mut out);
            i += 2;
            continue;
        } else if i > 0 && w == at(i - 1) && !breaks_after(i - 1) && !DOUBLE_OK.contains(&w) {
            push(FillerKind::Repeat, i - 1, 2, &mut out);
        }
        i += 1;
    }
    out.extend(probable(words, speech));
    out.sort_by_key(|f| f.start_ms);
    out
}

/// Voiced stretches of [`PROBABLE_SECONDS`] or more inside `speech` that
/// no word covers.
fn probable(words: &[Word], speech: &[(f64, f64)]) -> Vec<Filler> {
    let min_ms = (PROBABLE_SECONDS * 1000.0).round() as u32;
    let mut out = Vec::new();
    for &(a, b) in speech {
        let (a, b) = ((a * 1000.0).round() as u32, (b * 1000.0).round() as u32);
        let mut covered_to = a;
        let inside = words.iter().filter(|w| w.end_ms > a && w.start_ms < b);
        for w in inside.chain(std::iter::once(&Word { text: String::new(), start_ms: b, end_ms: b, p: 1.0 })) {
            let gap_end = w.start_ms.clamp(a, b);
            if gap_end >= covered_to + min_ms {
                out.push(Filler {
                    kind: FillerKind::Probable,
                    text: String::new(),
                    start_ms: covered_to,
                    end_ms: gap_end,
                    word: None,
                    words: 0,
                });
            }
            covered_to = covered_to.max(w.end_ms.min(b));
        }
    }
    out
}

/// Fillers per minute of `speaking_seconds` (0 without speech).
pub fn per_minute(count: usize, speaking_seconds: f64) -> f64 {
    if speaking_seconds > 0.0 {
        count as f64 * 60.0 / speaking_seconds
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Words a quarter second each, back to back, from `text`.
    fn words(text: &str) -> Vec<Word> {
        text.split_whitespace()
            .enumerate()
            .map(|(i, t)| Word { text: t.into(), start_ms: i as u32 * 250, end_ms: i as u32 * 250 + 250, p: 0.9 })
            .collect()
    }

    fn found(text: &str) -> Vec<(FillerKind, String)> {
        let w = words(text);
        find(&w, &[]).into_iter().map(|f| (f.kind, f.text)).collect()
    }

    #[test]
    fn filled_pauses_in_any_spelling() {
        for w in ["um", "Umm,", "uh", "Uhh...", "er", "erm", "hmm", "Hmm.", "ah", "uhm"] {
            assert_eq!(found(&format!("so {w} the plan")), vec![(FillerKind::Filled, bare(w))], "{w}");
        }
        for w in ["umbrella", "her", "ahead", "hum", "elm", "mum"] {
            assert!(found(&format!("so {w} the plan")).is_empty(), "{w}");
        }
    }

    #[test]
    fn like_is_a_filler_only_where_it_fills() {
        assert_eq!(found("it was like really hard"), vec![(FillerKind::Verbal, "like".into())]);
        assert_eq!(found("and, like, we shipped it"), vec![(FillerKind::Verbal, "like".into())]);
        for meant in ["I like this plan", "we would like to ship", "it looks like a win", "tools like Teams help"] {
            assert!(found(meant).is_empty(), "{meant}");
        }
    }

    #[test]
    fn phrases_fill_unless_the_words_around_them_mean_them() {
        assert_eq!(found("we, you know, shipped"), vec![(FillerKind::Verbal, "you know".into())]);
        assert!(found("do you know the metric").is_empty());
        assert!(found("you know that users churn").is_empty());
        assert_eq!(found("I mean, it worked"), vec![(FillerKind::Verbal, "i mean".into())]);
        assert!(found("I mean that literally").len() == 1, "'literally' still counts, 'I mean that' does not");
        assert_eq!(found("it was sort of slow"), vec![(FillerKind::Verbal, "sort of".into())]);
        assert!(found("what kind of user is this").is_empty());
        assert!(found("a kind of tool").is_empty());
        assert_eq!(found("basically we won"), vec![(FillerKind::Verbal, "basically".into())]);
    }

    #[test]
    fn a_word_said_twice_is_a_repeat_with_both_words() {
        let w = words("we shipped the the feature");
        let f = find(&w, &[]);
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].kind, f[0].text.as_str(), f[0].word, f[0].words), (FillerKind::Repeat, "the the", Some(2), 2));
        assert_eq!((f[0].start_ms, f[0].end_ms), (500, 1000));
        assert!(found("I had had enough").is_empty());
        assert!(found("that. That is the point").is_empty(), "across a sentence end");
    }

    #[test]
    fn voice_that_no_word_covers_is_a_probable_filler() {
        let w = vec![
            Word { text: "We".into(), start_ms: 1000, end_ms: 1200, p: 0.9 },
            Word { text: "shipped".into(), start_ms: 1700, end_ms: 2100, p: 0.9 },
        ];
        // Speech from 1.0 to 2.5 s: 1.2-1.7 (0.5 s) and 2.1-2.5 (0.4 s) uncovered.
        let f = find(&w, &[(1.0, 2.5)]);
        let probable: Vec<_> =
            f.iter().filter(|f| f.kind == FillerKind::Probable).map(|f| (f.start_ms, f.end_ms)).collect();
        assert_eq!(probable, vec![(1200, 1700), (2100, 2500)]);
        // A gap under 0.3 s is only the space between words.
        assert!(find(&w, &[(1.0, 2.3)]).iter().filter(|f| f.kind == FillerKind::Probable).count() == 1);
    }

    #[test]
    fn per_minute_of_speaking_time() {
        assert_eq!(per_minute(3, 90.0), 2.0);
        assert_eq!(per_minute(3, 0.0), 0.0);
    }
}
