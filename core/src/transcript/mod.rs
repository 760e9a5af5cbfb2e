//! What was said: a take's words with their times, made on this machine
//! by whisper.cpp with a model the user chose ([`models`]), and the
//! fillers found in them ([`fillers`]).
//!
//! The steps: the delivery analysis's decoding and speech stretches
//! ([`crate::analysis::hear_file`]) → pieces under 30 s cut at its pauses
//! ([`pieces`]) → each piece decoded ([`engine`], only ever in the
//! transcription worker's process, [`worker`]) → word edges moved onto the
//! speech the analysis found ([`align`]) → fillers. Models come from the
//! official host or a file the user picks ([`models`], [`download`]).

pub mod cpu;
pub mod download;
pub mod engine;
pub mod fillers;
pub mod models;
pub mod pieces;
pub mod worker;

use serde::{Deserialize, Serialize};

/// The decoder settings' version, stored with every transcript: English,
/// greedy, no context between pieces, no temperature fallback, pieces cut
/// at pauses under 28 s with long pauses shortened inside them, the
/// disfluent prompt of [`engine::PROMPT`], pieces whisper rates
/// [`engine::NO_SPEECH_DROP`] likely silence dropped, word times by DTW
/// aligned to speech. Bumped whenever one of them changes (2: the
/// encoder's whole window for every piece, not one shrunk to the piece,
/// which made real voices loop; DTW word times).
pub const DECODER: u32 = 2;

/// One word as said.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Word {
    /// The word as written, with its punctuation ("Um," "customers.").
    pub text: String,
    /// When it starts, ms from the take's start.
    pub start_ms: u32,
    /// When it ends.
    pub end_ms: u32,
    /// How sure the model was (0..=1, the mean over its tokens).
    pub p: f32,
}

/// A take's stored transcript.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StoredTranscript {
    /// The model that made it.
    pub model: String,
    /// The decoder settings' version ([`DECODER`]).
    pub decoder: u32,
    /// When (RFC 3339).
    pub made_at: String,
    /// Seconds the transcription took.
    pub seconds: Option<f64>,
    /// The words, in order.
    pub words: Vec<Word>,
    /// Why there is none, if the engine failed on the take.
    pub error: Option<String>,
}

/// A take's transcript as the window and reports show it: the words,
/// the fillers found in them and the pace they give.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Transcript {
    /// The model that made it.
    pub model: String,
    /// When (RFC 3339).
    pub made_at: String,
    /// The words.
    pub words: Vec<Word>,
    /// The fillers, in order.
    pub fillers: Vec<fillers::Filler>,
    /// Fillers a minute of speaking time (probable ones included).
    pub fillers_per_minute: f64,
    /// Words a minute of speaking time, from the words.
    pub words_per_minute: Option<f64>,
    /// Why there is no transcript, if the engine failed on the take.
    pub error: Option<String>,
}

impl Transcript {
    /// Assembles the stored words with what the delivery analysis found
    /// (speech stretches, speaking time); fillers are computed here, so a
    /// better rule needs no new transcript.
    pub fn new(stored: StoredTranscript, delivery: Option<&crate::analysis::Delivery>) -> Self {
        let speech = delivery.map(crate::analysis::Delivery::speech).unwrap_or_default();
        let speaking = delivery.map_or(0.0, |d| d.speaking_seconds);
        let found = fillers::find(&stored.words, &speech);
        Transcript {
            fillers_per_minute: fillers::per_minute(found.len(), speaking),
            words_per_minute: words_per_minute(&stored.words, speaking),
            fillers: found,
            model: stored.model,
            made_at: stored.made_at,
            words: stored.words,
            error: stored.error,
        }
    }
}

/// The transcript as plain text with its fillers marked in brackets
/// ("[um]", "[you know]", "[the the]", "[filler?]" for voice no word
/// covers) and pauses of [`LONG_PAUSE_MS`] or more shown ("… [2.4 s] …"):
/// what the reports print.
pub fn marked(t: &Transcript) -> String {
    let mut out = String::new();
    let mut covered: Option<(usize, usize)> = None; // words of the filler being written
    let probable: Vec<&fillers::Filler> =
        t.fillers.iter().filter(|f| f.kind == fillers::FillerKind::Probable).collect();
    let mut next_probable = probable.iter().peekable();
    for (i, w) in t.words.iter().enumerate() {
        while next_probable.next_if(|p| p.start_ms < w.start_ms).is_some() {
            out.push_str(" [filler?]");
        }
        if i > 0 {
            let gap = w.start_ms.saturating_sub(t.words[i - 1].end_ms);
            if gap >= LONG_PAUSE_MS {
                out.push_str(&format!(" … [{:.1} s] …", f64::from(gap) / 1000.0));
            }
        }
        out.push(' ');
        let starts = t.fillers.iter().find(|f| f.word == Some(i as u32) && f.words > 0);
        if let Some(f) = starts.filter(|_| covered.is_none()) {
            covered = Some((i, i + f.words as usize - 1));
            out.push('[');
        }
        out.push_str(&w.text);
        if covered.is_some_and(|(_, last)| last == i) {
            out.push(']');
            covered = None;
        }
    }
    for _ in next_probable {
        out.push_str(" [filler?]");
    }
    out.trim().to_owned()
}

/// A pause between words this long is shown in a marked transcript.
pub const LONG_PAUSE_MS: u32 = 1000;

