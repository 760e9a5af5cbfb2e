//! The readiness report: every figure the dashboard and `mockloop report`
//! show, built once from the stored history and the loops. The window and
//! the CLI serialise the same [`Report`], so they never disagree.

use super::model::{self, Current, Observation, Projection, Readiness, Trend, WeekPoint, Weighted};
use super::schedule::{self, Card, NextItem};
use crate::analysis;
use crate::loops::{Catalog, Loop};
use crate::store::{AnswerEvent, DeliveryEvent, RatingEvent, RoundEvent, Store, StoreError};
use chrono::{DateTime, Local, NaiveDate, Utc};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// How many weakest competencies a loop's report names.
pub const WEAKEST: usize = 3;

/// The stored history, each event placed on the user's calendar day.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// Ratings with their day.
    pub ratings: Vec<(NaiveDate, RatingEvent)>,
    /// Main answers with their day.
    pub answers: Vec<(NaiveDate, AnswerEvent)>,
    /// Rounds ended, with their day.
    pub rounds: Vec<(NaiveDate, RoundEvent)>,
    /// Analysed takes, with their day.
    pub deliveries: Vec<(NaiveDate, DeliveryEvent)>,
}

impl History {
    /// Reads everything from the store; days are in the local time zone.
    pub fn load(store: &Store) -> Result<Self, StoreError> {
        let day = |at: &DateTime<Utc>| at.with_timezone(&Local).date_naive();
        let stored = store.history()?;
        Ok(Self {
            ratings: stored.ratings.into_iter().map(|e| (day(&e.at), e)).collect(),
            answers: stored.answers.into_iter().map(|e| (day(&e.at), e)).collect(),
            rounds: stored.rounds.into_iter().map(|e| (day(&e.at), e)).collect(),
            deliveries: stored.deliveries.into_iter().map(|e| (day(&e.at), e)).collect(),
        })
    }
}

/// One competency of a loop.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CompetencyReport {
    /// Its id in the loop.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Checklist items of the loop about it: its weight in readiness.
    pub weight: usize,
    /// Current score (`None`: never rated).
    pub current: Option<Current>,
    /// One point a week, oldest first.
    pub weekly: Vec<WeekPoint>,
    /// Least-squares trend of the weekly points.
    pub trend: Option<Trend>,
    /// Projected to the interview date.
    pub projection: Option<Projection>,
}

/// One round kind of a loop (screen, estimation, ...).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct KindReport {
    /// The kind.
    pub kind: String,
    /// The title of the loop's first round of this kind.
    pub title: String,
    /// Current score over every rating given in rounds of this kind.
    pub current: Option<Current>,
    /// One point a week.
    pub weekly: Vec<WeekPoint>,
}

/// One loop's readiness.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LoopReport {
    /// Loop id.
    pub id: String,
    /// Loop title.
    pub title: String,
    /// The figure and its reasons.
    pub readiness: Readiness,
    /// Competencies in the loop's order.
    pub competencies: Vec<CompetencyReport>,
    /// Round kinds in the loop's order.
    pub round_kinds: Vec<KindReport>,
    /// Ids of the weakest competencies, never rated first.
    pub weakest: Vec<String>,
    /// Every question of the loop, most urgent to practise first.
    pub next: Vec<NextItem>,
}

/// Practice volume in one week, over every loop.
#[derive(Debug, Clone, Copy, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VolumeWeek {
    /// Monday of the week.
    pub week: NaiveDate,
    /// Minutes spent answering (main answers and probes).
    pub minutes: f64,
    /// Rounds finished.
    pub rounds: usize,
}

/// How the week's answers sounded (takes in which something was said).
#[derive(Debug, Clone, Copy, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DeliveryWeek {
    /// Monday of the week.
    pub week: NaiveDate,
    /// Takes with speech.
    pub takes: usize,
    /// Median estimated words a minute.
    pub words_per_minute: Option<f64>,
    /// Pauses of a second or more, per take.
    pub long_pauses_per_take: Option<f64>,
    /// Median time to the first word, in seconds.
    pub first_speech_seconds: Option<f64>,
    /// Takes with a transcript.
    pub transcribed: usize,
    /// Fillers a minute of speaking time, over the takes with a transcript.
    pub fillers_per_minute: Option<f64>,
    /// Words a minute counted from the transcripts (median).
    pub words_per_minute_counted: Option<f64>,
}

