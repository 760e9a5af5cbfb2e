//! Where speech is: earshot's frames, their edges moved onto the signal,
//! short gaps bridged, and what is left between speech the pauses.
//!
//! Earshot decides per 16 ms frame and, being a network with memory, hears
//! a word's end a little late. Each edge is moved to where the 5 ms block
//! energy crosses a threshold between the noise floor and the speech
//! level, searched only near earshot's edge, so a cough far from speech
//! never becomes a word and the edges land within a few milliseconds of the
//! waveform's.

use super::vad::FRAME;
use crate::dsp::RATE;
pub use crate::dsp::{quantile, to_db};

/// Samples per energy block (5 ms).
pub const BLOCK: usize = 80;
/// Blocks per second.
pub const BLOCKS_PER_SECOND: f64 = RATE as f64 / BLOCK as f64;
/// A silence this long inside speech is a pause (0.5 s); shorter ones are
/// the gaps between words and count as speaking.
pub const MIN_PAUSE_BLOCKS: usize = (super::PAUSE_SECONDS * BLOCKS_PER_SECOND) as usize;
/// Speech shorter than this, alone, is a click or a breath (80 ms).
const MIN_SPEECH_BLOCKS: usize = 16;
/// How far before earshot's onset, and after it, a word's start is sought.
const START_BEFORE: usize = 40; // 200 ms
const START_AFTER: usize = 30; // 150 ms
/// How far before earshot's end, and after it, a word's end is sought.
const END_BEFORE: usize = 50; // 250 ms
const END_AFTER: usize = 30; // 150 ms
/// The edge threshold: this far above the noise floor…
const ABOVE_FLOOR_DB: f64 = 8.0;
/// …and at least this far below the speech level.
const BELOW_SPEECH_DB: f64 = 35.0;
pub use crate::dsp::SILENT_DB;

/// Mean square per 5 ms block, full scale 1 (a square wave at full scale;
/// a full-scale sine is 0.5, -3 dB).
pub fn block_power(samples: &[i16]) -> Vec<f64> {
    const FULL: f64 = BLOCK as f64 * 32768.0 * 32768.0;
    samples
        .chunks_exact(BLOCK)
        .map(|block| block.iter().map(|s| i64::from(*s) * i64::from(*s)).sum::<i64>() as f64 / FULL)
        .collect()
}

/// Speech as half-open block ranges, sorted, at least [`MIN_PAUSE_BLOCKS`]
/// apart.
pub fn segments(voiced: &[bool], db: &[f64]) -> Vec<(usize, usize)> {
    let raw = frame_runs(voiced, db.len());
    if raw.is_empty() {
        return raw;
    }
    let threshold = edge_threshold(voiced, db);
    let mut refined: Vec<(usize, usize)> = Vec::with_capacity(raw.len());
    for (i, &(on, off)) in raw.iter().enumerate() {
        let floor = if i == 0 { 0 } else { raw[i - 1].1 };
        let ceiling = raw.get(i + 1).map_or(db.len(), |r| r.0);
        let start = refine_start(db, threshold, on, off, floor);
        let end = refine_end(db, threshold, start, off, ceiling);
        refined.push((start, end.max(start + 1)));
    }
    // Overlaps after refinement, and gaps shorter than a pause, join.
    let mut joined: Vec<(usize, usize)> = Vec::with_capacity(refined.len());
    for (start, end) in refined {
        match joined.last_mut() {
            Some(last) if start < last.1 + MIN_PAUSE_BLOCKS => last.1 = last.1.max(end),
            _ => joined.push((start, end)),
        }
    }
    joined.retain(|(start, end)| end - start >= MIN_SPEECH_BLOCKS);
    joined
}

/// Earshot's voiced frames as block ranges.
fn frame_runs(voiced: &[bool], blocks: usize) -> Vec<(usize, usize)> {
    let to_block = |frame: usize| (frame * FRAME / BLOCK).min(blocks);
    let mut runs = Vec::new();
    let mut start = None;
    for (i, &v) in voiced.iter().chain(std::iter::once(&false)).enumerate() {
        match (v, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                runs.push((to_block(s), to_block(i)));
                start = None;
            }
            _ => {}
        }
    }
    runs.retain(|(a, b)| b > a);
    runs
}

