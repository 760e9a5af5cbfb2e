//! Loop files: the built-in loops' content, and validation of broken files
//! with exact `path:line:column` locations.

use mockloop_core::loops::parse::parse_loop;
use mockloop_core::loops::similar::{near_duplicates, similarity, NEAR_DUPLICATE};
use mockloop_core::loops::{Catalog, Loop, LoopSource, ProbeAim, Problem};
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
        .replace("target_seconds = 120\n#", "target_seconds = 60\n#")
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
fn an_oversized_file_is_refused_unread_and_a_flood_of_problems_is_cut_short() {
    let dir = tempfile::tempdir().unwrap();
    // Far past a loop's size: refused in words before any parsing, in the
    // catalog (the window's start-up) and by `validate` alike.
    let huge = dir.path().join("huge.toml");
    let line = "unknown_key = \"a value that is not a loop\"\n";
    let mut text = String::from("id = \"huge\"\ntitle = \"Huge\"\n");
    while text.len() as u64 <= mockloop_core::loops::catalog::MAX_LOOP_BYTES {
        text.push_str(line);
    }
    std::fs::write(&huge, &text).unwrap();
    let refused = mockloop_core::loops::validate_file(&huge).unwrap_err();
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert!(refused[0].message.contains("a loop file is at most 2 MB"), "{}", refused[0]);
    let catalog = Catalog::load(Some(dir.path()));
    assert_eq!(catalog.problems.len(), 1);
    assert_eq!(catalog.loops.len(), 2, "the built-in loops still load");

    // Under the size, thousands of problems: the first ones are listed,
    // then how many more there are.
    let mut many = String::from("id = \"many\"\ntitle = \"Many\"\n");
    for i in 0..5000 {
        many.push_str(&format!("unknown_{i} = 1\n"));
    }
    let listed = parse_loop("many.toml", &many, LoopSource::Builtin).unwrap_err();
    let cap = mockloop_core::loops::parse::MAX_PROBLEMS;
    assert_eq!(listed.len(), cap + 1);
    assert!(listed[cap].message.contains(&format!("more problems after these {cap}")), "{}", listed[cap]);
    assert_eq!(listed[cap - 1].line, listed[cap].line, "said where the listing stopped");
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
    assert_eq!(kinds, ["screen", "behavioural", "collaboration", "product-design", "estimation", "execution"]);
    let optional: Vec<bool> = pm.rounds.iter().map(|r| r.optional).collect();
    assert_eq!(optional, [false, false, true, false, false, false], "the second behavioural round is the optional one");
}

#[test]
fn pmm_loop_has_six_rounds_in_seed_order() {
    let catalog = Catalog::load(None);
    let pmm = catalog.get("microsoft-pmm").expect("PMM loop");
    let kinds: Vec<&str> = pmm.rounds.iter().map(|r| r.kind.as_str()).collect();
    assert_eq!(kinds, ["screen", "behavioural", "conflict", "gtm-case", "competitive", "alignment"]);
    assert!(pmm.rounds.iter().all(|r| !r.optional));
    assert!(pmm.description.contains("six"), "the description says why six rounds: {}", pmm.description);
}

#[test]
fn builtin_content_meets_the_minimums() {
    let catalog = Catalog::load(None);
    for lp in &catalog.loops {
        for round in &lp.rounds {
            assert!(round.checklist.len() >= 5, "{}/{}: {} checklist items", lp.id, round.id, round.checklist.len());
            let bank = lp.bank(&round.kind).count();
            assert!(bank >= 12, "{}/{}: {bank} questions, fewer than 12", lp.id, round.kind);
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
    assert_eq!(probes[1].aim, Some(ProbeAim::Depth));
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
            let depth = q.probes.iter().filter(|p| p.aim == Some(ProbeAim::Depth)).count();
            assert_eq!(depth, 1, "{}/{}: {depth} probes ask for depth", lp.id, q.id);
        }
    }
}

// ---- Every problem of a file in one run ----

