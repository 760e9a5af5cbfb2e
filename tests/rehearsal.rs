//! The rehearsal engine, stepped with a manual clock.

use mockloop_core::clock::{Clock, ManualClock};
use mockloop_core::loops::parse::parse_loop;
use mockloop_core::loops::{Catalog, LoopSource};
use mockloop_core::rehearsal::{Phase, Rehearsal, RunEvent, RunPlan, Thresholds, Timer};
use std::time::Duration;

fn tiny() -> mockloop_core::loops::Loop {
    parse_loop("t.toml", include_str!("fixtures/minimal.toml"), LoopSource::Builtin).unwrap()
}

const fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

#[test]
fn plan_is_deterministic_for_a_seed_and_spans_the_loop() {
    let catalog = Catalog::load(None);
    let pm = catalog.get("microsoft-pm").unwrap();
    let a = RunPlan::whole_loop(pm, false, 42);
    let b = RunPlan::whole_loop(pm, false, 42);
    assert_eq!(a, b);
    let ids: Vec<&str> = a.rounds.iter().map(|r| r.round_id.as_str()).collect();
    assert!(!ids.contains(&"behavioural-2"), "optional round left out: {ids:?}");
    assert_eq!(RunPlan::whole_loop(pm, true, 42).rounds.len(), pm.rounds.len());
    let seeds_differ = (0..20).any(|s| RunPlan::whole_loop(pm, false, s).rounds[0].questions != a.rounds[0].questions);
    assert!(seeds_differ, "different seeds draw different questions");
}

#[test]
fn rounds_sharing_a_bank_do_not_repeat_questions() {
    let catalog = Catalog::load(None);
    let pmm = catalog.get("microsoft-pmm").unwrap();
    for seed in 0..50 {
        let plan = RunPlan::whole_loop(pmm, true, seed);
        let mut asked: Vec<&str> =
            plan.rounds.iter().flat_map(|r| r.questions.iter().map(|q| q.question_id.as_str())).collect();
        let total = asked.len();
        asked.sort_unstable();
        asked.dedup();
        assert_eq!(asked.len(), total, "seed {seed} repeated a question");
    }
}

#[test]
fn single_round_plan_and_unknown_round() {
    let lp = tiny();
    let plan = RunPlan::single_round(&lp, "deep", 1).unwrap();
    assert_eq!(plan.rounds.len(), 1);
    assert_eq!(plan.rounds[0].round_id, "deep");
    let err = RunPlan::single_round(&lp, "nope", 1).unwrap_err();
    assert_eq!(err.to_string(), "loop \"tiny\" has no round \"nope\"");
}

#[test]
fn walks_answer_probes_assessment_and_rounds() {
    let lp = tiny();
    let clock = ManualClock::new();
    let plan = RunPlan::whole_loop(&lp, true, 7);
    let mut run = Rehearsal::start(plan, Thresholds::default(), clock.now());
    assert_eq!(run.phase(), Phase::Answering);
    assert_eq!(run.answer_remaining_ms(clock.now()), 60_000);
    assert_eq!(run.round_remaining_ms(clock.now()), 600_000);

    clock.advance(secs(50));
    let events = run.next(clock.now());
    assert_eq!(
        events,
        vec![RunEvent::AnswerEnded {
            round: 0,
            question_id: "q-screen-1".into(),
            probe: None,
            used_ms: 50_000,
            given_ms: 60_000
        }]
    );
    assert_eq!(run.position().probe, Some(0));
    assert_eq!(run.answer_remaining_ms(clock.now()), 30_000, "a probe gets probe_seconds");
    assert_eq!(run.round_remaining_ms(clock.now()), 550_000, "the round clock keeps running");

    clock.advance(secs(10));
    run.next(clock.now());
    assert_eq!(run.position().probe, Some(1));
    clock.advance(secs(10));
    let events = run.next(clock.now());
    assert_eq!(run.phase(), Phase::Assessing, "one question fits a 10-minute round of 1-minute answers? {events:?}");
    assert!(
        matches!(events.last(), Some(RunEvent::RoundEnded { round: 0, used_ms: 70_000, given_ms: 600_000 })),
        "{events:?}"
    );

    clock.advance(secs(300));
    assert_eq!(run.round_remaining_ms(clock.now()), 530_000, "assessment time is not interview time");
    assert!(run.next(clock.now()).is_empty());
    assert_eq!(run.phase(), Phase::Answering);
    assert_eq!(run.position().round, 1);
    assert_eq!(run.round_remaining_ms(clock.now()), 1_200_000);
    assert_eq!(run.answer_remaining_ms(clock.now()), 120_000);

    run.finish_round(clock.now());
    assert_eq!(run.phase(), Phase::Assessing);
    assert_eq!(run.next(clock.now()), vec![RunEvent::RunFinished]);
    assert_eq!(run.phase(), Phase::Finished);
    assert!(run.next(clock.now()).is_empty(), "finished stays finished");
}

