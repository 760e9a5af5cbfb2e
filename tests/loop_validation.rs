//! Loop files: the built-in loops' content, and validation of broken files
//! with exact `path:line:column` locations.

use mockloop_core::loops::parse::parse_loop;
use mockloop_core::loops::{Catalog, LoopSource, Problem};
use std::collections::HashSet;

const MINIMAL: &str = include_str!("fixtures/minimal.toml");

/// Parses `text` as a user file named `t.toml`; panics if it is valid.
fn problems(text: &str) -> Vec<String> {
    match parse_loop("t.toml", text, LoopSource::File("t.toml".into())) {
        Ok(_) => panic!("expected problems, but the file was accepted"),
        Err(problems) => problems.iter().map(Problem::to_string).collect(),
    }
}

/// The 1-based line of the first line of `text` containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).expect("needle in fixture") + 1
}

#[test]
fn minimal_fixture_is_valid() {
    let lp = parse_loop("t.toml", MINIMAL, LoopSource::Builtin).expect("fixture must be valid");
    assert_eq!(lp.rounds.len(), 2);
    assert_eq!(lp.bank("screen").count(), 1);
    assert!(lp.rounds[1].optional);
}

#[test]
fn unknown_key_is_located() {
    let text = MINIMAL.replace("probe_seconds = 30", "probe_seconds = 30\nprobe_secs = 12");
    let p = problems(&text);
    let line = line_of(&text, "probe_secs = 12");
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].starts_with(&format!("t.toml:{line}:")), "{p:?}");
    assert!(p[0].contains("probe_secs"), "names the key: {p:?}");
}

#[test]
fn wrong_type_names_the_field() {
    let text = MINIMAL.replace("minutes = 20", "minutes = \"twenty\"");
    let p = problems(&text);
    let line = line_of(&text, "minutes = \"twenty\"");
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].starts_with(&format!("t.toml:{line}:11: ")), "{p:?}");
    assert!(p[0].contains("minutes"), "names the field: {p:?}");
}

#[test]
fn zero_and_negative_durations_are_rejected() {
    let text = MINIMAL.replace("minutes = 10", "minutes = 0").replace("answer_seconds = 120", "answer_seconds = -5");
    let p = problems(&text);
    assert_eq!(p.len(), 2, "{p:?}");
    assert_eq!(
        p[0],
        format!("t.toml:{}:11: `minutes` must be a positive number, found 0", line_of(&text, "minutes = 0"))
    );
    assert_eq!(
        p[1],
        format!(
            "t.toml:{}:18: `answer_seconds` must be a positive number, found -5",
            line_of(&text, "answer_seconds = -5")
        )
    );
}

#[test]
fn duplicate_ids_are_rejected() {
    let text = MINIMAL.replace("id = \"deep\"", "id = \"warmup\"").replace("id = \"q-deep-1\"", "id = \"q-screen-1\"");
    let p = problems(&text);
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(p[0].contains("duplicate round id \"warmup\""), "{p:?}");
    assert!(p[1].contains("duplicate question id \"q-screen-1\""), "{p:?}");
    let second = text.lines().enumerate().filter(|(_, l)| l.contains("id = \"q-screen-1\"")).nth(1).unwrap().0 + 1;
    assert!(p[1].starts_with(&format!("t.toml:{second}:6: ")), "{p:?}");
}

#[test]
fn checklist_item_with_unknown_competency_is_located() {
    let text = MINIMAL.replace("competency = \"depth\"", "competency = \"dept\"");
    let p = problems(&text);
    let line = line_of(&text, "competency = \"dept\"");
    assert_eq!(p, vec![format!("t.toml:{line}:16: checklist item names unknown competency \"dept\"")]);
}

