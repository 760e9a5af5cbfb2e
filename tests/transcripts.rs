//! Transcripts with the real engine and a real model (Whisper tiny.en,
//! converted by scripts/test-model.sh, which `make test` runs) on real
//! audio: espeak-ng reading interview sentences with fillers spoken in, at
//! 16 and 48 kHz. Prints the word error rate of each clip; checks the
//! fillers are kept, the word times increase, stay inside the clip and
//! meet the delivery analysis's pause edges within 150 ms; that silence
//! and pink noise give no words at all; and that real people reading
//! known text (scripts/real-speech.sh) are heard once, alone and joined
//! into one take.

use mockloop_core::analysis;
use mockloop_core::transcript::{engine::Engine, fillers, Word};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

#[path = "support/real_voices.rs"]
mod real_voices;
use real_voices::real_voices;

/// The test model: `MOCKLOOP_TEST_MODEL`, else the one scripts/test-model.sh makes.
fn model() -> PathBuf {
    let path = std::env::var_os("MOCKLOOP_TEST_MODEL")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/test-models/ggml-tiny.en.bin"));
    assert!(path.is_file(), "{} is missing: run scripts/test-model.sh (make test does)", path.display());
    path
}

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::load(&model()).expect("the test model loads"))
}

/// Interview sentences, each with a filler spoken in.
const SENTENCES: &[&str] = &[
    "Um, I would start with the customer and the problem they have today.",
    "The first metric I would watch is, uh, weekly active teams, not downloads.",
    "We shipped a smaller version first, and then, um, we learned from the data.",
    "Uh, if the launch slips, I would cut scope rather than quality.",
];

fn run(cmd: &str, args: &[&str]) {
    let out = Command::new(cmd).args(args).output().unwrap_or_else(|e| panic!("{cmd} is needed: {e}"));
    assert!(out.status.success(), "{cmd} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// `text` read by espeak-ng, with `before` and `after` seconds of silence,
/// at `rate`.
fn speak(dir: &Path, name: &str, text: &str, rate: u32, before: f64, after: f64) -> PathBuf {
    let raw = dir.join(format!("{name}.raw.wav"));
    run("espeak-ng", &["-s", "150", "-w", raw.to_str().unwrap(), text]);
    let wav = dir.join(format!("{name}.wav"));
    run(
        "sox",
        &[
            raw.to_str().unwrap(),
            "-r",
            &rate.to_string(),
            wav.to_str().unwrap(),
            "pad",
            &before.to_string(),
            &after.to_string(),
        ],
    );
    wav
}

fn bare_words(text: &str) -> Vec<String> {
    text.split_whitespace().map(fillers::bare).filter(|w| !w.is_empty()).collect()
}

/// Word error rate: edits (substitutions, insertions, deletions) over the
/// reference's words.
fn wer(reference: &str, heard: &str) -> f64 {
    let (r, h) = (bare_words(reference), bare_words(heard));
    let mut row: Vec<usize> = (0..=h.len()).collect();
    for (i, rw) in r.iter().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, hw) in h.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (prev + usize::from(rw != hw)).min(row[j] + 1).min(here + 1);
            prev = here;
        }
    }
    row[h.len()] as f64 / r.len().max(1) as f64
}

fn transcribe(wav: &Path) -> (analysis::Heard, Vec<Word>) {
    let heard = analysis::hear_file(wav).unwrap();
    let words = engine().transcribe(&heard, &mut |_, _| {}).unwrap();
    (heard, words)
}

fn text(words: &[Word]) -> String {
    mockloop_core::transcript::text_of(words)
}

