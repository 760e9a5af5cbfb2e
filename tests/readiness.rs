//! The readiness model against cases computed by hand (docs/readiness.md),
//! the FSRS practice order, and the report built from a real store.

use chrono::NaiveDate;
use mockloop_core::clock::ManualClock;
use mockloop_core::readiness::model::{self, Observation, Weighted};
use mockloop_core::readiness::schedule::{self, Card};
use mockloop_core::readiness::{build, History};
use mockloop_core::session::{Action, Session};
use mockloop_core::store::Rating;
use std::sync::Arc;

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn obs(d: &str, score: f64) -> Observation {
    Observation { day: day(d), score }
}

fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-6, "{a} != {b}");
}

// 2026-11-16 is a Monday.
const MONDAY: &str = "2026-11-16";

#[test]
fn ratings_map_to_0_100() {
    let scores: Vec<Option<f64>> = (0..=5).map(model::rating_score).collect();
    assert_eq!(scores[0], None);
    close(scores[1].unwrap(), 0.0);
    close(scores[2].unwrap(), 100.0 / 3.0);
    close(scores[3].unwrap(), 200.0 / 3.0);
    close(scores[4].unwrap(), 100.0);
    assert_eq!(scores[5], None);
}

#[test]
fn no_data_is_unknown_not_zero() {
    let today = day(MONDAY);
    assert_eq!(model::current(&[], today), None);
    let weeks = model::weekly(&[], today, 4);
    assert_eq!(weeks.len(), 4);
    assert!(weeks.iter().all(|w| w.score.is_none() && w.count == 0));
    assert_eq!(model::trend(&weeks), None);
    // A rating after `today` is not evidence yet.
    assert_eq!(model::current(&[obs("2026-11-17", 100.0)], today), None);

    let r = model::readiness(&[Weighted { name: "A", weight: 2.0, current: None, slope_per_week: None }], today);
    assert_eq!(r.score, None);
    assert_eq!(r.coverage, 0.0);
    assert!(r.reasons[0].starts_with("Nothing rated yet"), "{:?}", r.reasons);
}

#[test]
fn one_week_is_a_plain_mean_and_has_no_trend() {
    let today = day("2026-11-18"); // Wednesday
    let o = [obs(MONDAY, 100.0), obs("2026-11-18", 100.0 / 3.0)];
    // Ages 2 and 0 days: weights 2^(-2/14) and 1.
    let w = (-2.0f64 / 14.0).exp2();
    let cur = model::current(&o, today).unwrap();
    close(cur.score, (w * 100.0 + 100.0 / 3.0) / (w + 1.0));
    close(cur.evidence, w + 1.0);
    assert_eq!(cur.last_day, today);
    let weeks = model::weekly(&o, today, 3);
    assert_eq!(weeks[2].week, day(MONDAY));
    assert_eq!(weeks[2].count, 2);
    close(weeks[2].score.unwrap(), (100.0 + 100.0 / 3.0) / 2.0);
    assert_eq!(model::trend(&weeks), None, "one scored week is no trend");
}

#[test]
fn older_ratings_count_half_every_two_weeks() {
    let today = day("2026-11-30");
    // 100 fourteen days ago (weight 0.5), 0 today (weight 1): 50 / 1.5.
    let cur = model::current(&[obs(MONDAY, 100.0), obs("2026-11-30", 0.0)], today).unwrap();
    close(cur.score, 100.0 / 3.0);
    close(cur.evidence, 1.5);
}

