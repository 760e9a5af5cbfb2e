//! Repairing the header of a WAV file that was cut short (a killed process,
//! a full disk), so every whole frame that reached the disk plays.
//!
//! A take is written as `NAME.wav.part` and renamed when finished; its header
//! is rewritten at least every 250 ms, so even unrepaired it plays up to the
//! last rewrite. Repair goes further: it counts every whole frame on disk.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The suffix of a take still being written.
pub const PART_SUFFIX: &str = ".part";

/// What a repaired (or checked) WAV file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct WavInfo {
    /// Sample frames in the data chunk.
    pub frames: u64,
    /// Frames per second.
    pub sample_rate: u32,
    /// Channels.
    pub channels: u16,
    /// Bits per sample.
    pub bits_per_sample: u16,
    /// File size in bytes.
    pub bytes: u64,
}

impl WavInfo {
    /// Duration in milliseconds.
    pub fn duration_ms(&self) -> u64 {
        if self.sample_rate == 0 {
            0
        } else {
            self.frames * 1000 / u64::from(self.sample_rate)
        }
    }
}

fn bad(message: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.into())
}

/// The most audio bytes a WAV header can describe: the RIFF size is 32
/// bits and counts the 36 bytes of a plain header before the audio.
pub const MAX_DATA_BYTES: u64 = u32::MAX as u64 - 36;

/// Whether `id` reads as a RIFF chunk id: four printable ASCII characters.
fn chunk_id(id: &[u8]) -> bool {
    id.len() == 4 && id.iter().all(|&b| (0x20..0x7f).contains(&b))
}

/// Whether the bytes from `pos` to `len` are whole RIFF chunks (each with
/// a printable id and a size that fits), ending exactly at the file's end
/// (allowing one pad byte). That is how chunks written after the audio
/// (a `LIST` of tags, a cue sheet) are told from audio the header never
/// heard of, which is what a cut-short take has there.
fn whole_chunks_follow(file: &mut File, mut pos: u64, len: u64) -> io::Result<bool> {
    if pos >= len {
        return Ok(true);
    }
    while pos + 8 <= len {
        file.seek(SeekFrom::Start(pos))?;
        let mut head = [0u8; 8];
        file.read_exact(&mut head)?;
        let size = u64::from(u32::from_le_bytes([head[4], head[5], head[6], head[7]]));
        if !chunk_id(&head[0..4]) {
            return Ok(false);
        }
        let next = pos + 8 + size + (size & 1);
        if next == len || (size & 1 == 1 && next == len + 1) {
            return Ok(true);
        }
        if next > len {
            return Ok(false);
        }
        pos = next;
    }
    Ok(false)
}