#[test]
fn interview_sentences_are_heard_with_their_fillers_at_16_and_48_khz() {
    let dir = tempfile::tempdir().unwrap();
    let mut fillers_said = 0;
    let mut fillers_kept = 0;
    let mut rates = Vec::new();
    for rate in [16_000, 48_000] {
        for (i, sentence) in SENTENCES.iter().enumerate() {
            let wav = speak(dir.path(), &format!("s{i}-{rate}"), sentence, rate, 1.0, 0.5);
            let (heard, words) = transcribe(&wav);
            let got = text(&words);
            let rate_of_error = wer(sentence, &got);
            println!("WER {rate_of_error:.2} at {} kHz: {got:?}", rate / 1000);
            assert!(rate_of_error <= 0.5, "clip {i} at {rate} Hz: {got:?} for {sentence:?}");
            rates.push(rate_of_error);
            let said = bare_words(sentence).iter().filter(|w| fillers::is_filled_pause(w)).count();
            let kept =
                fillers::find(&words, &heard.speech).iter().filter(|f| f.kind == fillers::FillerKind::Filled).count();
            fillers_said += said;
            fillers_kept += kept.min(said);
            // Times increase and stay inside the clip.
            let length_ms = (heard.delivery.seconds * 1000.0) as u32;
            for pair in words.windows(2) {
                assert!(pair[0].start_ms <= pair[0].end_ms && pair[0].end_ms <= pair[1].start_ms, "{pair:?}");
            }
            assert!(words.iter().all(|w| w.end_ms <= length_ms), "inside the clip: {words:?}");
            assert!(words.first().is_some_and(|w| w.start_ms >= 800), "nothing in the second of silence: {words:?}");
        }
    }
    let mean = rates.iter().sum::<f64>() / rates.len() as f64;
    println!("mean WER {mean:.3}; filled pauses kept: {fillers_kept} of {fillers_said}");
    assert!(mean <= 0.25, "mean word error rate {mean:.3}");
    assert!(
        fillers_kept * 4 >= fillers_said * 3,
        "at least three in four ums and uhs kept: {fillers_kept} of {fillers_said}"
    );
}

#[test]
fn word_times_meet_the_pause_edges_of_the_delivery_analysis() {
    let dir = tempfile::tempdir().unwrap();
    // Three sentences with 1.5 s between them: one take.
    let parts: Vec<PathBuf> =
        (0..3).map(|i| speak(dir.path(), &format!("p{i}"), SENTENCES[i + 1], 16_000, 0.0, 1.5)).collect();
    let joined = dir.path().join("joined.wav");
    let mut args: Vec<&str> = parts.iter().map(|p| p.to_str().unwrap()).collect();
    args.push(joined.to_str().unwrap());
    run("sox", &args);
    let (heard, words) = transcribe(&joined);
    let pauses: Vec<_> = heard.delivery.pauses.iter().filter(|p| p.seconds() >= 1.0).collect();
    assert_eq!(pauses.len(), 2, "the two gaps between sentences: {:?}", heard.delivery.pauses);
    for p in pauses {
        let (start, end) = ((p.start * 1000.0) as i64, (p.end * 1000.0) as i64);
        let before = words.iter().rev().find(|w| i64::from(w.end_ms) <= start + 150).expect("a word before");
        let after = words.iter().find(|w| i64::from(w.start_ms) >= end - 150).expect("a word after");
        println!("pause {start}-{end} ms: last word ends {} ms, next starts {} ms", before.end_ms, after.start_ms);
        assert!((i64::from(before.end_ms) - start).abs() <= 150, "{before:?} against a pause from {start} ms");
        assert!((i64::from(after.start_ms) - end).abs() <= 150, "{after:?} against a pause to {end} ms");
    }
}

#[test]
fn silence_and_pink_noise_give_no_words() {
    let dir = tempfile::tempdir().unwrap();
    let silence = dir.path().join("silence.wav");
    run("sox", &["-n", "-r", "16000", "-c", "1", "-b", "16", silence.to_str().unwrap(), "trim", "0", "8"]);
    let noise = dir.path().join("noise.wav");
    run(
        "sox",
        &["-n", "-r", "48000", "-c", "1", "-b", "16", noise.to_str().unwrap(), "synth", "8", "pinknoise", "vol", "0.3"],
    );
    let hum = dir.path().join("hum.wav");
    run(
        "sox",
        &["-n", "-r", "16000", "-c", "1", "-b", "16", hum.to_str().unwrap(), "synth", "8", "brownnoise", "vol", "0.5"],
    );
    for wav in [&silence, &noise, &hum] {
        let (_, words) = transcribe(wav);
        assert!(words.is_empty(), "{}: {:?}", wav.display(), text(&words));
    }
}

