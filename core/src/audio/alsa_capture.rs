//! Linux capture through ALSA, with blocking reads on the thread that owns
//! the device.
//!
//! Why not cpal here: cpal 0.18's ALSA host opens the device non-blocking
//! and polls it, and returns to `poll` at once whenever less than a whole
//! period is ready. The `pulse` plugin reports data before a whole period
//! is there and `pipewire-alsa` never clears its wake-up descriptor, so on
//! every desktop that routes the microphone through PulseAudio or PipeWire
//! that loop spins a core. A blocking `snd_pcm_readi` sleeps in the kernel
//! until a period has arrived: well under 1 % of a core on both.
//!
//! The reader thread owns the PCM from open to close and hands each period
//! to the recorder's [`Feed`] (mix to mono, copy into the wait-free ring):
//! its loop never allocates, locks or logs. Errors are the exception, and
//! they end the loop or take a recovery path.

use super::devices::DeviceError;
use super::feed::Feed;
use alsa::pcm::{Access, Format, HwParams, IO, PCM};
use alsa::{Direction, ValueOr};
use std::time::{Duration, Instant};

/// How much audio one read returns. Measured on PulseAudio (whole
/// `mockloop record` process, speech quality, 48 kHz mono source) at
/// 20/30/40/50 ms: 1.26/1.07/0.93/0.80 % of a core, most of it the `pulse`
/// plugin's own thread waking once a period; the first samples come a
/// period after opening (plus PipeWire's quantum), and a stop is seen
/// within a period. 50 ms keeps the cost under 1 % and a start well under
/// 150 ms.
const PERIOD: Duration = Duration::from_millis(50);
/// The device's buffer, in periods: room for the reader to be late by
/// three periods before anything is lost (the `pulse` plugin needs 3 at
/// least).
const PERIODS: u32 = 4;

/// The sample formats read, in order of preference: 16-bit is what the
/// file holds (nothing to convert), float is what a sound server mixes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Sample {
    I16,
    F32,
}

impl std::fmt::Display for Sample {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Sample::I16 => "i16",
            Sample::F32 => "f32",
        })
    }
}

/// An ALSA capture device, opened and configured, not yet started.
pub(super) struct Capture {
    pcm: PCM,
    /// Frames a second.
    pub rate: u32,
    /// Interleaved channels.
    pub channels: u16,
    /// The sample format read.
    pub sample: Sample,
    /// Frames a read returns.
    period: usize,
}

/// Words for an ALSA failure while opening `device`.
fn failed(device: &str, what: &str, e: alsa::Error) -> DeviceError {
    let message = match e.errno() {
        libc::ENOENT | libc::ENODEV | libc::ENXIO => {
            "it is not there (unplugged, or the sound server is not running)".into()
        }
        libc::EBUSY => "it is busy (used by another program)".into(),
        libc::EACCES | libc::EPERM => "permission to use the microphone was denied".into(),
        _ => format!("{what} failed ({e})"),
    };
    DeviceError::Backend { device: device.to_owned(), message }
}

impl Capture {
    /// Opens `pcm` (an ALSA name: `default`, `pulse`, `hw:1,0`, …) for
    /// capture at `rate` frames a second (48 kHz if not given, or the
    /// nearest the device has), one channel if the device can, 16-bit or
    /// float.
    pub(super) fn open(pcm_name: &str, device: &str, rate: Option<u32>) -> Result<Self, DeviceError> {
        let rate = rate.unwrap_or(48_000);
        let pcm = PCM::new(pcm_name, Direction::Capture, false).map_err(|e| failed(device, "opening it", e))?;
        let (rate, channels, sample, period) = {
            let hw = HwParams::any(&pcm).map_err(|e| failed(device, "reading what it can do", e))?;
            let setup = |e| failed(device, "setting it up", e);
            hw.set_access(Access::RWInterleaved).map_err(setup)?;
            let sample = if hw.set_format(Format::s16()).is_ok() {
                Sample::I16
            } else {
                hw.set_format(Format::float()).map_err(|_| DeviceError::Unsupported {
                    device: device.to_owned(),
                    what: "in 16-bit or float samples".into(),
                })?;
                Sample::F32
            };
            let channels = hw.set_channels_near(1).map_err(setup)?;
            let rate = hw.set_rate_near(rate, ValueOr::Nearest).map_err(setup)?;
            let want = (u64::from(rate) * PERIOD.as_millis() as u64 / 1000).max(64) as alsa::pcm::Frames;
            let period = hw.set_period_size_near(want, ValueOr::Nearest).map_err(setup)?;
            hw.set_buffer_size_near(period * alsa::pcm::Frames::from(PERIODS)).map_err(setup)?;
            pcm.hw_params(&hw).map_err(setup)?;
            let period = pcm.hw_params_current().and_then(|h| h.get_period_size()).map_err(setup)?;
            (rate, channels, sample, usize::try_from(period).unwrap_or(1).max(1))
        };
        {
            let setup = |e| failed(device, "setting it up", e);
            let sw = pcm.sw_params_current().map_err(setup)?;
            // Wake once a whole period is there; start at the first read.
            sw.set_avail_min(period as alsa::pcm::Frames).map_err(setup)?;
            sw.set_start_threshold(1).map_err(setup)?;
            pcm.sw_params(&sw).map_err(setup)?;
        }
        let channels = u16::try_from(channels).map_err(|_| DeviceError::Unsupported {
            device: device.to_owned(),
            what: format!("with {channels} channels"),
        })?;
        Ok(Self { pcm, rate, channels, sample, period })
    }

