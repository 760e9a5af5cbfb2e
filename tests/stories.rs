//! The story bank and the assessment's "not asked", on a real data folder:
//! stories written, tagged, checked, deleted and brought back; the gap in
//! a loop's coverage closing; a take linked and its story's page; "Practise
//! this story"; the run report and a backup carrying them.

#[path = "support/takes.rs"]
mod support;

use mockloop_core::clock::{Clock, ManualClock};
use mockloop_core::readiness::run_report::{markdown, RunReport};
use mockloop_core::readiness::History;
use mockloop_core::session::{Action, Session};
use mockloop_core::store::Rating;
use mockloop_core::stories::{CheckAnswer, StoryInput};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

fn session(dir: &Path) -> Session {
    Session::open(dir, Arc::new(ManualClock::new())).expect("open session")
}

fn session_with(dir: &Path, clock: &ManualClock) -> Session {
    Session::open(dir, Arc::new(clock.clone())).expect("open session")
}

fn story(title: &str, competencies: &[&str]) -> StoryInput {
    StoryInput {
        title: title.into(),
        situation: "Hospital admins could not open the weekly report before their 9 a.m. review.".into(),
        action: "I mapped the ten slowest queries with the data team and proposed precomputing them.".into(),
        decision: "Precompute the ten heaviest queries every night".into(),
        constraint: "the cloud budget the finance team had fixed for the year".into(),
        result: "The report opened in 1.2 s instead of 8 s, and weekly active admins rose 30%.".into(),
        competencies: competencies.iter().map(|c| (*c).to_owned()).collect(),
        answers: vec![CheckAnswer { id: "buyer-and-user".into(), yes: true }],
    }
}

/// Records a one-second take of the answer on screen, as the recorder would.
fn record(s: &mut Session) -> i64 {
    support::record(s, &[0.1; 16_000])
}

#[test]
fn a_story_is_written_tagged_and_checked_and_bad_ones_are_refused_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path());
    let saved = s.save_story(None, &story("  Faster reports for hospital admins  ", &["customer-obsession"])).unwrap();
    assert_eq!(saved.content.title, "Faster reports for hospital admins", "trimmed");
    assert_eq!(saved.content.competencies, ["customer-obsession"]);
    assert_eq!(s.stories().unwrap().len(), 1);

    let detail = s.story_detail(saved.id).unwrap();
    let passed = |id: &str| detail.checks.iter().find(|c| c.id == id).unwrap().passed;
    assert_eq!(passed("result-number"), Some(true), "the result carries a number");
    assert_eq!(passed("decision-and-constraint"), Some(true));
    assert_eq!(passed("buyer-and-user"), Some(true), "the candidate's own answer");
    assert_eq!(passed("own-part"), None, "not answered yet");

    let mut edit = saved.content.clone();
    edit.competencies.push("technical-fluency".into());
    edit.competencies.push("technical-fluency".into());
    let updated = s.save_story(Some(saved.id), &edit).unwrap();
    assert_eq!(updated.content.competencies, ["customer-obsession", "technical-fluency"], "each once, in order");

    assert_eq!(s.stories().unwrap().len(), 1);
    let mut err = |input: StoryInput| s.save_story(None, &input).unwrap_err().to_string();
    assert_eq!(err(story("   ", &[])), "a story needs a title");
    assert!(err(story("x", &["stakeholder-managment"])).contains("no loaded loop has a competency"));
    let mut bad = story("x", &[]);
    bad.answers = vec![CheckAnswer { id: "result-number".into(), yes: false }];
    assert!(err(bad).contains("no question \"result-number\""), "the app answers that check itself");
    assert!(err(story(&"t".repeat(201), &[])).contains("at most 200"));
    assert_eq!(s.stories().unwrap().len(), 1, "the refused ones filed nothing");

    // A competency of a loop that no longer loads (the candidate's own
    // file, broken since) stays savable on the story that had it.
    let loops = dir.path().join("loops");
    std::fs::create_dir_all(&loops).unwrap();
    let own = include_str!("fixtures/minimal.toml");
    std::fs::write(loops.join("mine.toml"), own).unwrap();
    drop(s);
    let mut s = session(dir.path());
    let mine = s.save_story(None, &story("Mine", &["depth"])).unwrap();
    std::fs::write(loops.join("mine.toml"), own.replace("id = \"tiny\"", "id = 3")).unwrap();
    drop(s);
    let mut s = session(dir.path());
    let mut edit = mine.content.clone();
    edit.title = "Mine, retold".into();
    assert_eq!(s.save_story(Some(mine.id), &edit).unwrap().content.competencies, ["depth"]);
    let err = s.save_story(None, &story("New", &["depth"])).unwrap_err().to_string();
    assert!(err.contains("no loaded loop has a competency \"depth\""), "{err}");
}

