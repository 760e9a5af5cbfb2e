//! A WAV file → mono 16-bit samples at 16 kHz, the one signal every measure
//! is computed on, and the clipped-sample count of the original.
//!
//! Any PCM (8, 16, 24, 32-bit) or float WAV that hound reads, 1 to 8
//! channels (mixed to mono), 8 to 384 kHz: a whole multiple of 16 kHz is
//! decimated (`decimate`), any other rate resampled with the streaming
//! resampler `speech` quality records with. Memory: two bytes per 16 kHz
//! sample, ~115 MB for an hour.

use super::AnalyzeError;
use crate::dsp::decimate::Decimator;
use crate::dsp::resample::StreamResampler;
use crate::dsp::to_i16;
use std::io::Read;
use std::path::Path;

pub use crate::dsp::RATE;
/// Most channels a file may have (7.1).
const MAX_CHANNELS: u16 = 8;
/// Lowest and highest sample rates accepted.
const MIN_RATE: u32 = 8_000;
const MAX_RATE: u32 = 384_000;
/// Longest file analysed: 4 hours (~460 MB of 16 kHz samples in memory).
const MAX_SECONDS: u32 = 4 * 3600;
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
    if frames_promised > u64::from(MAX_SECONDS) * u64::from(spec.sample_rate) {
        return Err(AnalyzeError::Unsupported(format!(
            "{:.1} hours long (mockloop analyses up to {} hours; split it with sox FILE part.wav trim START LENGTH)",
            frames_promised as f64 / f64::from(spec.sample_rate) / 3600.0,
            MAX_SECONDS / 3600
        )));
    }
    // 16-bit samples in wider slots (WAVE_FORMAT_EXTENSIBLE allows it) go
    // through hound, which knows the layout; plain ones are read in bulk.
    let packed16 = spec.sample_format == hound::SampleFormat::Int
        && spec.bits_per_sample == 16
        && block_align(path) == Some(2 * spec.channels);
    let mut out = Decoder::new(spec)?;
    // The result's size is known: one allocation, not a doubling series.
    out.samples
        .reserve(usize::try_from(frames_promised * u64::from(RATE) / u64::from(spec.sample_rate) + 1).unwrap_or(0));
    match spec.sample_format {
        hound::SampleFormat::Float => {
            if spec.bits_per_sample != 32 {
                return Err(AnalyzeError::Unsupported(format!("{}-bit float samples", spec.bits_per_sample)));
            }
            let mut reader = reader;
            out.run(reader.samples::<f32>(), |s| (s, s.abs() >= 1.0))?;
        }
        // What mockloop records, read in bulk: hound's per-sample
        // iterator costs about 1 s per 45 minutes at 16 kHz.
        hound::SampleFormat::Int if packed16 => {
            out.run_pcm16(&mut reader.into_inner(), frames_promised)?;
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

/// How a rate other than 16 kHz gets there.
enum Rate {
    /// A whole multiple: the analysis's own decimator.
    Decimate(Decimator),
    /// Anything else (44.1, 22.05 kHz …): rubato's FFT resampler.
    Resample(Box<StreamResampler>),
}

/// Mixing, resampling and collecting, block by block.
struct Decoder {
    channels: usize,
    resampler: Option<Rate>,
    mono: Vec<f32>,
    frame_sum: f32,
    in_frame: usize,
    samples: Vec<i16>,
    clipped: u64,
    frames: u64,
}

impl Decoder {
    fn new(spec: hound::WavSpec) -> Result<Self, AnalyzeError> {
        let resampler = match spec.sample_rate {
            RATE => None,
            r if r % RATE == 0 => Some(Rate::Decimate(Decimator::new(r, (r / RATE) as usize))),
            r => Some(Rate::Resample(Box::new(StreamResampler::new(r, RATE).map_err(AnalyzeError::Unsupported)?))),
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
        for sample in samples {
            let sample = match sample {
                Ok(s) => s,
                // A short read: the caller compares what came with what the
                // header promised.
                Err(hound::Error::IoError(_)) => break,
                Err(e) => return Err(AnalyzeError::NotWav(e.to_string())),
            };
            let (value, clipped) = convert(sample);
            self.feed(value, clipped)?;
        }
        self.flush()
    }

    /// One sample of one channel.
    #[inline]
    fn feed(&mut self, value: f32, clipped: bool) -> Result<(), AnalyzeError> {
        self.clipped += u64::from(clipped);
        self.frame_sum += if value.is_finite() { value } else { 0.0 };
        self.in_frame += 1;
        if self.in_frame == self.channels {
            self.mono.push(self.frame_sum / self.channels as f32);
            self.frame_sum = 0.0;
            self.in_frame = 0;
            self.frames += 1;
            if self.mono.len() == BLOCK {
                self.flush()?;
            }
        }
        Ok(())
    }

    /// Little-endian 16-bit frames straight from the data chunk: up to
    /// `frames`, or what the file holds.
    fn run_pcm16(&mut self, input: &mut impl Read, frames: u64) -> Result<(), AnalyzeError> {
        let frame_bytes = 2 * self.channels;
        let mut buf = vec![0u8; frame_bytes * BLOCK * 16];
        let mut left = frames.saturating_mul(frame_bytes as u64);
        while left > 0 {
            let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
            let got = fill(input, &mut buf[..want]).map_err(|e| AnalyzeError::Open(format!("reading failed: {e}")))?;
            let whole = &buf[..got - got % frame_bytes];
            if self.channels == 1 && self.resampler.is_none() {
                // Already the analysis signal: copied as it is.
                let before = self.samples.len();
                self.samples.extend(whole.chunks_exact(2).map(|p| i16::from_le_bytes([p[0], p[1]])));
                let added = &self.samples[before..];
                self.clipped += added.iter().filter(|v| **v == i16::MAX || **v == i16::MIN).count() as u64;
                self.frames += added.len() as u64;
            } else {
                // Mixed a buffer at a time, then resampled in one go.
                let scale = 1.0 / (32768.0 * self.channels as f32);
                for frame in whole.chunks_exact(frame_bytes) {
                    let mut sum = 0i32;
                    for pair in frame.chunks_exact(2) {
                        let v = i16::from_le_bytes([pair[0], pair[1]]);
                        self.clipped += u64::from(v == i16::MAX || v == i16::MIN);
                        sum += i32::from(v);
                    }
                    self.mono.push(sum as f32 * scale);
                }
                self.frames += (whole.len() / frame_bytes) as u64;
                self.flush()?;
            }
            left -= got as u64;
            if got < want {
                break;
            }
        }
        self.flush()
    }

    fn flush(&mut self) -> Result<(), AnalyzeError> {
        let samples = &mut self.samples;
        let mut keep = |block: &[f32]| samples.extend(block.iter().map(|s| to_i16(*s)));
        match &mut self.resampler {
            Some(Rate::Resample(r)) => r.push(&self.mono, &mut keep).map_err(AnalyzeError::Unsupported)?,
            Some(Rate::Decimate(d)) => d.push(&self.mono, &mut keep),
            None => keep(&self.mono),
        }
        self.mono.clear();
        Ok(())
    }

    fn finish(mut self, seconds: f64) -> Result<Decoded, AnalyzeError> {
        let samples = &mut self.samples;
        let mut keep = |block: &[f32]| samples.extend(block.iter().map(|s| to_i16(*s)));
        match &mut self.resampler {
            Some(Rate::Resample(r)) => r.finish(&mut keep).map_err(AnalyzeError::Unsupported)?,
            Some(Rate::Decimate(d)) => d.finish(&mut keep),
            None => {}
        }
        Ok(Decoded { samples: self.samples, clipped: self.clipped, seconds })
    }
}

/// The fmt chunk's block align (bytes per frame), read off the RIFF
/// chunks; `None` if the file does not say.
fn block_align(path: &Path) -> Option<u16> {
    use std::io::{Seek, SeekFrom};
    let mut f = std::io::BufReader::new(std::fs::File::open(path).ok()?);
    let mut riff = [0u8; 12];
    f.read_exact(&mut riff).ok()?;
    if &riff[..4] != b"RIFF" || &riff[8..] != b"WAVE" {
        return None;
    }
    for _ in 0..64 {
        let mut header = [0u8; 8];
        f.read_exact(&mut header).ok()?;
        let len = u32::from_le_bytes([header[4], header[5], header[6], header[7]]);
        if &header[..4] == b"fmt " {
            let mut fmt = [0u8; 14];
            f.read_exact(&mut fmt).ok()?;
            return Some(u16::from_le_bytes([fmt[12], fmt[13]]));
        }
        f.seek(SeekFrom::Current(i64::from(len) + i64::from(len % 2))).ok()?;
    }
    None
}

/// Reads until `buf` is full or the input ends; how much came.
fn fill(input: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match input.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}