#[test]
fn a_gap_of_weeks_leaves_empty_weeks_and_a_two_point_trend() {
    let today = day("2026-12-21"); // five weeks after MONDAY
    let o = [obs(MONDAY, 40.0), obs("2026-12-21", 65.0)];
    let weeks = model::weekly(&o, today, 6);
    let scored: Vec<usize> = weeks.iter().enumerate().filter(|(_, w)| w.score.is_some()).map(|(i, _)| i).collect();
    assert_eq!(scored, vec![0, 5]);
    let t = model::trend(&weeks).unwrap();
    close(t.slope_per_week, 5.0); // (65 - 40) / 5 weeks
    assert_eq!(t.weeks, 2);
    close(t.residual_sd, 0.0);
    // Two scored weeks are too few to project.
    assert_eq!(model::project(65.0, &t, today, day("2027-01-04")), None);
    // The stale competency is named with its weeks.
    let stale = model::readiness(
        &[
            Weighted { name: "Old", weight: 1.0, current: model::current(&o[..1], today), slope_per_week: None },
            Weighted { name: "Fresh", weight: 1.0, current: model::current(&o[1..], today), slope_per_week: None },
        ],
        today,
    );
    assert!(stale.reasons.contains(&"Not practised lately: Old (5 weeks).".to_owned()), "{:?}", stale.reasons);
}

#[test]
fn trend_and_projection_match_the_hand_computation() {
    // Weeks 0, 1, 2 score 50, 60, 64: x̄ = 1, Sxx = 2, Sxy = 14, slope 7;
    // fitted 51, 58, 65, residuals -1, 2, -1, SSE 6, sd = √6.
    let today = day("2026-11-30");
    let o = [obs(MONDAY, 50.0), obs("2026-11-23", 60.0), obs("2026-11-30", 64.0)];
    let weeks = model::weekly(&o, today, 3);
    let t = model::trend(&weeks).unwrap();
    close(t.slope_per_week, 7.0);
    close(t.residual_sd, 6f64.sqrt());
    assert_eq!(t.ratings, 3);
    // Four weeks ahead from 64: 64 + 28 = 92. One rating a week is never
    // surer than RATING_SD (16.7, above √6): ± √(sd²/3 + (sd/√2 × (6 − 1))²)
    // = sd × √(1/3 + 12.5).
    let p = model::project(64.0, &t, today, day("2026-12-28")).unwrap();
    close(p.weeks_ahead, 4.0);
    close(p.score, 92.0);
    close(p.low, 92.0 - model::RATING_SD * (1.0 / 3.0 + 12.5f64).sqrt());
    close(p.high, 100.0); // clamped
    assert_eq!(p.ratings, 3);
    assert_eq!(model::project(64.0, &t, today, day("2026-11-01")), None, "a past interview has no projection");

    // Many ratings a week whose means drift far from a line: the fit's own
    // deviation is the wider, and is used.
    let mut many = Vec::new();
    for (week, score) in [(MONDAY, 40.0), ("2026-11-23", 60.0), ("2026-11-30", 50.0)] {
        many.extend(std::iter::repeat_n(obs(week, score), 9));
    }
    let t = model::trend(&model::weekly(&many, today, 3)).unwrap();
    assert_eq!(t.ratings, 27);
    assert!(t.residual_sd > model::RATING_SD / 3.0, "{t:?}");
    let p = model::project(50.0, &t, today, day("2026-12-07")).unwrap();
    close(p.score, 55.0);
    let sd = t.residual_sd;
    let spread = (sd * sd / 3.0 + (sd / 2f64.sqrt() * (3.0 - 1.0)).powi(2)).sqrt();
    close(p.high - p.score, spread);
}

#[test]
fn a_straight_line_of_few_ratings_is_not_a_certainty() {
    // Three weeks, one rating each, exactly on a line: the fit has no
    // residual, the projection still a range.
    let today = day("2026-11-30");
    let o = [obs(MONDAY, 33.3), obs("2026-11-23", 50.0), obs("2026-11-30", 66.7)];
    let t = model::trend(&model::weekly(&o, today, 3)).unwrap();
    assert!(t.residual_sd < 1e-9);
    let p = model::project(66.7, &t, today, day("2026-12-14")).unwrap();
    // 100 (clamped), and at least 30 points below that is still possible.
    assert!(p.score - p.low > 30.0, "{p:?}");
    // Two points are a line, not a trend worth a reason.
    let two = model::trend(&model::weekly(&o[1..], today, 3)).unwrap();
    assert_eq!(two.weeks, 2);
}

