//! Playing a take back through an output device: play, pause, seek and a
//! position readout.
//!
//! As with recording, the output callback only copies from a wait-free ring;
//! a decoder thread owns the file (and the resampler, when the device cannot
//! play the take's rate), and the audio thread owns the stream.

use super::devices::{self, device_name, with_sample_type, DeviceError};
use super::wavfile::WavInfo;
use crate::dsp::resample::StreamResampler;
use cpal::traits::{DeviceTrait, StreamTrait};
use cpal::{FromSample, OutputCallbackInfo, SizedSample};
use rtrb::{Consumer, Producer, RingBuffer};
use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::thread::JoinHandle;
use std::time::Duration;

const NO_SEEK: u64 = u64::MAX;
/// Frames decoded per read.
const DECODE_BLOCK: usize = 2048;
/// Seconds of decoded audio kept ahead of the device. Playback starts (and
/// resumes after a seek) only once this much is ready, so a busy decoder
/// never leaves a gap; 10 s is about 2 MB at 48 kHz.
const BUFFER_SECONDS: u32 = 10;

#[derive(Default)]
struct Shared {
    playing: AtomicBool,
    quit: AtomicBool,
    /// A seek asked for, in file frames, or `NO_SEEK`.
    seek_to: AtomicU64,
    /// Set by the decoder after a seek: the callback discards what the ring holds.
    discard: AtomicBool,
    /// File frame at which the current run of output began.
    base: AtomicU64,
    /// Device frames played since `base`.
    played: AtomicU64,
    /// The decoder reached the end of the file.
    decoded_all: AtomicBool,
    /// Bumped by every seek.
    seek_gen: AtomicU64,
    /// The seek generation whose audio fills the ring (full, or holding the
    /// rest of the file): output plays only when it equals `seek_gen`.
    primed_gen: AtomicU64,
    /// The callback found the ring empty after the end: playback is over.
    done: AtomicBool,
    /// The output stream's latest error, in words: set by the backend's
    /// error callback (its error path, never the data callback), read by
    /// the owner, which says it.
    fault: std::sync::Mutex<Option<String>>,
}

/// Why playback failed.
#[derive(Debug, thiserror::Error)]
pub enum PlayError {
    /// The file is not a playable WAV.
    #[error("cannot play {path}: {message}")]
    File {
        /// The file.
        path: String,
        /// Why.
        message: String,
    },
    /// The output device failed.
    #[error(transparent)]
    Device(#[from] DeviceError),
}

/// A take being played.
pub struct Player {
    shared: Arc<Shared>,
    info: WavInfo,
    device_rate: u32,
    audio: Option<(JoinHandle<()>, mpsc::Sender<()>)>,
    decoder: Option<JoinHandle<()>>,
}

impl Player {
    /// Opens `path` for playback on `device` (or the default output), paused.
    pub fn open(path: &Path, device: Option<&str>) -> Result<Self, PlayError> {
        let file_err = |message: String| PlayError::File { path: path.display().to_string(), message };
        let reader = hound::WavReader::open(path).map_err(|e| file_err(e.to_string()))?;
        let spec = reader.spec();
        if spec.bits_per_sample != 16 || spec.sample_format != hound::SampleFormat::Int || spec.channels != 1 {
            return Err(file_err("only mockloop's own takes (16-bit mono WAV) can be played".into()));
        }
        let info = WavInfo {
            frames: u64::from(reader.duration()),
            sample_rate: spec.sample_rate,
            channels: 1,
            bits_per_sample: 16,
            bytes: std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
        };
        let shared = Arc::new(Shared {
            seek_to: AtomicU64::new(NO_SEEK),
            primed_gen: AtomicU64::new(NO_SEEK),
            ..Shared::default()
        });

        let (opened_tx, opened_rx) = mpsc::channel();
        let (quit_tx, quit_rx) = mpsc::channel::<()>();
        let audio_shared = Arc::clone(&shared);
        let device = device.map(str::to_owned);
        let file_rate = spec.sample_rate;
        let audio = std::thread::Builder::new()
            .name("audio-playback".into())
            .spawn(move || match open_output(device.as_deref(), file_rate, audio_shared) {
                Ok((stream, producer, rate)) => {
                    let _ = opened_tx.send(Ok((producer, rate)));
                    let _ = quit_rx.recv();
                    drop(stream);
                }
                Err(e) => {
                    let _ = opened_tx.send(Err(e));
                }
            })
            .map_err(|e| file_err(e.to_string()))?;
        let (producer, device_rate) = match opened_rx.recv() {
            Ok(Ok(opened)) => opened,
            Ok(Err(e)) => {
                let _ = audio.join();
                return Err(e.into());
            }
            Err(_) => return Err(file_err("the audio thread ended before opening the device".into())),
        };
        let decoder_shared = Arc::clone(&shared);
        let decoder = std::thread::Builder::new()
            .name("take-decoder".into())
            .spawn(move || decoder_thread(reader, producer, file_rate, device_rate, &decoder_shared))
            .map_err(|e| file_err(e.to_string()))?;
        Ok(Self { shared, info, device_rate, audio: Some((audio, quit_tx)), decoder: Some(decoder) })
    }

