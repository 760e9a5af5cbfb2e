//! whisper.cpp, through whisper-rs, on the CPU: a model loaded once, then
//! a take's speech decoded piece by piece the way that keeps fillers and
//! invents nothing (see [`DECODER`]).
//!
//! This is native code that can crash or run out of memory on a bad file
//! or an old CPU: only the transcription worker (its own process,
//! [`super::worker`]) and `mockloop transcribe` call it, never the window.

use super::pieces::{self, Piece};
use super::Word;
use crate::analysis::Heard;
use std::path::Path;
use whisper_rs::{
    DtwMode, DtwModelPreset, DtwParameters, FullParams, SamplingStrategy, WhisperContext, WhisperContextParameters,
    WhisperState,
};

/// The sample rate whisper takes.
const RATE: u32 = 16_000;
/// A piece whose first segment whisper rates more likely silence than
/// speech is dropped: this is how noise stays wordless.
pub const NO_SPEECH_DROP: f32 = 0.6;
/// Said before every piece, so the decoder keeps the ums and uhs it would
/// otherwise tidy away (Whisper copies the style of its prompt).
pub const PROMPT: &str = "Um, so, uh, I think, like, the first thing is, hmm, the the customer. Er, you know, we, \
                          uh, we looked at, um, the numbers, and, ah, I mean, it was, like, sort of slow.";
/// More tokens a second than anyone says (about 4 in fast speech).
const MAX_TOKENS_PER_SECOND: f64 = 12.0;
/// Silence put before a piece (0.5 s).
const LEAD_SAMPLES: usize = RATE as usize / 2;
/// How sure the decoder must be of a piece that is only filled pauses.
const LONE_FILLER_P: f32 = 0.75;
/// Shortest audio handed to whisper; shorter pieces are padded with silence.
const MIN_PIECE_SAMPLES: usize = RATE as usize;

/// Why a model could not be used or a take not transcribed.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// whisper.cpp did not load the file.
    #[error("{0} is not a model whisper.cpp can load (it may be truncated, damaged or of another format)")]
    Load(String),
    /// whisper.cpp failed while decoding.
    #[error("the speech engine failed: {0}")]
    Decode(String),
}

/// A loaded model.
pub struct Engine {
    context: WhisperContext,
    threads: i32,
}

/// How far a transcription is: pieces done of all.
pub type Progress<'a> = &'a mut dyn FnMut(usize, usize);

