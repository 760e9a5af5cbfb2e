//! Recording one take from a microphone.
//!
//! Three parties, each with one job:
//! - the **audio callback** (cpal's thread) only mixes each frame to mono
//!   and copies it into a wait-free single-producer ring (`rtrb`): no
//!   allocation, no lock, no I/O, no logging. A full ring drops frames and
//!   counts them in an atomic.
//! - the **audio thread** owns the cpal `Stream`: it opens the device, builds
//!   and starts the stream, and drops it when told. Nothing else touches it.
//! - the **writer thread** owns the file: it drains the ring into a
//!   [`TakeWriter`], measures levels, and decides when the take is over.
//!
//! "Recording started" is acknowledged only once the device has delivered
//! real samples, and stopping drains what the device still holds (up to the
//! moment stop was asked, by the stream's own timestamps), so neither the
//! first nor the last word is lost.

use super::devices::{self, device_name, with_sample_type, DeviceError};
use super::feed::{Feed, Gap, Shared};
use super::levels::Levels;
use super::writer::{TakeWriter, WriteError};
use cpal::traits::{DeviceTrait, StreamTrait};
use cpal::{FromSample, InputCallbackInfo, SizedSample, StreamInstant};
use rtrb::{Consumer, RingBuffer};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Seconds of audio the ring holds: the writer can stall this long (a slow
/// disk, a busy machine) before a single frame is dropped.
const RING_SECONDS: u32 = 2;
/// How long stopping may wait for the device's buffered audio.
const DRAIN_LIMIT: Duration = Duration::from_secs(2);
/// The writer sleeps until the callback wakes it (once per delivery), or
/// this long at most: often enough for the header rewrite and the watchdog.
const WRITER_POLL: Duration = Duration::from_millis(100);
/// A device that delivers nothing for this long, mid-take, is treated as
/// lost (some backends stop calling back instead of reporting an error).
const SILENT_DEVICE_LIMIT: Duration = Duration::from_secs(3);
/// Gaps the callback can report before the writer reads them.
const GAP_EVENTS: usize = 4096;

/// How a take is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Quality {
    /// 16 kHz mono: small files, all a voice needs. The default.
    #[default]
    Speech,
    /// The device's own rate, mono.
    Studio,
}

/// What to record from, and how.
#[derive(Debug, Clone)]
pub struct RecordOptions {
    /// Device name or id; `None` for the system default.
    pub device: Option<String>,
    /// Speech (16 kHz) or studio (device rate).
    pub quality: Quality,
    /// Ask the device for this rate instead of its default.
    pub rate: Option<u32>,
    /// Stop by itself after this many seconds of captured audio.
    pub seconds: Option<f64>,
    /// How long to wait for the first samples before giving up.
    pub first_audio_timeout: Duration,
    /// Whether the finished take may replace a file already at its path
    /// (`mockloop record --force`); by default it never does.
    pub replace_existing: bool,
}

impl Default for RecordOptions {
    fn default() -> Self {
        Self {
            device: None,
            quality: Quality::Speech,
            rate: None,
            seconds: None,
            first_audio_timeout: Duration::from_secs(5),
            replace_existing: false,
        }
    }
}

/// How a take ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Stopped as asked, or reached its length.
    Complete,
    /// The microphone went away mid-take; what came before is kept.
    DeviceLost,
    /// Writing failed (disk full, a file system's size limit, the file
    /// could not be finished); what reached the disk is kept.
    WriteFailed,
    /// The take reached the largest size a WAV file can hold (4 GiB) and
    /// ended there, whole.
    SizeLimit,
}

/// What a finished take holds.
#[derive(Debug, Clone, Serialize)]
pub struct TakeSummary {
    /// The WAV file.
    pub path: PathBuf,
    /// The microphone.
    pub device: String,
    /// The rate the device delivered.
    pub input_rate: u32,
    /// The device's channel count (mixed down to mono).
    pub input_channels: u16,
    /// The device's sample format.
    pub input_format: String,
    /// The file's sample rate.
    pub rate: u32,
    /// Frames in the file.
    pub frames: u64,
    /// Seconds in the file.
    pub seconds: f64,
    /// File size.
    pub bytes: u64,
    /// Input frames lost because the writer fell behind (0 in a healthy take).
    pub dropped_samples: u64,
    /// Errors the audio stream reported (overruns, glitches).
    pub stream_errors: u64,
    /// Milliseconds from asking to record to the first samples arriving.
    pub start_ms: f64,
    /// How it ended.
    pub outcome: Outcome,
    /// What went wrong, if it did, in words for the user.
    pub error: Option<String>,
}

