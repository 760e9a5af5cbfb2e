//! Writing one take: mono f32 samples in, 16-bit PCM WAV out, streamed to
//! disk and crash-safe. Runs on the recorder's writer thread; never on the
//! audio callback.
//!
//! The file is `NAME.wav.part` until finished, then synced to the disk and
//! renamed to `NAME.wav` (the folder synced after), never over a file that
//! is there. The WAV header is rewritten every [`HEADER_EVERY`], so after a
//! crash the part file plays up to at most that long before the crash, and
//! [`super::wavfile::recover`] recovers every whole frame on disk. Files
//! are private to the user (0600 on Unix). A take stops growing before it
//! would outgrow what a WAV header can describe (4 GiB): see [`TakeWriter::room`].

use super::levels::{LevelMeter, SharedLevels};
use super::peaks::{peaks_path, PeakWriter};
use super::wavfile::{self, part_and_final, WavInfo, MAX_DATA_BYTES};
use crate::analysis::live::LiveVoice;
use crate::dsp::resample::StreamResampler;
use crate::dsp::to_i16;
use crate::fsutil;
use std::fs::File;
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How often the WAV header is brought up to date.
pub const HEADER_EVERY: Duration = Duration::from_millis(250);

/// Why a take stops at the WAV size limit, in words for the user.
pub const SIZE_LIMIT: &str =
    "the take reached the largest size a WAV file can hold (4 GiB: about 37 hours in speech quality); it ends here";

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