/// Everything the dashboard shows.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Report {
    /// The day the figures are for.
    pub today: NaiveDate,
    /// The interview date, if set.
    pub target_date: Option<NaiveDate>,
    /// Days from today to it.
    pub days_left: Option<i64>,
    /// Weeks in each series.
    pub weeks: usize,
    /// Ratings ever given.
    pub ratings: usize,
    /// Per week, all loops.
    pub volume: Vec<VolumeWeek>,
    /// Per week, how the answers sounded.
    pub delivery: Vec<DeliveryWeek>,
    /// The pace a coach would call comfortable (words a minute, low and
    /// high), the band the dashboard draws.
    pub comfortable_wpm: [f64; 2],
    /// Per loop.
    pub loops: Vec<LoopReport>,
}

/// Builds the report for `today` over the last `weeks` weeks.
pub fn build(
    catalog: &Catalog,
    history: &History,
    today: NaiveDate,
    target: Option<NaiveDate>,
    weeks: usize,
) -> Report {
    let weeks = weeks.max(1);
    // Each round's self-assessment as an FSRS grade for its answers.
    let mut round_ratings: HashMap<(i64, usize), (f64, usize)> = HashMap::new();
    for (_, r) in &history.ratings {
        let slot = round_ratings.entry((r.run_id, r.position)).or_default();
        slot.0 += f64::from(r.rating);
        slot.1 += 1;
    }
    let grades: HashMap<(i64, usize), u8> =
        round_ratings.into_iter().map(|(k, (sum, n))| (k, schedule::grade(sum / n as f64))).collect();

    let loops = catalog.loops.iter().map(|lp| loop_report(lp, history, &grades, today, target, weeks)).collect();
    Report {
        today,
        target_date: target,
        days_left: target.map(|t| (t - today).num_days()),
        weeks,
        ratings: history.ratings.len(),
        volume: volume(history, today, weeks),
        delivery: delivery(history, today, weeks),
        comfortable_wpm: [analysis::COMFORTABLE_WPM.0, analysis::COMFORTABLE_WPM.1],
        loops,
    }
}

fn observations<'a>(ratings: impl Iterator<Item = &'a (NaiveDate, RatingEvent)>) -> Vec<Observation> {
    ratings.filter_map(|(day, r)| model::rating_score(r.rating).map(|score| Observation { day: *day, score })).collect()
}

fn loop_report(
    lp: &Loop,
    history: &History,
    grades: &HashMap<(i64, usize), u8>,
    today: NaiveDate,
    target: Option<NaiveDate>,
    weeks: usize,
) -> LoopReport {
    let mine: Vec<&(NaiveDate, RatingEvent)> = history.ratings.iter().filter(|(_, r)| r.loop_id == lp.id).collect();
    let competencies: Vec<CompetencyReport> = lp
        .competencies
        .iter()
        .map(|c| {
            let obs = observations(mine.iter().copied().filter(|(_, r)| r.competency == c.id));
            let current = model::current(&obs, today);
            let weekly = model::weekly(&obs, today, weeks);
            let trend = model::trend(&weekly);
            let projection = match (current, trend, target) {
                (Some(cur), Some(tr), Some(t)) => model::project(cur.score, &tr, today, t),
                _ => None,
            };
            let weight = lp.rounds.iter().flat_map(|r| &r.checklist).filter(|i| i.competency == c.id).count();
            CompetencyReport { id: c.id.clone(), name: c.name.clone(), weight, current, weekly, trend, projection }
        })
        .collect();

    let weighted: Vec<Weighted<'_>> = competencies
        .iter()
        .filter(|c| c.weight > 0)
        .map(|c| Weighted {
            name: &c.name,
            weight: c.weight as f64,
            current: c.current,
            slope_per_week: c.trend.filter(|t| t.weeks >= model::MIN_WEEKS_TO_PROJECT).map(|t| t.slope_per_week),
        })
        .collect();
    let readiness = model::readiness(&weighted, today);

    let mut kinds: Vec<&str> = Vec::new();
    for r in &lp.rounds {
        if !kinds.contains(&r.kind.as_str()) {
            kinds.push(&r.kind);
        }
    }
    let round_kinds = kinds
        .iter()
        .map(|kind| {
            let obs = observations(mine.iter().copied().filter(|(_, r)| r.round_kind == *kind));
            KindReport {
                kind: (*kind).to_owned(),
                title: lp.rounds.iter().find(|r| r.kind == *kind).map(|r| r.title.clone()).unwrap_or_default(),
                current: model::current(&obs, today),
                weekly: model::weekly(&obs, today, weeks),
            }
        })
        .collect();

    let mut by_weakness: Vec<&CompetencyReport> = competencies.iter().filter(|c| c.weight > 0).collect();
    by_weakness.sort_by(|a, b| {
        let key = |c: &CompetencyReport| c.current.map_or(-1.0, |k| k.score);
        key(a).total_cmp(&key(b)).then_with(|| a.id.cmp(&b.id))
    });
    let weakest = by_weakness.iter().take(WEAKEST).map(|c| c.id.clone()).collect();

    let scores: HashMap<&str, (&str, Option<f64>)> =
        competencies.iter().map(|c| (c.id.as_str(), (c.name.as_str(), c.current.map(|k| k.score)))).collect();
    let mut reviews: HashMap<&str, Vec<(NaiveDate, u8)>> = HashMap::new();
    for (day, a) in history.answers.iter().filter(|(_, a)| a.loop_id == lp.id) {
        if let Some(&g) = grades.get(&(a.run_id, a.position)) {
            reviews.entry(a.question_id.as_str()).or_default().push((*day, g));
        }
    }
    let cards: Vec<Card<'_>> = lp
        .questions
        .iter()
        .map(|q| {
            let ids: BTreeSet<&str> = lp
                .rounds
                .iter()
                .filter(|r| r.kind == q.kind)
                .flat_map(|r| r.competencies.iter().map(String::as_str))
                .collect();
            Card {
                question_id: &q.id,
                kind: &q.kind,
                text: &q.text,
                competencies: ids
                    .into_iter()
                    .map(|id| {
                        let (name, score) = scores.get(id).copied().unwrap_or((id, None));
                        (id, name, score)
                    })
                    .collect(),
                reviews: reviews.remove(q.id.as_str()).unwrap_or_default(),
            }
        })
        .collect();
    let next = schedule::next_practice(&cards, today);

    LoopReport { id: lp.id.clone(), title: lp.title.clone(), readiness, competencies, round_kinds, weakest, next }
}