    /// What the file holds.
    pub fn info(&self) -> WavInfo {
        self.info
    }

    /// Starts or resumes.
    pub fn play(&self) {
        self.shared.playing.store(true, Ordering::Release);
    }

    /// Pauses.
    pub fn pause(&self) {
        self.shared.playing.store(false, Ordering::Release);
    }

    /// Whether playing (not paused, not over).
    pub fn is_playing(&self) -> bool {
        self.shared.playing.load(Ordering::Acquire) && !self.is_done()
    }

    /// Jumps to `seconds` into the take.
    pub fn seek(&self, seconds: f64) {
        let frame = (seconds.max(0.0) * f64::from(self.info.sample_rate)) as u64;
        self.shared.done.store(false, Ordering::Release);
        self.shared.seek_to.store(frame.min(self.info.frames), Ordering::Release);
        // From now on nothing plays until the decoder has filled the ring
        // from the new position.
        self.shared.seek_gen.fetch_add(1, Ordering::AcqRel);
    }

    /// Seconds into the take.
    pub fn position(&self) -> f64 {
        let base = self.shared.base.load(Ordering::Acquire) as f64 / f64::from(self.info.sample_rate.max(1));
        let played = self.shared.played.load(Ordering::Acquire) as f64 / f64::from(self.device_rate.max(1));
        (base + played).min(self.duration())
    }

    /// Length of the take in seconds.
    pub fn duration(&self) -> f64 {
        self.info.frames as f64 / f64::from(self.info.sample_rate.max(1))
    }

    /// The output's latest error, if the speakers failed while playing.
    pub fn fault(&self) -> Option<String> {
        self.shared.fault.lock().ok().and_then(|f| f.clone())
    }

    /// Whether everything has been played.
    pub fn is_done(&self) -> bool {
        self.shared.done.load(Ordering::Acquire)
    }