/// Why recording could not start.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// The device could not be found or opened.
    #[error(transparent)]
    Device(#[from] DeviceError),
    /// The device opened but sent nothing.
    #[error("the microphone \"{device}\" sent no audio within {seconds} s: is it muted, or used by another program?")]
    NoAudio {
        /// The device.
        device: String,
        /// How long we waited.
        seconds: u64,
    },
    /// The file could not be created or finished.
    #[error("cannot write the recording: {0}")]
    Write(#[from] WriteError),
    /// A thread could not be started or died.
    #[error("the recorder stopped unexpectedly: {0}")]
    Internal(String),
}

/// A live reading of the recorder, for a meter.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RecorderStatus {
    /// Seconds captured so far.
    pub seconds: f64,
    /// Latest levels.
    pub levels: Levels,
    /// Input frames dropped so far.
    pub dropped_samples: u64,
    /// Whether the take has ended by itself (length reached or a fault).
    pub finished: bool,
    /// The latest fault, if any.
    pub error: Option<String>,
}

/// What the audio thread reports once the stream is built.
struct Opened {
    consumer: Consumer<f32>,
    gaps: Consumer<Gap>,
    device: String,
    rate: u32,
    channels: u16,
    /// The sample format read from the device, in words (`i16`, `f32`).
    format: String,
}

enum Command {
    Play,
    Quit,
}

/// A take being recorded. Dropping it stops and finalises the take.
pub struct Recorder {
    shared: Arc<Shared>,
    audio: Option<(JoinHandle<()>, mpsc::Sender<Command>)>,
    writer: Option<JoinHandle<Result<TakeSummary, RecordError>>>,
    input_rate: u32,
}