#[test]
fn the_coverage_gap_closes_when_a_story_is_tagged_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path());
    let first = s.save_story(None, &story("Reports", &["customer-obsession"])).unwrap();
    let grid = s.story_coverage("microsoft-pm").unwrap();
    assert!(grid.gaps.contains(&"No story shows Stakeholder management".to_owned()), "{:?}", grid.gaps);
    let row = grid.rows.iter().find(|r| r.competency == "customer-obsession").unwrap();
    assert_eq!(row.stories, [first.id]);
    assert!(grid.rows.iter().all(|r| r.competency != "quantitative-reasoning"), "estimation asks for no story");

    let mut edit = first.content.clone();
    edit.competencies.push("stakeholder-management".into());
    s.save_story(Some(first.id), &edit).unwrap();
    let grid = s.story_coverage("microsoft-pm").unwrap();
    assert!(!grid.gaps.iter().any(|g| g.contains("Stakeholder management")), "{:?}", grid.gaps);
    assert!(grid.thin.contains(&"Only one story shows Stakeholder management".to_owned()), "{:?}", grid.thin);
    assert!(s.story_coverage("no-such-loop").is_err());
}

#[test]
fn a_deleted_story_comes_back_whole_with_undo_and_is_gone_for_good_later() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new();
    let mut s = session_with(dir.path(), &clock);
    let kept = s.save_story(None, &story("Reports", &["customer-obsession"])).unwrap();
    s.start("microsoft-pm", Some("behavioural"), false, 3).unwrap();
    let take = record(&mut s);
    s.link_take(take, Some(kept.id)).unwrap();

    s.delete_story(kept.id).unwrap();
    assert!(s.stories().unwrap().is_empty());
    assert_eq!(s.deleted_stories().unwrap().iter().map(|d| d.id).collect::<Vec<_>>(), [kept.id], "offered back");
    assert_eq!(s.store().take(take).unwrap().story_id, None, "a deleted story is linked to nothing");
    assert!(s.story_detail(kept.id).is_err());
    assert!(s.delete_story(kept.id).is_err(), "deleted once");

    let back = s.restore_story(kept.id).unwrap();
    assert_eq!(back.content, kept.content);
    assert_eq!(s.store().take(take).unwrap().story_id, Some(kept.id), "its link came back with it");
    assert!(s.restore_story(kept.id).is_err(), "nothing left to undo");
    assert!(s.deleted_stories().unwrap().is_empty());

    // Undo lasts a day by the wall clock: a session opened 23 hours after
    // the deletion still offers it back, one opened a day after does not,
    // and the take itself is untouched.
    s.delete_story(kept.id).unwrap();
    drop(s);
    clock.set_wall(clock.wall() + chrono::Duration::hours(23));
    let s = session_with(dir.path(), &clock);
    assert_eq!(s.deleted_stories().unwrap().len(), 1, "still within the day");
    drop(s);
    clock.set_wall(clock.wall() + chrono::Duration::hours(1));
    let mut s = session_with(dir.path(), &clock);
    assert!(s.deleted_stories().unwrap().is_empty(), "purged a day after the deletion");
    assert!(s.restore_story(kept.id).is_err(), "past undo");
    assert_eq!(s.store().take(take).unwrap().status, mockloop_core::store::TakeStatus::Complete);
    assert_eq!(s.store().take(take).unwrap().story_id, None);
}

