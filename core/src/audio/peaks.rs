//! Waveform peaks: (min, max) pairs at 50 per second, written beside the take
//! as `NAME.wav.peaks` while it is recorded, so even a 45-minute take draws
//! at once. Missing or stale peak files are rebuilt from the WAV.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

/// Peaks per second of audio.
pub const PEAKS_PER_SECOND: u32 = 50;
const MAGIC: &[u8; 4] = b"MLPK";
const HEADER_LEN: usize = 12;

/// The peak file beside a take.
pub fn peaks_path(wav: &Path) -> PathBuf {
    let mut s = wav.as_os_str().to_owned();
    s.push(".peaks");
    PathBuf::from(s)
}

fn samples_per_peak(sample_rate: u32) -> u32 {
    (sample_rate / PEAKS_PER_SECOND).max(1)
}

/// Streams peaks to a file as samples are written.
pub struct PeakWriter {
    out: BufWriter<File>,
    per_peak: u32,
    count: u32,
    min: i16,
    max: i16,
}

impl PeakWriter {
    /// Creates the peak file for a take at `sample_rate`.
    pub fn create(path: &Path, sample_rate: u32) -> io::Result<Self> {
        let mut out = BufWriter::new(File::create(path)?);
        let per_peak = samples_per_peak(sample_rate);
        out.write_all(MAGIC)?;
        out.write_all(&sample_rate.to_le_bytes())?;
        out.write_all(&per_peak.to_le_bytes())?;
        Ok(Self { out, per_peak, count: 0, min: i16::MAX, max: i16::MIN })
    }

    /// Adds written samples.
    pub fn push(&mut self, samples: &[i16]) -> io::Result<()> {
        for &s in samples {
            self.min = self.min.min(s);
            self.max = self.max.max(s);
            self.count += 1;
            if self.count == self.per_peak {
                self.emit()?;
            }
        }
        Ok(())
    }

    fn emit(&mut self) -> io::Result<()> {
        self.out.write_all(&self.min.to_le_bytes())?;
        self.out.write_all(&self.max.to_le_bytes())?;
        self.count = 0;
        self.min = i16::MAX;
        self.max = i16::MIN;
        Ok(())
    }

    /// Flushes buffered peaks to the file.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// Writes the last partial peak and closes the file.
    pub fn finish(mut self) -> io::Result<()> {
        if self.count > 0 {
            self.emit()?;
        }
        self.out.flush()
    }
}

/// Peaks of the take at `wav`, reduced to `buckets` (min, max) pairs in
/// -1.0..=1.0. Uses the peak file if it matches the WAV, else rebuilds it.
pub fn load(wav: &Path, buckets: usize) -> io::Result<Vec<[f32; 2]>> {
    let reader = hound::WavReader::open(wav).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
    let spec = reader.spec();
    let frames = u64::from(reader.duration());
    let per_peak = samples_per_peak(spec.sample_rate);
    let expected = frames.div_ceil(u64::from(per_peak)) as usize;
    let path = peaks_path(wav);
    let raw = match read_peaks(&path, spec.sample_rate) {
        Ok(raw) if raw.len() == expected => raw,
        _ => rebuild(reader, &path, spec.sample_rate)?,
    };
    Ok(reduce(&raw, buckets))
}

fn read_peaks(path: &Path, sample_rate: u32) -> io::Result<Vec<[i16; 2]>> {
    let mut bytes = Vec::new();
    BufReader::new(File::open(path)?).read_to_end(&mut bytes)?;
    if bytes.len() < HEADER_LEN || &bytes[0..4] != MAGIC || bytes[4..8] != sample_rate.to_le_bytes() {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "stale peak file"));
    }
    Ok(bytes[HEADER_LEN..]
        .chunks_exact(4)
        .map(|c| [i16::from_le_bytes([c[0], c[1]]), i16::from_le_bytes([c[2], c[3]])])
        .collect())
}

fn rebuild(mut reader: hound::WavReader<BufReader<File>>, path: &Path, sample_rate: u32) -> io::Result<Vec<[i16; 2]>> {
    let mut writer = PeakWriter::create(path, sample_rate)?;
    let mut block = Vec::with_capacity(4096);
    for sample in reader.samples::<i16>() {
        block.push(sample.map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?);
        if block.len() == block.capacity() {
            writer.push(&block)?;
            block.clear();
        }
    }
    writer.push(&block)?;
    writer.finish()?;
    read_peaks(path, sample_rate)
}

fn reduce(raw: &[[i16; 2]], buckets: usize) -> Vec<[f32; 2]> {
    if raw.is_empty() || buckets == 0 {
        return Vec::new();
    }
    let buckets = buckets.min(raw.len());
    (0..buckets)
        .map(|b| {
            let start = b * raw.len() / buckets;
            let end = ((b + 1) * raw.len() / buckets).max(start + 1);
            let (lo, hi) =
                raw[start..end].iter().fold((i16::MAX, i16::MIN), |(lo, hi), p| (lo.min(p[0]), hi.max(p[1])));
            [f32::from(lo) / 32768.0, f32::from(hi) / 32768.0]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peaks_are_written_while_recording_and_rebuilt_when_missing() {
        let dir = tempfile::tempdir().unwrap();
        let wav = dir.path().join("t.wav");
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: 1_000,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::create(&wav, spec).unwrap();
        let mut peaks = PeakWriter::create(&peaks_path(&wav), 1_000).unwrap();
        // 1 s quiet, 1 s loud: 20 samples per peak, 100 peaks.
        let samples: Vec<i16> = (0..2_000)
            .map(|i| {
                if i < 1_000 {
                    (i % 3) as i16
                } else if i % 2 == 0 {
                    16_384
                } else {
                    -16_384
                }
            })
            .collect();
        for &s in &samples {
            w.write_sample(s).unwrap();
        }
        w.finalize().unwrap();
        peaks.push(&samples).unwrap();
        peaks.finish().unwrap();

        let two = load(&wav, 2).unwrap();
        assert_eq!(two.len(), 2);
        assert!(two[0][1] < 0.001 && two[1][1] == 0.5 && two[1][0] == -0.5, "{two:?}");

        std::fs::remove_file(peaks_path(&wav)).unwrap();
        assert_eq!(load(&wav, 2).unwrap(), two, "rebuilt from the WAV");
        assert!(peaks_path(&wav).exists());
        assert_eq!(load(&wav, 1_000).unwrap().len(), 100, "never more buckets than peaks");
    }
}