#[test]
fn readiness_weights_competencies_and_counts_never_rated_as_zero() {
    let today = day(MONDAY);
    let a = model::current(&[obs(MONDAY, 60.0)], today);
    let c = model::current(&[obs(MONDAY, 90.0)], today);
    let d = model::current(&[obs(MONDAY, 30.0)], today);
    let r = model::readiness(
        &[
            Weighted { name: "A", weight: 2.0, current: a, slope_per_week: Some(3.0) },
            Weighted { name: "B", weight: 1.0, current: None, slope_per_week: None },
            Weighted { name: "C", weight: 1.0, current: c, slope_per_week: Some(-2.5) },
            Weighted { name: "D", weight: 1.0, current: d, slope_per_week: Some(0.5) },
        ],
        today,
    );
    // (2×60 + 0 + 90 + 30) / 5 = 48; rated weight 4 of 5.
    close(r.score.unwrap(), 48.0);
    close(r.coverage, 0.8);
    assert_eq!(
        r.reasons,
        vec![
            "Never rated: B (20% of what this loop scores counts as 0 until you rate it).".to_owned(),
            "Weakest: D 30; A 60.".to_owned(),
            "Strongest: C 90.".to_owned(),
            "Improving fastest: A (+3.0 a week).".to_owned(),
            "Slipping: C (-2.5 a week).".to_owned(),
        ]
    );
}

#[test]
fn practice_order_puts_weak_and_forgotten_questions_first() {
    let today = day("2026-11-30");
    let card = |id: &'static str, score: Option<f64>, reviews: Vec<(NaiveDate, u8)>| Card {
        question_id: id,
        kind: "k",
        text: id,
        competencies: vec![("c", "C", score)],
        reviews,
    };
    let cards = [
        card("fresh-strong", Some(90.0), vec![(today, 4)]),
        card("new-weak", Some(20.0), vec![]),
        card("forgotten", Some(90.0), vec![(day("2026-09-01"), 1)]),
        card("new-unrated", None, vec![]),
        card("good-today", Some(50.0), vec![(today, 3)]),
    ];
    let list = schedule::next_practice(&cards, today);
    let order: Vec<&str> = list.iter().map(|n| n.question_id.as_str()).collect();
    // Priority = weakness + (1 − retrievability), new = never retrieved:
    // new-unrated 2.0, new-weak 1.8, forgotten 0.1 + (1 − R(90 days after "again")),
    // good-today 0.5 + 0, fresh-strong 0.1 + 0.
    assert_eq!(order, vec!["new-unrated", "new-weak", "forgotten", "good-today", "fresh-strong"]);
    let good = &list[3];
    close(good.retrievability.unwrap(), 1.0);
    close(good.priority, 0.5);
    // FSRS's first "good" gives a stability of about 2.3 days: due in two.
    assert_eq!(good.due, Some(day("2026-12-02")));
    assert!(good.reason.contains("due in 2 days"), "{}", good.reason);
    let forgotten = &list[2];
    assert!(forgotten.retrievability.unwrap() < 0.5, "{:?}", forgotten.retrievability);
    assert!(forgotten.due.unwrap() < today);
    assert!(list[0].reason.starts_with("New to you; C never rated"), "{}", list[0].reason);
    assert_eq!(schedule::grade(2.49), 2);
    assert_eq!(schedule::grade(2.5), 3);
    assert_eq!(schedule::grade(0.2), 1);
}