impl Recorder {
    /// Opens the microphone, starts writing `path` (as `path.part` until
    /// finished), and returns once the first samples have arrived.
    pub fn start(path: &Path, options: &RecordOptions) -> Result<Self, RecordError> {
        let asked = Instant::now();
        let shared = Arc::new(Shared::default());
        let (opened_tx, opened_rx) = mpsc::channel();
        let (command_tx, command_rx) = mpsc::channel();
        let (played_tx, played_rx) = mpsc::channel();
        let audio_shared = Arc::clone(&shared);
        let audio_options = options.clone();
        let audio = std::thread::Builder::new()
            .name("audio-capture".into())
            .spawn(move || audio_thread(&audio_options, audio_shared, &opened_tx, &command_rx, &played_tx))
            .map_err(|e| RecordError::Internal(e.to_string()))?;

        let opened = match opened_rx.recv() {
            Ok(Ok(opened)) => opened,
            Ok(Err(e)) => {
                let _ = audio.join();
                return Err(e.into());
            }
            Err(_) => return Err(RecordError::Internal("the audio thread ended before opening the device".into())),
        };
        let quit = |audio: JoinHandle<()>| {
            let _ = command_tx.send(Command::Quit);
            let _ = audio.join();
        };
        let file_rate = match options.quality {
            Quality::Speech => 16_000,
            Quality::Studio => opened.rate,
        };
        let writer = match TakeWriter::create(path, opened.rate, file_rate) {
            Ok(mut w) => {
                w.replace_existing(options.replace_existing);
                w
            }
            Err(e) => {
                quit(audio);
                return Err(e.into());
            }
        };
        let target = options.seconds.map(|s| (s * f64::from(opened.rate)).round() as u64);
        let info = (opened.device.clone(), opened.rate, opened.channels, opened.format.clone());
        let writer_shared = Arc::clone(&shared);
        let (consumer, gaps) = (opened.consumer, opened.gaps);
        let writer = match std::thread::Builder::new()
            .name("take-writer".into())
            .spawn(move || writer_thread(writer, consumer, gaps, &writer_shared, target, info))
        {
            Ok(handle) => handle,
            Err(e) => {
                quit(audio);
                return Err(RecordError::Internal(e.to_string()));
            }
        };
        let mut recorder =
            Self { shared, audio: Some((audio, command_tx)), writer: Some(writer), input_rate: opened.rate };

        let _ = recorder.audio.as_ref().map(|(_, tx)| tx.send(Command::Play));
        match played_rx.recv() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                recorder.shared.discard.store(true, Ordering::Release);
                let _ = recorder.finish_now();
                return Err(e.into());
            }
            Err(_) => return Err(RecordError::Internal("the audio thread ended while starting".into())),
        }
        // Acknowledge only real samples: until the device delivers, nothing is being recorded.
        let deadline = Instant::now() + options.first_audio_timeout;
        while recorder.shared.frames_seen.load(Ordering::Acquire) == 0 {
            if recorder.shared.device_lost.load(Ordering::Acquire) || Instant::now() >= deadline {
                let lost = recorder.shared.fault();
                // Nothing was recorded: the writer removes its own part
                // file, and nothing else (a file at the path stays).
                recorder.shared.discard.store(true, Ordering::Release);
                let _ = recorder.finish_now();
                return Err(match lost {
                    Some(message) => DeviceError::Backend { device: opened.device, message }.into(),
                    None => {
                        RecordError::NoAudio { device: opened.device, seconds: options.first_audio_timeout.as_secs() }
                    }
                });
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        let waited = u64::try_from(asked.elapsed().as_micros()).unwrap_or(u64::MAX);
        recorder.shared.start_us.store(waited, Ordering::Release);
        Ok(recorder)
    }

    /// A live reading for a meter and a clock.
    pub fn status(&self) -> RecorderStatus {
        RecorderStatus {
            seconds: self.shared.frames_seen.load(Ordering::Relaxed) as f64 / f64::from(self.input_rate.max(1)),
            levels: self.shared.levels.read(),
            dropped_samples: self.shared.dropped.load(Ordering::Relaxed),
            finished: self.shared.finished.load(Ordering::Acquire),
            error: self.shared.fault(),
        }
    }

    /// Whether the take ended by itself (length reached, device lost, disk full).
    pub fn is_finished(&self) -> bool {
        self.shared.finished.load(Ordering::Acquire)
    }

    /// Stops: keeps everything the device captured up to now, finalises the
    /// file and returns what it holds.
    pub fn stop(mut self) -> Result<TakeSummary, RecordError> {
        let _ = self.shared.stop_at.set(Instant::now());
        self.shared.stop.store(true, Ordering::Release);
        self.join()
    }

    /// Waits for the take to end by itself (`seconds` reached or a fault).
    pub fn wait(mut self) -> Result<TakeSummary, RecordError> {
        self.join()
    }

    /// Ends at once without draining (start-up failures).
    fn finish_now(&mut self) -> Result<TakeSummary, RecordError> {
        self.shared.halt.store(true, Ordering::Release);
        self.join()
    }

    fn join(&mut self) -> Result<TakeSummary, RecordError> {
        let result = match self.writer.take() {
            Some(writer) => {
                writer.join().unwrap_or_else(|_| Err(RecordError::Internal("the writer thread panicked".into())))
            }
            None => Err(RecordError::Internal("the take was already finished".into())),
        };
        if let Some((audio, tx)) = self.audio.take() {
            let _ = tx.send(Command::Quit);
            let _ = audio.join();
        }
        result
    }
}

/// Records one plain file (not a take: `mockloop record`) until its
/// length (`options.seconds`), the device's end, or `stop` is set; calls
/// `started` once the first samples have arrived.
pub fn record_file(
    path: &Path,
    options: &RecordOptions,
    stop: &AtomicBool,
    started: impl FnOnce(),
) -> Result<TakeSummary, RecordError> {
    let recorder = Recorder::start(path, options)?;
    started();
    while !recorder.is_finished() && !stop.load(Ordering::Acquire) {
        std::thread::sleep(WRITER_POLL);
    }
    if recorder.is_finished() {
        recorder.wait()
    } else {
        recorder.stop()
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        if self.writer.is_some() {
            let _ = self.shared.stop_at.set(Instant::now());
            self.shared.stop.store(true, Ordering::Release);
            let _ = self.join();
        }
    }
}