#[test]
fn a_linked_take_shows_on_its_story_with_the_ratings_its_question_asked_for_and_in_the_run_report() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path());
    let told = s.save_story(None, &story("Faster reports", &["customer-obsession", "technical-fluency"])).unwrap();
    let view = s.start("microsoft-pm", Some("behavioural"), false, 5).unwrap();
    let run_id = view.run_id;
    let question = s.catalog().get("microsoft-pm").unwrap().question(&view.question_id).unwrap().clone();
    let take = record(&mut s);
    assert_eq!(s.link_take(take, Some(told.id)).unwrap().story_id, Some(told.id));
    assert!(s.link_take(take, Some(9_999)).is_err(), "no such story");
    assert!(s.link_take(9_999, Some(told.id)).is_err(), "no such take");

    s.act(Action::FinishRound).unwrap();
    // Rate one item the question asked for, one it did not, and mark a
    // third not asked.
    let round = s.view().unwrap();
    let asked = round.checklist.iter().find(|i| question.evidence.contains(&i.id)).unwrap().id.clone();
    let others: Vec<String> =
        round.checklist.iter().filter(|i| !question.evidence.contains(&i.id)).map(|i| i.id.clone()).collect();
    let rate = |item: &str, rating: u8| Rating { item_id: item.into(), competency: String::new(), rating };
    s.save_assessment(None, &[rate(&asked, 4), rate(&others[0], 1)], &others[1..2], "").unwrap();

    let detail = s.story_detail(told.id).unwrap();
    assert_eq!(detail.story.takes, 1);
    assert_eq!(detail.takes.len(), 1);
    let t = &detail.takes[0];
    assert_eq!(t.take.id, take);
    assert_eq!(t.question.as_deref(), Some(question.text.as_str()));
    assert_eq!(t.ratings.iter().map(|r| r.item_id.as_str()).collect::<Vec<_>>(), [asked.as_str()]);
    assert_eq!(t.mean_rating, Some(4.0), "the item the question did not ask for is left out");

    let report = RunReport::load(s.store(), run_id).unwrap();
    let md = markdown(&report, s.catalog());
    assert!(md.contains("told the story \"Faster reports\""), "{md}");
    assert!(md.contains("## Stories told") && md.contains("Result: The report opened in 1.2 s"), "{md}");

    s.link_take(take, None).unwrap();
    assert!(s.story_detail(told.id).unwrap().takes.is_empty(), "unlinked");
}

#[test]
fn practising_a_story_asks_the_questions_it_fits_and_links_every_take() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path());
    let told = s.save_story(None, &story("Won back a partner team", &["stakeholder-management"])).unwrap();
    let view = s.start_story_practice(told.id, "microsoft-pm", 8).unwrap();
    assert_eq!(view.story.as_deref(), Some("Won back a partner team"));
    let lp = s.catalog().get("microsoft-pm").unwrap().clone();
    let plan = s.store().load_state(view.run_id).unwrap().plan().clone();
    assert!(plan.practice && plan.story_id == Some(told.id));
    let asked: Vec<&str> = plan.rounds.iter().flat_map(|r| &r.questions).map(|q| q.question_id.as_str()).collect();
    assert!(!asked.is_empty() && asked.len() <= 3, "{asked:?}");
    for id in &asked {
        let q = lp.question(id).unwrap();
        let round = lp.rounds.iter().find(|r| r.kind == q.kind).unwrap();
        assert!(round.stories, "{id} is from a round that asks for stories");
        let shows =
            round.checklist.iter().any(|i| q.evidence.contains(&i.id) && i.competency == "stakeholder-management");
        assert!(shows, "{id} asks for stakeholder management");
    }
    let take = record(&mut s);
    assert_eq!(s.store().take(take).unwrap().story_id, Some(told.id), "linked by itself");
    // A story deleted mid-run costs no take: the next is filed, unlinked.
    s.delete_story(told.id).unwrap();
    let unlinked = record(&mut s);
    assert_eq!(s.store().take(unlinked).unwrap().story_id, None);
    s.restore_story(told.id).unwrap();

    // Resumed later, it still practises the story.
    s.save_active().unwrap();
    drop(s);
    let mut s = session(dir.path());
    assert_eq!(s.resume(view.run_id).unwrap().story.as_deref(), Some("Won back a partner team"));

    let estimation_only = s.save_story(None, &story("Sums", &["quantitative-reasoning"])).unwrap();
    let err = s.start_story_practice(estimation_only.id, "microsoft-pm", 1).unwrap_err().to_string();
    assert!(err.contains("no question of Microsoft Product Manager loop asks for what \"Sums\" shows"), "{err}");
}

