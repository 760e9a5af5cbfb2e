//! Syllable nuclei by the intensity-peak method of de Jong & Wempe (2009,
//! "Praat script to detect syllable nuclei and measure speech rate
//! automatically", Behavior Research Methods 41(2):385-390), written here
//! from the paper's description:
//!
//! 1. an intensity contour, smoothed enough that a syllable has one peak;
//! 2. peaks above a threshold 25 dB under the contour's 99th percentile
//!    (the loudest speech less outliers);
//! 3. a peak counts only if the intensity dips at least 2 dB between it and
//!    the next peak, so one vowel's wobble is one syllable;
//! 4. and only if it is voiced: vowels are, the hiss of /s/ is not. The
//!    paper asks Praat for pitch; here voicing is the normalised
//!    autocorrelation at a pitch period (70-450 Hz) around the peak.
//!
//! Peaks are also kept only inside speech (see `speech`), which is what
//! keeps a door slam or a fan from adding syllables.

use super::speech::BLOCK;
use crate::dsp::{dot, quantile, to_db};

/// The contour's smoothing: a Hann window over this many 5 ms blocks (95
/// ms, half-power width ~48 ms, near the paper's Praat intensity for a 50
/// Hz minimum pitch). Narrower windows split the long vowels of slow
/// speech into two peaks: at 55 ms, espeak at 120 words a minute gave 32%
/// more syllables than it spoke; at 95 ms, 0-16% (tests/analysis.rs).
const SMOOTH_BLOCKS: usize = 19;
/// Step 2: threshold under the 99th percentile.
const SILENCE_DB: f64 = 25.0;
/// Step 3: the smallest dip between syllables.
const MIN_DIP_DB: f64 = 2.0;
/// Step 4: the autocorrelation at and above which a peak is voiced.
const VOICED: f32 = 0.5;
/// Voicing is judged at 8 kHz (every other sample, pairs averaged) over
/// 40 ms, for periods of 70 to 450 Hz.
const PITCH_WINDOW: usize = 320;
const MIN_LAG: usize = 18;
const MAX_LAG: usize = 115;

/// The smoothed intensity contour (dB) of the 5 ms blocks' `power`.
pub fn contour(power: &[f64]) -> Vec<f64> {
    let half = SMOOTH_BLOCKS / 2;
    let weights: Vec<f64> = (0..SMOOTH_BLOCKS)
        .map(|i| 0.5 - 0.5 * (2.0 * std::f64::consts::PI * (i as f64 + 1.0) / (SMOOTH_BLOCKS as f64 + 1.0)).cos())
        .collect();
    (0..power.len())
        .map(|k| {
            let (mut sum, mut weight) = (0.0, 0.0);
            for (i, w) in weights.iter().enumerate() {
                if let Some(p) = (k + i).checked_sub(half).and_then(|j| power.get(j)) {
                    sum += w * p;
                    weight += w;
                }
            }
            to_db(sum / weight)
        })
        .collect()
}

/// The syllable nuclei inside `segments` (block ranges): their blocks.
pub fn nuclei(samples: &[i16], contour: &[f64], segments: &[(usize, usize)]) -> Vec<usize> {
    let speech: Vec<f64> = segments.iter().flat_map(|&(a, b)| contour[a..b].iter().copied()).collect();
    let Some(loudest) = quantile(speech, 0.99) else { return Vec::new() };
    let threshold = loudest - SILENCE_DB;
    let mut found = Vec::new();
    for &(start, end) in segments {
        let peaks: Vec<usize> = (start.max(1)..end.min(contour.len() - 1))
            .filter(|&k| contour[k] > threshold && contour[k] > contour[k - 1] && contour[k] >= contour[k + 1])
            .collect();
        for (i, &peak) in peaks.iter().enumerate() {
            let until = peaks.get(i + 1).copied().unwrap_or(end);
            let dip = contour[peak..until].iter().copied().fold(f64::INFINITY, f64::min);
            let dip = if i + 1 == peaks.len() { dip.min(contour[until.min(contour.len() - 1)]) } else { dip };
            if contour[peak] - dip >= MIN_DIP_DB && voiced_at(samples, peak * BLOCK + BLOCK / 2) {
                found.push(peak);
            }
        }
    }
    found
}

/// Whether the signal around sample `at` repeats at a pitch period.
fn voiced_at(samples: &[i16], at: usize) -> bool {
    // 8 kHz, pairs averaged: enough bandwidth for a fundamental up to 450 Hz.
    let span = 2 * (PITCH_WINDOW + MAX_LAG);
    let Some(first) = at.checked_sub(span / 2) else { return false };
    let Some(window) = samples.get(first..first + span) else { return false };
    let mut x: Vec<f32> = window.chunks_exact(2).map(|p| (f32::from(p[0]) + f32::from(p[1])) * 0.5).collect();
    let mean = x.iter().sum::<f32>() / x.len() as f32;
    x.iter_mut().for_each(|v| *v -= mean);
    let head = &x[..PITCH_WINDOW];
    let head_energy = dot(head, head);
    if head_energy <= 0.0 {
        return false;
    }
    (MIN_LAG..=MAX_LAG).any(|lag| {
        let tail = &x[lag..lag + PITCH_WINDOW];
        let energy = dot(tail, tail);
        energy > 0.0 && dot(head, tail) / (head_energy * energy).sqrt() >= VOICED
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(hz: f32, seconds: f32, level: f32) -> Vec<i16> {
        (0..(seconds * 16_000.0) as usize)
            .map(|i| (level * 32767.0 * (2.0 * std::f32::consts::PI * hz * i as f32 / 16_000.0).sin()) as i16)
            .collect()
    }

    #[test]
    fn a_periodic_sound_is_voiced_and_noise_is_not() {
        assert!(voiced_at(&tone(140.0, 0.5, 0.3), 4_000));
        let mut seed = 7u64;
        let noise: Vec<i16> = (0..8_000)
            .map(|_| {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                ((seed >> 33) as i32 % 20_000 - 10_000) as i16
            })
            .collect();
        assert!(!voiced_at(&noise, 4_000));
        assert!(!voiced_at(&vec![0; 8_000], 4_000), "silence is not voiced");
    }

    #[test]
    fn three_bursts_are_three_nuclei() {
        // Three 150 ms vowels 150 ms apart: three peaks, each with dips.
        let mut s = vec![0i16; 1_600];
        for _ in 0..3 {
            s.extend(tone(150.0, 0.15, 0.3));
            s.extend(std::iter::repeat_n(0, 2_400));
        }
        let c = contour(&super::super::speech::block_power(&s));
        let blocks = c.len();
        assert_eq!(nuclei(&s, &c, &[(0, blocks)]).len(), 3);
    }
}
