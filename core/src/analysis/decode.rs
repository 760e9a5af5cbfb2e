//! A WAV file → mono 16-bit samples at 16 kHz, the one signal every measure
//! is computed on, and the clipped-sample count of the original.
//!
//! Any PCM (8, 16, 24, 32-bit) or float WAV that hound reads, 1 to 8
//! channels (mixed to mono), 8 to 384 kHz (resampled with the same
//! streaming resampler `speech` quality records with). Memory: two bytes
//! per 16 kHz sample, ~115 MB for an hour.

use super::AnalyzeError;
use crate::audio::resample::StreamResampler;
use std::path::Path;

/// The analysis rate: earshot's, and enough for speech.
pub const RATE: u32 = 16_000;
/// Most channels a file may have (7.1).
const MAX_CHANNELS: u16 = 8;
/// Lowest and highest sample rates accepted.
const MIN_RATE: u32 = 8_000;
const MAX_RATE: u32 = 384_000;
/// Frames decoded per block.
const BLOCK: usize = 4096;

/// A decoded file.
pub struct Decoded {
    /// Mono at [`RATE`].
    pub samples: Vec<i16>,
    /// Samples (of any channel) at full scale in the original.
    pub clipped: u64,
    /// The original's length.
    pub seconds: f64,
}

/// Reads, mixes and resamples `path`.
pub fn decode(path: &Path) -> Result<Decoded, AnalyzeError> {
    let file = std::fs::File::open(path).map_err(|e| AnalyzeError::Open(e.to_string()))?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    if len == 0 {
        return Err(AnalyzeError::NotWav("the file is empty".into()));
    }
    let reader = hound::WavReader::new(std::io::BufReader::with_capacity(1 << 16, file)).map_err(|e| match e {
        hound::Error::IoError(e) => AnalyzeError::NotWav(format!("it ends inside its header ({e})")),
        other => AnalyzeError::NotWav(other.to_string()),
    })?;
    let spec = reader.spec();
    if spec.channels == 0 || spec.channels > MAX_CHANNELS {
        return Err(AnalyzeError::Unsupported(format!(
            "{} channels (mockloop reads 1 to {MAX_CHANNELS})",
            spec.channels
        )));
    }
    if !(MIN_RATE..=MAX_RATE).contains(&spec.sample_rate) {
        return Err(AnalyzeError::Unsupported(format!(
            "{} Hz (mockloop reads {} to {} kHz)",
            spec.sample_rate,
            MIN_RATE / 1000,
            MAX_RATE / 1000
        )));
    }
    let frames_promised = u64::from(reader.duration());
    let mut out = Decoder::new(spec)?;
    match spec.sample_format {
        hound::SampleFormat::Float => {
            if spec.bits_per_sample != 32 {
                return Err(AnalyzeError::Unsupported(format!("{}-bit float samples", spec.bits_per_sample)));
            }
            let mut reader = reader;
            out.run(reader.samples::<f32>(), |s| (s, s.abs() >= 1.0))?;
        }
        hound::SampleFormat::Int => {
            let bits = spec.bits_per_sample;
            if !(8..=32).contains(&bits) {
                return Err(AnalyzeError::Unsupported(format!("{bits}-bit samples")));
            }
            let full = (1i64 << (bits - 1)) as f32;
            let max = (1i64 << (bits - 1)) - 1;
            let mut reader = reader;
            out.run(reader.samples::<i32>(), |s| (s as f32 / full, i64::from(s) >= max || i64::from(s) < -max))?;
        }
    }
    let frames_read = out.frames;
    if frames_read < frames_promised {
        return Err(AnalyzeError::Truncated {
            promised: frames_promised as f64 / f64::from(spec.sample_rate),
            found: frames_read as f64 / f64::from(spec.sample_rate),
        });
    }
    out.finish(frames_read as f64 / f64::from(spec.sample_rate))
}

/// Mixing, resampling and collecting, block by block.
struct Decoder {
    channels: usize,
    resampler: Option<StreamResampler>,
    mono: Vec<f32>,
    frame_sum: f32,
    in_frame: usize,
    samples: Vec<i16>,
    clipped: u64,
    frames: u64,
}

impl Decoder {
    fn new(spec: hound::WavSpec) -> Result<Self, AnalyzeError> {
        let resampler = if spec.sample_rate == RATE {
            None
        } else {
            Some(StreamResampler::new(spec.sample_rate, RATE).map_err(AnalyzeError::Unsupported)?)
        };
        Ok(Self {
            channels: usize::from(spec.channels),
            resampler,
            mono: Vec::with_capacity(BLOCK),
            frame_sum: 0.0,
            in_frame: 0,
            samples: Vec::new(),
            clipped: 0,
            frames: 0,
        })
    }

    fn run<S, I>(&mut self, samples: I, convert: impl Fn(S) -> (f32, bool)) -> Result<(), AnalyzeError>
    where
        I: Iterator<Item = hound::Result<S>>,
    {
        let scale = 1.0 / self.channels as f32;
        for sample in samples {
            let sample = match sample {
                Ok(s) => s,
                // A short read: the caller compares what came with what the
                // header promised.
                Err(hound::Error::IoError(_)) => break,
                Err(e) => return Err(AnalyzeError::NotWav(e.to_string())),
            };
            let (value, clipped) = convert(sample);
            self.clipped += u64::from(clipped);
            self.frame_sum += if value.is_finite() { value } else { 0.0 };
            self.in_frame += 1;
            if self.in_frame == self.channels {
                self.mono.push(self.frame_sum * scale);
                self.frame_sum = 0.0;
                self.in_frame = 0;
                self.frames += 1;
                if self.mono.len() == BLOCK {
                    self.flush()?;
                }
            }
        }
        self.flush()
    }

    fn flush(&mut self) -> Result<(), AnalyzeError> {
        let samples = &mut self.samples;
        let mut keep = |block: &[f32]| samples.extend(block.iter().map(|s| to_i16(*s)));
        match &mut self.resampler {
            Some(r) => r.push(&self.mono, &mut keep).map_err(AnalyzeError::Unsupported)?,
            None => keep(&self.mono),
        }
        self.mono.clear();
        Ok(())
    }

    fn finish(mut self, seconds: f64) -> Result<Decoded, AnalyzeError> {
        if let Some(r) = &mut self.resampler {
            let samples = &mut self.samples;
            r.finish(&mut |block: &[f32]| samples.extend(block.iter().map(|s| to_i16(*s))))
                .map_err(AnalyzeError::Unsupported)?;
        }
        Ok(Decoded { samples: self.samples, clipped: self.clipped, seconds })
    }
}

fn to_i16(s: f32) -> i16 {
    (s * 32768.0).round().clamp(-32768.0, 32767.0) as i16
}