#[test]
fn report_from_a_rated_round_in_a_real_store() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Session::open(dir.path(), Arc::new(ManualClock::new())).unwrap();
    let view = s.start("microsoft-pm", Some("estimation"), false, 2).unwrap();
    s.act(Action::Next).unwrap(); // main answer ends: a review of the question
    s.act(Action::FinishRound).unwrap();
    let ratings: Vec<Rating> =
        view.checklist.iter().map(|i| Rating { item_id: i.id.clone(), competency: String::new(), rating: 3 }).collect();
    s.save_assessment(None, &ratings, &[], "").unwrap();

    let history = History::load(s.store()).unwrap();
    assert_eq!(history.ratings.len(), ratings.len());
    assert_eq!(history.answers.len(), 1, "one main answer");
    let today = history.ratings[0].0;
    let report = build(s.catalog(), &history, today, None, 4);
    let pm = report.loops.iter().find(|l| l.id == "microsoft-pm").unwrap();
    let rated: Vec<_> = pm.competencies.iter().filter(|c| c.current.is_some()).collect();
    assert!(!rated.is_empty());
    for c in &rated {
        close(c.current.unwrap().score, 200.0 / 3.0); // every item "solid"
    }
    let readiness = pm.readiness.score.unwrap();
    assert!(readiness > 0.0 && readiness < 200.0 / 3.0, "unrated competencies pull it down: {readiness}");
    assert!(pm.readiness.reasons[0].starts_with("Never rated:"), "{:?}", pm.readiness.reasons);
    // The answered question is scheduled, the rest are new.
    let answered = pm.next.iter().find(|n| n.question_id == view.question_id).unwrap();
    assert_eq!(answered.reviews, 1);
    assert!(answered.due.is_some());
    assert_eq!(pm.next.iter().filter(|n| n.reviews == 0).count(), pm.next.len() - 1);
    let pmm = report.loops.iter().find(|l| l.id == "microsoft-pmm").unwrap();
    assert_eq!(pmm.readiness.score, None);
    assert!(report.volume.last().unwrap().rounds == 1);
}

#[test]
fn today_offers_a_warm_up_first_then_the_questions_due() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Session::open(dir.path(), Arc::new(ManualClock::new())).unwrap();
    let today = day("2026-11-30");
    let report = |s: &Session| build(s.catalog(), &History::load(s.store()).unwrap(), today, None, 1);

    // Nothing rated: a warm-up of the first question of three kinds of round, nothing due.
    let t = mockloop_core::readiness::today::today(s.catalog(), &report(&s), None).unwrap();
    assert_eq!(t.due, None);
    let warm = t.warm_up.unwrap();
    assert_eq!(warm.loop_id, "microsoft-pm", "the first loop, with none rehearsed");
    let lp = s.catalog().get("microsoft-pm").unwrap().clone();
    let kinds: Vec<&str> = warm.question_ids.iter().map(|id| lp.question(id).unwrap().kind.as_str()).collect();
    assert_eq!(kinds.len(), 3);
    assert!(kinds[0] != kinds[1] && kinds[1] != kinds[2] && kinds[0] != kinds[2], "{kinds:?}");
    // Its minutes are its run's clocks.
    let plan = mockloop_core::rehearsal::RunPlan::practice(&lp, &warm.question_ids, 0).unwrap();
    let ms: i64 = plan.rounds.iter().map(|r| r.round_ms).sum();
    assert_eq!(i64::from(warm.minutes), (ms + 59_999) / 60_000);
    assert!(!warm.competencies.is_empty());

    // The PMM loop asked for by name, rated once: its most urgent questions are due.
    let view = s.start("microsoft-pmm", None, false, 2).unwrap();
    s.act(Action::Next).unwrap();
    s.act(Action::FinishRound).unwrap();
    let ratings: Vec<Rating> =
        view.checklist.iter().map(|i| Rating { item_id: i.id.clone(), competency: String::new(), rating: 2 }).collect();
    s.save_assessment(None, &ratings, &[], "").unwrap();
    let r = report(&s);
    let t = mockloop_core::readiness::today::today(s.catalog(), &r, Some("microsoft-pmm")).unwrap();
    let due = t.due.expect("questions are due once something is rated");
    let pmm = r.loops.iter().find(|l| l.id == "microsoft-pmm").unwrap();
    let urgent: Vec<&str> = pmm.next.iter().take(3).map(|n| n.question_id.as_str()).collect();
    assert_eq!(due.question_ids, urgent);
    assert_eq!(due.loop_title, "Microsoft Product Marketing Manager loop");
    // An unknown loop falls back to the first.
    let t = mockloop_core::readiness::today::today(s.catalog(), &r, Some("gone")).unwrap();
    assert_eq!(t.warm_up.unwrap().loop_id, "microsoft-pm");
}