/// The audio thread: opens the device, owns the stream until told to quit.
fn audio_thread(
    options: &RecordOptions,
    shared: Arc<Shared>,
    opened_tx: &mpsc::Sender<Result<Opened, DeviceError>>,
    commands: &mpsc::Receiver<Command>,
    played_tx: &mpsc::Sender<Result<(), DeviceError>>,
) {
    devices::quiet_alsa();
    #[cfg(target_os = "linux")]
    let shared = match alsa_thread(options, shared, opened_tx, commands, played_tx) {
        None => return,
        // The ALSA path cannot read this device's samples: cpal can.
        Some(shared) => shared,
    };
    let built = open_stream(options, shared);
    let stream = match built {
        Ok((stream, opened)) => {
            let _ = opened_tx.send(Ok(opened));
            stream
        }
        Err(e) => {
            let _ = opened_tx.send(Err(e));
            return;
        }
    };
    while let Ok(command) = commands.recv() {
        match command {
            Command::Play => {
                let played = stream
                    .play()
                    .map_err(|e| DeviceError::Backend { device: "microphone".into(), message: e.to_string() });
                let _ = played_tx.send(played);
            }
            Command::Quit => break,
        }
    }
    drop(stream);
}

/// Linux: the audio thread with ALSA's blocking reads (see `alsa_capture`).
/// Opens the device, reports it, waits for `Play`, reads until the take is
/// over. Returns `shared` only when the device opened but delivers a sample
/// format the ALSA path does not read, for cpal to try.
#[cfg(target_os = "linux")]
fn alsa_thread(
    options: &RecordOptions,
    shared: Arc<Shared>,
    opened_tx: &mpsc::Sender<Result<Opened, DeviceError>>,
    commands: &mpsc::Receiver<Command>,
    played_tx: &mpsc::Sender<Result<(), DeviceError>>,
) -> Option<Arc<Shared>> {
    let target = match devices::capture_target(options.device.as_deref()) {
        Ok(target) => target,
        Err(e) => {
            let _ = opened_tx.send(Err(e));
            return None;
        }
    };
    let capture = match super::alsa_capture::Capture::open(&target.pcm, &target.name, options.rate.or(target.rate)) {
        Ok(capture) => capture,
        Err(DeviceError::Unsupported { .. }) => return Some(shared),
        Err(e) => {
            let _ = opened_tx.send(Err(e));
            return None;
        }
    };
    let (producer, consumer) = RingBuffer::new((capture.rate * RING_SECONDS) as usize);
    let (gap_producer, gaps) = RingBuffer::new(GAP_EVENTS);
    let opened = Opened {
        consumer,
        gaps,
        device: target.name,
        rate: capture.rate,
        channels: capture.channels,
        format: capture.sample.to_string(),
    };
    let feed = Feed::new(producer, gap_producer, usize::from(capture.channels), Arc::clone(&shared));
    let _ = opened_tx.send(Ok(opened));
    match commands.recv() {
        Ok(Command::Play) => {
            let _ = played_tx.send(Ok(()));
        }
        Ok(Command::Quit) | Err(_) => return None,
    }
    capture.run(feed, || shared.stop_at.get().copied());
    None
}