#[test]
fn a_file_with_several_mistakes_reports_each_of_them_where_it_is() {
    // Six different mistakes, in different tables: none may hide another.
    let text = MINIMAL
        .replace("probe_seconds = 30", "probe_seconds = 30\nprobe_secs = 12")
        .replace("minutes = 20", "minutes = \"twenty\"")
        .replace("text = \"Named a trade-off\"\n", "")
        .replace("id = \"q-deep-1\"", "id = \"q-screen-1\"")
        .replace("target_seconds = 60\nprobes", "target_seconds = 90\nprobes")
        .replace("tests = [\"deep-tradeoff\"]", "tests = [\"deep-trade-off\"]");
    let p = problems(&text);
    let expect = [
        (line_of(&text, "probe_secs = 12"), "unknown key `probe_secs` in a round"),
        (line_of(&text, "minutes = \"twenty\""), "`minutes` must be a whole number, found a string"),
        (line_of(&text, "id = \"deep-tradeoff\"") - 1, "a checklist item is missing `text`"),
        (line_of(&text, "target_seconds = 90"), "`target_seconds` = 90 is longer than the 60 s round \"warmup\""),
        (
            text.lines().enumerate().filter(|(_, l)| l.contains("id = \"q-screen-1\"")).nth(1).unwrap().0 + 1,
            "duplicate question id",
        ),
        (
            line_of(&text, "deep-trade-off"),
            "probe tests \"deep-trade-off\", which is no checklist item of a \"deep\" round",
        ),
    ];
    assert_eq!(p.len(), expect.len(), "{p:#?}");
    for (line, words) in expect {
        assert!(
            p.iter().any(|problem| problem.starts_with(&format!("t.toml:{line}:")) && problem.contains(words)),
            "no problem at line {line} saying {words:?}: {p:#?}"
        );
    }
    // In the order of the file, as an editor would walk them.
    let lines: Vec<usize> = p.iter().map(|s| s.split(':').nth(1).unwrap().parse().unwrap()).collect();
    assert!(lines.windows(2).all(|w| w[0] <= w[1]), "{lines:?}");
}

#[test]
fn several_syntax_errors_are_each_located() {
    let text = MINIMAL.replace("title = \"Warm-up\"", "title = \"Warm-up").replace("minutes = 20", "minutes = 20 20");
    let p = problems(&text);
    assert!(p.len() >= 2, "{p:#?}");
    assert!(p.iter().any(|s| s.starts_with(&format!("t.toml:{}:", line_of(&text, "title = \"Warm-up")))), "{p:#?}");
    assert!(p.iter().any(|s| s.starts_with(&format!("t.toml:{}:", line_of(&text, "minutes = 20 20")))), "{p:#?}");
}

#[test]
fn a_missing_key_is_reported_at_its_table_and_not_again_downstream() {
    // The round has no `kind`: that is one problem, not also "no round
    // draws from this bank" or "no round has this kind".
    let text = MINIMAL.replace("kind = \"deep\"\ntitle = \"Deep dive\"", "title = \"Deep dive\"");
    let p = problems(&text);
    let header = text.lines().enumerate().filter(|(_, l)| l.starts_with("[[rounds]]")).nth(1).unwrap().0 + 1;
    assert_eq!(p, [format!("t.toml:{header}:1: a round is missing `kind`")]);
}