#[test]
fn practice_run_asks_exactly_the_chosen_questions() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Session::open(dir.path(), Arc::new(ManualClock::new())).unwrap();
    let lp = s.catalog().get("microsoft-pm").unwrap().clone();
    let estimation = lp.bank("estimation").next().unwrap().id.clone();
    let screen = lp.bank("screen").next().unwrap().id.clone();
    let view = s.start_practice("microsoft-pm", &[estimation.clone(), "no-such".into(), screen.clone()], 1).unwrap();
    // Rounds follow the loop's order: the screen comes before estimation.
    assert_eq!(view.round_count, 2);
    assert_eq!(view.question_id, screen);
    assert_eq!(view.question_count, 1);
    assert_eq!(s.store().recent_runs(1).unwrap()[0].loop_title, "Practice: Microsoft Product Manager loop");
    let err = s.start_practice("microsoft-pm", &["no-such".into()], 1).unwrap_err();
    assert_eq!(err.to_string(), "none of those questions is in loop \"microsoft-pm\"");
}

#[test]
fn no_strongest_when_every_score_is_the_same() {
    let today = day(MONDAY);
    let same = model::current(&[obs(MONDAY, 200.0 / 3.0)], today);
    let all: Vec<Weighted<'_>> = ["A", "B", "C"]
        .iter()
        .map(|name| Weighted { name, weight: 1.0, current: same, slope_per_week: None })
        .collect();
    let r = model::readiness(&all, today);
    assert_eq!(r.reasons, vec!["Weakest: A 67; B 67.".to_owned()]);
}

#[test]
fn a_sample_history_gives_honest_projections_and_names_no_two_point_trend() {
    // Six weeks of sample practice (the dashboard's demo), an interview
    // three weeks on.
    let dir = tempfile::tempdir().unwrap();
    let lock = mockloop_core::lock::DataLock::acquire(dir.path(), "the readiness tests").unwrap();
    let mut store = mockloop_core::store::Store::open_in(&lock).unwrap();
    let catalog = mockloop_core::loops::Catalog::load(None);
    let end = day("2026-11-30");
    let options = mockloop_core::demo::DemoOptions { weeks: 6, seed: 1, end };
    mockloop_core::demo::generate(&mut store, &catalog, options, false).unwrap();
    let report = build(&catalog, &History::load(&store).unwrap(), end, Some(day("2026-12-21")), 12);
    let mut projected = 0;
    for lp in &report.loops {
        for c in &lp.competencies {
            if let Some(p) = c.projection {
                projected += 1;
                // Never a range of zero width, and it says what it rests on.
                assert!(p.high - p.low > 1.0, "{} {}: {p:?}", lp.id, c.name);
                assert_eq!(p.ratings, c.trend.unwrap().ratings);
                assert!(p.ratings >= model::MIN_WEEKS_TO_PROJECT);
            }
        }
        // A trend named in a reason stands on three weeks or more.
        for reason in lp.readiness.reasons.iter().filter(|r| r.starts_with("Improving") || r.starts_with("Slipping")) {
            for c in lp.competencies.iter().filter(|c| reason.contains(&format!("{} (", c.name))) {
                let weeks = c.trend.map_or(0, |t| t.weeks);
                assert!(weeks >= model::MIN_WEEKS_TO_PROJECT, "{reason}: {} has {weeks} weeks", c.name);
            }
        }
    }
    assert!(projected > 0, "the sample history projects something");
    let md = mockloop_core::readiness::to_markdown(&report);
    assert!(md.contains(" ratings)"), "{md}");
}
