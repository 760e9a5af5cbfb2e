//! The readiness model's arithmetic (see `docs/readiness.md`): how ratings
//! become competency scores, weekly series, trends, projections and a
//! readiness figure per loop. Pure functions of their inputs: no clock, no
//! storage, so every figure can be checked by hand.

use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;

/// Half-life of a rating's weight in the current score: a rating two weeks
/// old counts half as much as one from today. Short enough that practice
/// shows within a week or two, long enough that one bad day does not erase
/// a month.
pub const HALF_LIFE_DAYS: f64 = 14.0;
/// Weeks without a rating after which a competency is called stale.
pub const STALE_AFTER_WEEKS: i64 = 3;
/// A trend this steep (points a week) is worth a reason.
pub const NOTABLE_SLOPE: f64 = 2.0;
/// At most this many competencies named in one reason.
pub const MAX_NAMED: usize = 3;
/// How far one rating may be from what the candidate would give the same
/// answer another day, as a standard deviation on the 0-100 scale: half a
/// step of the 1-4 scale. A week's score, the mean of its ratings, is
/// never taken as surer than this over the square root of their number,
/// however well the weeks line up: three ratings on a straight line are
/// not a certainty.
pub const RATING_SD: f64 = 100.0 / 3.0 / 2.0;

/// One piece of evidence: a checklist item rated on a day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observation {
    /// The day it was rated (the user's calendar day).
    pub day: NaiveDate,
    /// 0-100 (see [`rating_score`]).
    pub score: f64,
}

/// A rating on the 1-4 scale as 0-100: missing 0, weak 33.3, solid 66.7,
/// strong 100. `None` for anything off the scale.
pub fn rating_score(rating: u8) -> Option<f64> {
    (1..=4).contains(&rating).then(|| f64::from(rating - 1) / 3.0 * 100.0)
}

/// The Monday that starts `day`'s week.
pub fn week_start(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// A competency's current score: the mean of every rating up to `today`,
/// each weighted `2^(-age / HALF_LIFE_DAYS)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Current {
    /// 0-100.
    pub score: f64,
    /// The sum of the weights: roughly "how many recent ratings" stand
    /// behind the score (one rating today is 1.0; one from 14 days ago 0.5).
    pub evidence: f64,
    /// The last day it was rated.
    pub last_day: NaiveDate,
}

/// The current score from observations (any order); `None` when there are
/// none up to `today`: never practised is unknown, not zero.
pub fn current(observations: &[Observation], today: NaiveDate) -> Option<Current> {
    let mut weighted = 0.0;
    let mut weights = 0.0;
    let mut last_day: Option<NaiveDate> = None;
    for o in observations.iter().filter(|o| o.day <= today) {
        let age = (today - o.day).num_days() as f64;
        let w = (-age / HALF_LIFE_DAYS).exp2();
        weighted += w * o.score;
        weights += w;
        last_day = Some(last_day.map_or(o.day, |d| d.max(o.day)));
    }
    last_day.map(|last_day| Current { score: weighted / weights, evidence: weights, last_day })
}

/// One week of a series.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WeekPoint {
    /// The Monday the week starts on.
    pub week: NaiveDate,
    /// The plain mean of that week's scores; `None` for a week without any.
    pub score: Option<f64>,
    /// How many ratings the week has.
    pub count: usize,
}

/// The `weeks` weeks up to and including `today`'s, oldest first.
pub fn weekly(observations: &[Observation], today: NaiveDate, weeks: usize) -> Vec<WeekPoint> {
    let last = week_start(today);
    let first = last - Duration::weeks(weeks.saturating_sub(1) as i64);
    let mut sums = vec![(0.0, 0usize); weeks];
    for o in observations.iter().filter(|o| o.day <= today) {
        let index = (week_start(o.day) - first).num_weeks();
        if let Some(slot) = usize::try_from(index).ok().and_then(|i| sums.get_mut(i)) {
            slot.0 += o.score;
            slot.1 += 1;
        }
    }
    sums.iter()
        .enumerate()
        .map(|(i, &(sum, count))| WeekPoint {
            week: first + Duration::weeks(i as i64),
            score: (count > 0).then(|| sum / count as f64),
            count,
        })
        .collect()
}

