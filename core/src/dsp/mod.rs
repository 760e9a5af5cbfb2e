//! Signal arithmetic both the recorder (`audio`) and the analysis of how
//! an answer sounded (`analysis`) use, below both so neither imports the
//! other's internals: 16-bit conversion, decibels, quantiles, a vectorised
//! dot product, the streaming resampler and the decimator to the analysis
//! rate. Pure: samples in, numbers out.

pub mod decimate;
pub mod resample;

/// The analysis rate, and the rate `speech` quality records at: earshot's,
/// and enough for speech.
pub const RATE: u32 = 16_000;
/// Digital silence, in dB: what [`to_db`] gives a power of zero.
pub const SILENT_DB: f64 = -100.0;

/// Converts a sample in -1.0..=1.0 to 16 bits. Exact for samples that came
/// from 16 bits (`i16 as f32 / 32768`), which is what makes `studio`
/// recordings of a 16-bit device bit-exact.
pub fn to_i16(s: f32) -> i16 {
    (s * 32768.0).round().clamp(-32768.0, 32767.0) as i16
}

/// Power → dB, with digital silence at [`SILENT_DB`].
pub fn to_db(power: f64) -> f64 {
    if power > 1e-10 {
        10.0 * power.log10()
    } else {
        SILENT_DB
    }
}

/// The `q` quantile (0..=1) of `values`, by nearest rank; `None` if empty.
pub fn quantile(mut values: Vec<f64>, q: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let rank = ((values.len() - 1) as f64 * q.clamp(0.0, 1.0)).round() as usize;
    let (_, v, _) = values.select_nth_unstable_by(rank, f64::total_cmp);
    Some(*v)
}

/// A dot product with eight lanes, which the compiler vectorises.
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut lanes = [0.0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let rest: f32 = ca.remainder().iter().zip(cb.remainder()).map(|(x, y)| x * y).sum();
    for (x, y) in ca.zip(cb) {
        for i in 0..8 {
            lanes[i] += x[i] * y[i];
        }
    }
    lanes.iter().sum::<f32>() + rest
}
