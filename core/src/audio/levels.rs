//! Live input levels (RMS and peak), a silence detector and the live voice
//! detector's figures, computed on the writer thread from the samples it
//! writes, never on the audio callback.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

/// Level blocks per second: 20 Hz is smooth enough for a meter (the target
/// is 15 Hz or more) and cheap.
pub const BLOCKS_PER_SECOND: u32 = 20;

/// A peak below this (about -50 dBFS) counts as silence.
pub const SILENCE_PEAK: f32 = 0.003;

/// The latest levels, shared lock-free with whoever draws the meter.
#[derive(Debug, Default)]
pub struct SharedLevels {
    rms_bits: AtomicU32,
    peak_bits: AtomicU32,
    silent_ms: AtomicU64,
    blocks: AtomicU64,
    /// What the live voice detector heard (see [`crate::analysis::live`]).
    pub voice: crate::analysis::live::SharedVoice,
}

/// One reading of [`SharedLevels`].
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Levels {
    /// RMS of the latest block, 0.0 to 1.0 of full scale.
    pub rms: f32,
    /// Peak of the latest block, 0.0 to 1.0.
    pub peak: f32,
    /// How long the input has been silent, in milliseconds (0 while sound comes in).
    pub silent_ms: u64,
    /// Blocks measured so far (so a reader can tell a fresh reading from a stale one).
    pub blocks: u64,
    /// Milliseconds of the take heard as the voice so far.
    pub speech_ms: u64,
    /// Milliseconds since the voice was last heard (since the take began
    /// if it has not been yet): what hands-free rehearsal ends an answer on.
    pub quiet_ms: u64,
}

impl SharedLevels {
    /// The latest reading.
    pub fn read(&self) -> Levels {
        Levels {
            rms: f32::from_bits(self.rms_bits.load(Ordering::Relaxed)),
            peak: f32::from_bits(self.peak_bits.load(Ordering::Relaxed)),
            silent_ms: self.silent_ms.load(Ordering::Relaxed),
            blocks: self.blocks.load(Ordering::Relaxed),
            speech_ms: self.voice.speech_ms(),
            quiet_ms: self.voice.quiet_ms(),
        }
    }
}

/// Accumulates samples into blocks of 1/20 s and publishes each block.
#[derive(Debug)]
pub struct LevelMeter {
    block_len: usize,
    block_ms: u64,
    count: usize,
    sum_squares: f64,
    peak: f32,
    silent_ms: u64,
}

impl LevelMeter {
    /// A meter for samples at `sample_rate`.
    pub fn new(sample_rate: u32) -> Self {
        let block_len = (sample_rate / BLOCKS_PER_SECOND).max(1) as usize;
        Self {
            block_len,
            block_ms: 1000 / u64::from(BLOCKS_PER_SECOND),
            count: 0,
            sum_squares: 0.0,
            peak: 0.0,
            silent_ms: 0,
        }
    }

    /// Measures `samples` (mono, -1.0..1.0), publishing every completed block.
    pub fn push(&mut self, samples: &[f32], out: &SharedLevels) {
        for &s in samples {
            self.sum_squares += f64::from(s) * f64::from(s);
            self.peak = self.peak.max(s.abs());
            self.count += 1;
            if self.count == self.block_len {
                let rms = (self.sum_squares / self.block_len as f64).sqrt() as f32;
                self.silent_ms = if self.peak < SILENCE_PEAK { self.silent_ms + self.block_ms } else { 0 };
                out.rms_bits.store(rms.to_bits(), Ordering::Relaxed);
                out.peak_bits.store(self.peak.to_bits(), Ordering::Relaxed);
                out.silent_ms.store(self.silent_ms, Ordering::Relaxed);
                out.blocks.fetch_add(1, Ordering::Relaxed);
                self.count = 0;
                self.sum_squares = 0.0;
                self.peak = 0.0;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_rms_and_peak_per_block() {
        let shared = SharedLevels::default();
        let mut meter = LevelMeter::new(16_000);
        let square: Vec<f32> = (0..800).map(|i| if i % 2 == 0 { 0.5 } else { -0.5 }).collect();
        meter.push(&square[..799], &shared);
        assert_eq!(shared.read().blocks, 0, "a block is 800 samples at 16 kHz");
        meter.push(&square[799..], &shared);
        let l = shared.read();
        assert_eq!(l.blocks, 1);
        assert!((l.rms - 0.5).abs() < 1e-6);
        assert_eq!(l.peak, 0.5);
        assert_eq!(l.silent_ms, 0);
    }

    #[test]
    fn counts_silence_and_resets_on_sound() {
        let shared = SharedLevels::default();
        let mut meter = LevelMeter::new(1_000);
        meter.push(&vec![0.0005; 1_000 * 5], &shared);
        assert_eq!(shared.read().silent_ms, 5_000);
        meter.push(&[0.2; 50], &shared);
        assert_eq!(shared.read().silent_ms, 0);
    }
}