impl Engine {
    /// Loads the model at `path` (check it first with
    /// [`super::models::check_header`]: whisper.cpp trusts a header).
    pub fn load(path: &Path) -> Result<Engine, EngineError> {
        whisper_rs::install_logging_hooks();
        let mut params = WhisperContextParameters::default();
        let shown = path.display().to_string();
        // Word times by dynamic time warping over the alignment heads of
        // the model's size (whisper.cpp's DTW, as OpenAI's word timestamps):
        // a piece whose decoder writes no timestamp tokens, as the
        // disfluent prompt makes it, otherwise has its words spread evenly
        // over the window, seconds off. DTW needs flash attention off,
        // which costs memory (docs/transcripts.md).
        let header = super::models::check_header(path).map_err(|_| EngineError::Load(shown.clone()))?;
        params.use_gpu(false).flash_attn(false);
        params.dtw_parameters(DtwParameters { mode: dtw_mode(&header), ..DtwParameters::default() });
        let context = WhisperContext::new_with_params(path, params).map_err(|_| EngineError::Load(shown.clone()))?;
        if context.is_multilingual() && context.model_n_vocab() < 51_864 {
            return Err(EngineError::Load(shown));
        }
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(8)) as i32;
        Ok(Engine { context, threads })
    }

    /// The words of `heard`, a take decoded by the delivery analysis,
    /// times in ms from its start. `progress(done, of)` hears of each piece.
    pub fn transcribe(&self, heard: &Heard, progress: Progress) -> Result<Vec<Word>, EngineError> {
        let level = level_of(&heard.samples);
        let pieces = pieces::cut(&heard.speech, heard.delivery.seconds, &level);
        let mut state = self.context.create_state().map_err(|e| EngineError::Decode(e.to_string()))?;
        let mut words = Vec::new();
        progress(0, pieces.len());
        for (i, piece) in pieces.iter().enumerate() {
            words.extend(self.decode_piece(&mut state, piece, &heard.samples)?);
            progress(i + 1, pieces.len());
        }
        Ok(super::align(words, &heard.speech))
    }

    /// One piece's words, times from the take's start. Greedy decoding
    /// without fallback can fall into a loop (the same words written over
    /// and over, seen on noise): a piece that does gives no words.
    fn decode_piece(&self, state: &mut WhisperState, piece: &Piece, all: &[i16]) -> Result<Vec<Word>, EngineError> {
        // Silence before the piece: speech from its very first sample (an
        // answer begun at once) reads as a sentence cut off. Whisper puts
        // silence after it itself, up to its 30 s window.
        let lead = LEAD_SAMPLES;
        let mut audio = vec![0.0f32; lead];
        audio.extend(piece.samples(all, RATE).iter().map(|s| f32::from(*s) / 32768.0));
        if audio.len() < MIN_PIECE_SAMPLES {
            audio.resize(MIN_PIECE_SAMPLES, 0.0);
        }
        // The encoder always looks at Whisper's whole 30 s window, the piece
        // followed by silence, as the model was trained. Shrinking the
        // window to the piece (`audio_ctx`) is faster but, on real voices,
        // makes the decoder say a short sentence over and over (a LibriVox
        // reader's 3 s sentence came back 20 times): tests/transcripts.rs.
        let params = self.params();
        state.full(params, &audio).map_err(|e| EngineError::Decode(e.to_string()))?;
        let lead_ms = (lead as i64 * 1000) / i64::from(RATE);
        // Times inside the piece's own audio, in the decoded audio's terms.
        let span = (lead_ms, lead_ms + (piece.seconds() * 1000.0).round() as i64);
        let eot = self.context.token_eot();
        let mut words: Vec<Word> = Vec::new();
        // whisper rates only a window's first segment for silence: a piece
        // it thinks more likely silence than speech gives no words at all.
        if state.get_segment(0).is_some_and(|first| first.no_speech_probability() > NO_SPEECH_DROP) {
            return Ok(words);
        }
        // Each text token with when it has been said (DTW over the
        // decoder's attention on the audio, in 10 ms: whisper.cpp's time of
        // a token is where the alignment leaves it, its end) and its
        // probability.
        let mut said: Vec<(Vec<u8>, i64, f32)> = Vec::new();
        for segment in state.as_iter() {
            for t in 0..segment.n_tokens() {
                let Some(token) = segment.get_token(t) else { continue };
                if token.token_id() >= eot {
                    continue; // timestamps, start and end markers
                }
                let Ok(bytes) = token.to_bytes() else { continue };
                said.push((bytes.to_vec(), token.token_data().t_dtw.max(0) * 10, token.token_probability()));
            }
        }
        let tokens = said.len();
        // A word's bytes are gathered before they are read as text: a
        // character may be split across tokens. It ends with its last token
        // that is not punctuation, and starts where the word before it ends
        // (the first, where the piece's audio starts): a full stop's time
        // takes in the pause after it.
        let mut start = span.0;
        let mut i = 0;
        while i < said.len() {
            let mut j = i + 1;
            while j < said.len() && said[j].0.first() != Some(&b' ') {
                j += 1;
            }
            let bytes: Vec<u8> = said[i..j].iter().flat_map(|t| t.0.iter().copied()).collect();
            let p = said[i..j].iter().map(|t| t.2).sum::<f32>() / (j - i) as f32;
            let last =
                said[i..j].iter().rev().find(|t| t.0.iter().any(u8::is_ascii_alphanumeric)).unwrap_or(&said[j - 1]);
            words.push(finish(&bytes, start, last.1, p, piece, span));
            start = last.1;
            i = j;
        }
        // A decoder caught in a loop writes far more tokens than anyone
        // can say.
        let seconds = piece.seconds().max(0.5);
        if tokens as f64 / seconds > MAX_TOKENS_PER_SECOND {
            log::info!("a piece of {seconds:.1} s gave {tokens} tokens: a loop, dropped");
            return Ok(Vec::new());
        }
        // What is not a word (bytes that are no text, bare punctuation).
        words.retain(|w| !w.text.contains('\u{FFFD}') && w.text.chars().any(char::is_alphanumeric));
        // Nothing but a filled pause, and that unsure, is how the decoder
        // hears noise (brown noise gave a lone "uh" at 0.6): no words. A
        // real one is still counted, as voice no word covers.
        let only_fillers = words.iter().all(|w| super::fillers::is_filled_pause(&super::fillers::bare(&w.text)));
        let sure = words.iter().map(|w| w.p).sum::<f32>() / words.len().max(1) as f32;
        if only_fillers && sure < LONE_FILLER_P {
            return Ok(Vec::new());
        }
        words.retain(|w| !w.text.trim().is_empty());
        Ok(words)
    }

    /// The decoding settings ([`super::DECODER`] is their version).
    fn params(&self) -> FullParams<'static, 'static> {
        let mut p = FullParams::new(SamplingStrategy::Greedy { best_of: 1 });
        p.set_n_threads(self.threads);
        p.set_language(Some("en"));
        p.set_translate(false);
        p.set_no_context(true);
        p.set_temperature(0.0);
        p.set_temperature_inc(0.0); // no fallback to sampling
        p.set_initial_prompt(PROMPT);
        p.set_token_timestamps(false); // DTW's times are used instead
        p.set_suppress_blank(true);
        p.set_suppress_nst(true);
        p.set_print_special(false);
        p.set_print_progress(false);
        p.set_print_realtime(false);
        p.set_print_timestamps(false);
        p
    }
}