/// The Monday of the first of `weeks` weeks ending with `today`'s, and a
/// day's index among them (`None` outside them or after today).
fn week_slots(today: NaiveDate, weeks: usize) -> (NaiveDate, impl Fn(NaiveDate) -> Option<usize>) {
    let first = model::week_start(today) - chrono::Duration::weeks(weeks as i64 - 1);
    let slot = move |day: NaiveDate| -> Option<usize> {
        if day > today {
            return None;
        }
        usize::try_from((model::week_start(day) - first).num_weeks()).ok().filter(|&i| i < weeks)
    };
    (first, slot)
}

fn volume(history: &History, today: NaiveDate, weeks: usize) -> Vec<VolumeWeek> {
    let (first, slot) = week_slots(today, weeks);
    let mut out: Vec<VolumeWeek> = (0..weeks)
        .map(|i| VolumeWeek { week: first + chrono::Duration::weeks(i as i64), minutes: 0.0, rounds: 0 })
        .collect();
    for (day, a) in &history.answers {
        if let Some(i) = slot(*day) {
            out[i].minutes += a.used_ms as f64 / 60_000.0;
        }
    }
    for (day, _) in &history.rounds {
        if let Some(i) = slot(*day) {
            out[i].rounds += 1;
        }
    }
    out
}

fn delivery(history: &History, today: NaiveDate, weeks: usize) -> Vec<DeliveryWeek> {
    let (first, slot) = week_slots(today, weeks);
    let mut takes: Vec<Vec<&analysis::Delivery>> = vec![Vec::new(); weeks];
    let mut heard: Vec<Vec<(f64, u32, u32)>> = vec![Vec::new(); weeks];
    for (day, e) in &history.deliveries {
        if let (Some(i), Some(_)) = (slot(*day), e.delivery.first_speech_seconds) {
            takes[i].push(&e.delivery);
            if let Some((words, fillers)) = e.transcript {
                heard[i].push((e.delivery.speaking_seconds, words, fillers));
            }
        }
    }
    takes
        .into_iter()
        .enumerate()
        .map(|(i, week)| DeliveryWeek {
            week: first + chrono::Duration::weeks(i as i64),
            takes: week.len(),
            words_per_minute: analysis::median(week.iter().map(|d| d.words_per_minute_estimate).collect()),
            long_pauses_per_take: (!week.is_empty())
                .then(|| week.iter().map(|d| f64::from(d.long_pauses)).sum::<f64>() / week.len() as f64),
            first_speech_seconds: analysis::median(week.iter().filter_map(|d| d.first_speech_seconds).collect()),
            transcribed: heard[i].len(),
            fillers_per_minute: {
                let minutes: f64 = heard[i].iter().map(|h| h.0).sum::<f64>() / 60.0;
                (minutes > 0.0).then(|| heard[i].iter().map(|h| f64::from(h.2)).sum::<f64>() / minutes)
            },
            words_per_minute_counted: analysis::median(
                heard[i].iter().filter(|h| h.0 > 0.0).map(|h| f64::from(h.1) * 60.0 / h.0).collect(),
            ),
        })
        .collect()
}