/// Brings the header of the WAV at `path` in line with what the file
/// holds, changing as little as possible, and only what it must:
///
/// - audio past the size the header gives (a take cut short after its
///   last header update) is counted, to the last whole frame; one partial
///   frame at the very end is cut;
/// - a header that promises more audio than there is (a file cut short)
///   is brought down to the whole frames present;
/// - chunks after the audio are kept as they are;
/// - a header that is already right is not written at all.
///
/// It refuses (and leaves the file untouched) what it cannot repair
/// safely: no RIFF/WAVE header, no `fmt ` before `data`, or more audio than
/// a WAV header can describe (4 GiB). It never grows the file, so it works
/// on a full disk.
pub fn repair(path: &Path) -> io::Result<WavInfo> {
    let mut file = OpenOptions::new().read(true).write(true).open(path)?;
    let len = file.metadata()?.len();
    let mut riff = [0u8; 12];
    file.read_exact(&mut riff).map_err(|_| bad("too short to be a WAV file"))?;
    if &riff[0..4] != b"RIFF" || &riff[8..12] != b"WAVE" {
        return Err(bad("not a WAV file (no RIFF/WAVE header)"));
    }
    let riff_size = u64::from(u32::from_le_bytes([riff[4], riff[5], riff[6], riff[7]]));
    let mut fmt: Option<(u16, u32, u16, u16)> = None; // channels, rate, block align, bits
    let mut pos = 12u64;
    loop {
        if pos + 8 > len {
            return Err(bad("no data chunk: the recording never started"));
        }
        file.seek(SeekFrom::Start(pos))?;
        let mut head = [0u8; 8];
        file.read_exact(&mut head)?;
        let size = u64::from(u32::from_le_bytes([head[4], head[5], head[6], head[7]]));
        if &head[0..4] == b"fmt " {
            let mut body = [0u8; 16];
            file.read_exact(&mut body).map_err(|_| bad("truncated fmt chunk"))?;
            let channels = u16::from_le_bytes([body[2], body[3]]);
            let rate = u32::from_le_bytes([body[4], body[5], body[6], body[7]]);
            let align = u16::from_le_bytes([body[12], body[13]]);
            let bits = u16::from_le_bytes([body[14], body[15]]);
            if align == 0 || channels == 0 {
                return Err(bad("fmt chunk says zero channels or zero block size"));
            }
            fmt = Some((channels, rate, align, bits));
        } else if &head[0..4] == b"data" {
            let (channels, sample_rate, align, bits_per_sample) =
                fmt.ok_or_else(|| bad("data chunk before fmt chunk"))?;
            let align = u64::from(align);
            let data_start = pos + 8;
            let available = len.saturating_sub(data_start);
            let declared_end = data_start + size + (size & 1);
            // Whole chunks after the declared audio: a finished file whose
            // header is right about the audio. Otherwise the audio runs to
            // the end of the file.
            let (data_len, end) = if size <= available && whole_chunks_follow(&mut file, declared_end, len)? {
                (size, len)
            } else {
                let whole = available - available % align;
                (whole, data_start + whole)
            };
            if data_len > MAX_DATA_BYTES {
                return Err(bad(format!(
                    "it holds {data_len} bytes of audio, more than a WAV header can describe (4 GiB); left untouched"
                )));
            }
            let new_riff = end - 8;
            if data_len != size {
                file.seek(SeekFrom::Start(pos + 4))?;
                file.write_all(&(data_len as u32).to_le_bytes())?;
            }
            if new_riff != riff_size {
                file.seek(SeekFrom::Start(4))?;
                file.write_all(&(new_riff as u32).to_le_bytes())?;
            }
            if end < len {
                // At most one partial frame: what `whole` left out.
                file.set_len(end)?;
            }
            if data_len != size || new_riff != riff_size || end < len {
                file.sync_all()?;
            }
            return Ok(WavInfo { frames: data_len / align, sample_rate, channels, bits_per_sample, bytes: end });
        }
        // Chunks are padded to an even size.
        pos += 8 + size + (size & 1);
    }
}

/// Repairs the take `path` (or `path.part`) and, for a part file, renames
/// it to its final name. Never replaces a file: when the final name is
/// taken, the part file is repaired but kept under its name, and the error
/// says so. Returns the final path and what it holds.
pub fn recover(path: &Path) -> io::Result<(PathBuf, WavInfo)> {
    let (part, done) = part_and_final(path);
    if !part.exists() {
        if done.exists() {
            let info = repair(&done)?;
            return Ok((done, info));
        }
        return Err(io::Error::new(io::ErrorKind::NotFound, format!("{} does not exist", path.display())));
    }
    if done.exists() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!(
                "{} already exists, so {} was left as it is; rename one of them and run recover again",
                done.display(),
                part.display()
            ),
        ));
    }
    let info = repair(&part)?;
    crate::fsutil::rename_no_replace(&part, &done)?;
    Ok((done, info))
}

/// The part-file and final names for a take named by either.
pub fn part_and_final(path: &Path) -> (PathBuf, PathBuf) {
    let s = path.as_os_str().to_string_lossy();
    match s.strip_suffix(PART_SUFFIX) {
        Some(done) => (path.to_path_buf(), PathBuf::from(done)),
        None => (PathBuf::from(format!("{s}{PART_SUFFIX}")), path.to_path_buf()),
    }
}

