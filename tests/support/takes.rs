//! A take recorded as the recorder would record it, without a device: for
//! the core's tests on a real data folder.

use mockloop_core::audio::levels::SharedLevels;
use mockloop_core::audio::writer::TakeWriter;
use mockloop_core::audio::{Outcome, TakeSummary};
use mockloop_core::session::Session;

/// Files a take of `samples` (16 kHz mono) for the answer on screen,
/// written and closed as the recorder does; its row id.
pub fn record(s: &mut Session, samples: &[f32]) -> i64 {
    let (id, path) = s.begin_take().expect("take");
    let mut w = TakeWriter::create(&path, 16_000, 16_000).unwrap();
    w.push(samples, &SharedLevels::default()).unwrap();
    let info = w.finish().map_err(|(e, _)| e).unwrap();
    let summary = TakeSummary {
        path,
        device: "test".into(),
        input_rate: 16_000,
        input_channels: 1,
        input_format: "f32".into(),
        rate: info.sample_rate,
        frames: info.frames,
        seconds: samples.len() as f64 / 16_000.0,
        bytes: info.bytes,
        dropped_samples: 0,
        stream_errors: 0,
        start_ms: 0.0,
        outcome: Outcome::Complete,
        error: None,
    };
    s.close_take(id, Ok(&summary)).unwrap();
    id
}