#[test]
fn a_broken_list_or_field_is_one_problem_not_a_cascade() {
    // Each mistake once, and nothing downstream of it: no "has no rounds",
    // no "no round has kind", no "probed by no round", no "empty
    // checklist", no item "not one that round probes".
    let cases: [(&str, &str, &str); 6] = [
        ("kind = \"deep\"\ntitle", "kind = 3\ntitle", "`kind` must be a string in quotes, found a whole number"),
        ("competencies = [\"clarity\"]\n\n  [[rounds.checklist]]\n  id = \"warmup-clear\"", "competencies = \"clarity\"\n\n  [[rounds.checklist]]\n  id = \"warmup-clear\"", "`competencies` must be a list of strings"),
        ("  [[rounds.checklist]]\n  id = \"deep-tradeoff\"\n  text = \"Named a trade-off\"\n  competency = \"depth\"", "checklist = \"none\"", "`checklist` must be a list of tables"),
        ("[[competencies]]\nid = \"clarity\"\nname = \"Clarity\"", "[[competencies]]\nname = \"Clarity\"", "a competency is missing `id`"),
        ("[[questions]]\nid = \"q-screen-1\"\nkind = \"screen\"", "[[questions]]\nid = \"q-screen-1\"", "a question is missing `kind`"),
        ("  [[rounds.checklist]]\n  id = \"warmup-clear\"", "  [[rounds.checklist]]\n  name = \"warmup-clear\"", "unknown key `name`"),
    ];
    for (from, to, words) in cases {
        assert!(MINIMAL.contains(from), "fixture holds {from:?}");
        let p = problems(&MINIMAL.replacen(from, to, 1));
        let expected = if words == "unknown key `name`" { 2 } else { 1 };
        assert_eq!(p.len(), expected, "{words}: {p:#?}");
        assert!(p.iter().any(|s| s.contains(words)), "{words}: {p:#?}");
    }
    // Rounds that are no tables: those, and nothing about the questions and
    // competencies no round could be found for.
    let text = "id = \"x\"\ntitle = \"X\"\nrounds = [1, \"two\"]\n\n[[competencies]]\nid = \"a\"\nname = \"A\"\n\n\
                [[questions]]\nid = \"q\"\nkind = \"k\"\ntext = \"Why?\"\ntarget_seconds = 60\n";
    let p = problems(text);
    assert_eq!(
        p,
        [
            "t.toml:3:11: each of `rounds` must be a table, found a whole number",
            "t.toml:3:14: each of `rounds` must be a table, found a string"
        ]
    );
}

#[test]
fn evidence_strong_points_and_story_rounds_are_read_and_checked() {
    let text = MINIMAL.replace("id = \"warmup\"\nkind", "id = \"warmup\"\nstories = true\nkind").replace(
        "text = \"Why this role?\"\ntarget_seconds = 60",
        "text = \"Why this role?\"\ntarget_seconds = 60\nevidence = [\"warmup-clear\"]\nstrong = [\"Says what draws them to this team\", \"Ends on what they would do first\"]",
    );
    let lp = parse_loop("t.toml", &text, LoopSource::Builtin).expect("valid");
    let q = lp.question("q-screen-1").expect("question");
    assert_eq!(q.evidence, ["warmup-clear"]);
    assert_eq!(q.strong, ["Says what draws them to this team", "Ends on what they would do first"]);
    assert!(lp.round("warmup").unwrap().stories && !lp.round("deep").unwrap().stories);
    assert!(lp.question("q-deep-1").unwrap().evidence.is_empty(), "evidence is optional in a user's loop");

    let bad = text
        .replace("evidence = [\"warmup-clear\"]", "evidence = [\"deep-tradeoff\", 3]")
        .replace("\"Ends on what they would do first\"]", "\"  \"]")
        .replace("stories = true", "stories = \"yes\"");
    let p = problems(&bad);
    assert_eq!(p.len(), 4, "{p:#?}");
    assert!(p[0].contains("`stories` must be true or false, found a string"), "{p:#?}");
    assert!(
        p[1].contains("evidence names \"deep-tradeoff\", which is no checklist item of a \"screen\" round"),
        "{p:#?}"
    );
    assert!(p[2].contains("`evidence` must list strings in quotes, found a whole number"), "{p:#?}");
    assert!(p[3].contains("a point of `strong` must not be empty"), "{p:#?}");
}

// ---- The built-in content: each question fits its round, says what it
// asks for and what a strong answer covers, and no two read alike ----

fn builtins() -> Vec<Loop> {
    let catalog = Catalog::load(None);
    assert!(catalog.problems.is_empty(), "{:#?}", catalog.problems);
    catalog.loops
}

#[test]
fn each_round_draws_from_a_bank_of_its_own() {
    for lp in builtins() {
        let mut kinds = HashSet::new();
        for round in &lp.rounds {
            assert!(kinds.insert(round.kind.as_str()), "{}: two rounds draw from the \"{}\" bank", lp.id, round.kind);
        }
        let stories: Vec<&str> = lp.rounds.iter().filter(|r| r.stories).map(|r| r.id.as_str()).collect();
        assert_eq!(stories, ["screen", "behavioural", "behavioural-2"], "{}: the rounds that ask for stories", lp.id);
    }
}

