//! Writing one take: mono f32 samples in, 16-bit PCM WAV out, streamed to
//! disk and crash-safe. Runs on the recorder's writer thread; never on the
//! audio callback.
//!
//! The file is `NAME.wav.part` until finished, then renamed to `NAME.wav`.
//! The WAV header is rewritten every [`HEADER_EVERY`], so after a crash the
//! part file plays up to at most that long before the crash, and
//! [`super::wavfile::recover`] recovers every whole frame on disk.

use super::levels::{LevelMeter, SharedLevels};
use super::peaks::{peaks_path, PeakWriter};
use super::resample::StreamResampler;
use super::wavfile::{self, part_and_final, WavInfo};
use std::fs::File;
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How often the WAV header is brought up to date.
pub const HEADER_EVERY: Duration = Duration::from_millis(250);

/// A write to the take failed; what was written before is kept.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct WriteError(pub String);

fn describe(e: &io::Error) -> String {
    match e.raw_os_error() {
        Some(28) => "the disk is full".to_owned(),
        Some(27) => "the file size limit was reached".to_owned(),
        _ => e.to_string(),
    }
}

fn hound_error(e: hound::Error) -> WriteError {
    match e {
        hound::Error::IoError(io) => WriteError(describe(&io)),
        other => WriteError(other.to_string()),
    }
}

/// Converts a sample in -1.0..=1.0 to 16 bits. Exact for samples that came
/// from 16 bits (`i16 as f32 / 32768`), which is what makes `studio`
/// recordings of a 16-bit device bit-exact.
pub fn to_i16(s: f32) -> i16 {
    (s * 32768.0).round().clamp(-32768.0, 32767.0) as i16
}

/// One take being written.
pub struct TakeWriter {
    wav: Option<hound::WavWriter<BufWriter<File>>>,
    peaks: Option<PeakWriter>,
    resampler: Option<StreamResampler>,
    meter: LevelMeter,
    part: PathBuf,
    path: PathBuf,
    frames_in: u64,
    frames_out: u64,
    last_header: Instant,
    block: Vec<i16>,
}