#[test]
fn round_with_empty_bank_is_rejected() {
    // The question moves to the screen bank, and its probe no longer
    // names the deep round's item.
    let text = MINIMAL
        .replace("kind = \"deep\"\ntext", "kind = \"screen\"\ntext")
        .replace("tests = [\"deep-tradeoff\"], ", "");
    let p = problems(&text);
    assert_eq!(p.len(), 1, "{p:?}");
    let line = line_of(&text, "kind = \"deep\"");
    assert!(
        p[0].starts_with(&format!("t.toml:{line}:8: round \"deep\" draws from the \"deep\" bank, which is empty")),
        "{p:?}"
    );
}

#[test]
fn syntax_error_is_located_not_panicked() {
    let text = MINIMAL.replace("title = \"Warm-up\"", "title = \"Warm-up");
    let p = problems(&text);
    assert_eq!(p.len(), 1);
    assert!(p[0].starts_with(&format!("t.toml:{}:", line_of(&text, "title = \"Warm-up"))), "{p:?}");
}

#[test]
fn garbage_never_panics() {
    for text in
        ["", "\u{0}\u{1}", "[[rounds]]\nminutes = 1e999", "id = 5", "rounds = 3", "[[rounds]]\n[[rounds.checklist]]\n"]
    {
        assert!(parse_loop("g.toml", text, LoopSource::Builtin).is_err(), "{text:?} must be rejected");
    }
}

#[test]
fn bad_user_file_never_stops_the_builtins() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("broken.toml"), "id = \"x\"\nnonsense = [").unwrap();
    std::fs::write(dir.path().join("mine.toml"), MINIMAL).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a loop").unwrap();
    let catalog = Catalog::load(Some(dir.path()));
    let ids: Vec<&str> = catalog.loops.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, ["microsoft-pm", "microsoft-pmm", "tiny"]);
    assert_eq!(catalog.problems.len(), 1, "{:?}", catalog.problems);
    assert!(catalog.problems[0].path.ends_with("broken.toml"));
    assert_eq!(catalog.problems[0].line, 2);
}

#[test]
fn user_loop_cannot_shadow_a_builtin() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pm.toml"), MINIMAL.replace("id = \"tiny\"", "id = \"microsoft-pm\"")).unwrap();
    let catalog = Catalog::load(Some(dir.path()));
    assert_eq!(catalog.loops.len(), 2);
    assert_eq!(catalog.get("microsoft-pm").unwrap().source, LoopSource::Builtin);
    assert!(catalog.problems[0].message.contains("already loaded"), "{:?}", catalog.problems);
}

#[test]
fn missing_user_dir_is_not_a_problem() {
    let catalog = Catalog::load(Some(std::path::Path::new("/nonexistent/mockloop/loops")));
    assert!(catalog.problems.is_empty());
    assert_eq!(catalog.loops.len(), 2);
}

// ---- The built-in content, as the seeds describe the loops ----

#[test]
fn builtin_loops_load_without_problems() {
    let catalog = Catalog::load(None);
    assert!(catalog.problems.is_empty(), "{:#?}", catalog.problems);
}

#[test]
fn pm_loop_has_the_seed_rounds_in_order() {
    let catalog = Catalog::load(None);
    let pm = catalog.get("microsoft-pm").expect("PM loop");
    let kinds: Vec<&str> = pm.rounds.iter().map(|r| r.kind.as_str()).collect();
    assert_eq!(kinds, ["screen", "behavioural", "behavioural", "product-design", "estimation", "execution"]);
    let optional: Vec<bool> = pm.rounds.iter().map(|r| r.optional).collect();
    assert_eq!(optional, [false, false, true, false, false, false], "the second behavioural round is the optional one");
}

#[test]
fn pmm_loop_has_six_rounds_in_seed_order() {
    let catalog = Catalog::load(None);
    let pmm = catalog.get("microsoft-pmm").expect("PMM loop");
    let kinds: Vec<&str> = pmm.rounds.iter().map(|r| r.kind.as_str()).collect();
    assert_eq!(kinds, ["screen", "behavioural", "behavioural", "gtm-case", "competitive", "alignment"]);
    assert!(pmm.rounds.iter().all(|r| !r.optional));
    assert!(pmm.description.contains("six"), "the description says why six rounds: {}", pmm.description);
}