#[test]
fn overtime_goes_negative_and_pause_freezes_both_clocks() {
    let lp = tiny();
    let clock = ManualClock::new();
    let mut run =
        Rehearsal::start(RunPlan::single_round(&lp, "warmup", 1).unwrap(), Thresholds::default(), clock.now());
    clock.advance(secs(75));
    assert_eq!(run.answer_remaining_ms(clock.now()), -15_000);
    run.pause(clock.now());
    clock.advance(secs(3600));
    assert!(run.is_paused());
    assert_eq!(run.answer_remaining_ms(clock.now()), -15_000);
    assert_eq!(run.round_remaining_ms(clock.now()), 525_000);
    run.resume(clock.now());
    clock.advance(secs(5));
    assert_eq!(run.answer_remaining_ms(clock.now()), -20_000);
    assert_eq!(run.round_remaining_ms(clock.now()), 520_000);
}

#[test]
fn thresholds_fire_once_each_and_not_for_short_budgets() {
    let lp = tiny();
    let clock = ManualClock::new();
    let thresholds = Thresholds { answer_s: vec![45, 30, 0], round_s: vec![585, 0] };
    let mut run = Rehearsal::start(RunPlan::single_round(&lp, "warmup", 1).unwrap(), thresholds, clock.now());
    clock.advance(secs(14));
    assert!(run.tick(clock.now()).is_empty(), "46 s left: nothing yet");
    clock.advance(secs(1));
    let events = run.tick(clock.now());
    assert_eq!(
        events,
        vec![
            RunEvent::Warning { timer: Timer::Answer, seconds_left: 45 },
            RunEvent::Warning { timer: Timer::Round, seconds_left: 585 },
        ]
    );
    assert!(run.tick(clock.now()).is_empty(), "each fires once");
    clock.advance(secs(15));
    assert_eq!(run.tick(clock.now()), vec![RunEvent::Warning { timer: Timer::Answer, seconds_left: 30 }]);
    clock.advance(secs(31));
    assert_eq!(run.tick(clock.now()), vec![RunEvent::Warning { timer: Timer::Answer, seconds_left: 0 }]);
    run.pause(clock.now());
    clock.advance(secs(600));
    assert!(run.tick(clock.now()).is_empty(), "a paused round never reaches its end");
    run.resume(clock.now());

    // The probe's budget (30 s) is below the 45 s mark and at the 30 s mark:
    // neither may fire the instant the probe begins.
    run.next(clock.now());
    assert!(run.tick(clock.now()).is_empty());
    clock.advance(secs(30));
    assert_eq!(run.tick(clock.now()), vec![RunEvent::Warning { timer: Timer::Answer, seconds_left: 0 }]);
}

#[test]
fn snapshot_restores_exactly_paused_and_without_the_closed_time() {
    let lp = tiny();
    let clock = ManualClock::new();
    let mut run = Rehearsal::start(RunPlan::whole_loop(&lp, true, 3), Thresholds::default(), clock.now());
    clock.advance(secs(20));
    run.next(clock.now());
    clock.advance(secs(12));
    let json = serde_json::to_string(&run.snapshot(clock.now())).unwrap();

    clock.advance(secs(86_400)); // the app was closed for a day
    let mut restored: Rehearsal = serde_json::from_str(&json).unwrap();
    assert!(restored.is_paused());
    assert_eq!(restored.position(), run.position());
    assert_eq!(restored.answer_remaining_ms(clock.now()), 18_000);
    assert_eq!(restored.round_remaining_ms(clock.now()), 568_000);
    restored.resume(clock.now());
    clock.advance(secs(2));
    assert_eq!(restored.answer_remaining_ms(clock.now()), 16_000);
}