/// A straight line through the weeks that have a score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Trend {
    /// Points a week (least squares).
    pub slope_per_week: f64,
    /// Weeks with a score behind it.
    pub weeks: usize,
    /// The fit's residual standard deviation (0 with two weeks).
    pub residual_sd: f64,
    /// Ratings behind it, over all its weeks.
    pub ratings: usize,
    /// Mean of the week indexes used, and their sum of squared deviations:
    /// what the projection's uncertainty needs.
    #[serde(skip)]
    mean_x: f64,
    #[serde(skip)]
    sxx: f64,
    #[serde(skip)]
    last_x: f64,
}

/// The least-squares trend of a series; `None` with fewer than two weeks
/// that have a score.
pub fn trend(series: &[WeekPoint]) -> Option<Trend> {
    let points: Vec<(f64, f64)> =
        series.iter().enumerate().filter_map(|(i, p)| p.score.map(|s| (i as f64, s))).collect();
    let ratings = series.iter().filter(|p| p.score.is_some()).map(|p| p.count).sum();
    let n = points.len();
    if n < 2 {
        return None;
    }
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / n as f64;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / n as f64;
    let sxx: f64 = points.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
    let slope = sxy / sxx;
    let residual_sd = if n > 2 {
        let sse: f64 = points.iter().map(|p| (p.1 - (mean_y + slope * (p.0 - mean_x))).powi(2)).sum();
        (sse / (n - 2) as f64).sqrt()
    } else {
        0.0
    };
    let last_x = (series.len() - 1) as f64;
    Some(Trend { slope_per_week: slope, weeks: n, residual_sd, ratings, mean_x, sxx, last_x })
}

/// Where a competency is heading by the interview date.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Projection {
    /// The projected score, 0-100.
    pub score: f64,
    /// One standard error either side, clamped to 0-100.
    pub low: f64,
    /// See `low`.
    pub high: f64,
    /// Weeks from this week to the interview's.
    pub weeks_ahead: f64,
    /// Ratings it rests on.
    pub ratings: usize,
}

/// Weeks with a score needed before a projection means anything.
pub const MIN_WEEKS_TO_PROJECT: usize = 3;

/// `current + slope × weeks ahead`, ± one standard error
/// `sqrt(sd²/n + (sd / sqrt(Sxx) × (x* − x̄))²)`, where `sd` is the fit's
/// residual deviation but never below [`RATING_SD`] over the square root
/// of the ratings a week (few ratings give a wide range, never one of zero
/// width); `None` with fewer than three scored weeks, or an interview date
/// already past.
pub fn project(current: f64, trend: &Trend, today: NaiveDate, target: NaiveDate) -> Option<Projection> {
    if trend.weeks < MIN_WEEKS_TO_PROJECT || target < today {
        return None;
    }
    let weeks_ahead = (week_start(target) - week_start(today)).num_weeks() as f64;
    let score = (current + trend.slope_per_week * weeks_ahead).clamp(0.0, 100.0);
    let x_star = trend.last_x + weeks_ahead;
    let per_week = trend.ratings.max(1) as f64 / trend.weeks as f64;
    let sd = trend.residual_sd.max(RATING_SD / per_week.sqrt());
    let se_mean = sd / (trend.weeks as f64).sqrt();
    let se_slope = sd / trend.sxx.sqrt();
    let spread = (se_mean.powi(2) + (se_slope * (x_star - trend.mean_x)).powi(2)).sqrt();
    Some(Projection {
        score,
        low: (score - spread).clamp(0.0, 100.0),
        high: (score + spread).clamp(0.0, 100.0),
        weeks_ahead,
        ratings: trend.ratings,
    })
}

/// One competency of a loop as readiness sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Weighted<'a> {
    /// Its name, for reasons.
    pub name: &'a str,
    /// How many of the loop's checklist items are about it.
    pub weight: f64,
    /// Its current score, if ever rated.
    pub current: Option<Current>,
    /// Its trend, if there is one of at least [`MIN_WEEKS_TO_PROJECT`]
    /// scored weeks (two points make a line, not a trend worth naming).
    pub slope_per_week: Option<f64>,
}