/// The words of a transcript as one text.
pub fn text_of(words: &[Word]) -> String {
    words.iter().map(|w| w.text.as_str()).collect::<Vec<_>>().join(" ")
}

/// Words a minute of speaking time, counted from the words (fillers
/// left out), or `None` without speech.
pub fn words_per_minute(words: &[Word], speaking_seconds: f64) -> Option<f64> {
    let counted = words.iter().filter(|w| !fillers::is_filled_pause(&fillers::bare(&w.text))).count();
    (speaking_seconds > 0.0 && counted > 0).then(|| counted as f64 * 60.0 / speaking_seconds)
}

/// Words with their edges moved onto the speech the delivery analysis
/// found (`speech`: sorted `(start, end)` in seconds), which it measures on
/// the signal to a few ms, where whisper's token times are only near: a
/// word belongs to the stretch its middle falls in (or the nearest), is
/// kept inside it, and the first and last words of a stretch take its
/// edges when they are within [`SNAP_MS`]. Times only ever increase.
pub fn align(mut words: Vec<Word>, speech: &[(f64, f64)]) -> Vec<Word> {
    if speech.is_empty() {
        return words;
    }
    let stretches: Vec<(u32, u32)> =
        speech.iter().map(|&(a, b)| ((a * 1000.0).round() as u32, (b * 1000.0).round() as u32)).collect();
    let home = |w: &Word| -> usize {
        let mid = (w.start_ms + w.end_ms) / 2;
        let distance = |&(a, b): &(u32, u32)| if mid < a { a - mid } else { mid.saturating_sub(b) };
        (0..stretches.len()).min_by_key(|&i| distance(&stretches[i])).unwrap_or(0)
    };
    let homes: Vec<usize> = words.iter().map(home).collect();
    // Homes never go back: a word whose middle lies before an earlier
    // word's stretch stays in that stretch.
    let mut last_home = 0;
    let homes: Vec<usize> = homes
        .into_iter()
        .map(|h| {
            last_home = last_home.max(h);
            last_home
        })
        .collect();
    for (i, w) in words.iter_mut().enumerate() {
        let (a, b) = stretches[homes[i]];
        w.start_ms = w.start_ms.clamp(a, b);
        w.end_ms = w.end_ms.clamp(w.start_ms, b);
        let first = i == 0 || homes[i - 1] != homes[i];
        let last = homes.get(i + 1).is_none_or(|&h| h != homes[i]);
        if first && w.start_ms - a <= SNAP_MS {
            w.start_ms = a;
        }
        if last && b - w.end_ms <= SNAP_MS {
            w.end_ms = b;
        }
    }
    // Monotonic: each word starts no earlier than the one before ends.
    let mut floor = 0;
    for w in &mut words {
        w.start_ms = w.start_ms.max(floor);
        w.end_ms = w.end_ms.max(w.start_ms);
        floor = w.end_ms;
    }
    words
}

/// How near a stretch's edge a first or last word's edge must be to take it.
pub const SNAP_MS: u32 = 400;

#[cfg(test)]
mod tests {
    use super::*;

    fn w(text: &str, start_ms: u32, end_ms: u32) -> Word {
        Word { text: text.into(), start_ms, end_ms, p: 0.9 }
    }

    #[test]
    fn words_take_the_edges_of_the_speech_they_fall_in() {
        // Speech 1.00-2.00 and 3.00-4.00; whisper's times a little off.
        let words = vec![w("We", 900, 1300), w("shipped", 1300, 1800), w("it.", 2900, 3500), w("Then", 3500, 3800)];
        let aligned = align(words, &[(1.0, 2.0), (3.0, 4.0)]);
        let times: Vec<(u32, u32)> = aligned.iter().map(|w| (w.start_ms, w.end_ms)).collect();
        assert_eq!(times, vec![(1000, 1300), (1300, 2000), (3000, 3500), (3500, 4000)]);
    }

    #[test]
    fn a_word_far_from_an_edge_keeps_its_time() {
        let aligned = align(vec![w("so", 2000, 2300)], &[(1.0, 4.0)]);
        assert_eq!((aligned[0].start_ms, aligned[0].end_ms), (2000, 2300));
    }

    #[test]
    fn times_never_go_back() {
        let aligned = align(vec![w("a", 1000, 1600), w("b", 1200, 1400), w("c", 1300, 1500)], &[(1.0, 2.0)]);
        for pair in aligned.windows(2) {
            assert!(pair[0].end_ms <= pair[1].start_ms && pair[1].start_ms <= pair[1].end_ms, "{aligned:?}");
        }
    }

    #[test]
    fn a_marked_transcript_brackets_fillers_and_shows_long_pauses() {
        let words = vec![w("Um,", 0, 300), w("we", 400, 500), w("shipped", 500, 800), w("it", 2800, 3000)];
        let stored = StoredTranscript {
            model: "tiny.en".into(),
            decoder: DECODER,
            made_at: String::new(),
            seconds: None,
            words,
            error: None,
        };
        let t = Transcript::new(stored, None);
        assert_eq!(marked(&t), "[Um,] we shipped … [2.0 s] … it");
    }

    #[test]
    fn pace_from_words_leaves_filled_pauses_out() {
        let words = vec![w("Um,", 0, 100), w("we", 100, 200), w("shipped", 200, 300)];
        assert_eq!(words_per_minute(&words, 1.0), Some(120.0));
        assert_eq!(words_per_minute(&[], 1.0), None);
        assert_eq!(text_of(&words), "Um, we shipped");
    }
}
