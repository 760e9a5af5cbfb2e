//! Integer-ratio decimation to 16 kHz (48, 32, 96, 192 kHz …) for the
//! analysis only: a windowed-sinc low-pass evaluated at every `ratio`-th
//! input sample. On a 45-minute 48 kHz take, reading and decimating take
//! about half the time of the FFT resampler the recorder uses for
//! `speech` quality, and the analysis needs no better: earshot and the
//! intensity contour look at speech below 6 kHz. 97 taps at 48 kHz, a
//! Blackman window, flat to 5 kHz, and what would fold back (8 kHz and
//! up) is 60 dB down (the tests check 9 and 12 kHz). Zero delay (the filter is centred), so edges stay
//! where they were.

/// Taps either side of the centre, per unit of ratio.
const HALF_PER_RATIO: usize = 16;
/// The pass band's edge, in Hz (the output's Nyquist is 8 kHz).
const CUTOFF_HZ: f64 = 6_000.0;

/// A streaming decimator by a whole ratio.
pub struct Decimator {
    ratio: usize,
    taps: Vec<f32>,
    half: usize,
    buf: Vec<f32>,
    /// Index in `buf` of the next output's centre.
    next: usize,
    frames_in: u64,
    frames_out: u64,
}

impl Decimator {
    /// Decimation from `from` Hz by `ratio`.
    pub fn new(from: u32, ratio: usize) -> Self {
        let half = HALF_PER_RATIO * ratio;
        let n = 2 * half + 1;
        let fc = CUTOFF_HZ / f64::from(from);
        let mut taps: Vec<f64> = (0..n)
            .map(|k| {
                let x = k as f64 - half as f64;
                let sinc = if x == 0.0 {
                    2.0 * fc
                } else {
                    (2.0 * std::f64::consts::PI * fc * x).sin() / (std::f64::consts::PI * x)
                };
                let phase = 2.0 * std::f64::consts::PI * k as f64 / (n - 1) as f64;
                sinc * (0.42 - 0.5 * phase.cos() + 0.08 * (2.0 * phase).cos())
            })
            .collect();
        let sum: f64 = taps.iter().sum();
        taps.iter_mut().for_each(|t| *t /= sum);
        Self {
            ratio,
            taps: taps.into_iter().map(|t| t as f32).collect(),
            half,
            buf: vec![0.0; half],
            next: half,
            frames_in: 0,
            frames_out: 0,
        }
    }

    /// Decimates `input`, calling `emit` with the output.
    pub fn push(&mut self, input: &[f32], emit: &mut dyn FnMut(&[f32])) {
        self.frames_in += input.len() as u64;
        self.buf.extend_from_slice(input);
        self.run(u64::MAX, emit);
    }

    /// Flushes the tail: one output per `ratio` inputs, rounded up.
    pub fn finish(&mut self, emit: &mut dyn FnMut(&[f32])) {
        self.buf.extend(std::iter::repeat_n(0.0, self.half));
        let wanted = self.frames_in.div_ceil(self.ratio as u64);
        self.run(wanted, emit);
    }

    fn run(&mut self, limit: u64, emit: &mut dyn FnMut(&[f32])) {
        let mut out = Vec::with_capacity(self.buf.len() / self.ratio + 1);
        while self.next + self.half < self.buf.len() && self.frames_out < limit {
            let window = &self.buf[self.next - self.half..=self.next + self.half];
            out.push(super::dot(window, &self.taps));
            self.next += self.ratio;
            self.frames_out += 1;
        }
        emit(&out);
        // Keep only what the next outputs still reach.
        let keep_from = self.next - self.half;
        self.buf.drain(..keep_from);
        self.next -= keep_from;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decimate(from: u32, ratio: usize, input: &[f32], step: usize) -> Vec<f32> {
        let mut d = Decimator::new(from, ratio);
        let mut out = Vec::new();
        for chunk in input.chunks(step) {
            d.push(chunk, &mut |b| out.extend_from_slice(b));
        }
        d.finish(&mut |b| out.extend_from_slice(b));
        out
    }

    #[test]
    fn a_tone_keeps_its_level_and_timing_and_aliases_are_cut() {
        // In f64: an f32 phase this far in is noisy enough to leak ~-50 dB
        // into every band.
        let tone = |hz: f64| -> Vec<f32> {
            (0..96_000)
                .map(|i| {
                    let t = f64::from(i) / 48_000.0;
                    if (1.0..1.5).contains(&t) {
                        (0.5 * (2.0 * std::f64::consts::PI * hz * t).sin()) as f32
                    } else {
                        0.0
                    }
                })
                .collect()
        };
        for step in [1, 1000, 4096] {
            let out = decimate(48_000, 3, &tone(440.0), step);
            assert_eq!(out.len(), 32_000, "step {step}");
            let first = out.iter().position(|s| s.abs() > 0.25).unwrap();
            assert!((16_000..16_010).contains(&first), "starts at 1 s: {first}");
            let peak = out[16_100..23_900].iter().fold(0.0f32, |m, s| m.max(s.abs()));
            assert!((0.49..0.51).contains(&peak), "level kept: {peak}");
        }
        // 9 and 12 kHz would fold to 7 and 4 kHz: 60 dB down (0.5 → 0.0005).
        for hz in [9_000.0, 12_000.0] {
            let out = decimate(48_000, 3, &tone(hz), 4096);
            let peak = out[16_100..23_900].iter().fold(0.0f32, |m, s| m.max(s.abs()));
            assert!(peak < 0.0005, "{hz} Hz alias left: {peak}");
        }
    }
}