/// A loop's readiness and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Readiness {
    /// 0-100, or `None` when nothing of the loop was ever rated.
    pub score: Option<f64>,
    /// Share (0-1) of the loop's checklist weight that has been rated at all.
    pub coverage: f64,
    /// Plain sentences, most important first.
    pub reasons: Vec<String>,
}

/// `Σ weight × score / Σ weight` over the loop's competencies, a never
/// rated competency counting 0 (readiness needs evidence), with the reasons
/// that move it most.
pub fn readiness(competencies: &[Weighted<'_>], today: NaiveDate) -> Readiness {
    let total: f64 = competencies.iter().map(|c| c.weight).sum();
    let rated: Vec<&Weighted<'_>> = competencies.iter().filter(|c| c.current.is_some()).collect();
    if rated.is_empty() || total <= 0.0 {
        return Readiness {
            score: None,
            coverage: 0.0,
            reasons: vec!["Nothing rated yet: rehearse a round and rate yourself to get a first figure.".into()],
        };
    }
    let covered: f64 = rated.iter().map(|c| c.weight).sum();
    let sum: f64 = rated.iter().map(|c| c.weight * c.current.map_or(0.0, |k| k.score)).sum();
    let mut reasons = Vec::new();

    let never: Vec<&str> = competencies.iter().filter(|c| c.current.is_none()).map(|c| c.name).collect();
    if !never.is_empty() {
        reasons.push(format!(
            "Never rated: {} ({:.0}% of what this loop scores counts as 0 until you rate it).",
            never.join(", "),
            (1.0 - covered / total) * 100.0
        ));
    }
    let mut by_score = rated.clone();
    by_score.sort_by(|a, b| {
        let (x, y) = (a.current.map_or(0.0, |c| c.score), b.current.map_or(0.0, |c| c.score));
        x.total_cmp(&y).then_with(|| a.name.cmp(b.name))
    });
    let weakest: Vec<String> = by_score.iter().take(2).map(|c| describe(c)).collect();
    reasons.push(format!("Weakest: {}.", weakest.join("; ")));
    // A strongest worth naming: beyond the two weakest, and above them.
    let floor = by_score.first().and_then(|c| c.current).map_or(0.0, |c| c.score);
    if let Some(best) = by_score.last().filter(|c| by_score.len() > 2 && c.current.is_some_and(|k| k.score > floor)) {
        reasons.push(format!("Strongest: {}.", describe(best)));
    }
    let stale: Vec<String> = rated
        .iter()
        .filter_map(|c| {
            let weeks = (today - c.current?.last_day).num_weeks();
            (weeks >= STALE_AFTER_WEEKS).then(|| format!("{} ({weeks} weeks)", c.name))
        })
        .collect();
    let stale: Vec<String> = stale.into_iter().take(MAX_NAMED).collect();
    if !stale.is_empty() {
        reasons.push(format!("Not practised lately: {}.", stale.join(", ")));
    }
    for (word, sign) in [("Improving fastest", 1.0), ("Slipping", -1.0)] {
        let mut moving: Vec<(&str, f64)> = rated
            .iter()
            .filter_map(|c| Some((c.name, c.slope_per_week?)))
            .filter(|(_, slope)| slope * sign >= NOTABLE_SLOPE)
            .collect();
        // The steepest few: a reason is for reading, not a table.
        moving.sort_by(|a, b| (b.1 * sign).total_cmp(&(a.1 * sign)).then_with(|| a.0.cmp(b.0)));
        let named: Vec<String> =
            moving.iter().take(MAX_NAMED).map(|(name, s)| format!("{name} ({s:+.1} a week)")).collect();
        if !named.is_empty() {
            reasons.push(format!("{word}: {}.", named.join(", ")));
        }
    }
    Readiness { score: Some(sum / total), coverage: covered / total, reasons }
}

fn describe(c: &Weighted<'_>) -> String {
    format!("{} {:.0}", c.name, c.current.map_or(0.0, |k| k.score))
}
