//! Voice activity: earshot's neural detector on 16 ms frames, split across
//! the machine's cores for long takes.
//!
//! Earshot is recurrent, so each piece but the first starts
//! [`WARM_UP_FRAMES`] early and throws those decisions away: by then its
//! state no longer remembers where it started (tests/analysis.rs,
//! `pieces_decide_like_one_pass`, holds it to that). How many pieces
//! depends on the take's length only, never on the machine, so the same
//! file gives the same figures everywhere.

use earshot::Detector;

/// Samples per decision (16 ms at 16 kHz), fixed by earshot.
pub const FRAME: usize = 256;
/// Earshot's score at and above which a frame is voice.
const THRESHOLD: f32 = 0.5;
/// Frames run before a piece's own, to settle the detector (3.2 s).
const WARM_UP_FRAMES: usize = 200;
/// Shortest piece worth a thread (about 2 minutes).
const MIN_PIECE_FRAMES: usize = 7_500;
/// Most pieces (threads) for one take.
const MAX_PIECES: usize = 4;

/// One flag per whole frame of `samples` (16 kHz mono): voice or not.
pub fn voiced_frames(samples: &[i16]) -> Vec<bool> {
    let pieces = (samples.len() / FRAME / MIN_PIECE_FRAMES).clamp(1, MAX_PIECES);
    voiced_frames_in(samples, pieces)
}

/// [`voiced_frames`] in `pieces` pieces, one thread each.
pub fn voiced_frames_in(samples: &[i16], pieces: usize) -> Vec<bool> {
    let frames = samples.len() / FRAME;
    let mut flags = vec![false; frames];
    if frames == 0 {
        return flags;
    }
    let pieces = pieces.clamp(1, frames);
    let per_piece = frames.div_ceil(pieces);
    std::thread::scope(|scope| {
        for (index, out) in flags.chunks_mut(per_piece).enumerate() {
            let first = index * per_piece;
            scope.spawn(move || {
                let mut detector = Detector::default_boxed();
                let warm_from = first.saturating_sub(WARM_UP_FRAMES);
                for frame in warm_from..first {
                    detector.predict_i16(&samples[frame * FRAME..(frame + 1) * FRAME]);
                }
                for (offset, flag) in out.iter_mut().enumerate() {
                    let at = (first + offset) * FRAME;
                    *flag = detector.predict_i16(&samples[at..at + FRAME]) >= THRESHOLD;
                }
            });
        }
    });
    flags
}