/// The alignment heads for DTW: whisper.cpp's preset for the model's size
/// and language, or the top text layers' for a size it has none for.
fn dtw_mode(h: &super::models::Header) -> DtwMode<'static> {
    let english = h.english_only();
    let preset = match (h.audio_state, english) {
        (384, true) => DtwModelPreset::TinyEn,
        (384, false) => DtwModelPreset::Tiny,
        (512, true) => DtwModelPreset::BaseEn,
        (512, false) => DtwModelPreset::Base,
        (768, true) => DtwModelPreset::SmallEn,
        (768, false) => DtwModelPreset::Small,
        (1024, true) => DtwModelPreset::MediumEn,
        (1024, false) => DtwModelPreset::Medium,
        _ => return DtwMode::TopMost { n_top: 4 },
    };
    DtwMode::ModelPreset { model_preset: preset }
}

/// A word made of its bytes and times in the decoded audio (ms), with
/// times in the take, inside one span of the piece: the one it ends in (a
/// start just before a shortened pause is the pause's, not the word's).
fn finish(bytes: &[u8], t0: i64, t1: i64, p: f32, piece: &Piece, (from, to): (i64, i64)) -> Word {
    let text = String::from_utf8_lossy(bytes).trim().to_owned();
    let local = |t: i64| (t.clamp(from, to) - from) as f64 / 1000.0;
    let (end, (span_start, _)) = piece.in_take(local(t1.max(t0)));
    let start = piece.in_take(local(t0)).0.clamp(span_start, end);
    let ms = |s: f64| (s * 1000.0).round() as u32;
    Word { text, start_ms: ms(start), end_ms: ms(end), p }
}

/// Loudness at a time, for cutting speech that runs on (mean square over
/// 20 ms).
fn level_of(samples: &[i16]) -> impl Fn(f64) -> f64 + '_ {
    move |t: f64| {
        let at = (t * f64::from(RATE)) as usize;
        let window = &samples[at.min(samples.len())..(at + 320).min(samples.len())];
        window.iter().map(|s| f64::from(*s).powi(2)).sum::<f64>() / window.len().max(1) as f64
    }
}