/// What was heard, written as the references are: hyphens as spaces,
/// "Mr." and "10" in words.
fn as_said(heard: &str) -> String {
    heard
        .replace('-', " ")
        .split_whitespace()
        .map(|w| match fillers::bare(w).as_str() {
            "mr" => "mister".to_owned(),
            "10" => "ten".to_owned(),
            other => other.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn real_voices_are_heard_once_each_alone_and_in_one_long_take() {
    let voices = real_voices();
    assert!(voices.len() >= 10, "the real recordings are missing");
    let mut total = 0.0;
    for (path, said) in &voices {
        let (_, words) = transcribe(path);
        let heard = as_said(&text(&words));
        let error = wer(said, &heard);
        println!("{}: WER {error:.2}: {heard}", path.file_name().unwrap().to_string_lossy());
        // A short sentence said over and over is how a decoder that sees
        // less than its whole window fails on real voices.
        assert!(!words.is_empty(), "{}: no words", path.display());
        assert!(bare_words(&heard).len() <= bare_words(said).len() + 2, "{}: {heard:?}", path.display());
        assert!(error <= 0.35, "{}: WER {error:.2}: {heard:?}", path.display());
        total += error;
    }
    let mean = total / voices.len() as f64;
    println!("real voices, one at a time: mean WER {mean:.3} over {} clips", voices.len());
    assert!(mean <= 0.12, "mean WER {mean:.3}");

    // All of them in one take, 1 to 3 s apart: pieces hold several
    // voices, long pauses shortened inside them.
    let dir = tempfile::tempdir().unwrap();
    let mut parts = Vec::new();
    for (i, (path, _)) in voices.iter().enumerate() {
        let part = dir.path().join(format!("part{i}.wav"));
        let gap = format!("{:.1}", 1.0 + (i % 3) as f64);
        run("sox", &[path.to_str().unwrap(), "-r", "16000", "-c", "1", part.to_str().unwrap(), "pad", "0", &gap]);
        parts.push(part);
    }
    let take = dir.path().join("take.wav");
    let mut args: Vec<&str> = parts.iter().map(|p| p.to_str().unwrap()).collect();
    args.push(take.to_str().unwrap());
    run("sox", &args);
    let (heard, words) = transcribe(&take);
    let all: String = voices.iter().map(|(_, s)| s.as_str()).collect::<Vec<_>>().join(" ");
    let joined = as_said(&text(&words));
    let error = wer(&all, &joined);
    let said = bare_words(&all).len() as f64;
    let pace = mockloop_core::transcript::words_per_minute(&words, heard.delivery.speaking_seconds).unwrap();
    let truth = said * 60.0 / heard.delivery.speaking_seconds;
    println!(
        "real voices, one {:.0} s take: WER {error:.3}; pace from the words {pace:.0} wpm, true {truth:.0}, from the syllables {:.0}",
        heard.delivery.seconds, heard.delivery.words_per_minute_estimate
    );
    assert!(error <= 0.12, "one take: WER {error:.3}: {joined}");
    assert!((pace - truth).abs() / truth <= 0.10, "pace from the words {pace:.0} vs {truth:.0}");
    for w in words.windows(2) {
        assert!(w[0].start_ms <= w[0].end_ms && w[0].end_ms <= w[1].start_ms, "{w:?}");
    }
    assert!(f64::from(words.last().unwrap().end_ms) <= heard.delivery.seconds * 1000.0);
}
