//! The hand-over from a capture path to the writer: [`Feed`], the one
//! thing cpal's callback and the ALSA reader both call, and [`Shared`],
//! the state the callback, the audio thread, the writer and the owner of a
//! recording share through atomics. Below both the recorder and the ALSA
//! reader, so neither imports the other's internals.

use super::levels::SharedLevels;
use cpal::{FromSample, Sample};
use rtrb::Producer;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// A run of input frames lost to a full ring: `len` frames were dropped
/// right after the `at`-th frame pushed into the ring. Reported so the take's
/// summary counts exactly the frames missing *inside* the take, not those
/// lost after its last frame.
#[derive(Debug, Clone, Copy)]
pub(super) struct Gap {
    pub(super) at: u64,
    pub(super) len: u64,
}

/// State shared by the callback, the audio thread, the writer and the owner.
#[derive(Default)]
pub(super) struct Shared {
    /// The owner asked to stop: drain up to now, then finish.
    pub(super) stop: AtomicBool,
    /// When stopping was asked: frames captured later are not kept (set
    /// once, before `stop`; reading it never blocks).
    pub(super) stop_at: std::sync::OnceLock<Instant>,
    /// The callback has pushed everything captured before the stop.
    pub(super) drained: AtomicBool,
    /// The writer is done: the callback pushes nothing more.
    pub(super) halt: AtomicBool,
    /// Input frames the device delivered during the take.
    pub(super) frames_seen: AtomicU64,
    /// Microseconds from `Recorder::start` to the first samples.
    pub(super) start_us: AtomicU64,
    /// Input frames lost to a full ring.
    pub(super) dropped: AtomicU64,
    /// Stream errors reported by the backend.
    pub(super) stream_errors: AtomicU64,
    /// The device is gone.
    pub(super) device_lost: AtomicBool,
    /// The writer thread has ended.
    pub(super) finished: AtomicBool,
    /// Start-up failed: the writer removes the take instead of keeping it.
    pub(super) discard: AtomicBool,
    /// The writer thread, which the callback wakes when it delivers.
    pub(super) writer: std::sync::OnceLock<std::thread::Thread>,
    /// Words for the latest fault. Locked only by the error callback, the
    /// writer and status readers; never by the data callback.
    pub(super) fault: Mutex<Option<String>>,
    pub(super) levels: SharedLevels,
}

impl Shared {
    pub(super) fn set_fault(&self, message: String) {
        if let Ok(mut fault) = self.fault.lock() {
            *fault = Some(message);
        }
    }

    pub(super) fn fault(&self) -> Option<String> {
        self.fault.lock().ok().and_then(|f| f.clone())
    }
}

/// The hand-over of captured frames to the writer, the same for every
/// capture path (cpal's callback, the ALSA reader): mixes each frame to
/// mono and copies it into the wait-free ring, counts what a full ring
/// drops, and wakes the writer. It never allocates, locks, blocks, logs or
/// does I/O, so it may run on a real-time thread.
pub(super) struct Feed {
    producer: Producer<f32>,
    gaps: Producer<Gap>,
    pub(super) channels: usize,
    scale: f32,
    /// Frames pushed into the ring so far.
    pushed: u64,
    /// Frames dropped and not yet reported through `gaps`.
    unreported: Gap,
    shared: Arc<Shared>,
}

impl Feed {
    pub(super) fn new(producer: Producer<f32>, gaps: Producer<Gap>, channels: usize, shared: Arc<Shared>) -> Self {
        let channels = channels.max(1);
        Self {
            producer,
            gaps,
            channels,
            scale: 1.0 / channels as f32,
            pushed: 0,
            unreported: Gap { at: 0, len: 0 },
            shared,
        }
    }

    /// Whether the take still takes frames: not ended, not drained.
    pub(super) fn wanted(&self) -> bool {
        !self.shared.halt.load(Ordering::Acquire) && !self.shared.drained.load(Ordering::Acquire)
    }

    /// Whether stopping was asked: frames captured after that moment are
    /// not kept (see [`Feed::drained`]).
    pub(super) fn stopping(&self) -> bool {
        self.shared.stop.load(Ordering::Acquire)
    }

    /// Everything captured before the stop has been handed over.
    pub(super) fn drained(&self) {
        self.shared.drained.store(true, Ordering::Release);
    }

    /// The device failed mid-take: counted, and (if `lost`) the take ends
    /// with what it has. Not for the data path: this may lock and allocate.
    pub(super) fn fault(&self, message: String, lost: bool) {
        self.shared.stream_errors.fetch_add(1, Ordering::Relaxed);
        if lost {
            self.shared.set_fault(message);
            self.shared.device_lost.store(true, Ordering::Release);
        }
    }

    /// Hands over the first `keep` frames of `data` (interleaved, `channels`
    /// samples a frame).
    pub(super) fn push<T>(&mut self, data: &[T], keep: usize)
    where
        T: Sample,
        f32: FromSample<T>,
    {
        let (channels, scale) = (self.channels, self.scale);
        let keep = keep.min(data.len() / channels);
        let room = keep.min(self.producer.slots());
        let written = match self.producer.write_chunk_uninit(room) {
            Ok(chunk) => chunk.fill_from_iter(data.chunks_exact(channels).take(room).map(|frame| {
                if channels == 1 {
                    f32::from_sample(frame[0])
                } else {
                    frame.iter().map(|&s| f32::from_sample(s)).sum::<f32>() * scale
                }
            })),
            Err(_) => 0,
        };
        self.pushed += written as u64;
        if written < keep {
            let lost = (keep - written) as u64;
            self.shared.dropped.fetch_add(lost, Ordering::Relaxed);
            if self.unreported.len == 0 {
                self.unreported.at = self.pushed;
            }
            self.unreported.len += lost;
        }
        // Report gaps once there is room (merging them if the gap ring is full).
        if self.unreported.len > 0 && self.gaps.push(self.unreported).is_ok() {
            self.unreported.len = 0;
        }
        self.shared.frames_seen.fetch_add(keep as u64, Ordering::Release);
        // Wake the writer: an atomic swap, and a futex wake only if it sleeps.
        // Never blocks.
        if let Some(writer) = self.shared.writer.get() {
            writer.unpark();
        }
    }
}
