//! Streaming mono resampling for `speech` quality, over rubato's FFT
//! resampler (fixed ratio: the device rate and 16 kHz are both fixed).
//!
//! The resampler delays its output by a few hundred frames; that delay is
//! trimmed at the start and flushed with silence at the end, so the take is
//! aligned with what was said and its last word is not cut off.

use audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Indexing, Resampler};

/// Input frames per resampler call.
const CHUNK: usize = 1024;

/// A streaming mono resampler from one fixed rate to another.
pub struct StreamResampler {
    inner: Fft<f32>,
    pending: Vec<f32>,
    out: Vec<f32>,
    to_trim: usize,
    ratio: f64,
    frames_in: u64,
    frames_out: u64,
}

impl StreamResampler {
    /// A resampler from `from` Hz to `to` Hz.
    pub fn new(from: u32, to: u32) -> Result<Self, String> {
        let inner = Fft::<f32>::new(from as usize, to as usize, CHUNK, 1, FixedSync::Input)
            .map_err(|e| format!("cannot resample {from} Hz to {to} Hz: {e}"))?;
        let out = vec![0.0; inner.output_frames_max()];
        let to_trim = inner.output_delay();
        Ok(Self {
            inner,
            pending: Vec::with_capacity(CHUNK),
            out,
            to_trim,
            ratio: f64::from(to) / f64::from(from),
            frames_in: 0,
            frames_out: 0,
        })
    }

    /// Resamples `input`, calling `emit` with each block of output.
    pub fn push(&mut self, mut input: &[f32], emit: &mut dyn FnMut(&[f32])) -> Result<(), String> {
        self.frames_in += input.len() as u64;
        while !input.is_empty() {
            let take = (CHUNK - self.pending.len()).min(input.len());
            self.pending.extend_from_slice(&input[..take]);
            input = &input[take..];
            if self.pending.len() == CHUNK {
                self.process(None, emit)?;
            }
        }
        Ok(())
    }

    /// Flushes what is buffered, so output length matches input length times
    /// the ratio (rounded).
    pub fn finish(&mut self, emit: &mut dyn FnMut(&[f32])) -> Result<(), String> {
        let wanted = (self.frames_in as f64 * self.ratio).round() as u64;
        let partial = self.pending.len();
        self.pending.resize(CHUNK, 0.0);
        self.process_limited(Some(partial), wanted.saturating_sub(self.frames_out), emit)?;
        // Push silence through until the delayed tail has come out.
        let mut guard = 0;
        while self.frames_out < wanted && guard < 64 {
            self.pending.clear();
            self.pending.resize(CHUNK, 0.0);
            let left = wanted - self.frames_out;
            self.process_limited(Some(0), left, emit)?;
            guard += 1;
        }
        Ok(())
    }

    fn process(&mut self, partial: Option<usize>, emit: &mut dyn FnMut(&[f32])) -> Result<(), String> {
        self.process_limited(partial, u64::MAX, emit)
    }

    fn process_limited(
        &mut self,
        partial: Option<usize>,
        limit: u64,
        emit: &mut dyn FnMut(&[f32]),
    ) -> Result<(), String> {
        let input = InterleavedSlice::new(&self.pending, 1, CHUNK).map_err(|e| e.to_string())?;
        let out_len = self.out.len();
        let mut output = InterleavedSlice::new_mut(&mut self.out, 1, out_len).map_err(|e| e.to_string())?;
        let indexing = Indexing { input_offset: 0, output_offset: 0, partial_len: partial, active_channels_mask: None };
        let (_, produced) =
            self.inner.process_into_buffer(&input, &mut output, Some(&indexing)).map_err(|e| e.to_string())?;
        self.pending.clear();
        let trim = self.to_trim.min(produced);
        self.to_trim -= trim;
        let usable = &self.out[trim..produced];
        let usable = &usable[..usable.len().min(usize::try_from(limit).unwrap_or(usize::MAX))];
        self.frames_out += usable.len() as u64;
        emit(usable);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resample_all(from: u32, to: u32, input: &[f32], step: usize) -> Vec<f32> {
        let mut r = StreamResampler::new(from, to).unwrap();
        let mut out = Vec::new();
        for chunk in input.chunks(step) {
            r.push(chunk, &mut |b| out.extend_from_slice(b)).unwrap();
        }
        r.finish(&mut |b| out.extend_from_slice(b)).unwrap();
        out
    }

    #[test]
    fn output_length_follows_the_ratio_whatever_the_chunking() {
        let input = vec![0.1; 48_000 + 123];
        for step in [1, 441, 1024, 5000] {
            let out = resample_all(48_000, 16_000, &input, step);
            assert_eq!(out.len(), ((48_000 + 123) as f64 / 3.0).round() as usize, "step {step}");
        }
    }

    #[test]
    fn a_tone_keeps_its_timing_and_level() {
        // 1 s of silence, then a 440 Hz tone for 1 s, then silence: after
        // resampling 48 kHz -> 16 kHz the tone must start at 1 s, not later.
        let rate = 48_000.0;
        let input: Vec<f32> = (0..144_000)
            .map(|i| {
                let t = i as f32 / rate;
                if (1.0..2.0).contains(&t) {
                    0.5 * (2.0 * std::f32::consts::PI * 440.0 * t).sin()
                } else {
                    0.0
                }
            })
            .collect();
        let out = resample_all(48_000, 16_000, &input, 960);
        let first_loud = out.iter().position(|s| s.abs() > 0.25).unwrap();
        assert!((16_000..16_020).contains(&first_loud), "tone starts at {first_loud}");
        let peak = out[16_100..31_900].iter().fold(0.0f32, |m, s| m.max(s.abs()));
        assert!((0.48..0.52).contains(&peak), "level kept: {peak}");
        let last_loud = out.iter().rposition(|s| s.abs() > 0.25).unwrap();
        assert!((31_980..32_000).contains(&last_loud), "tone ends at {last_loud}");
    }
}
