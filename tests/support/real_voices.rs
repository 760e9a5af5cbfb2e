//! The real recordings scripts/real-speech.sh fetches: people reading
//! English whose text is known (a LibriVox reader, John F. Kennedy, CMU's
//! speakers), for what espeak-ng's voice cannot stand in for.

use std::path::{Path, PathBuf};

/// Each recording with the words said (lower case, numbers in words):
/// `MOCKLOOP_REAL_SPEECH`, else `target/real-speech/`.
pub fn real_voices() -> Vec<(PathBuf, String)> {
    let dir = std::env::var_os("MOCKLOOP_REAL_SPEECH")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/real-speech"));
    let list = std::fs::read_to_string(dir.join("clips.tsv"))
        .unwrap_or_else(|e| panic!("{}: {e}: run scripts/real-speech.sh (make test does)", dir.display()));
    list.lines()
        .map(|l| {
            let (file, text) = l.split_once('\t').unwrap_or_else(|| panic!("clips.tsv: {l:?}"));
            (dir.join(file), text.to_owned())
        })
        .collect()
}