#[test]
fn every_builtin_question_says_what_it_asks_for_and_what_a_strong_answer_covers() {
    for lp in builtins() {
        for q in &lp.questions {
            assert!((1..=4).contains(&q.evidence.len()), "{}/{}: {} evidence items", lp.id, q.id, q.evidence.len());
            assert!((3..=5).contains(&q.strong.len()), "{}/{}: {} strong points", lp.id, q.id, q.strong.len());
            for point in &q.strong {
                assert!(point.len() <= 160, "{}/{}: a strong point is a line, not a paragraph: {point:?}", lp.id, q.id);
                assert!(
                    similarity(point, &q.text) < 0.5,
                    "{}/{}: a strong point restates the question: {point:?}",
                    lp.id,
                    q.id
                );
            }
        }
        // Every checklist item is asked for by some question of its round,
        // so none is always "not asked".
        for round in &lp.rounds {
            for item in &round.checklist {
                let asked = lp.bank(&round.kind).filter(|q| q.evidence.contains(&item.id)).count();
                assert!(asked > 0, "{}/{}: no question asks for {}", lp.id, round.id, item.id);
            }
        }
    }
}

#[test]
fn every_builtin_question_fits_the_answer_time_of_its_rounds() {
    for lp in builtins() {
        for q in &lp.questions {
            for round in lp.rounds.iter().filter(|r| r.kind == q.kind) {
                assert!(
                    q.target_seconds <= round.answer_seconds,
                    "{}/{}: a {} s answer in a round that gives {} s",
                    lp.id,
                    q.id,
                    q.target_seconds,
                    round.answer_seconds
                );
            }
        }
    }
}

#[test]
fn no_two_builtin_questions_read_alike() {
    for lp in builtins() {
        let close = near_duplicates(&lp, NEAR_DUPLICATE);
        assert!(close.is_empty(), "{}: near-duplicate questions (similarity >= {NEAR_DUPLICATE}): {close:#?}", lp.id);
        // The margin the threshold leaves, printed for the record
        // (`cargo test --test loop_validation -- --nocapture`).
        let (a, b, score) = near_duplicates(&lp, 0.0).into_iter().next().expect("questions");
        println!("{}: the two closest questions, {a} and {b}, score {score:.2} (threshold {NEAR_DUPLICATE})", lp.id);
    }
}

#[test]
fn a_near_duplicate_is_caught_by_the_content_rule() {
    // The measure is the rule's teeth: a question reworded into a loop
    // beside its original fails it.
    let text = MINIMAL.replace(
        "[[questions]]\nid = \"q-deep-1\"",
        "[[questions]]\nid = \"q-screen-2\"\nkind = \"screen\"\ntext = \"Why do you want this role?\"\ntarget_seconds = 60\n\n[[questions]]\nid = \"q-deep-1\"",
    );
    let lp = parse_loop("t.toml", &text, LoopSource::Builtin).expect("valid");
    let close = near_duplicates(&lp, NEAR_DUPLICATE);
    assert_eq!(close.len(), 1, "{close:?}");
    assert_eq!((close[0].0.as_str(), close[0].1.as_str()), ("q-screen-1", "q-screen-2"));
}

