//! Probes aimed at the weak spots, through a real session on a real
//! SQLite file: after the main answer, the probe that fits how it sounded
//! comes first, then the one testing the candidate's weakest item of the
//! month, then the file's order; the reason is on screen, the order
//! survives a resume, and stored answers and takes name the probe itself.

use mockloop_core::analysis::Delivery;
use mockloop_core::clock::{Clock, ManualClock};
use mockloop_core::session::{Action, Session};
use mockloop_core::store::Rating;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// One round, one question (target 100 s, 120 s to answer), three probes:
/// p0 tests `clear`, p1 tests `numbers`, p2 asks for depth.
const LOOP: &str = r#"
id = "probe-test"
title = "Probe test"
[[competencies]]
id = "comm"
name = "Communication"
[[competencies]]
id = "quant"
name = "Quantitative reasoning"
[[rounds]]
id = "r"
kind = "k"
title = "Round"
minutes = 30
answer_seconds = 120
probe_seconds = 60
competencies = ["comm", "quant"]
  [[rounds.checklist]]
  id = "clear"
  text = "Was clear"
  competency = "comm"
  [[rounds.checklist]]
  id = "numbers"
  text = "Used numbers"
  competency = "quant"
[[questions]]
id = "q"
kind = "k"
text = "How many?"
target_seconds = 100
probes = [
  { text = "Say it again, clearer.", tests = ["clear"] },
  { text = "Where do the numbers come from?", tests = ["numbers"] },
  { text = "Take one assumption apart for me.", tests = ["numbers"], aim = "depth" },
]
"#;

fn open(dir: &Path, clock: &ManualClock) -> Session {
    let loops = dir.join("loops");
    std::fs::create_dir_all(&loops).unwrap();
    std::fs::write(loops.join("probe-test.toml"), LOOP).unwrap();
    Session::open(dir, Arc::new(clock.clone())).expect("open session")
}

fn delivery(speaking_seconds: f64) -> Delivery {
    Delivery {
        version: mockloop_core::analysis::VERSION,
        seconds: speaking_seconds + 2.0,
        speaking_seconds,
        first_speech_seconds: Some(1.0),
        pauses: Vec::new(),
        long_pauses: 0,
        longest_pause_seconds: 0.0,
        syllables: 100,
        syllables_per_second: 3.5,
        words_per_minute_estimate: 150.0,
        speech_dbfs: Some(-20.0),
        clipped_samples: 0,
        too_quiet: false,
    }
}

/// Answers the main question for `answer_s` seconds (recording a take
/// whose speech lasted `spoken_s`, if given) and moves on to the first probe.
fn answer_main(session: &mut Session, clock: &ManualClock, answer_s: u64, spoken_s: Option<f64>) {
    session.start_practice("probe-test", &["q".to_owned()], 1).expect("start");
    if let Some(spoken) = spoken_s {
        let (take, _) = session.begin_take().expect("take");
        session.save_delivery(take, Ok(&delivery(spoken))).expect("delivery");
    }
    clock.advance(Duration::from_secs(answer_s));
    session.act(Action::Next).expect("next");
}

fn answered_probe_indices(dir: &Path) -> Vec<i64> {
    let conn = rusqlite::Connection::open(dir.join(mockloop_core::store::DB_FILE)).unwrap();
    let mut stmt =
        conn.prepare("SELECT probe_index FROM answers WHERE probe_index IS NOT NULL ORDER BY rowid").unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
}