#[test]
fn items_marked_not_asked_are_kept_with_the_round_and_count_for_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new();
    let mut s = session_with(dir.path(), &clock);
    let view = s.start("microsoft-pmm", Some("gtm-case"), false, 4).unwrap();
    clock.advance(Duration::from_secs(40)); // an answer, not a skip
    s.act(Action::FinishRound).unwrap();
    let items: Vec<String> = s.view().unwrap().checklist.iter().map(|i| i.id.clone()).collect();
    let rate = |item: &str| Rating { item_id: item.into(), competency: String::new(), rating: 3 };

    s.save_draft(None, &[rate(&items[0])], &[items[1].clone()], "draft").unwrap();
    let draft = s.draft(None).unwrap().unwrap();
    assert_eq!(draft.not_asked, [items[1].clone()], "a draft keeps the marks too");
    s.act(Action::Next).unwrap(); // moving on saves the draft as the assessment

    let rounds = s.store().round_results(view.run_id).unwrap();
    assert_eq!(rounds[0].not_asked, [items[1].clone()]);
    assert_eq!(rounds[0].ratings.len(), 1);
    assert_eq!(rounds[0].questions, std::slice::from_ref(&view.question_id), "the question the round asked");
    let history = History::load(s.store()).unwrap();
    assert_eq!(history.ratings.len(), 1, "readiness reads the rating only");

    let both = s.save_assessment(Some((view.run_id, 0)), &[rate(&items[1])], &[items[1].clone()], "");
    assert!(both.unwrap_err().to_string().contains("both rated and marked not asked"));
    let unknown = s.save_assessment(Some((view.run_id, 0)), &[], &["no-such-item".into()], "");
    assert!(unknown.unwrap_err().to_string().contains("no checklist item \"no-such-item\""));
    s.save_assessment(Some((view.run_id, 0)), &[rate(&items[1])], &[], "changed my mind").unwrap();
    let rounds = s.store().round_results(view.run_id).unwrap();
    assert!(rounds[0].not_asked.is_empty(), "a mark is replaced with the assessment");
}

#[test]
fn a_backup_carries_the_story_bank_into_a_restored_folder() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path());
    let saved = s.save_story(None, &story("Reports", &["customer-obsession"])).unwrap();
    let archive = dir.path().join("backup.tar");
    mockloop_core::backup::backup(s.store(), s.data_dir(), &archive).unwrap();
    drop(s);
    let restored = tempfile::tempdir().unwrap();
    let target = restored.path().join("data");
    mockloop_core::backup::restore(&archive, &target).unwrap();
    let s = session(&target);
    let stories = s.stories().unwrap();
    assert_eq!(stories.len(), 1);
    assert_eq!(stories[0].content, saved.content);
}

#[test]
fn a_question_moved_on_from_at_once_was_skipped_and_its_strong_answer_stays_unseen() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new();
    let mut s = session_with(dir.path(), &clock);
    let first = s.start("microsoft-pm", Some("product-design"), false, 6).unwrap();
    assert!(first.question_count >= 2, "the round asks two questions or more");
    clock.advance(Duration::from_secs(90)); // the first one answered
    while s.view().unwrap().question_number == 1 {
        s.act(Action::Next).unwrap();
    }
    let second = s.view().unwrap().question_id;
    clock.advance(Duration::from_secs(4)); // read, and the round ended
    s.act(Action::FinishRound).unwrap();
    let rounds = s.store().round_results(first.run_id).unwrap();
    assert_eq!(rounds[0].questions, std::slice::from_ref(&first.question_id), "{second} was skipped");
}