fn open_stream(options: &RecordOptions, shared: Arc<Shared>) -> Result<(cpal::Stream, Opened), DeviceError> {
    let device = devices::input_device(options.device.as_deref())?;
    let name = device_name(&device);
    let supported = devices::choose_config(&device, true, options.rate, 1)?;
    let config = supported.config();
    let format = supported.sample_format();
    let (producer, consumer) = RingBuffer::new((config.sample_rate * RING_SECONDS) as usize);
    let (gap_producer, gaps) = RingBuffer::new(GAP_EVENTS);
    let channels = usize::from(config.channels);
    let rate = config.sample_rate;

    let error_shared = Arc::clone(&shared);
    let on_error = move |e: cpal::Error| {
        error_shared.stream_errors.fetch_add(1, Ordering::Relaxed);
        if matches!(e.kind(), cpal::ErrorKind::DeviceNotAvailable | cpal::ErrorKind::StreamInvalidated) {
            error_shared.set_fault(format!("the microphone was disconnected ({e})"));
            error_shared.device_lost.store(true, Ordering::Release);
        }
    };
    let feed = Feed::new(producer, gap_producer, channels, shared);
    macro_rules! build {
        ($t:ty) => {
            device.build_input_stream::<$t, _, _>(config, capture_callback::<$t>(feed, rate), on_error, None)
        };
    }
    let stream = with_sample_type!(format, build, name).map_err(|e| match e.kind() {
        cpal::ErrorKind::PermissionDenied => {
            DeviceError::Backend { device: name.clone(), message: "permission to use the microphone was denied".into() }
        }
        cpal::ErrorKind::DeviceBusy => {
            DeviceError::Backend { device: name.clone(), message: "it is busy (used by another program)".into() }
        }
        _ => DeviceError::Backend { device: name.clone(), message: e.to_string() },
    })?;
    Ok((stream, Opened { consumer, gaps, device: name, rate, channels: config.channels, format: format.to_string() }))
}

/// cpal's data callback. Runs on the audio system's real-time thread: it
/// only decides how much of each buffer precedes a stop, and hands it to
/// the [`Feed`].
fn capture_callback<T>(mut feed: Feed, rate: u32) -> impl FnMut(&[T], &InputCallbackInfo) + Send + 'static
where
    T: SizedSample,
    f32: FromSample<T>,
{
    let mut stop_at: Option<StreamInstant> = None;
    move |data: &[T], info: &InputCallbackInfo| {
        if !feed.wanted() {
            return;
        }
        let frames = data.len() / feed.channels;
        let mut keep = frames;
        if feed.stopping() {
            // Keep the frames captured before the moment stop was seen (the
            // device may still hold up to its latency of them), then stop.
            let ts = info.timestamp();
            let at = *stop_at.get_or_insert(ts.callback);
            let before = at.duration_since(ts.capture);
            let fit = (before.as_secs_f64() * f64::from(rate)).ceil() as usize;
            if fit < frames {
                keep = fit;
                feed.drained();
            }
        }
        feed.push(data, keep);
    }
}

/// A take whose end failed: what the salvage kept, and why, joined to any
/// earlier reason the take ended.
fn salvaged(
    e: WriteError,
    kept: Option<super::wavfile::WavInfo>,
    earlier: Option<String>,
) -> Result<(Outcome, Option<String>, super::wavfile::WavInfo), RecordError> {
    let why = match earlier {
        Some(earlier) => format!("{earlier}; then {}", e.0),
        None => e.0,
    };
    match kept {
        Some(info) => Ok((Outcome::WriteFailed, Some(why), info)),
        None => Err(RecordError::Write(WriteError(why))),
    }
}

