//! Cutting a take into the pieces whisper decodes one at a time: each
//! under 30 s (whisper's window), cut only at the delivery analysis's
//! pauses, so no word is split and no piece carries silence to invent
//! words in. Speech with no pause for longer than a piece may hold is cut
//! at its quietest point near the limit.

/// A piece may span at most this much audio (whisper's window is 30 s).
pub const MAX_PIECE_SECONDS: f64 = 28.0;
/// Audio kept either side of speech, so a word's soft edge is not lost.
pub const PAD_SECONDS: f64 = 0.2;

/// One stretch of audio to decode, in seconds from the take's start.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Piece {
    /// Where it starts.
    pub start: f64,
    /// Where it ends.
    pub end: f64,
}

impl Piece {
    /// Its samples out of a take's, at `rate` per second.
    pub fn samples<'a, T>(&self, all: &'a [T], rate: u32) -> &'a [T] {
        let at = |s: f64| ((s * f64::from(rate)).round().max(0.0) as usize).min(all.len());
        &all[at(self.start)..at(self.end).max(at(self.start))]
    }
}

/// The pieces covering `speech` (sorted `(start, end)` stretches in
/// seconds, as [`crate::analysis::Heard::speech`]) in a take of `length`
/// seconds. `level(t)` is the loudness at `t` (any unit, louder higher):
/// used only to cut speech that runs on longer than a piece.
pub fn cut(speech: &[(f64, f64)], length: f64, level: &dyn Fn(f64) -> f64) -> Vec<Piece> {
    let stretches = split_long(speech, level);
    let mut pieces: Vec<Piece> = Vec::new();
    let mut i = 0;
    while i < stretches.len() {
        let first = stretches[i];
        let mut last = i;
        while last + 1 < stretches.len() && stretches[last + 1].1 - first.0 + 2.0 * PAD_SECONDS <= MAX_PIECE_SECONDS {
            last += 1;
        }
        // Padding never reaches past the middle of the pause beside it.
        let before = if i == 0 { 0.0 } else { (stretches[i - 1].1 + first.0) / 2.0 };
        let after = stretches.get(last + 1).map_or(length, |next| (stretches[last].1 + next.0) / 2.0);
        pieces.push(Piece {
            start: (first.0 - PAD_SECONDS).max(before).max(0.0),
            end: (stretches[last].1 + PAD_SECONDS).min(after).min(length),
        });
        i = last + 1;
    }
    pieces.retain(|p| p.end > p.start);
    pieces
}

/// Speech stretches no longer than a piece: a longer one is cut where it
/// is quietest in the last quarter before the limit.
fn split_long(speech: &[(f64, f64)], level: &dyn Fn(f64) -> f64) -> Vec<(f64, f64)> {
    const STEP: f64 = 0.01;
    let limit = MAX_PIECE_SECONDS - 2.0 * PAD_SECONDS;
    let mut out = Vec::with_capacity(speech.len());
    for &(mut start, end) in speech {
        while end - start > limit {
            let from = start + limit * 0.75;
            let to = start + limit;
            let mut cut = to;
            let mut quietest = f64::INFINITY;
            let mut t = from;
            while t <= to {
                let l = level(t);
                if l < quietest {
                    quietest = l;
                    cut = t;
                }
                t += STEP;
            }
            out.push((start, cut));
            start = cut;
        }
        out.push((start, end));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(_: f64) -> f64 {
        0.0
    }

    #[test]
    fn speech_is_grouped_at_pauses_into_pieces_under_the_window() {
        // Ten 5 s stretches with 1 s pauses: 59 s of take.
        let speech: Vec<(f64, f64)> = (0..10).map(|i| (f64::from(i) * 6.0, f64::from(i) * 6.0 + 5.0)).collect();
        let pieces = cut(&speech, 60.0, &flat);
        assert!(pieces.len() >= 3, "{pieces:?}");
        for p in &pieces {
            assert!(p.end - p.start <= MAX_PIECE_SECONDS + 1e-9, "{p:?}");
        }
        // Every stretch of speech lies whole inside one piece.
        for &(a, b) in &speech {
            assert!(pieces.iter().any(|p| p.start <= a && b <= p.end), "({a}, {b}) split: {pieces:?}");
        }
        // Pieces never overlap, and each cut falls inside a pause.
        for w in pieces.windows(2) {
            assert!(w[0].end <= w[1].start, "{w:?}");
            assert!(speech.iter().all(|&(a, b)| w[0].end <= a || w[0].end >= b), "cut inside speech: {w:?}");
        }
    }

    #[test]
    fn speech_longer_than_a_piece_is_cut_where_it_is_quietest() {
        let quiet_at = 25.0;
        let level = move |t: f64| (t - quiet_at).abs();
        let pieces = cut(&[(1.0, 61.0)], 62.0, &level);
        assert!(pieces.iter().all(|p| p.end - p.start <= MAX_PIECE_SECONDS + 1e-9), "{pieces:?}");
        assert!((pieces[0].end - quiet_at).abs() < 0.05, "{pieces:?}");
        assert_eq!(pieces[0].end, pieces[1].start, "no audio lost at the cut");
        assert!((pieces.last().unwrap().end - 61.2).abs() < 1e-9);
    }

    #[test]
    fn no_speech_gives_no_pieces() {
        assert!(cut(&[], 30.0, &flat).is_empty());
    }

    #[test]
    fn a_piece_takes_its_samples() {
        let all: Vec<i16> = (0..16_000).map(|i| i as i16).collect();
        let p = Piece { start: 0.5, end: 0.75 };
        let s = p.samples(&all, 16_000);
        assert_eq!((s.len(), s[0]), (4000, 8000));
        assert!(Piece { start: 2.0, end: 3.0 }.samples(&all, 16_000).is_empty());
    }
}
