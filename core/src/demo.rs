//! Sample history: weeks of plausible practice written into a data dir, so
//! a new user can see the dashboard before weeks of their own practice, and
//! the readiness benchmark has data. Deterministic for a seed and an end
//! day. It writes through the same store calls a real run makes, with the
//! engine stepping through real plans; it only makes up the answers' lengths
//! and the ratings.

use crate::loops::Catalog;
use crate::rehearsal::{Phase, Rehearsal, RunEvent, RunPlan, Thresholds};
use crate::rng::SplitMix64 as Rng;
use crate::store::{Rating, Store, StoreError};
use chrono::{DateTime, Duration as Days, NaiveDate, NaiveTime, Utc};
use std::time::Duration;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct DemoOptions {
    /// Weeks of history, ending on `end`.
    pub weeks: u32,
    /// The same seed and end give the same history.
    pub seed: u64,
    /// The last day of practice.
    pub end: NaiveDate,
}

/// What was generated.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct DemoSummary {
    /// Runs written.
    pub runs: usize,
    /// Rounds rehearsed.
    pub rounds: usize,
    /// Checklist ratings given.
    pub ratings: usize,
}

/// Why sample history was not written.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The data dir already has rehearsals in it.
    #[error("{0} already holds rehearsals; sample history never mixes with real data: name an empty folder with --data-dir, or pass --into-existing")]
    NotEmpty(String),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Writes the history into `store`. Refuses a store that already has runs
/// unless `into_existing`.
pub fn generate(
    store: &mut Store,
    catalog: &Catalog,
    options: DemoOptions,
    into_existing: bool,
) -> Result<DemoSummary, DemoError> {
    if !into_existing && !store.recent_runs(1)?.is_empty() {
        return Err(DemoError::NotEmpty(store.path().display().to_string()));
    }
    // Sample history can be made again from its seed: no need to sync each step.
    store.relax_durability_for_sample_data()?;
    let mut rng = Rng(options.seed);
    let mut summary = DemoSummary::default();
    let days = i64::from(options.weeks) * 7;
    let first = options.end - Days::days(days - 1);
    // Each competency of each loop: where the candidate starts (on the 1-4
    // scale) and how much they gain over the whole period.
    let skills: Vec<Vec<(f64, f64)>> = catalog
        .loops
        .iter()
        .map(|lp| lp.competencies.iter().map(|_| (1.3 + rng.unit() * 1.2, 0.6 + rng.unit() * 1.6)).collect())
        .collect();
    for d in 0..days {
        let day = first + Days::days(d);
        let weekend = matches!(chrono::Datelike::weekday(&day), chrono::Weekday::Sat | chrono::Weekday::Sun);
        if rng.unit() > if weekend { 0.35 } else { 0.7 } {
            continue;
        }
        let progress = d as f64 / days.max(1) as f64;
        let l = rng.below(catalog.loops.len());
        let lp = &catalog.loops[l];
        // Mostly single rounds; now and then the whole loop.
        let plan = if rng.unit() < 0.08 {
            RunPlan::whole_loop(lp, rng.unit() < 0.5, rng.next())
        } else {
            let round = &lp.rounds[rng.below(lp.rounds.len())];
            match RunPlan::single_round(lp, &round.id, rng.next()) {
                Ok(plan) => plan,
                Err(_) => continue,
            }
        };
        // Evenings, at a minute that varies.
        let start_time = NaiveTime::from_hms_opt(18, 0, 0).unwrap_or_default() + Days::minutes(rng.below(180) as i64);
        let mut at: DateTime<Utc> = day.and_time(start_time).and_utc();
        let mut now = Duration::ZERO;
        let mut engine = Rehearsal::start(plan, Thresholds::default(), now);
        let run_id = store.create_run(lp, &engine, at)?;
        summary.runs += 1;
        while engine.phase() != Phase::Finished {
            if engine.phase() == Phase::Answering {
                // An answer takes 60% to 130% of the time given.
                let budget = engine.answer_budget_ms().max(1000) as f64;
                let used = Duration::from_millis((budget * (0.6 + 0.7 * rng.unit())) as u64);
                now += used;
                at += Days::milliseconds(used.as_millis() as i64);
            }
            let position = engine.position().round;
            let events = engine.next(now);
            // The same one-transaction step a real run saves.
            store.save_progress(run_id, &events, &engine.snapshot(now), at)?;
            if events.iter().any(|e| matches!(e, RunEvent::RoundEnded { .. })) {
                summary.rounds += 1;
                let ratings = rate_round(lp, &engine, position, &skills[l], progress, &mut rng);
                summary.ratings += ratings.len();
                store.save_assessment(run_id, position, &ratings, &[], "", at)?;
            }
        }
    }
    Ok(summary)
}

/// Ratings for the round just ended: each item near the candidate's skill
/// in its competency at this point of the period, with a bad or good day
/// now and then.
fn rate_round(
    lp: &crate::loops::Loop,
    engine: &Rehearsal,
    position: usize,
    skills: &[(f64, f64)],
    progress: f64,
    rng: &mut Rng,
) -> Vec<Rating> {
    let Some(round) = engine.plan().rounds.get(position).and_then(|p| lp.round(&p.round_id)) else {
        return Vec::new();
    };
    let day_form = rng.gauss() * 0.35;
    round
        .checklist
        .iter()
        .map(|item| {
            let (start, gain) = lp
                .competencies
                .iter()
                .position(|c| c.id == item.competency)
                .and_then(|i| skills.get(i))
                .copied()
                .unwrap_or((2.0, 1.0));
            let level = start + gain * progress + day_form + rng.gauss() * 0.45;
            Rating {
                item_id: item.id.clone(),
                competency: item.competency.clone(),
                rating: level.round().clamp(1.0, 4.0) as u8,
            }
        })
        .collect()
}
