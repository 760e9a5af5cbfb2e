//! How an answer sounded, from its WAV alone and offline: speaking time,
//! time to first word, pauses, pace and level (`mockloop analyze`, and
//! every take the window records).
//!
//! The pipeline, each step its own module: `decode` (any WAV → 16 kHz
//! mono), `vad` (earshot's voice activity per 16 ms), `speech` (speech
//! segments with edges on the signal, pauses between them), `nuclei`
//! (syllables by de Jong & Wempe's intensity peaks, voiced ones only).
//! Nothing here touches the store or a device; [`analyze_file`] reads one
//! file and returns numbers.

mod decode;
pub mod live;
mod nuclei;
mod speech;
pub mod vad;

use serde::{Deserialize, Serialize};
use std::path::Path;

/// Bumped whenever a change would give older takes different figures: a
/// stored [`Delivery`] of another version is computed again.
pub const VERSION: u32 = 2;
/// A pause is a silence inside speech at least this long.
pub const PAUSE_SECONDS: f64 = 0.5;
/// A long pause: at least this long.
pub const LONG_PAUSE_SECONDS: f64 = 1.0;
/// Syllables found per word said, to turn syllables into words: measured
/// on real people reading English whose text is known (11 recordings, 5
/// voices: tests/analysis.rs, docs/delivery.md). Fewer than a dictionary's
/// 1.45 a word: people merge and swallow syllables the detector then
/// counts as one. (Version 1 took 1.45, right for espeak-ng's voice,
/// which sounds every vowel, and a fifth low on people.)
pub const SYLLABLES_PER_WORD: f64 = 1.20;
/// Speech whose median level is below this is "too quiet" (dBFS).
pub const TOO_QUIET_DBFS: f64 = -40.0;
/// The pace a coach would call comfortable, in words a minute.
pub const COMFORTABLE_WPM: (f64, f64) = (130.0, 170.0);

/// A silence inside speech, in seconds from the start of the take.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Pause {
    /// When the speech before it ended.
    pub start: f64,
    /// When speech began again.
    pub end: f64,
}

impl Pause {
    /// Its length.
    pub fn seconds(&self) -> f64 {
        self.end - self.start
    }
}

/// The delivery measures of one take.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Delivery {
    /// Which analysis computed it ([`VERSION`]).
    pub version: u32,
    /// The take's length.
    pub seconds: f64,
    /// Time in speech: first word to last, less the pauses.
    pub speaking_seconds: f64,
    /// When the first word began; `None` if nothing was said.
    pub first_speech_seconds: Option<f64>,
    /// Every silence of [`PAUSE_SECONDS`] or more inside speech.
    pub pauses: Vec<Pause>,
    /// Pauses of [`LONG_PAUSE_SECONDS`] or more.
    pub long_pauses: u32,
    /// The longest pause (0 if none).
    pub longest_pause_seconds: f64,
    /// Syllable nuclei found.
    pub syllables: u32,
    /// Syllables per second of speaking time (articulation rate).
    pub syllables_per_second: f64,
    /// Words a minute of speaking time, estimated from the syllables.
    pub words_per_minute_estimate: f64,
    /// Median loudness of speech, dB re full scale; `None` without speech.
    pub speech_dbfs: Option<f64>,
    /// Samples at full scale in the file (any channel).
    pub clipped_samples: u64,
    /// Speech sits below [`TOO_QUIET_DBFS`].
    pub too_quiet: bool,
}

impl Delivery {
    /// Speaking time as a share of the take (0..=1).
    pub fn speaking_share(&self) -> f64 {
        if self.seconds > 0.0 {
            (self.speaking_seconds / self.seconds).clamp(0.0, 1.0)
        } else {
            0.0
        }
    }

    /// Where speech is, as `(start, end)` in seconds: the stretches
    /// around [`Delivery::pauses`], as [`Heard::speech`] gave them.
    pub fn speech(&self) -> Vec<(f64, f64)> {
        let Some(first) = self.first_speech_seconds else { return Vec::new() };
        let paused: f64 = self.pauses.iter().map(Pause::seconds).sum();
        let last = first + self.speaking_seconds + paused;
        let mut out = Vec::with_capacity(self.pauses.len() + 1);
        let mut start = first;
        for p in &self.pauses {
            out.push((start, p.start));
            start = p.end;
        }
        out.push((start, last));
        out
    }

    /// The measures in words, as the window and the reports print them:
    /// "2:41 spoken · about 150 words a minute · 4 pauses over 1 s,
    /// longest 2.8 s · first word after 1.9 s".
    pub fn describe(&self) -> String {
        let Some(first) = self.first_speech_seconds else {
            return "no speech heard".into();
        };
        let mut parts = vec![format!("{} spoken", clock(self.speaking_seconds))];
        parts.push(format!("about {} words a minute", (self.words_per_minute_estimate / 5.0).round() * 5.0));
        parts.push(match self.long_pauses {
            0 => "no pauses over 1 s".into(),
            1 => format!("1 pause over 1 s ({:.1} s)", self.longest_pause_seconds),
            n => format!("{n} pauses over 1 s, longest {:.1} s", self.longest_pause_seconds),
        });
        parts.push(format!("first word after {first:.1} s"));
        if self.too_quiet {
            parts.push("too quiet".into());
        }
        if self.clipped_samples > 0 {
            parts.push(format!("{} clipped samples", self.clipped_samples));
        }
        parts.join(" · ")
    }
}