#[test]
fn the_near_duplicates_a_review_found_no_longer_share_a_loop() {
    // Pairs a review of the first content named (the same story or answer
    // would serve both): at most one of each may remain.
    let pairs: [(&str, &str, &str); 11] = [
        ("microsoft-pm", "another team's roadmap blocked", "tells you their piece won't land until next quarter"),
        ("microsoft-pm", "What does a growth mindset look like", "feedback that changed the way you work"),
        ("microsoft-pm", "didn't work out while you owned it", "a mistake you made that affected customers"),
        ("microsoft-pm", "Design an event notification service", "Design the system that sends notifications"),
        ("microsoft-pm", "When everything on the list looks important", "room for one of three things"),
        ("microsoft-pmm", "told your messaging wasn't landing", "a launch or campaign that fell short"),
        (
            "microsoft-pmm",
            "announced a similar product that ships in six weeks",
            "bring our launch forward three weeks",
        ),
        ("microsoft-pmm", "cut its cloud storage prices", "includes a feature for free that we charge extra for"),
        ("microsoft-pmm", "tell a powerful stakeholder no", "a fight over who controls the message"),
        ("microsoft-pmm", "How do you go about pricing a new product", "a pricing or packaging call you had to make"),
        (
            "microsoft-pmm",
            "keep a message consistent across several regions",
            "North America, Europe and Japan on the same day",
        ),
    ];
    let loops = builtins();
    for (loop_id, a, b) in pairs {
        let lp = loops.iter().find(|l| l.id == loop_id).expect("loop");
        let has = |words: &str| lp.questions.iter().any(|q| q.text.contains(words));
        assert!(!(has(a) && has(b)), "{loop_id} still asks both {a:?} and {b:?}");
    }
    // Data residency was asked three times; one question owns it now.
    let pm = loops.iter().find(|l| l.id == "microsoft-pm").expect("PM loop");
    let residency = pm.questions.iter().filter(|q| q.text.to_lowercase().contains("region")).count();
    assert!(residency <= 1, "{residency} PM questions ask about keeping data in a region");
}

#[test]
fn responsible_ai_is_a_competency_both_loops_rate_and_ask_about() {
    for lp in builtins() {
        assert!(lp.competency("responsible-ai").is_some(), "{}", lp.id);
        let items: Vec<&str> = lp
            .rounds
            .iter()
            .flat_map(|r| &r.checklist)
            .filter(|i| i.competency == "responsible-ai")
            .map(|i| i.id.as_str())
            .collect();
        let questions = lp.questions.iter().filter(|q| q.evidence.iter().any(|e| items.contains(&e.as_str()))).count();
        assert!(questions >= 6, "{}: {questions} questions ask for responsible AI", lp.id);
        // A behavioural story about shipping an AI feature.
        let story = lp.bank("behavioural").any(|q| q.evidence.iter().any(|e| items.contains(&e.as_str())));
        assert!(story, "{}: no behavioural question asks for an AI feature's story", lp.id);
    }
}

// ---- docs/loops.md, the format as a user reads it ----

const LOOPS_DOC: &str = include_str!("../docs/loops.md");

#[test]
fn the_documented_example_is_a_valid_loop() {
    let start = LOOPS_DOC.find("```toml\n").expect("an example") + "```toml\n".len();
    let example = &LOOPS_DOC[start..start + LOOPS_DOC[start..].find("```").expect("its end")];
    let lp = parse_loop("docs/loops.md", example, LoopSource::Builtin).unwrap_or_else(|p| panic!("{p:#?}"));
    assert_eq!((lp.rounds.len(), lp.questions.len()), (2, 2));
    // It shows each optional part at least once.
    assert!(lp.rounds.iter().any(|r| r.optional) && lp.rounds.iter().all(|r| r.stories));
    let q = lp.question("q-why-this-team").unwrap();
    assert!(!q.evidence.is_empty() && q.strong.len() == 3 && q.probes[0].tests.is_empty());
    let brevity = lp.questions.iter().flat_map(|q| &q.probes).any(|p| p.aim == Some(ProbeAim::Brevity));
    assert!(brevity, "a probe asks for the short version");
}

#[test]
fn every_key_the_format_reads_is_documented_in_its_table() {
    // Each table has its `###` section in the doc; each key a row there.
    // (The text before the first `###` is no table's section.)
    let parts: Vec<&str> = LOOPS_DOC.split("\n### ").map(|s| s.split("\n## ").next().unwrap()).collect();
    let sections = &parts[1..];
    for (table, keys) in mockloop_core::loops::FORMAT {
        let section = sections
            .iter()
            .find(|s| s.lines().next().unwrap().to_lowercase().contains(&table.to_lowercase()))
            .unwrap_or_else(|| panic!("docs/loops.md has no section for {table}"));
        for key in *keys {
            assert!(section.contains(&format!("| `{key}` |")), "docs/loops.md, {table}: no row for `{key}`");
        }
    }
}
