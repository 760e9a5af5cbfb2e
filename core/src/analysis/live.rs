//! Voice activity while a take is being recorded: how much of it so far is
//! the candidate's voice, and how long they have been quiet. Hands-free
//! rehearsal ends an answer on that silence.
//!
//! The same detector as the delivery analysis (earshot, 16 ms frames at
//! 16 kHz), fed by the recorder's writer thread as it writes, never by the
//! audio callback. Input at a whole multiple of 16 kHz is decimated like
//! the analysis does; any other rate goes through the resampler `speech`
//! quality records with. About 10 µs of work per 16 ms frame.
//!
//! A single voiced frame is not voice: [`MIN_RUN`] frames in a row are, so
//! a click or a breath neither holds an answer open nor counts as speech.

use super::vad::FRAME;
use crate::dsp::decimate::Decimator;
use crate::dsp::resample::StreamResampler;
use crate::dsp::RATE;
use earshot::Detector;
use std::sync::atomic::{AtomicU64, Ordering};

/// Earshot's score at and above which a frame is voice (as the analysis).
const THRESHOLD: f32 = 0.5;
/// Voiced frames in a row that count as speaking (48 ms).
pub const MIN_RUN: u32 = 3;
/// Milliseconds per frame.
const FRAME_MS: u64 = (FRAME as u64 * 1000) / RATE as u64;

/// What [`LiveVoice`] publishes, read lock-free by whoever polls the take.
#[derive(Debug, Default)]
pub struct SharedVoice {
    speech_ms: AtomicU64,
    quiet_ms: AtomicU64,
}

impl SharedVoice {
    /// Milliseconds of the take heard as voice so far.
    pub fn speech_ms(&self) -> u64 {
        self.speech_ms.load(Ordering::Relaxed)
    }

    /// Milliseconds since voice was last heard (since the take began, if
    /// it has not been heard yet).
    pub fn quiet_ms(&self) -> u64 {
        self.quiet_ms.load(Ordering::Relaxed)
    }
}

enum ToRate {
    Same,
    Decimate(Decimator),
    Resample(Box<StreamResampler>),
}

/// The detector, fed as the take is written.
pub struct LiveVoice {
    to_rate: ToRate,
    frame: Vec<i16>,
    detector: Box<Detector>,
    run: u32,
    speech_ms: u64,
    quiet_ms: u64,
}

impl LiveVoice {
    /// A detector for mono input at `rate` Hz.
    pub fn new(rate: u32) -> Self {
        let to_rate = if rate == RATE {
            ToRate::Same
        } else if rate.is_multiple_of(RATE) {
            ToRate::Decimate(Decimator::new(rate, (rate / RATE) as usize))
        } else {
            // Only rates the resampler refuses fall back to the decimator's
            // nearest ratio (never seen from a real device).
            StreamResampler::new(rate, RATE).map_or_else(
                |_| ToRate::Decimate(Decimator::new(rate, (rate / RATE).max(1) as usize)),
                |r| ToRate::Resample(Box::new(r)),
            )
        };
        Self {
            to_rate,
            frame: Vec::with_capacity(FRAME),
            detector: Detector::default_boxed(),
            run: 0,
            speech_ms: 0,
            quiet_ms: 0,
        }
    }

    /// Listens to `samples` (mono, -1.0..1.0, at the input rate) and
    /// publishes the totals after each whole frame.
    pub fn push(&mut self, samples: &[f32], out: &SharedVoice) {
        let Self { to_rate, frame, detector, run, speech_ms, quiet_ms } = self;
        let mut listen = |block: &[f32]| {
            for &s in block {
                frame.push(crate::dsp::to_i16(s));
                if frame.len() == FRAME {
                    let voiced = detector.predict_i16(frame) >= THRESHOLD;
                    frame.clear();
                    if voiced {
                        *run += 1;
                        // A run counts as voice once it is long enough,
                        // from its first frame.
                        if *run == MIN_RUN {
                            *speech_ms += FRAME_MS * u64::from(MIN_RUN);
                        } else if *run > MIN_RUN {
                            *speech_ms += FRAME_MS;
                        }
                    } else {
                        *run = 0;
                    }
                    *quiet_ms = if *run >= MIN_RUN { 0 } else { *quiet_ms + FRAME_MS };
                    out.speech_ms.store(*speech_ms, Ordering::Relaxed);
                    out.quiet_ms.store(*quiet_ms, Ordering::Relaxed);
                }
            }
        };
        match to_rate {
            ToRate::Same => listen(samples),
            ToRate::Decimate(d) => d.push(samples, &mut listen),
            // A resampler error only costs the live figures, never the take.
            ToRate::Resample(r) => {
                let _ = r.push(samples, &mut listen);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn silence_is_quiet_and_counts_no_speech() {
        let out = SharedVoice::default();
        let mut voice = LiveVoice::new(48_000);
        voice.push(&vec![0.0; 48_000 * 2], &out);
        assert_eq!(out.speech_ms(), 0);
        // Two seconds less the decimator's delay, in whole 16 ms frames.
        assert!((1_900..=2_000).contains(&out.quiet_ms()), "{}", out.quiet_ms());
    }

    #[test]
    fn any_rate_is_listened_to() {
        for rate in [16_000, 44_100, 48_000] {
            let out = SharedVoice::default();
            let mut voice = LiveVoice::new(rate);
            voice.push(&vec![0.0; rate as usize], &out);
            assert!(out.quiet_ms() >= 800, "{rate} Hz: {}", out.quiet_ms());
        }
    }
}