#[test]
fn a_short_recorded_answer_is_followed_by_the_depth_probe_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new();
    let mut session = open(dir.path(), &clock);
    // 90 s on the clock, but only 30 s of it speech: short (< 40 of 100 s).
    answer_main(&mut session, &clock, 90, Some(30.0));
    let view = session.view().expect("view");
    assert_eq!(view.probe.as_deref(), Some("Take one assumption apart for me."));
    assert_eq!((view.probe_number, view.probe_index, view.probe_count), (Some(1), Some(2), 3));
    assert_eq!(
        view.probe_reason.as_deref(),
        Some("asked because your answer was short: 0:30 of speech, where a full one takes about 1:40")
    );
    // The take filed now belongs to the probe asked, by its index in the file.
    let (take, _) = session.begin_take().expect("take");
    assert_eq!(session.store().take(take).unwrap().probe_index, Some(2));
    session.act(Action::Next).unwrap();
    assert_eq!(session.view().unwrap().probe.as_deref(), Some("Say it again, clearer."));
    session.act(Action::Next).unwrap();
    assert_eq!(session.view().unwrap().probe.as_deref(), Some("Where do the numbers come from?"));
    session.act(Action::Next).unwrap();
    // Stored answers name each probe by its index in the file.
    assert_eq!(answered_probe_indices(dir.path()), [2, 0, 1]);
}

#[test]
fn the_weakest_item_of_the_month_comes_first_and_the_order_survives_a_resume() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new();
    let mut session = open(dir.path(), &clock);
    // An earlier round: numbers rated 1 (missing), clear 3.
    answer_main(&mut session, &clock, 80, None);
    session.act(Action::FinishRound).unwrap();
    let rate = |item: &str, rating| Rating { item_id: item.into(), competency: String::new(), rating };
    session.save_assessment(None, &[rate("numbers", 1), rate("clear", 3)], &[], "").unwrap();
    session.act(Action::Next).unwrap();

    // An ordinary answer (80 s of 120 on the clock, nothing recorded).
    answer_main(&mut session, &clock, 80, None);
    let view = session.view().expect("view");
    assert_eq!(view.probe.as_deref(), Some("Where do the numbers come from?"));
    assert_eq!(
        view.probe_reason.as_deref(),
        Some("asked because your Quantitative reasoning items were your weakest this month (1.0 of 4)")
    );
    let run_id = view.run_id;
    drop(session);

    let mut session = open(dir.path(), &clock);
    let resumed = session.resume(run_id).expect("resume");
    assert_eq!(resumed.probe_index, Some(1));
    assert_eq!(resumed.probe_reason, view.probe_reason);
    session.act(Action::Next).unwrap();
    // Then p2 (numbers, 1.0; a tie broken by file order after p1), then p0 (clear, 3.0).
    let next = session.view().unwrap();
    assert_eq!(next.probe_index, Some(2));
    assert_eq!(next.probe_reason.as_deref(), Some("then your Quantitative reasoning items: 1.0 of 4 this month"));
    session.act(Action::Next).unwrap();
    assert_eq!(session.view().unwrap().probe_index, Some(0));
}

#[test]
fn ratings_count_for_thirty_days_by_the_wall_clock_and_not_a_day_more() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new();
    let mut session = open(dir.path(), &clock);
    answer_main(&mut session, &clock, 80, None);
    session.act(Action::FinishRound).unwrap();
    let rate = |item: &str, rating| Rating { item_id: item.into(), competency: String::new(), rating };
    session.save_assessment(None, &[rate("numbers", 1), rate("clear", 3)], &[], "").unwrap();
    session.act(Action::Next).unwrap();
    drop(session);
    let rated = clock.wall();

    // 29 days later the weak numbers still lead; 31 days later they are
    // forgotten and the file's order is back.
    let ask_after = |days: i64| {
        clock.set_wall(rated + chrono::Duration::days(days));
        let mut session = open(dir.path(), &clock);
        session.start("probe-test", None, false, 1).unwrap();
        answer_main(&mut session, &clock, 80, None);
        session.view().expect("view").probe_index
    };
    assert_eq!(ask_after(29), Some(1), "the weakest item of the last 30 days first");
    assert_eq!(ask_after(31), Some(0), "a rating older than 30 days counts for nothing");
}

#[test]
fn an_answer_that_ran_over_with_no_brevity_probe_keeps_the_file_order() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new();
    let mut session = open(dir.path(), &clock);
    answer_main(&mut session, &clock, 150, Some(140.0));
    let view = session.view().unwrap();
    assert_eq!(view.probe_index, Some(0));
    assert_eq!(view.probe_reason.as_deref(), Some("in the loop's order: you have not rated what it tests this month"));
}