    /// Plays to the end, blocking; returns the seconds played.
    pub fn play_to_end(self) -> f64 {
        self.play();
        while !self.is_done() {
            std::thread::sleep(Duration::from_millis(10));
        }
        // Let the device play out what it has buffered before the stream is dropped.
        std::thread::sleep(Duration::from_millis(250));
        self.position()
    }
}

impl Drop for Player {
    fn drop(&mut self) {
        self.shared.quit.store(true, Ordering::Release);
        if let Some(decoder) = self.decoder.take() {
            let _ = decoder.join();
        }
        if let Some((audio, quit)) = self.audio.take() {
            let _ = quit.send(());
            let _ = audio.join();
        }
    }
}

type Opened = (cpal::Stream, Producer<f32>, u32);

fn open_output(device: Option<&str>, file_rate: u32, shared: Arc<Shared>) -> Result<Opened, DeviceError> {
    devices::quiet_alsa();
    let device = devices::output_device(device)?;
    let name = device_name(&device);
    // Prefer the take's own rate (no resampling); else the device's default.
    let supported = devices::choose_config(&device, false, Some(file_rate), 1)
        .or_else(|_| devices::choose_config(&device, false, None, 1))?;
    let config = supported.config();
    let rate = config.sample_rate;
    let (producer, consumer) = RingBuffer::new((rate * BUFFER_SECONDS) as usize);
    let channels = usize::from(config.channels);
    let (errors, speakers) = (Arc::clone(&shared), name.clone());
    let on_error = move |e: cpal::Error| {
        if let Ok(mut fault) = errors.fault.lock() {
            *fault = Some(format!("the speakers \"{speakers}\" failed: {e}"));
        }
    };
    macro_rules! build {
        ($t:ty) => {
            device.build_output_stream::<$t, _, _>(
                config,
                playback_callback::<$t>(consumer, channels, shared),
                on_error,
                None,
            )
        };
    }
    let stream = with_sample_type!(supported.sample_format(), build, name)
        .map_err(|e| DeviceError::Backend { device: name.clone(), message: e.to_string() })?;
    stream.play().map_err(|e| DeviceError::Backend { device: name, message: e.to_string() })?;
    Ok((stream, producer, rate))
}

/// The output callback: copies from the ring, nothing else.
fn playback_callback<T>(
    mut consumer: Consumer<f32>,
    channels: usize,
    shared: Arc<Shared>,
) -> impl FnMut(&mut [T], &OutputCallbackInfo) + Send + 'static
where
    T: SizedSample + FromSample<f32>,
{
    move |out: &mut [T], _info: &OutputCallbackInfo| {
        let silence = T::from_sample(0.0f32);
        if shared.discard.swap(false, Ordering::AcqRel) {
            let n = consumer.slots();
            if let Ok(chunk) = consumer.read_chunk(n) {
                chunk.commit_all();
            }
        }
        let primed = shared.primed_gen.load(Ordering::Acquire) == shared.seek_gen.load(Ordering::Acquire);
        if !shared.playing.load(Ordering::Acquire) || !primed {
            out.fill(silence);
            return;
        }
        let mut played = 0u64;
        for frame in out.chunks_exact_mut(channels) {
            match consumer.pop() {
                Ok(s) => {
                    frame.fill(T::from_sample(s));
                    played += 1;
                }
                Err(_) => frame.fill(silence),
            }
        }
        shared.played.fetch_add(played, Ordering::AcqRel);
        if played == 0 && shared.decoded_all.load(Ordering::Acquire) && consumer.is_empty() {
            shared.done.store(true, Ordering::Release);
        }
    }
}

/// The decoder: reads the file, resamples if needed, keeps the ring full.
fn decoder_thread(
    mut reader: hound::WavReader<BufReader<File>>,
    mut producer: Producer<f32>,
    file_rate: u32,
    device_rate: u32,
    shared: &Shared,
) {
    let new_resampler =
        || (file_rate != device_rate).then(|| StreamResampler::new(file_rate, device_rate).ok()).flatten();
    let mut resampler = new_resampler();
    let mut pending: Vec<f32> = Vec::new();
    let mut block: Vec<f32> = Vec::with_capacity(DECODE_BLOCK);
    let mut serving = shared.seek_gen.load(Ordering::Acquire);
    while !shared.quit.load(Ordering::Acquire) {
        let generation = shared.seek_gen.load(Ordering::Acquire);
        let seek = shared.seek_to.swap(NO_SEEK, Ordering::AcqRel);
        if seek != NO_SEEK {
            serving = generation;
            let _ = reader.seek(u32::try_from(seek).unwrap_or(u32::MAX));
            resampler = new_resampler();
            pending.clear();
            shared.decoded_all.store(false, Ordering::Release);
            shared.base.store(seek, Ordering::Release);
            shared.played.store(0, Ordering::Release);
            // The callback empties the ring of the old position's audio;
            // nothing new goes in until it has.
            shared.discard.store(true, Ordering::Release);
            while shared.discard.load(Ordering::Acquire) && !shared.quit.load(Ordering::Acquire) {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        if pending.is_empty() && !shared.decoded_all.load(Ordering::Acquire) {
            block.clear();
            block.extend(
                reader.samples::<i16>().take(DECODE_BLOCK).map_while(Result::ok).map(|s| f32::from(s) / 32768.0),
            );
            let end = block.len() < DECODE_BLOCK;
            match resampler.as_mut() {
                None => pending.extend_from_slice(&block),
                Some(r) => {
                    let _ = r.push(&block, &mut |b| pending.extend_from_slice(b));
                    if end {
                        let _ = r.finish(&mut |b| pending.extend_from_slice(b));
                    }
                }
            }
            if end {
                shared.decoded_all.store(true, Ordering::Release);
            }
        }
        let room = producer.slots().min(pending.len());
        if room > 0 {
            if let Ok(chunk) = producer.write_chunk_uninit(room) {
                chunk.fill_from_iter(pending.drain(..room));
            }
        }
        let full = producer.slots() == 0;
        let everything_queued = shared.decoded_all.load(Ordering::Acquire) && pending.is_empty();
        if full || everything_queued {
            shared.primed_gen.store(serving, Ordering::Release);
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}