/// One take being written.
pub struct TakeWriter {
    wav: Option<hound::WavWriter<BufWriter<File>>>,
    peaks: Option<PeakWriter>,
    resampler: Option<StreamResampler>,
    meter: LevelMeter,
    voice: LiveVoice,
    part: PathBuf,
    path: PathBuf,
    frames_in: u64,
    frames_out: u64,
    last_header: Instant,
    block: Vec<i16>,
    /// Frames the file may still take before its header would overflow.
    limit_frames: u64,
    /// Whether finishing may replace a file already at the final name.
    replace: bool,
    input_rate: u32,
    file_rate: u32,
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
        let file = fsutil::create_new_private(&part).map_err(|e| {
            if e.kind() == io::ErrorKind::AlreadyExists {
                WriteError(format!(
                    "{} already exists (an interrupted take? `mockloop recover` repairs it); nothing was overwritten",
                    part.display()
                ))
            } else {
                WriteError(format!("cannot create {}: {}", part.display(), describe(&e)))
            }
        })?;
        let wav = hound::WavWriter::new(BufWriter::new(file), spec)
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
            voice: LiveVoice::new(input_rate),
            part,
            path,
            frames_in: 0,
            frames_out: 0,
            last_header: Instant::now(),
            block: Vec::with_capacity(8192),
            limit_frames: MAX_DATA_BYTES / 2,
            replace: false,
            input_rate,
            file_rate,
        })
    }

    /// Lets [`Self::finish`] replace a file already at the final name
    /// (`mockloop record --force`). By default it refuses to.
    pub fn replace_existing(&mut self, replace: bool) {
        self.replace = replace;
    }

    /// Lowers the most audio this take may hold, in bytes (for tests of
    /// the 4 GiB limit without writing 4 GiB).
    pub fn limit_bytes(&mut self, bytes: u64) {
        self.limit_frames = bytes.min(MAX_DATA_BYTES) / 2;
    }

    /// Input frames this take can still take before the file would outgrow
    /// what a WAV header can describe, keeping a second in hand for the
    /// resampler's tail. At 0 the take must end: [`Self::push`] refuses more.
    pub fn room(&self) -> u64 {
        let (input, file) = (u64::from(self.input_rate.max(1)), u64::from(self.file_rate.max(1)));
        let margin = if self.resampler.is_some() { file } else { 0 };
        let file_room = self.limit_frames.saturating_sub(self.frames_out).saturating_sub(margin);
        file_room.saturating_mul(input) / file
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

    /// Measures and writes `samples` (mono, at the input rate). Refuses
    /// more than [`Self::room`], writing nothing.
    pub fn push(&mut self, samples: &[f32], levels: &SharedLevels) -> Result<(), WriteError> {
        if samples.len() as u64 > self.room() {
            return Err(WriteError(SIZE_LIMIT.into()));
        }
        self.meter.push(samples, levels);
        self.voice.push(samples, &levels.voice);
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

    /// Flushes the resampler's tail, finalises the header, syncs the file
    /// to the disk and renames it to its final name (syncing the folder).
    /// If any of that fails, what reached the disk is salvaged: the error
    /// comes back with what the file holds, if it could be repaired.
    pub fn finish(mut self) -> Result<WavInfo, (WriteError, Option<WavInfo>)> {
        match self.try_finish() {
            Ok(info) => Ok(info),
            Err(e) => {
                let kept = self.salvage_in_place().ok();
                Err((e, kept))
            }
        }
    }

    fn try_finish(&mut self) -> Result<WavInfo, WriteError> {
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
        // Durable before it is called finished: a power cut after the
        // rename must not leave a "complete" take over an empty file.
        File::open(&self.part)
            .and_then(|f| f.sync_all())
            .map_err(|e| WriteError(format!("cannot save the take to the disk: {}", describe(&e))))?;
        let renamed = if self.replace {
            std::fs::rename(&self.part, &self.path)
                .and_then(|()| fsutil::sync_dir(self.path.parent().unwrap_or(Path::new("."))))
        } else {
            fsutil::rename_no_replace(&self.part, &self.path)
        };
        renamed.map_err(|e| match e.kind() {
            io::ErrorKind::AlreadyExists => WriteError(format!(
                "{} already exists, so the take was kept as {}",
                self.path.display(),
                self.part.display()
            )),
            _ => WriteError(format!("cannot rename the finished take: {}", describe(&e))),
        })?;
        wavfile::inspect(&self.path).map_err(|e| WriteError(e.to_string()))
    }

    /// Closes the file as it is and repairs its header to cover every
    /// whole frame on disk; renames it unless its final name is taken.
    fn salvage_in_place(&mut self) -> Result<WavInfo, WriteError> {
        // Dropping the writer tries one last header update; on a full disk
        // that fails quietly, which is why the header is repaired after.
        drop(self.wav.take());
        drop(self.peaks.take());
        if !self.part.exists() && self.path.exists() {
            // It was renamed; only the inspection failed.
            return wavfile::inspect(&self.path).map_err(|e| WriteError(e.to_string()));
        }
        match wavfile::recover(&self.part) {
            Ok((_, info)) => Ok(info),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => wavfile::repair(&self.part)
                .map_err(|e| WriteError(format!("could not repair the take: {}", describe(&e)))),
            Err(e) => Err(WriteError(format!("could not repair the take: {}", describe(&e)))),
        }
    }

    /// Removes the take being written (and its peaks): for a take that
    /// never received audio. Only ever removes this take's own part file.
    pub fn discard(mut self) {
        drop(self.wav.take());
        drop(self.peaks.take());
        let _ = std::fs::remove_file(&self.part);
        let _ = std::fs::remove_file(peaks_path(&self.path));
    }

    /// After a write error: closes the file as it is, repairs its header to
    /// cover every whole frame that reached the disk, and renames it.
    pub fn salvage(mut self) -> Result<WavInfo, WriteError> {
        self.salvage_in_place()
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
        let info = w.finish().map_err(|(e, _)| e).unwrap();
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
        let info = w.finish().map_err(|(e, _)| e).unwrap();
        assert_eq!((info.sample_rate, info.frames), (16_000, 32_000));
    }

    #[test]
    fn a_take_stops_growing_at_its_size_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("long.wav");
        let mut w = TakeWriter::create(&path, 8_000, 8_000).unwrap();
        w.limit_bytes(20_000); // 10,000 frames of 16 bits
        let levels = SharedLevels::default();
        w.push(&vec![0.5; 9_000], &levels).unwrap();
        assert_eq!(w.room(), 1_000);
        let err = w.push(&vec![0.5; 1_001], &levels).unwrap_err();
        assert_eq!(err.0, SIZE_LIMIT);
        w.push(&vec![0.5; 1_000], &levels).unwrap();
        assert_eq!(w.room(), 0);
        let info = w.finish().map_err(|(e, _)| e).unwrap();
        assert_eq!(info.frames, 10_000, "everything before the limit is kept");
    }

    #[test]
    fn finishing_never_replaces_a_file_and_keeps_the_take() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("answer.wav");
        std::fs::write(&path, b"the user's own file").unwrap();
        let mut w = TakeWriter::create(&path, 8_000, 8_000).unwrap();
        w.push(&vec![0.25; 8_000], &SharedLevels::default()).unwrap();
        let (err, kept) = w.finish().unwrap_err();
        assert!(err.0.contains("already exists"), "{}", err.0);
        assert_eq!(kept.map(|i| i.frames), Some(8_000), "the take is kept as its part file");
        assert_eq!(std::fs::read(&path).unwrap(), b"the user's own file");
        assert!(dir.path().join("answer.wav.part").exists());
    }

    #[test]
    fn a_part_file_left_behind_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.wav");
        std::fs::write(dir.path().join("t.wav.part"), b"an interrupted take").unwrap();
        let err = TakeWriter::create(&path, 8_000, 8_000).err().expect("refused");
        assert!(err.0.contains("already exists"), "{}", err.0);
        assert_eq!(std::fs::read(dir.path().join("t.wav.part")).unwrap(), b"an interrupted take");
    }
}