/// The median of `values` (the mean of the middle two for an even count);
/// `None` if empty.
pub fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) { (values[mid - 1] + values[mid]) / 2.0 } else { values[mid] })
}

/// `m:ss` for a number of seconds.
fn clock(seconds: f64) -> String {
    let s = seconds.round().max(0.0) as u64;
    format!("{}:{:02}", s / 60, s % 60)
}

/// Why a file could not be analysed.
#[derive(Debug, thiserror::Error)]
pub enum AnalyzeError {
    /// It could not be opened.
    #[error("cannot open it: {0}")]
    Open(String),
    /// It is not a WAV file (or its header is damaged).
    #[error("not a WAV file: {0}")]
    NotWav(String),
    /// A WAV this analysis does not read.
    #[error("unsupported WAV: {0}")]
    Unsupported(String),
    /// The audio ends before its header says.
    #[error(
        "truncated: the header promises {promised:.1} s of audio but the file holds {found:.1} s \
         (`mockloop recover` repairs a take's header)"
    )]
    Truncated {
        /// Seconds the header promises.
        promised: f64,
        /// Seconds found.
        found: f64,
    },
}

/// Analyses the WAV at `path`.
pub fn analyze_file(path: &Path) -> Result<Delivery, AnalyzeError> {
    Ok(hear_file(path)?.delivery)
}

/// A file as the analysis heard it: what is computed on top of the
/// delivery measures (the transcript) starts from here.
pub struct Heard {
    /// Mono at 16 kHz ([`decode::RATE`]).
    pub samples: Vec<i16>,
    /// The delivery measures.
    pub delivery: Delivery,
    /// Where speech is, as `(start, end)` in seconds, sorted: the
    /// stretches between [`Delivery::pauses`].
    pub speech: Vec<(f64, f64)>,
}

/// Decodes and analyses the WAV at `path`, keeping its samples.
pub fn hear_file(path: &Path) -> Result<Heard, AnalyzeError> {
    let decoded = decode::decode(path)?;
    let (delivery, segments) = measure(&decoded.samples, decoded.seconds, decoded.clipped);
    let at = |block: usize| block as f64 / speech::BLOCKS_PER_SECOND;
    let speech = segments.iter().map(|&(a, b)| (at(a), at(b))).collect();
    Ok(Heard { samples: decoded.samples, delivery, speech })
}

fn measure(samples: &[i16], seconds: f64, clipped: u64) -> (Delivery, Vec<(usize, usize)>) {
    // The energy contours do not need the voice activity: computed beside it.
    let (voiced, (db, contour)) = std::thread::scope(|scope| {
        let energy = scope.spawn(|| {
            let power = speech::block_power(samples);
            let db: Vec<f64> = power.iter().map(|p| speech::to_db(*p)).collect();
            (db, nuclei::contour(&power))
        });
        let voiced = vad::voiced_frames(samples);
        (voiced, energy.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    });
    let mut segments = speech::segments(&voiced, &db);
    let found = nuclei::nuclei(samples, &contour, &segments);
    // A syllable needs a vowel: speech without one voiced nucleus is a
    // breath, a click or noise earshot took for voice, and the silences
    // around it are one pause.
    segments.retain(|&(a, b)| found.iter().any(|n| (a..b).contains(n)));
    let syllables = found.len() as u32;

    let at = |block: usize| block as f64 / speech::BLOCKS_PER_SECOND;
    let speaking_blocks: usize = segments.iter().map(|(a, b)| b - a).sum();
    let speaking_seconds = at(speaking_blocks);
    let pauses: Vec<Pause> = segments.windows(2).map(|w| Pause { start: at(w[0].1), end: at(w[1].0) }).collect();
    let long_pauses = pauses.iter().filter(|p| p.seconds() >= LONG_PAUSE_SECONDS - 1e-9).count() as u32;
    let longest_pause_seconds = pauses.iter().map(Pause::seconds).fold(0.0, f64::max);
    let syllables_per_second = if speaking_seconds > 0.0 { f64::from(syllables) / speaking_seconds } else { 0.0 };
    let speech_levels: Vec<f64> = segments.iter().flat_map(|&(a, b)| contour[a..b].iter().copied()).collect();
    let speech_dbfs = median(speech_levels);
    let delivery = Delivery {
        version: VERSION,
        seconds,
        speaking_seconds,
        first_speech_seconds: segments.first().map(|s| at(s.0)),
        pauses,
        long_pauses,
        longest_pause_seconds,
        syllables,
        syllables_per_second,
        words_per_minute_estimate: syllables_per_second * 60.0 / SYLLABLES_PER_WORD,
        speech_dbfs,
        clipped_samples: clipped,
        too_quiet: speech_dbfs.is_some_and(|d| d < TOO_QUIET_DBFS),
    };
    (delivery, segments)
}