#[test]
fn builtin_content_meets_the_minimums() {
    let catalog = Catalog::load(None);
    for lp in &catalog.loops {
        for round in &lp.rounds {
            assert!(round.checklist.len() >= 5, "{}/{}: {} checklist items", lp.id, round.id, round.checklist.len());
            assert!(lp.bank(&round.kind).count() >= 10, "{}/{}: bank too small", lp.id, round.kind);
            for item in &round.checklist {
                assert!(round.competencies.contains(&item.competency), "{}: {}", lp.id, item.id);
            }
        }
        for q in &lp.questions {
            assert!(q.probes.len() >= 2, "{}/{}: {} probes", lp.id, q.id, q.probes.len());
            assert!(q.target_seconds > 0);
        }
        // Two rounds of the same kind must not ask the candidate to rate the same items.
        let mut items = HashSet::new();
        for round in &lp.rounds {
            for item in &round.checklist {
                assert!(items.insert(item.text.to_lowercase()), "{}: repeated checklist text {:?}", lp.id, item.text);
            }
        }
    }
}

#[test]
fn probes_may_be_plain_strings_or_tables_naming_what_they_test() {
    let text = MINIMAL.replace(
        r#"probes = ["Why now?", "What would you change first?"]"#,
        r#"probes = ["Why now?", { text = "Go deeper on one part.", tests = ["warmup-clear"], aim = "depth" }]"#,
    );
    let lp = parse_loop("t.toml", &text, LoopSource::Builtin).expect("valid");
    let probes = &lp.question("q-screen-1").expect("question").probes;
    assert_eq!(probes[0].text, "Why now?");
    assert!(probes[0].tests.is_empty() && probes[0].aim.is_none());
    assert_eq!(probes[1].tests, ["warmup-clear"]);
    assert_eq!(probes[1].aim, Some(mockloop_core::loops::ProbeAim::Depth));
}

#[test]
fn a_probe_naming_an_item_of_another_round_kind_is_located() {
    // `deep-tradeoff` belongs to the "deep" round, not to a "screen" one.
    let text = MINIMAL.replace(
        r#"probes = ["Why now?", "What would you change first?"]"#,
        "probes = [\n  \"Why now?\",\n  { text = \"And?\", tests = [\"warmup-clear\", \"deep-tradeoff\"] },\n]",
    );
    let p = problems(&text);
    let line = line_of(&text, "And?");
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].starts_with(&format!("t.toml:{line}:")), "{p:?}");
    assert!(p[0].contains("\"deep-tradeoff\"") && p[0].contains("\"screen\" round"), "{p:?}");
}

#[test]
fn a_probe_table_with_an_unknown_key_or_aim_is_located() {
    for (bad, named) in
        [(r#"{ text = "And?", test = ["warmup-clear"] }"#, "test"), (r#"{ text = "And?", aim = "speed" }"#, "speed")]
    {
        let text = MINIMAL.replace(
            r#"probes = ["Why now?", "What would you change first?"]"#,
            &format!("probes = [\n  \"Why now?\",\n  {bad},\n]"),
        );
        let p = problems(&text);
        let line = line_of(&text, bad);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].starts_with(&format!("t.toml:{line}:")), "{p:?}");
        assert!(p[0].contains(named), "{p:?}");
    }
}

#[test]
fn every_builtin_probe_names_what_it_tests_and_each_question_can_ask_for_depth() {
    let catalog = Catalog::load(None);
    for lp in &catalog.loops {
        for q in &lp.questions {
            for p in &q.probes {
                assert!(!p.tests.is_empty(), "{}/{}: probe {:?} names no checklist item", lp.id, q.id, p.text);
            }
            let depth = q.probes.iter().filter(|p| p.aim == Some(mockloop_core::loops::ProbeAim::Depth)).count();
            assert_eq!(depth, 1, "{}/{}: {depth} probes ask for depth", lp.id, q.id);
        }
    }
}