impl TakeWriter {
    /// Starts `path` (written as `path.part`): input at `input_rate`, the file at `file_rate`.
    pub fn create(path: &Path, input_rate: u32, file_rate: u32) -> Result<Self, WriteError> {
        let (part, path) = part_and_final(path);
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| WriteError(format!("cannot create {}: {}", dir.display(), describe(&e))))?;
        }
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: file_rate,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let wav = hound::WavWriter::create(&part, spec)
            .map_err(|e| WriteError(format!("cannot create {}: {}", part.display(), hound_error(e))))?;
        let peaks = PeakWriter::create(&peaks_path(&path), file_rate).ok();
        let resampler = if input_rate == file_rate {
            None
        } else {
            Some(StreamResampler::new(input_rate, file_rate).map_err(WriteError)?)
        };
        Ok(Self {
            wav: Some(wav),
            peaks,
            resampler,
            meter: LevelMeter::new(input_rate),
            part,
            path,
            frames_in: 0,
            frames_out: 0,
            last_header: Instant::now(),
            block: Vec::with_capacity(8192),
        })
    }

    /// The final path of the take.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Input frames received.
    pub fn frames_in(&self) -> u64 {
        self.frames_in
    }

    /// Frames written to the file.
    pub fn frames_out(&self) -> u64 {
        self.frames_out
    }

    /// Measures and writes `samples` (mono, at the input rate).
    pub fn push(&mut self, samples: &[f32], levels: &SharedLevels) -> Result<(), WriteError> {
        self.meter.push(samples, levels);
        self.frames_in += samples.len() as u64;
        let mut block = std::mem::take(&mut self.block);
        let mut result = Ok(());
        match self.resampler.as_mut() {
            None => {
                for chunk in samples.chunks(block.capacity().max(1)) {
                    block.clear();
                    block.extend(chunk.iter().map(|&s| to_i16(s)));
                    result = result.and_then(|()| self.write_i16(&block));
                }
            }
            Some(resampler) => {
                let mut out = Vec::new();
                let r = resampler.push(samples, &mut |b| out.extend(b.iter().map(|&s| to_i16(s))));
                result = r.map_err(WriteError).and_then(|()| self.write_i16(&out));
            }
        }
        self.block = block;
        result?;
        if self.last_header.elapsed() >= HEADER_EVERY {
            self.flush()?;
        }
        Ok(())
    }

    fn write_i16(&mut self, samples: &[i16]) -> Result<(), WriteError> {
        let wav = self.wav.as_mut().ok_or_else(|| WriteError("the take is already closed".into()))?;
        let mut writer = wav.get_i16_writer(samples.len() as u32);
        for &s in samples {
            writer.write_sample(s);
        }
        writer.flush().map_err(hound_error)?;
        self.frames_out += samples.len() as u64;
        if let Some(peaks) = self.peaks.as_mut() {
            if peaks.push(samples).is_err() {
                // Peaks are a cache; losing them never costs audio.
                self.peaks = None;
            }
        }
        Ok(())
    }

    /// Brings the WAV header up to date and pushes buffered bytes to the OS.
    pub fn flush(&mut self) -> Result<(), WriteError> {
        self.last_header = Instant::now();
        if let Some(peaks) = self.peaks.as_mut() {
            let _ = peaks.flush();
        }
        match self.wav.as_mut() {
            Some(wav) => wav.flush().map_err(hound_error),
            None => Ok(()),
        }
    }

    /// Flushes the resampler's tail, finalises the header and renames the
    /// part file to its final name.
    pub fn finish(mut self) -> Result<WavInfo, WriteError> {
        if let Some(mut resampler) = self.resampler.take() {
            let mut out = Vec::new();
            resampler.finish(&mut |b| out.extend(b.iter().map(|&s| to_i16(s)))).map_err(WriteError)?;
            self.write_i16(&out)?;
        }
        if let Some(peaks) = self.peaks.take() {
            let _ = peaks.finish();
        }
        let wav = self.wav.take().ok_or_else(|| WriteError("the take is already closed".into()))?;
        wav.finalize().map_err(hound_error)?;
        std::fs::rename(&self.part, &self.path)
            .map_err(|e| WriteError(format!("cannot rename the finished take: {}", describe(&e))))?;
        wavfile::inspect(&self.path).map_err(|e| WriteError(e.to_string()))
    }

    /// After a write error: closes the file as it is, repairs its header to
    /// cover every whole frame that reached the disk, and renames it.
    pub fn salvage(mut self) -> Result<WavInfo, WriteError> {
        // Dropping the writer tries one last header update; on a full disk
        // that fails quietly, which is why the header is repaired after.
        drop(self.wav.take());
        drop(self.peaks.take());
        wavfile::recover(&self.part)
            .map(|(_, info)| info)
            .map_err(|e| WriteError(format!("could not repair the take: {}", describe(&e))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn i16_round_trip_is_exact() {
        for s in [i16::MIN, -12345, -1, 0, 1, 777, i16::MAX] {
            assert_eq!(to_i16(f32::from(s) / 32768.0), s);
        }
        assert_eq!(to_i16(2.0), i16::MAX);
        assert_eq!(to_i16(-2.0), i16::MIN);
    }

    #[test]
    fn part_file_plays_while_recording_and_is_renamed_when_finished() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("take.wav");
        let levels = SharedLevels::default();
        let mut w = TakeWriter::create(&path, 8_000, 8_000).unwrap();
        let samples: Vec<f32> = (0..8_000).map(|i| ((i % 100) as f32 - 50.0) / 100.0).collect();
        w.push(&samples, &levels).unwrap();
        w.flush().unwrap();
        let part = dir.path().join("take.wav.part");
        let mid = hound::WavReader::open(&part).unwrap();
        assert_eq!(mid.duration(), 8_000, "the header is current after a flush");
        assert!(levels.read().blocks > 0);
        let info = w.finish().unwrap();
        assert!(!part.exists());
        assert_eq!(info.frames, 8_000);
        let back: Vec<i16> = hound::WavReader::open(&path).unwrap().samples().map(Result::unwrap).collect();
        let expected: Vec<i16> = samples.iter().map(|&s| to_i16(s)).collect();
        assert_eq!(back, expected);
    }

    #[test]
    fn speech_quality_resamples_to_the_file_rate() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("speech.wav");
        let mut w = TakeWriter::create(&path, 48_000, 16_000).unwrap();
        w.push(&vec![0.25; 48_000 * 2], &SharedLevels::default()).unwrap();
        let info = w.finish().unwrap();
        assert_eq!((info.sample_rate, info.frames), (16_000, 32_000));
    }
}