/// The report as Markdown, for reading in a terminal or pasting.
pub fn to_markdown(report: &Report) -> String {
    use std::fmt::Write;
    let mut md = String::new();
    let _ = writeln!(md, "# Readiness on {}", report.today);
    match (report.target_date, report.days_left) {
        (Some(t), Some(d)) if d >= 0 => {
            let _ = writeln!(md, "\nInterview on {t}: {d} day{} left.", if d == 1 { "" } else { "s" });
        }
        (Some(t), _) => {
            let _ = writeln!(md, "\nThe interview date ({t}) has passed.");
        }
        _ => {
            let _ = writeln!(md, "\nNo interview date set (`--target YYYY-MM-DD`, or Settings in the app).");
        }
    }
    let minutes: f64 = report.volume.iter().map(|v| v.minutes).sum();
    let rounds: usize = report.volume.iter().map(|v| v.rounds).sum();
    let _ = writeln!(
        md,
        "\nLast {} weeks: {minutes:.0} minutes answering, {rounds} rounds, {} ratings in all.",
        report.weeks, report.ratings
    );
    let heard: Vec<&DeliveryWeek> = report.delivery.iter().filter(|w| w.takes > 0).collect();
    if !heard.is_empty() {
        let [low, high] = report.comfortable_wpm;
        let _ = writeln!(
            md,
            "\n## How the answers sounded\n\nA comfortable pace is about {low:.0}-{high:.0} words a minute. Words a minute \
             are counted from the transcripts in weeks that have them, else estimated from syllables; \
             fillers need transcripts (English only).\n\n\
             | week | takes | words a minute | fillers a minute | pauses over 1 s a take | first word after |\n\
             |---|---|---|---|---|---|"
        );
        let or_dash = |v: Option<f64>, f: &dyn Fn(f64) -> String| v.map_or_else(|| "–".to_owned(), f);
        for w in heard {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} |",
                w.week,
                w.takes,
                or_dash(w.words_per_minute_counted.or(w.words_per_minute), &|v| format!("{v:.0}")),
                or_dash(w.fillers_per_minute, &|v| format!("{v:.1}")),
                or_dash(w.long_pauses_per_take, &|v| format!("{v:.1}")),
                or_dash(w.first_speech_seconds, &|v| format!("{v:.1} s")),
            );
        }
    }
    for lp in &report.loops {
        let figure = lp.readiness.score.map_or_else(|| "unknown".to_owned(), |s| format!("{s:.0}/100"));
        let _ = writeln!(md, "\n## {}: readiness {figure}\n", lp.title);
        for reason in &lp.readiness.reasons {
            let _ = writeln!(md, "- {reason}");
        }
        let _ = writeln!(md, "\n| competency | now | trend a week | by the interview |\n|---|---|---|---|");
        for c in lp.competencies.iter().filter(|c| c.weight > 0) {
            let now = c.current.map_or_else(|| "never rated".to_owned(), |k| format!("{:.0}", k.score));
            let trend = c.trend.map_or_else(
                || "–".to_owned(),
                |t| match t.weeks {
                    w if w < model::MIN_WEEKS_TO_PROJECT => format!("{:+.1} ({w} weeks only)", t.slope_per_week),
                    _ => format!("{:+.1}", t.slope_per_week),
                },
            );
            let proj = c.projection.map_or_else(
                || "–".to_owned(),
                |p| format!("{:.0} ({:.0}–{:.0}, {} ratings)", p.score, p.low, p.high, p.ratings),
            );
            let _ = writeln!(md, "| {} | {now} | {trend} | {proj} |", c.name);
        }
        let _ = writeln!(md, "\nPractise next:\n");
        for (i, item) in lp.next.iter().take(5).enumerate() {
            let _ = writeln!(md, "{}. {} _({})_", i + 1, item.question, item.reason);
        }
    }
    md
}
