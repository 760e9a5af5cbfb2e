//! Cutting a take into the pieces whisper decodes one at a time: each
//! under 30 s of audio (whisper's window), cut only at the delivery
//! analysis's pauses, so no word is split. Inside a piece a long pause is
//! shortened to the audio either side of it ([`PAD_SECONDS`] each): the
//! decoder still hears a pause, silence it could invent words in is never
//! decoded, and a window holds more speech, so a take needs fewer of them.
//! Speech with no pause for longer than a piece may hold is cut at its
//! quietest point near the limit.

/// A piece may hold at most this much audio (whisper's window is 30 s,
/// and half a second of silence goes before each piece).
pub const MAX_PIECE_SECONDS: f64 = 28.0;
/// Audio kept either side of speech, so a word's soft edge is not lost
/// and a pause stays a pause (at most twice this inside a piece).
pub const PAD_SECONDS: f64 = 0.25;

/// One stretch of audio to decode: spans of the take, in seconds from its
/// start, in order, heard one after the other.
#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    /// The take's audio it holds; the pauses between spans are left out.
    pub spans: Vec<(f64, f64)>,
}

impl Piece {
    /// Where it starts in the take.
    pub fn start(&self) -> f64 {
        self.spans.first().map_or(0.0, |s| s.0)
    }

    /// Where it ends in the take.
    pub fn end(&self) -> f64 {
        self.spans.last().map_or(0.0, |s| s.1)
    }

    /// How much audio it holds.
    pub fn seconds(&self) -> f64 {
        self.spans.iter().map(|(a, b)| b - a).sum()
    }

    /// Its samples out of a take's, at `rate` per second: its spans' one
    /// after the other.
    pub fn samples<T: Copy>(&self, all: &[T], rate: u32) -> Vec<T> {
        let at = |s: f64| ((s * f64::from(rate)).round().max(0.0) as usize).min(all.len());
        self.spans.iter().flat_map(|&(a, b)| all[at(a)..at(b).max(at(a))].iter().copied()).collect()
    }

    /// The take's time of `t`, seconds into the piece's own audio, and the
    /// span it falls in.
    pub fn in_take(&self, t: f64) -> (f64, (f64, f64)) {
        let mut into = 0.0;
        for &(a, b) in &self.spans {
            if t < into + (b - a) {
                return (a + (t - into).max(0.0), (a, b));
            }
            into += b - a;
        }
        (self.end(), self.spans.last().copied().unwrap_or_default())
    }
}

/// The pieces covering `speech` (sorted `(start, end)` stretches in
/// seconds, as [`crate::analysis::Heard::speech`]) in a take of `length`
/// seconds. `level(t)` is the loudness at `t` (any unit, louder higher):
/// used only to cut speech that runs on longer than a piece.
pub fn cut(speech: &[(f64, f64)], length: f64, level: &dyn Fn(f64) -> f64) -> Vec<Piece> {
    let stretches = split_long(speech, level);
    // Each stretch with its padding, which never reaches past the middle of
    // the pause beside it.
    let spans: Vec<(f64, f64)> = stretches
        .iter()
        .enumerate()
        .map(|(i, &(a, b))| {
            let before = if i == 0 { 0.0 } else { (stretches[i - 1].1 + a) / 2.0 };
            let after = stretches.get(i + 1).map_or(length, |next| (b + next.0) / 2.0);
            ((a - PAD_SECONDS).max(before).max(0.0), (b + PAD_SECONDS).min(after).min(length))
        })
        .filter(|(a, b)| b > a)
        .collect();
    let mut pieces: Vec<Piece> = Vec::new();
    let mut current = Piece { spans: Vec::new() };
    for span in spans {
        if !current.spans.is_empty() && current.seconds() + (span.1 - span.0) > MAX_PIECE_SECONDS + 1e-9 {
            pieces.push(std::mem::replace(&mut current, Piece { spans: Vec::new() }));
        }
        current.spans.push(span);
    }
    if !current.spans.is_empty() {
        pieces.push(current);
    }
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
        assert!(pieces.len() >= 2, "{pieces:?}");
        for p in &pieces {
            assert!(p.seconds() <= MAX_PIECE_SECONDS + 1e-9, "{p:?}");
        }
        // Every stretch of speech lies whole inside one span of one piece.
        for &(a, b) in &speech {
            let home = pieces.iter().flat_map(|p| &p.spans).any(|&(s, e)| s <= a && b <= e);
            assert!(home, "({a}, {b}) split: {pieces:?}");
        }
        // Pieces never overlap, and each cut falls inside a pause.
        for w in pieces.windows(2) {
            assert!(w[0].end() <= w[1].start(), "{w:?}");
            assert!(speech.iter().all(|&(a, b)| w[0].end() <= a || w[0].end() >= b), "cut inside speech: {w:?}");
        }
    }

    #[test]
    fn a_long_pause_inside_a_piece_is_heard_shortened() {
        // Two sentences 3 s apart: one piece, the pause heard as 0.5 s.
        let pieces = cut(&[(1.0, 4.0), (7.0, 9.0)], 10.0, &flat);
        assert_eq!(pieces.len(), 1, "{pieces:?}");
        let p = &pieces[0];
        assert_eq!(p.spans, vec![(0.75, 4.25), (6.75, 9.25)]);
        assert!((p.seconds() - 6.0).abs() < 1e-9);
        // Back in the take's time: the second sentence starts at 7 s.
        let (at, span) = p.in_take(3.5 + 0.25);
        assert!((at - 7.0).abs() < 1e-9 && span == (6.75, 9.25), "{at} {span:?}");
        assert_eq!(p.in_take(1.0), (1.75, (0.75, 4.25)));
        assert_eq!(p.in_take(60.0), (9.25, (6.75, 9.25)));
        // A short pause is kept whole: the padding meets in its middle.
        let close = cut(&[(1.0, 2.0), (2.3, 3.0)], 4.0, &flat);
        assert_eq!(close[0].spans, vec![(0.75, 2.15), (2.15, 3.25)]);
    }

    #[test]
    fn speech_longer_than_a_piece_is_cut_where_it_is_quietest() {
        let quiet_at = 25.0;
        let level = move |t: f64| (t - quiet_at).abs();
        let pieces = cut(&[(1.0, 61.0)], 62.0, &level);
        assert!(pieces.iter().all(|p| p.seconds() <= MAX_PIECE_SECONDS + 1e-9), "{pieces:?}");
        assert!((pieces[0].end() - quiet_at).abs() < 0.05, "{pieces:?}");
        assert_eq!(pieces[0].end(), pieces[1].start(), "no audio lost at the cut");
        assert!((pieces.last().unwrap().end() - 61.25).abs() < 1e-9);
    }

    #[test]
    fn no_speech_gives_no_pieces() {
        assert!(cut(&[], 30.0, &flat).is_empty());
    }

    #[test]
    fn a_piece_takes_its_spans_samples_one_after_the_other() {
        let all: Vec<i16> = (0..16_000).map(|i| i as i16).collect();
        let p = Piece { spans: vec![(0.5, 0.75), (0.9, 0.95)] };
        let s = p.samples(&all, 16_000);
        assert_eq!((s.len(), s[0], s[4000]), (4800, 8000, 14_400));
        assert!(Piece { spans: vec![(2.0, 3.0)] }.samples(&all, 16_000).is_empty());
    }
}