    /// Reads until the take needs no more: each period to the feed, the
    /// last one cut at the moment stopping was asked (`stop_at`, read when
    /// `feed.stopping()`). A device that goes away ends the take with what
    /// it has; an overrun or a suspend is recovered and counted.
    pub(super) fn run(self, mut feed: Feed, stop_at: impl Fn() -> Option<Instant>) {
        match self.sample {
            Sample::I16 => match self.pcm.io_i16() {
                Ok(io) => read_loop(&self, &io, &mut feed, &stop_at),
                Err(e) => feed.fault(format!("the microphone cannot be read ({e})"), true),
            },
            Sample::F32 => match self.pcm.io_f32() {
                Ok(io) => read_loop(&self, &io, &mut feed, &stop_at),
                Err(e) => feed.fault(format!("the microphone cannot be read ({e})"), true),
            },
        }
    }
}

/// How many of `read` frames, just read at `now` with `delay` frames
/// captured after them still in the device, were captured before `stop`;
/// and whether everything captured before it has now been read.
fn before_stop(read: usize, delay: i64, rate: u32, now: Instant, stop: Instant) -> (usize, bool) {
    let late = (now.saturating_duration_since(stop).as_secs_f64() * f64::from(rate)).floor() as i64;
    // Frames captured before the stop and not yet read.
    let remaining = delay - late;
    let keep = (read as i64 + remaining.min(0)).max(0) as usize;
    (keep.min(read), remaining <= 0)
}

fn read_loop<S>(capture: &Capture, io: &IO<'_, S>, feed: &mut Feed, stop_at: &impl Fn() -> Option<Instant>)
where
    S: Copy + Default + cpal::Sample,
    f32: cpal::FromSample<S>,
{
    let channels = usize::from(capture.channels);
    // The one allocation, before the loop.
    let mut buffer = vec![S::default(); capture.period * channels];
    let mut failures_in_a_row = 0u32;
    while feed.wanted() {
        match io.readi(&mut buffer) {
            Ok(frames) => {
                failures_in_a_row = 0;
                let mut keep = frames;
                if let (true, Some(stop)) = (feed.stopping(), stop_at()) {
                    let delay = capture.pcm.delay().unwrap_or(0);
                    let (fit, drained) = before_stop(frames, delay, capture.rate, Instant::now(), stop);
                    keep = fit;
                    if drained {
                        feed.push(&buffer[..frames * channels], keep);
                        feed.drained();
                        break;
                    }
                }
                feed.push(&buffer[..frames * channels], keep);
            }
            Err(e) => {
                let errno = e.errno();
                // PulseAudio gone: EIO. PipeWire gone: EPIPE that recovery
                // "fixes" and that comes straight back, with no frames
                // between; a few of those in a row mean the same.
                let gone = matches!(
                    errno,
                    libc::ENODEV
                        | libc::EBADFD
                        | libc::EIO
                        | libc::ENXIO
                        | libc::ESHUTDOWN
                        | libc::EHOSTDOWN
                        | libc::ECONNREFUSED
                );
                failures_in_a_row += 1;
                if gone || failures_in_a_row > 3 || capture.pcm.try_recover(e, true).is_err() {
                    feed.fault(format!("the microphone was disconnected ({e})"), true);
                    break;
                }
                // An overrun (the reader was late) or a suspend, recovered:
                // counted as a stream error, and reading goes on.
                feed.fault(format!("the microphone's stream was interrupted ({e})"), false);
            }
        }
    }
    let _ = capture.pcm.drop();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_read_after_the_stop_keeps_only_what_came_before() {
        let stop = Instant::now();
        // Read 20 ms after the stop at 1 kHz with nothing left in the device:
        // the last 20 frames of the 50 came after the stop.
        let (keep, drained) = before_stop(50, 0, 1000, stop + Duration::from_millis(20), stop);
        assert_eq!((keep, drained), (30, true));
    }

    #[test]
    fn frames_still_in_the_device_from_before_the_stop_are_waited_for() {
        let stop = Instant::now();
        // 10 ms late but 40 frames still buffered: all 50 read are older,
        // and 30 more from before the stop are yet to come.
        let (keep, drained) = before_stop(50, 40, 1000, stop + Duration::from_millis(10), stop);
        assert_eq!((keep, drained), (50, false));
        // Exactly drained.
        assert_eq!(before_stop(50, 10, 1000, stop + Duration::from_millis(10), stop), (50, true));
    }

    #[test]
    fn a_read_entirely_after_the_stop_keeps_nothing() {
        let stop = Instant::now();
        assert_eq!(before_stop(50, 0, 1000, stop + Duration::from_millis(500), stop), (0, true));
    }
}