/// The writer thread: drains the ring into the file until the take is over.
fn writer_thread(
    mut take: TakeWriter,
    mut consumer: Consumer<f32>,
    mut gaps: Consumer<Gap>,
    shared: &Shared,
    target: Option<u64>,
    (device, input_rate, input_channels, input_format): (String, u32, u16, String),
) -> Result<TakeSummary, RecordError> {
    let mut stop_seen: Option<Instant> = None;
    let mut failure: Option<(Outcome, String)> = None;
    // Frames taken from the ring (written or beyond the target) and frames
    // lost inside the take.
    let mut taken: u64 = 0;
    let mut written: u64 = 0;
    let mut dropped: u64 = 0;
    let _ = shared.writer.set(std::thread::current());
    let mut last_seen = (shared.frames_seen.load(Ordering::Acquire), Instant::now());
    let mut count_gaps = |gaps: &mut Consumer<Gap>, written: u64| {
        while let Ok(gap) = gaps.peek().copied() {
            // A gap right after the last written frame is after the take's end.
            if gap.at >= written {
                break;
            }
            dropped += gap.len;
            let _ = gaps.pop();
        }
    };
    loop {
        let available = consumer.slots();
        if available > 0 {
            let room = usize::try_from(take.room()).unwrap_or(usize::MAX);
            let wanted = target
                .map_or(available, |t| {
                    available.min(usize::try_from(t.saturating_sub(take.frames_in())).unwrap_or(usize::MAX))
                })
                .min(room);
            if let Ok(chunk) = consumer.read_chunk(available) {
                let (a, b) = chunk.as_slices();
                let a_len = a.len().min(wanted);
                let b_len = b.len().min(wanted - a_len);
                let pushed =
                    take.push(&a[..a_len], &shared.levels).and_then(|()| take.push(&b[..b_len], &shared.levels));
                chunk.commit_all();
                taken += available as u64;
                written = taken.min(written + (a_len + b_len) as u64);
                if let Err(e) = pushed {
                    failure = Some((Outcome::WriteFailed, e.0));
                    break;
                }
            }
        }
        if shared.halt.load(Ordering::Acquire) || target.is_some_and(|t| take.frames_in() >= t) {
            break;
        }
        if take.room() == 0 {
            failure = Some((Outcome::SizeLimit, super::writer::SIZE_LIMIT.to_owned()));
            break;
        }
        let seen = shared.frames_seen.load(Ordering::Acquire);
        if seen != last_seen.0 {
            last_seen = (seen, Instant::now());
        } else if seen > 0 && stop_seen.is_none() && last_seen.1.elapsed() >= SILENT_DEVICE_LIMIT {
            shared.set_fault("the microphone stopped sending audio (was it unplugged?)".into());
            shared.device_lost.store(true, Ordering::Release);
        }
        if shared.device_lost.load(Ordering::Acquire) {
            failure =
                Some((Outcome::DeviceLost, shared.fault().unwrap_or_else(|| "the microphone was disconnected".into())));
            break;
        }
        if shared.stop.load(Ordering::Acquire) {
            let since = *stop_seen.get_or_insert_with(Instant::now);
            let drained = shared.drained.load(Ordering::Acquire) && consumer.is_empty();
            if drained || since.elapsed() >= DRAIN_LIMIT {
                break;
            }
        }
        if available == 0 {
            std::thread::park_timeout(WRITER_POLL);
        }
        count_gaps(&mut gaps, written);
    }
    shared.halt.store(true, Ordering::Release);
    count_gaps(&mut gaps, written);

    let path = take.path().to_path_buf();
    if shared.discard.load(Ordering::Acquire) {
        take.discard();
        shared.finished.store(true, Ordering::Release);
        return Err(RecordError::Internal("the take was discarded: no audio arrived".into()));
    }
    // However the take ends, what reached the disk is kept and the take is
    // marked finished: a failed final flush or rename is salvaged, never
    // left as a take that says "recording" forever.
    let closed = match failure {
        Some((Outcome::WriteFailed, message)) => match take.salvage() {
            Ok(info) => Ok((Outcome::WriteFailed, Some(message), info)),
            Err(e) => Err(RecordError::Write(WriteError(format!("{message}; {}", e.0)))),
        },
        Some((outcome, message)) => match take.finish() {
            Ok(info) => Ok((outcome, Some(message), info)),
            Err((e, kept)) => salvaged(e, kept, Some(message)),
        },
        None => match take.finish() {
            Ok(info) => Ok((Outcome::Complete, None, info)),
            Err((e, kept)) => salvaged(e, kept, None),
        },
    };
    if let Ok((_, Some(message), _)) = &closed {
        shared.set_fault(message.clone());
    }
    shared.finished.store(true, Ordering::Release);
    let (outcome, error, info) = closed?;
    Ok(TakeSummary {
        path,
        device,
        input_rate,
        input_channels,
        input_format,
        rate: info.sample_rate,
        frames: info.frames,
        seconds: info.frames as f64 / f64::from(info.sample_rate.max(1)),
        bytes: info.bytes,
        dropped_samples: dropped,
        stream_errors: shared.stream_errors.load(Ordering::Acquire),
        start_ms: shared.start_us.load(Ordering::Acquire) as f64 / 1000.0,
        outcome,
        error,
    })
}