/// The level an edge crosses: [`ABOVE_FLOOR_DB`] over the quietest tenth
/// of the take, but never more than [`BELOW_SPEECH_DB`] under the speech.
fn edge_threshold(voiced: &[bool], db: &[f64]) -> f64 {
    let floor = quantile(db.to_vec(), 0.10).unwrap_or(SILENT_DB);
    let speech: Vec<f64> = voiced
        .iter()
        .enumerate()
        .filter(|(_, v)| **v)
        .flat_map(|(frame, _)| {
            let first = frame * FRAME / BLOCK;
            let last = ((frame + 1) * FRAME / BLOCK).min(db.len());
            db[first.min(last)..last].iter().copied()
        })
        .collect();
    let level = quantile(speech, 0.5).unwrap_or(SILENT_DB);
    (floor + ABOVE_FLOOR_DB).max(level - BELOW_SPEECH_DB)
}

fn loud(db: &[f64], threshold: f64, block: usize) -> bool {
    db.get(block).is_some_and(|d| *d >= threshold)
}

/// The first block near `on` where two blocks in a row are above the
/// threshold; `on` if there is none.
fn refine_start(db: &[f64], threshold: f64, on: usize, off: usize, floor: usize) -> usize {
    let from = on.saturating_sub(START_BEFORE).max(floor);
    let to = (on + START_AFTER).min(off);
    (from..to).find(|&b| loud(db, threshold, b) && loud(db, threshold, b + 1)).unwrap_or(on)
}

/// The block after the last one near `off` where two blocks in a row are
/// above the threshold; `off` if there is none.
fn refine_end(db: &[f64], threshold: f64, start: usize, off: usize, ceiling: usize) -> usize {
    let from = off.saturating_sub(END_BEFORE).max(start + 1);
    let to = (off + END_AFTER).min(ceiling);
    (from..to).rev().find(|&b| loud(db, threshold, b) && loud(db, threshold, b - 1)).map_or(off, |b| b + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks_of(pattern: &[(bool, usize)]) -> (Vec<bool>, Vec<f64>) {
        // `pattern`: (speech?, blocks); earshot flags follow the blocks.
        let mut db = Vec::new();
        for &(speech, n) in pattern {
            db.extend(std::iter::repeat_n(if speech { -20.0 } else { -70.0 }, n));
        }
        let frames = db.len() * BLOCK / FRAME;
        let voiced = (0..frames).map(|f| db[f * FRAME / BLOCK] > -30.0).collect();
        (voiced, db)
    }

    #[test]
    fn a_gap_shorter_than_a_pause_is_speaking() {
        let (voiced, db) = blocks_of(&[(false, 100), (true, 200), (false, 60), (true, 200), (false, 100)]);
        assert_eq!(segments(&voiced, &db), vec![(100, 560)]);
    }

    #[test]
    fn a_pause_splits_speech_and_edges_follow_the_signal() {
        let (voiced, db) = blocks_of(&[(false, 100), (true, 200), (false, 140), (true, 200), (false, 100)]);
        assert_eq!(segments(&voiced, &db), vec![(100, 300), (440, 640)]);
    }

    #[test]
    fn a_click_alone_is_not_speech() {
        let (voiced, db) = blocks_of(&[(false, 300), (true, 8), (false, 300)]);
        let voiced = voiced.iter().map(|_| false).collect::<Vec<_>>();
        assert!(segments(&voiced, &db).is_empty(), "no earshot voice: no speech");
        let mut voiced = voiced;
        voiced[300 * BLOCK / FRAME] = true;
        assert!(segments(&voiced, &db).is_empty(), "16 ms of voice alone is dropped");
    }

    #[test]
    fn quantiles_by_nearest_rank() {
        assert_eq!(quantile(vec![], 0.5), None);
        assert_eq!(quantile(vec![3.0, 1.0, 2.0], 0.5), Some(2.0));
        assert_eq!(quantile(vec![3.0, 1.0, 2.0], 1.0), Some(3.0));
    }
}