/// Reads a WAV header without changing the file.
pub fn inspect(path: &Path) -> io::Result<WavInfo> {
    let reader = hound::WavReader::open(path).map_err(|e| bad(e.to_string()))?;
    let spec = reader.spec();
    let bytes = File::open(path)?.metadata()?.len();
    Ok(WavInfo {
        frames: u64::from(reader.duration()),
        sample_rate: spec.sample_rate,
        channels: spec.channels,
        bits_per_sample: spec.bits_per_sample,
        bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_wav(path: &Path, samples: &[i16]) {
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: 16_000,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::create(path, spec).unwrap();
        for &s in samples {
            w.write_sample(s).unwrap();
        }
        w.finalize().unwrap();
    }

    #[test]
    fn repair_counts_every_whole_frame_and_drops_a_half_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.wav.part");
        write_wav(&path, &[1, 2, 3]);
        // Simulate a crash: samples appended after the last header update, plus half a sample.
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(&[4, 0, 5, 0, 6]).unwrap();
        drop(f);
        let (done, info) = recover(&path).unwrap();
        assert_eq!(done, dir.path().join("t.wav"));
        assert!(!path.exists());
        assert_eq!(info.frames, 5);
        let samples: Vec<i16> = hound::WavReader::open(&done).unwrap().samples().map(Result::unwrap).collect();
        assert_eq!(samples, [1, 2, 3, 4, 5]);
    }

    /// A finished 16-bit mono WAV with a `LIST` chunk after the audio.
    fn wav_with_trailing_chunk(path: &Path) -> Vec<u8> {
        write_wav(path, &[10, 20, 30]);
        let mut bytes = std::fs::read(path).unwrap();
        bytes.extend_from_slice(b"LIST\x05\0\0\0INFOx\0"); // odd size, padded
        let riff = (bytes.len() - 8) as u32;
        bytes[4..8].copy_from_slice(&riff.to_le_bytes());
        std::fs::write(path, &bytes).unwrap();
        bytes
    }

    #[test]
    fn chunks_after_the_audio_are_kept_and_a_right_header_is_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tagged.wav");
        let before = wav_with_trailing_chunk(&path);
        let info = repair(&path).unwrap();
        assert_eq!(info.frames, 3, "the LIST chunk is not audio");
        assert_eq!(std::fs::read(&path).unwrap(), before, "nothing changed");
    }

    #[test]
    fn a_header_promising_more_than_the_file_holds_is_brought_down() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cut.wav");
        write_wav(&path, &[1, 2, 3, 4]);
        let full = std::fs::read(&path).unwrap();
        std::fs::write(&path, &full[..full.len() - 3]).unwrap(); // one whole sample and half of another gone
        let info = repair(&path).unwrap();
        assert_eq!(info.frames, 2);
        let samples: Vec<i16> = hound::WavReader::open(&path).unwrap().samples().map(Result::unwrap).collect();
        assert_eq!(samples, [1, 2]);
    }

    #[test]
    fn a_part_file_never_replaces_a_finished_take() {
        let dir = tempfile::tempdir().unwrap();
        let done = dir.path().join("t.wav");
        write_wav(&done, &[7, 7]);
        let part = dir.path().join("t.wav.part");
        write_wav(&part, &[1, 2, 3]);
        let before = std::fs::read(&done).unwrap();
        let err = recover(&part).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert!(err.to_string().contains("already exists"), "{err}");
        assert_eq!(std::fs::read(&done).unwrap(), before);
        assert!(part.exists(), "the part file is kept too");
    }

    #[test]
    fn repair_refuses_what_is_not_a_wav() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.wav");
        std::fs::write(&path, b"hello, this is not audio").unwrap();
        assert!(repair(&path).unwrap_err().to_string().contains("not a WAV"));
        std::fs::write(&path, b"RIF").unwrap();
        assert!(repair(&path).is_err());
    }

    #[test]
    fn part_names() {
        let (p, f) = part_and_final(Path::new("/a/b.wav"));
        assert_eq!((p.to_str().unwrap(), f.to_str().unwrap()), ("/a/b.wav.part", "/a/b.wav"));
        let (p, f) = part_and_final(Path::new("/a/b.wav.part"));
        assert_eq!((p.to_str().unwrap(), f.to_str().unwrap()), ("/a/b.wav.part", "/a/b.wav"));
    }
}
