//! The headless subcommands of the real `mockloop` binary.

use std::path::Path;
use std::process::{Command, Output};

fn mockloop(args: &[&str], data_dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mockloop"))
        .args(args)
        .env("MOCKLOOP_DATA_DIR", data_dir)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("run mockloop")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const MINIMAL: &str = include_str!("../../tests/fixtures/minimal.toml");

#[test]
fn loops_json_lists_both_loops_with_rounds_in_seed_order() {
    let dir = tempfile::tempdir().unwrap();
    let out = mockloop(&["loops", "--json"], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let loops: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let loops = loops.as_array().unwrap();
    let ids: Vec<&str> = loops.iter().map(|l| l["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["microsoft-pm", "microsoft-pmm"]);
    for lp in loops {
        assert_eq!(lp["source"], "builtin");
        for round in lp["rounds"].as_array().unwrap() {
            for key in ["id", "kind", "title"] {
                assert!(round[key].is_string(), "{key} in {round}");
            }
            assert!(round["minutes"].as_u64().unwrap() > 0);
            assert!(round["questions"].as_u64().unwrap() >= 12, "{round}");
        }
    }
    let kinds = |i: usize| -> Vec<String> {
        loops[i]["rounds"].as_array().unwrap().iter().map(|r| r["kind"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(kinds(0), ["screen", "behavioural", "collaboration", "product-design", "estimation", "execution"]);
    assert_eq!(kinds(1), ["screen", "behavioural", "conflict", "gtm-case", "competitive", "alignment"]);
}

#[test]
fn loops_includes_user_files_and_warns_about_broken_ones() {
    let dir = tempfile::tempdir().unwrap();
    let loops_dir = dir.path().join("loops");
    std::fs::create_dir_all(&loops_dir).unwrap();
    std::fs::write(loops_dir.join("mine.toml"), MINIMAL).unwrap();
    std::fs::write(loops_dir.join("broken.toml"), "id = \"b\"\ntitle = 3\n").unwrap();
    let out = mockloop(&["loops", "--json"], dir.path());
    assert!(out.status.success());
    let loops: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mine = &loops.as_array().unwrap()[2];
    assert_eq!(mine["id"], "tiny");
    assert_eq!(mine["source"], loops_dir.join("mine.toml").display().to_string());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("broken.toml:2:9: "), "{stderr}");

    let table = mockloop(&["loops"], dir.path());
    let stdout = text(&table.stdout);
    assert!(stdout.contains("microsoft-pmm") && stdout.contains("tiny"), "{stdout}");
}

#[test]
fn validate_accepts_good_files_and_exits_1_with_located_problems() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.toml");
    std::fs::write(&good, MINIMAL).unwrap();
    let ok = mockloop(&["validate", good.to_str().unwrap()], dir.path());
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    assert!(text(&ok.stdout).contains("ok"));

    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        MINIMAL.replace("minutes = 10", "minutes = -3").replace("competency = \"depth\"", "competency = \"x\""),
    )
    .unwrap();
    let missing = dir.path().join("missing.toml");
    let out =
        mockloop(&["validate", good.to_str().unwrap(), bad.to_str().unwrap(), missing.to_str().unwrap()], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 5, "{stderr}");
    let b = bad.display().to_string();
    assert!(lines[0].starts_with(&format!("{b}:18:11: `minutes` must be a positive number")), "{stderr}");
    assert!(lines[1].starts_with(&format!("{b}:")) && lines[1].contains("unknown competency \"x\""), "{stderr}");
    assert_eq!(lines[2], format!("{b}: 2 problems"));
    assert!(lines[3].starts_with(&format!("{}:1:1: cannot read", missing.display())), "{stderr}");
    assert_eq!(lines[4], format!("{}: 1 problem", missing.display()));
    assert!(!stderr.contains("panicked") && !stderr.contains("backtrace"));
}

#[test]
fn validate_reports_every_problem_of_a_file_in_one_run() {
    // Four kinds of mistake a serde pass would have stopped at the first of:
    // an unknown key, a wrong type, a missing key, and a reference to a
    // checklist item no round has.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("mine.toml");
    let content = MINIMAL
        .replace("probe_seconds = 30", "probe_seconds = 30\nprobe_secs = 12")
        .replace("minutes = 20", "minutes = \"twenty\"")
        .replace("text = \"Why this role?\"\n", "")
        .replace("tests = [\"deep-tradeoff\"]", "tests = [\"deep-trade-off\"]");
    std::fs::write(&bad, &content).unwrap();
    let out = mockloop(&["validate", bad.to_str().unwrap()], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    let line_of = |needle: &str| content.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let question = content.lines().position(|l| l.contains("id = \"q-screen-1\"")).unwrap(); // its header's line
    let b = bad.display().to_string();
    for (line, words) in [
        (line_of("probe_secs"), "unknown key `probe_secs` in a round"),
        (line_of("minutes = \"twenty\""), "`minutes` must be a whole number, found a string"),
        (question, "a question is missing `text`"),
        (line_of("deep-trade-off"), "probe tests \"deep-trade-off\""),
    ] {
        assert!(
            stderr.lines().any(|l| l.starts_with(&format!("{b}:{line}:")) && l.contains(words)),
            "no line {line} saying {words:?} in:\n{stderr}"
        );
    }
    assert!(stderr.ends_with(&format!("{b}: 4 problems\n")), "{stderr}");
}

#[test]
fn stories_lists_the_bank_its_checks_and_each_loops_gaps() {
    let dir = tempfile::tempdir().unwrap();
    let empty = mockloop(&["stories"], dir.path());
    assert!(empty.status.success(), "{}", text(&empty.stderr));
    assert!(text(&empty.stdout).starts_with("No stories yet"), "{}", text(&empty.stdout));
    {
        let mut s = mockloop_core::session::Session::open(
            dir.path(),
            std::sync::Arc::new(mockloop_core::clock::ManualClock::new()),
        )
        .unwrap();
        let input = mockloop_core::stories::StoryInput {
            title: "Faster hospital reports".into(),
            decision: "Precompute the ten heaviest queries".into(),
            constraint: "a cloud budget fixed for the year".into(),
            result: "Opened in 1.2 s instead of 8 s".into(),
            competencies: vec!["customer-obsession".into(), "stakeholder-management".into()],
            ..Default::default()
        };
        s.save_story(None, &input).unwrap();
    }
    let out = mockloop(&["stories"], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let listing = text(&out.stdout);
    assert!(listing.contains("1. Faster hospital reports"), "{listing}");
    assert!(listing.contains("Shows: Customer obsession, Stakeholder management"), "{listing}");
    assert!(listing.contains("Not told in a take yet · story check: 2 of 8 yes, 6 not answered yet"), "{listing}");
    assert!(listing.contains("No story shows Technical fluency."), "{listing}");
    assert!(!listing.contains("No story shows Stakeholder management"), "{listing}");

    let out = mockloop(&["stories", "--json"], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let story = &json["stories"][0];
    assert_eq!(story["title"], "Faster hospital reports");
    assert_eq!(story["checks"].as_array().unwrap().len(), 8);
    assert_eq!(json["coverage"][0]["loop_id"], "microsoft-pm");
    let gaps: Vec<&str> = json["coverage"][0]["gaps"].as_array().unwrap().iter().map(|g| g.as_str().unwrap()).collect();
    assert!(gaps.contains(&"No story shows Technical fluency"), "{gaps:?}");
}

#[test]
fn validate_never_panics_on_binary_garbage() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.toml");
    std::fs::write(&junk, [0xff, 0xfe, 0x00, 0x41, 0x3d]).unwrap();
    let out = mockloop(&["validate", junk.to_str().unwrap()], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.starts_with(&format!("{}:1:1: ", junk.display())), "{stderr}");
    assert!(!stderr.contains("panicked"));
}

#[test]
fn window_without_a_display_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = mockloop(&[], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no display"), "{}", text(&out.stderr));
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(mockloop(&["validate"], dir.path()).status.code(), Some(2));
    assert_eq!(mockloop(&["frobnicate"], dir.path()).status.code(), Some(2));
}

/// Runs with an explicit `--data-dir` and the time zone pinned, so days
/// (and so weeks) fall the same on any machine.
fn mockloop_in(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["--data-dir", dir.to_str().unwrap()];
    all.extend_from_slice(args);
    Command::new(env!("CARGO_BIN_EXE_mockloop"))
        .args(&all)
        .env("TZ", "UTC")
        .env_remove("MOCKLOOP_DATA_DIR")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("run mockloop")
}

#[test]
fn report_is_deterministic_for_a_demo_seed() {
    let (a, b, c) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    for (dir, seed) in [(&a, "3"), (&b, "3"), (&c, "4")] {
        let out = mockloop_in(dir.path(), &["demo-data", "--weeks", "6", "--seed", seed, "--end", "2026-11-20"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let report = |dir: &Path| {
        let out = mockloop_in(dir, &["report", "--json", "--weeks", "6", "--today", "2026-11-20"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let (ra, rb, rc) = (report(a.path()), report(b.path()), report(c.path()));
    assert_eq!(ra, rb, "same seed, same report");
    assert_ne!(ra, rc, "another seed, another history");

    let json: serde_json::Value = serde_json::from_str(&ra).unwrap();
    assert_eq!(json["today"], "2026-11-20");
    assert_eq!(json["target_date"], "2026-12-11", "demo data sets an interview three weeks on");
    assert_eq!(json["days_left"], 21);
    assert!(json["ratings"].as_u64().unwrap() > 50, "{}", json["ratings"]);
    for lp in json["loops"].as_array().unwrap() {
        let score = lp["readiness"]["score"].as_f64().unwrap();
        assert!((0.0..=100.0).contains(&score), "{score}");
        assert!(!lp["readiness"]["reasons"].as_array().unwrap().is_empty());
        assert_eq!(lp["weakest"].as_array().unwrap().len(), 3);
        assert!(lp["next"].as_array().unwrap().len() >= 10);
        for c in lp["competencies"].as_array().unwrap() {
            assert_eq!(c["weekly"].as_array().unwrap().len(), 6);
        }
    }
    assert_eq!(json["volume"].as_array().unwrap().len(), 6);

    // Markdown carries the same figures.
    let md = mockloop_in(a.path(), &["report", "--weeks", "6", "--today", "2026-11-20"]);
    let md = text(&md.stdout);
    let pm = &json["loops"][0];
    let figure = format!(
        "## {}: readiness {:.0}/100",
        pm["title"].as_str().unwrap(),
        pm["readiness"]["score"].as_f64().unwrap()
    );
    assert!(md.contains(&figure), "{figure} in\n{md}");
    assert!(md.contains("Interview on 2026-12-11: 21 days left."));
}

#[test]
fn demo_data_never_mixes_into_a_folder_with_rehearsals() {
    let dir = tempfile::tempdir().unwrap();
    assert!(mockloop_in(dir.path(), &["demo-data", "--weeks", "1", "--end", "2026-11-20"]).status.success());
    let again = mockloop_in(dir.path(), &["demo-data", "--weeks", "1", "--end", "2026-11-20"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again.stderr).contains("sample history never mixes with real data"), "{}", text(&again.stderr));
    let asked = mockloop_in(dir.path(), &["demo-data", "--weeks", "1", "--end", "2026-11-20", "--into-existing"]);
    assert!(asked.status.success(), "{}", text(&asked.stderr));
}

#[test]
fn run_report_for_a_mentor_in_markdown_and_html() {
    let dir = tempfile::tempdir().unwrap();
    assert!(mockloop_in(dir.path(), &["demo-data", "--weeks", "1", "--seed", "9", "--end", "2026-11-20"])
        .status
        .success());
    let md = mockloop_in(dir.path(), &["report", "--run", "1"]);
    assert!(md.status.success(), "{}", text(&md.stderr));
    let md = text(&md.stdout);
    assert!(md.starts_with("# Microsoft "), "{md}");
    assert!(md.contains("## 1. ") && md.contains("Time: "), "{md}");
    assert!(["- missing: ", "- weak: ", "- solid: ", "- strong: "].iter().any(|w| md.contains(w)), "{md}");
    let html = text(&mockloop_in(dir.path(), &["report", "--run", "1", "--html"]).stdout);
    assert!(html.starts_with("<!doctype html>") && html.contains("<h2>1. ") && html.trim_end().ends_with("</html>"));
    let missing = mockloop_in(dir.path(), &["report", "--run", "999"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(text(&missing.stderr).starts_with("error: "), "{}", text(&missing.stderr));
}

#[test]
fn headless_commands_work_without_the_window_and_the_window_says_what_is_missing() {
    // The command line alone, without mockloop-window beside it.
    let alone = tempfile::tempdir().unwrap();
    let bin = alone.path().join("mockloop");
    std::fs::copy(env!("CARGO_BIN_EXE_mockloop"), &bin).unwrap();
    let data = tempfile::tempdir().unwrap();
    let listed = Command::new(&bin).args(["--data-dir", data.path().to_str().unwrap(), "loops"]).output().unwrap();
    assert!(listed.status.success(), "{}", text(&listed.stderr));
    assert!(text(&listed.stdout).contains("microsoft-pm"));
    let window = Command::new(&bin).env("DISPLAY", ":0").output().unwrap();
    assert_eq!(window.status.code(), Some(1));
    let err = text(&window.stderr);
    assert!(err.starts_with("error: cannot open the window: ") && err.contains("mockloop-window"), "{err}");
    assert!(err.contains("The headless commands still work"), "{err}");
}

/// The shared libraries an executable is linked against, as the dynamic
/// loader resolves them.
fn linked(bin: &str) -> String {
    let out = Command::new("ldd").arg(bin).output().expect("ldd is part of every glibc system");
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
}

#[test]
#[cfg(target_os = "linux")]
fn the_command_line_never_links_gtk_or_webkit_and_the_window_does() {
    let cli = linked(env!("CARGO_BIN_EXE_mockloop"));
    for library in ["libgtk-3", "libwebkit2gtk", "libjavascriptcoregtk", "libsoup"] {
        assert!(!cli.contains(library), "mockloop links {library}:\n{cli}");
    }
    let window = linked(env!("CARGO_BIN_EXE_mockloop-window"));
    assert!(window.contains("libwebkit2gtk-4.1") && window.contains("libgtk-3"), "{window}");
    println!("shared libraries: mockloop {}, mockloop-window {}", cli.lines().count(), window.lines().count());
}

#[test]
fn the_window_refuses_arguments_it_does_not_know() {
    let out = Command::new(env!("CARGO_BIN_EXE_mockloop-window")).arg("--data-dri").arg("/tmp").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).starts_with("error: unknown argument"), "{}", text(&out.stderr));
    let version = Command::new(env!("CARGO_BIN_EXE_mockloop-window")).arg("--version").output().unwrap();
    assert_eq!(text(&version.stdout).trim(), format!("mockloop-window {}", env!("CARGO_PKG_VERSION")));
}

/// A 16-bit mono WAV with `samples`, and optionally a chunk after the audio.
fn wav_bytes(samples: &[i16], trailing: Option<(&[u8; 4], &[u8])>) -> Vec<u8> {
    let data: Vec<u8> = samples.iter().flat_map(|s| s.to_le_bytes()).collect();
    let mut out = Vec::new();
    out.extend_from_slice(b"RIFF\0\0\0\0WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    for v in [1u16, 1] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&16_000u32.to_le_bytes());
    out.extend_from_slice(&32_000u32.to_le_bytes());
    for v in [2u16, 16] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(b"data");
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(&data);
    if let Some((id, body)) = trailing {
        out.extend_from_slice(id);
        out.extend_from_slice(&(body.len() as u32).to_le_bytes());
        out.extend_from_slice(body);
        if body.len() % 2 == 1 {
            out.push(0);
        }
    }
    let riff = (out.len() - 8) as u32;
    out[4..8].copy_from_slice(&riff.to_le_bytes());
    out
}

#[test]
fn record_never_replaces_an_existing_file_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("answer.wav");
    std::fs::write(&out, b"last week's answer").unwrap();
    let result = mockloop(&["record", "--seconds", "1", "--out", out.to_str().unwrap()], dir.path());
    assert_eq!(result.status.code(), Some(2), "{}", text(&result.stderr));
    assert!(
        text(&result.stderr).contains("already exists; it was left untouched (pass --force"),
        "{}",
        text(&result.stderr)
    );
    assert_eq!(std::fs::read(&out).unwrap(), b"last week's answer");
    assert!(!dir.path().join("answer.wav.part").exists());
}

#[test]
fn recover_keeps_chunks_after_the_audio_and_changes_nothing_in_a_healthy_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tagged.wav");
    let bytes = wav_bytes(&[1, -2, 3, -4], Some((b"LIST", b"INFOIART\x05\0\0\0me!\0\0")));
    std::fs::write(&path, &bytes).unwrap();
    let result = mockloop(&["recover", path.to_str().unwrap()], dir.path());
    assert!(result.status.success(), "{}", text(&result.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&result.stdout).unwrap();
    assert_eq!(summary["frames"], 4, "the LIST chunk is not audio");
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "byte for byte");
}

#[test]
fn recover_of_a_cut_short_take_changes_only_the_header_and_one_partial_frame() {
    let dir = tempfile::tempdir().unwrap();
    let part = dir.path().join("cut.wav.part");
    let mut bytes = wav_bytes(&[5, 6], None);
    // Audio the header never heard of, and half a frame.
    bytes.extend_from_slice(&[7, 0, 8, 0, 9]);
    std::fs::write(&part, &bytes).unwrap();
    let result = mockloop(&["recover", part.to_str().unwrap()], dir.path());
    assert!(result.status.success(), "{}", text(&result.stderr));
    let done = std::fs::read(dir.path().join("cut.wav")).unwrap();
    assert_eq!(done.len(), bytes.len() - 1, "only the partial frame is cut");
    assert_eq!(&done[44..], &bytes[44..bytes.len() - 1], "the audio is untouched");
    assert_eq!(u32::from_le_bytes(done[40..44].try_into().unwrap()), 8, "four samples");
}

#[test]
fn recover_never_replaces_a_finished_take_with_its_part_file() {
    let dir = tempfile::tempdir().unwrap();
    let done = dir.path().join("t.wav");
    let part = dir.path().join("t.wav.part");
    let (finished, partial) = (wav_bytes(&[1, 1, 1], None), wav_bytes(&[2, 2], None));
    std::fs::write(&done, &finished).unwrap();
    std::fs::write(&part, &partial).unwrap();
    let result = mockloop(&["recover", part.to_str().unwrap()], dir.path());
    assert_eq!(result.status.code(), Some(1));
    assert!(text(&result.stderr).contains("already exists"), "{}", text(&result.stderr));
    assert_eq!(std::fs::read(&done).unwrap(), finished);
    assert_eq!(std::fs::read(&part).unwrap(), partial);
}

#[test]
fn recover_refuses_a_wav_whose_audio_a_header_cannot_describe() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.wav.part");
    let mut bytes = wav_bytes(&[], None);
    bytes[40..44].copy_from_slice(&0u32.to_le_bytes());
    std::fs::write(&path, &bytes).unwrap();
    // A sparse file past 4 GiB: the header is never rewritten, nothing truncated.
    let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    file.set_len(5 * 1024 * 1024 * 1024).unwrap();
    drop(file);
    let result = mockloop(&["recover", path.to_str().unwrap()], dir.path());
    assert_eq!(result.status.code(), Some(1));
    assert!(text(&result.stderr).contains("more than a WAV header can describe"), "{}", text(&result.stderr));
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 5 * 1024 * 1024 * 1024, "not truncated");
    assert!(!dir.path().join("huge.wav").exists());
}

#[test]
fn recover_and_demo_data_wait_their_turn_while_the_folder_is_in_use() {
    let dir = tempfile::tempdir().unwrap();
    let _held = mockloop_core::lock::DataLock::acquire(dir.path(), "the mockloop window").unwrap();
    for args in [&["recover"][..], &["demo-data", "--weeks", "1", "--data-dir", dir.path().to_str().unwrap()][..]] {
        let result = mockloop(args, dir.path());
        assert_eq!(result.status.code(), Some(1), "{args:?}");
        let stderr = text(&result.stderr);
        assert!(stderr.contains("is in use by the mockloop window (process "), "{args:?}: {stderr}");
    }
    assert!(!dir.path().join("mockloop.sqlite3").exists(), "nothing was written");
}

#[test]
fn the_markdown_run_report_shows_notes_literally_and_names_no_folder() {
    let dir = tempfile::tempdir().unwrap();
    let run = {
        let mut s = mockloop_core::session::Session::open(
            dir.path(),
            std::sync::Arc::new(mockloop_core::clock::ManualClock::new()),
        )
        .unwrap();
        let view = s.start("microsoft-pm", Some("estimation"), false, 1).unwrap();
        let (_, path) = s.begin_take().unwrap();
        std::fs::write(path, wav_bytes(&[0; 16], None)).unwrap();
        s.act(mockloop_core::session::Action::FinishRound).unwrap();
        s.save_assessment(None, &[], &[], "# not a heading\n<img src=x onerror=alert(1)>").unwrap();
        view.run_id
    };
    let result = mockloop(&["report", "--run", &run.to_string()], dir.path());
    assert!(result.status.success(), "{}", text(&result.stderr));
    let md = text(&result.stdout);
    assert!(md.contains("\\# not a heading  \n\\<img src=x onerror=alert(1)\\>"), "{md}");
    assert!(!md.contains(dir.path().to_str().unwrap()), "no folder of the user's in the report: {md}");
}

#[test]
fn backup_then_restore_into_an_empty_folder_gives_the_same_report() {
    let root = tempfile::tempdir().unwrap();
    let (from, into) = (root.path().join("from"), root.path().join("into"));
    assert!(mockloop_in(&from, &["demo-data", "--weeks", "3", "--seed", "4", "--end", "2026-11-20"]).status.success());
    std::fs::create_dir_all(from.join("takes")).unwrap();
    std::fs::write(from.join("takes/a_main.wav"), wav_bytes(&[1, 2, 3], None)).unwrap();
    std::fs::write(from.join("takes/b_main.wav.part"), b"being recorded").unwrap();
    std::fs::create_dir_all(from.join("loops")).unwrap();
    std::fs::write(from.join("loops/mine.toml"), MINIMAL).unwrap();
    let archive = root.path().join("backup.tar");
    let made = mockloop_in(&from, &["backup", archive.to_str().unwrap()]);
    assert!(made.status.success(), "{}", text(&made.stderr));
    assert!(
        text(&made.stderr).contains("1 takes") && text(&made.stderr).contains("1 loop files"),
        "{}",
        text(&made.stderr)
    );
    // Never over an existing file.
    let again = mockloop_in(&from, &["backup", archive.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1));

    let restored = mockloop_in(&into, &["restore", archive.to_str().unwrap()]);
    assert!(restored.status.success(), "{}", text(&restored.stderr));
    let report = |dir: &Path| mockloop_in(dir, &["report", "--json", "--today", "2026-11-21"]).stdout;
    assert_eq!(report(&into), report(&from), "the same report, byte for byte");
    assert_eq!(std::fs::read(into.join("takes/a_main.wav")).unwrap(), wav_bytes(&[1, 2, 3], None));
    assert!(!into.join("takes/b_main.wav.part").exists(), "a take being recorded is not backed up");
    assert_eq!(std::fs::read_to_string(into.join("loops/mine.toml")).unwrap(), MINIMAL);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(into.join("takes/a_main.wav")).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    // Never into a folder with rehearsals.
    let before = std::fs::read(into.join("mockloop.sqlite3")).unwrap();
    let refused = mockloop_in(&into, &["restore", archive.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(text(&refused.stderr).contains("restore only into an empty folder"), "{}", text(&refused.stderr));
    assert_eq!(std::fs::read(into.join("mockloop.sqlite3")).unwrap(), before);
}

#[test]
fn restore_refuses_an_archive_that_is_not_a_backup_and_writes_nothing() {
    let root = tempfile::tempdir().unwrap();
    let archive = root.path().join("evil.tar");
    let mut tar = Vec::new();
    {
        // A tar with an entry that climbs out of the folder.
        let mut header = [0u8; 512];
        let name = b"takes/../../escaped.wav";
        header[..name.len()].copy_from_slice(name);
        header[100..108].copy_from_slice(b"0000644\0");
        header[124..136].copy_from_slice(b"00000000004\0");
        header[156] = b'0';
        header[257..263].copy_from_slice(b"ustar\0");
        header[263..265].copy_from_slice(b"00");
        header[148..156].copy_from_slice(b"        ");
        let sum: u32 = header.iter().map(|&b| u32::from(b)).sum();
        header[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
        tar.extend_from_slice(&header);
        tar.extend_from_slice(b"evil");
        tar.extend_from_slice(&[0u8; 508]);
        tar.extend_from_slice(&[0u8; 1024]);
    }
    std::fs::write(&archive, tar).unwrap();
    let into = root.path().join("into");
    let refused = mockloop_in(&into, &["restore", archive.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(text(&refused.stderr).contains("is not a mockloop backup"), "{}", text(&refused.stderr));
    assert!(!root.path().join("escaped.wav").exists());
    assert!(!into.join("mockloop.sqlite3").exists());
}

/// A machine with no sound server and no sound card: ALSA would print
/// "cannot find card '0'" and the like; mockloop says one thing, in words,
/// and ALSA's own lines only with --verbose.
#[test]
fn alsa_diagnostics_stay_off_stderr_unless_verbose() {
    let dir = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_mockloop"))
            .args(args)
            .env("MOCKLOOP_DATA_DIR", dir.path())
            .env("HOME", home.path())
            .env("XDG_RUNTIME_DIR", home.path())
            .env_remove("PULSE_SERVER")
            .output()
            .expect("run mockloop")
    };
    let out_file = dir.path().join("take.wav");
    let out = dir.path().join("take.wav").to_string_lossy().into_owned();
    let record = run(&["record", "--seconds", "1", "--out", &out]);
    assert_eq!(record.status.code(), Some(1));
    let said = text(&record.stderr);
    assert!(!said.contains("ALSA lib"), "{said}");
    assert_eq!(said.lines().count(), 1, "one line: {said}");
    assert!(said.starts_with("error: ") && said.contains("microphone"), "{said}");
    assert!(!out_file.exists() && !dir.path().join("take.wav.part").exists(), "nothing left behind");

    let devices = run(&["devices"]);
    assert!(devices.status.success(), "{}", text(&devices.stderr));
    assert!(!text(&devices.stderr).contains("ALSA lib"), "{}", text(&devices.stderr));

    let verbose = run(&["--verbose", "record", "--seconds", "1", "--out", &out]);
    assert!(text(&verbose.stderr).contains("ALSA lib"), "--verbose lets ALSA speak: {}", text(&verbose.stderr));
}
