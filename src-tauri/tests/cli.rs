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
            assert!(round["questions"].as_u64().unwrap() >= 10, "{round}");
        }
    }
    let kinds = |i: usize| -> Vec<String> {
        loops[i]["rounds"].as_array().unwrap().iter().map(|r| r["kind"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(kinds(0), ["screen", "behavioural", "behavioural", "product-design", "estimation", "execution"]);
    assert_eq!(kinds(1), ["screen", "behavioural", "behavioural", "gtm-case", "competitive", "alignment"]);
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
    assert_eq!(lines.len(), 3, "{stderr}");
    let b = bad.display().to_string();
    assert!(lines[0].starts_with(&format!("{b}:18:11: `minutes` must be a positive number")), "{stderr}");
    assert!(lines[1].starts_with(&format!("{b}:")) && lines[1].contains("unknown competency \"x\""), "{stderr}");
    assert!(lines[2].starts_with(&format!("{}:1:1: cannot read", missing.display())), "{stderr}");
    assert!(!stderr.contains("panicked") && !stderr.contains("backtrace"));
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
