//! The speech models a user can choose, where they live and how a file is
//! known to be one: never bundled, downloaded from the official
//! whisper.cpp host ([`super::download`]) or imported from a file, each
//! checked before it is ever used.
//!
//! Models live in the data folder's `models/` (not the platform's cache
//! folder): a cache may be emptied by the system or a cleaner at any time,
//! and transcripts would then stop until a 142 MB download; in the data
//! folder they go with the data and are removed with it. Backups leave
//! them out (they can be downloaded again).
//!
//! A file is used only when it is whole: a catalogue model by its pinned
//! SHA-256; any file (an import) by its header and by a trial load in the
//! worker's own process ([`super::worker::check`]), so a file whisper.cpp
//! chokes on costs a message, never the window.

use serde::Serialize;
use sha2::{Digest, Sha256};
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// A model of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Known {
    /// Its name ("base.en").
    pub name: &'static str,
    /// Its size in bytes.
    pub bytes: u64,
    /// The SHA-256 of the official file, lower-case hex.
    pub sha256: &'static str,
    /// What it is good for, in words.
    pub about: &'static str,
}

/// The official host's address for a model's file.
pub const HOST: &str = "https://huggingface.co/ggerganov/whisper.cpp/resolve/main";
/// Environment variable that points downloads elsewhere (a mirror, or a
/// test's local server): `{base}/ggml-{name}.bin`.
pub const HOST_ENV: &str = "MOCKLOOP_MODEL_HOST";
/// The model chosen when the user has not chosen.
pub const DEFAULT: &str = "base.en";

/// The models a user can download: English-only, whisper.cpp's own
/// files. Checksums as the host publishes them (Git LFS object ids).
pub const CATALOGUE: &[Known] = &[
    Known {
        name: "tiny.en",
        bytes: 77_704_715,
        sha256: "921e4cf8686fdd993dcd081a5da5b6c365bfde1162e72b08d75ac75289920b1f",
        about: "fastest, least accurate",
    },
    Known {
        name: "base.en",
        bytes: 147_964_211,
        sha256: "a03779c86df3323075f5e796cb2ce5029f00ec8869eee3fdfb897afe36c6d002",
        about: "the default: accurate enough, a few seconds a minute of speech",
    },
    Known {
        name: "small.en",
        bytes: 487_614_201,
        sha256: "c6138d6d58ecc8322097e0f987c32f1be8bb0a18532a3f88f734d1bbf9c41e5d",
        about: "most accurate, several times slower",
    },
];

/// The catalogue entry called `name`.
pub fn known(name: &str) -> Option<&'static Known> {
    CATALOGUE.iter().find(|k| k.name == name)
}

/// Where a data folder's models live.
pub fn models_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("models")
}

/// The file a model called `name` is kept in.
pub fn model_file(data_dir: &Path, name: &str) -> PathBuf {
    models_dir(data_dir).join(format!("ggml-{name}.bin"))
}

/// The `.part` file a download of `name` writes to.
pub fn part_file(data_dir: &Path, name: &str) -> PathBuf {
    let mut p = model_file(data_dir, name).into_os_string();
    p.push(".part");
    PathBuf::from(p)
}

/// The address a model is downloaded from (`MOCKLOOP_MODEL_HOST` first).
pub fn url(known: &Known) -> String {
    let host = std::env::var(HOST_ENV).ok().filter(|h| !h.is_empty()).unwrap_or_else(|| HOST.to_owned());
    format!("{}/ggml-{}.bin", host.trim_end_matches('/'), known.name)
}

/// A model in the data folder.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Installed {
    /// Its name ("base.en", or the imported file's own name).
    pub name: String,
    /// Where it is.
    pub path: PathBuf,
    /// Its size.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub bytes: u64,
    /// Whether it is one of the catalogue's.
    pub known: bool,
}

/// The models in `data_dir`, by name (half-downloaded `.part` files are
/// not models).
pub fn installed(data_dir: &Path) -> Vec<Installed> {
    let Ok(entries) = fs::read_dir(models_dir(data_dir)) else { return Vec::new() };
    let mut out: Vec<Installed> = entries
        .flatten()
        .filter_map(|e| {
            let file = e.file_name().to_string_lossy().into_owned();
            let name = file.strip_prefix("ggml-")?.strip_suffix(".bin")?.to_owned();
            let bytes = e.metadata().ok()?.len();
            Some(Installed { known: known(&name).is_some(), name, path: e.path(), bytes })
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// A model as the lists show it: every catalogue model, downloaded or
/// not, then the user's own files.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ModelChoice {
    /// Its name.
    pub name: String,
    /// Its size in bytes (on disk if here, else the download's).
    pub bytes: u64,
    /// In the data folder.
    pub installed: bool,
    /// One of the catalogue's (else a file the user imported).
    pub known: bool,
    /// What it is good for.
    pub about: String,
    /// Where it is, if here.
    pub path: Option<PathBuf>,
    /// Bytes of an interrupted download kept for resuming.
    pub partial_bytes: u64,
}

/// The models a user can choose in `data_dir`.
pub fn listed(data_dir: &Path) -> Vec<ModelChoice> {
    let here = installed(data_dir);
    let mut out: Vec<ModelChoice> = CATALOGUE
        .iter()
        .map(|k| {
            let found = here.iter().find(|i| i.name == k.name);
            ModelChoice {
                name: k.name.into(),
                bytes: found.map_or(k.bytes, |i| i.bytes),
                installed: found.is_some(),
                known: true,
                about: k.about.into(),
                path: found.map(|i| i.path.clone()),
                partial_bytes: fs::metadata(part_file(data_dir, k.name)).map_or(0, |m| m.len()),
            }
        })
        .collect();
    out.extend(here.into_iter().filter(|i| !i.known).map(|i| ModelChoice {
        name: i.name,
        bytes: i.bytes,
        installed: true,
        known: false,
        about: "a model file of your own".into(),
        path: Some(i.path),
        partial_bytes: 0,
    }));
    out
}

/// Why a file is not a model this build uses.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// It could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What failed.
        source: io::Error,
    },
    /// Its header is not a whisper.cpp model's.
    #[error("{path} is not a whisper.cpp model: {why}")]
    NotAModel {
        /// The file.
        path: PathBuf,
        /// What is wrong, in words.
        why: String,
    },
    /// A catalogue model whose bytes are not the official file's.
    #[error(
        "{path} is not the official {name} (its SHA-256 is {found}, not {expected}): it was damaged or \
         replaced, and is not used"
    )]
    Checksum {
        /// The file.
        path: PathBuf,
        /// The model.
        name: String,
        /// Its checksum.
        found: String,
        /// The catalogue's.
        expected: String,
    },
    /// No model of that name.
    #[error("no model called {0:?}: the models are tiny.en, base.en and small.en, or a file of your own (`mockloop models import FILE`)")]
    Unknown(String),
}

/// What a whisper.cpp model's header says of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Header {
    /// Vocabulary size (51864 for the English-only models).
    pub vocab: i32,
    /// Audio encoder width (384 tiny, 512 base, 768 small…).
    pub audio_state: i32,
    /// Audio encoder layers.
    pub audio_layers: i32,
    /// Mel bins (80, or 128 for large-v3).
    pub mels: i32,
    /// Weight type (0 f32, 1 f16, quantised above).
    pub ftype: i32,
}

impl Header {
    /// Whether the model is English-only (its vocabulary has no language
    /// tokens beyond English's).
    pub fn english_only(&self) -> bool {
        self.vocab == 51_864
    }
}

/// The least a model file can be: header, mel filters, vocabulary.
const MIN_MODEL_BYTES: u64 = 1 << 20;

/// Reads and checks a model file's header: the magic number, sane sizes,
/// and enough bytes for what it promises. Cheap; whisper.cpp itself still
/// has the last word (the worker's trial load).
pub fn check_header(path: &Path) -> Result<Header, ModelError> {
    let not = |why: &str| ModelError::NotAModel { path: path.to_path_buf(), why: why.to_owned() };
    let io_err = |source| ModelError::Io { path: path.to_path_buf(), source };
    let meta = fs::metadata(path).map_err(io_err)?;
    if !meta.is_file() {
        return Err(not("it is not a file"));
    }
    let mut head = [0u8; 48];
    let mut file = fs::File::open(path).map_err(io_err)?;
    let n = read_up_to(&mut file, &mut head).map_err(io_err)?;
    if n < head.len() {
        return Err(not("it is too short to hold a header"));
    }
    let at = |i: usize| i32::from_le_bytes(head[4 * i..4 * i + 4].try_into().unwrap_or([0; 4]));
    if head[..4] != 0x6767_6d6c_u32.to_le_bytes() {
        return Err(not(
            "it does not start with whisper.cpp's \"ggml\" mark (is it a PyTorch, CTranslate2 or GGUF file?)",
        ));
    }
    let (vocab, audio_ctx, audio_state, audio_head, audio_layers) = (at(1), at(2), at(3), at(4), at(5));
    let (text_ctx, text_state, text_head, text_layers, mels, ftype) = (at(6), at(7), at(8), at(9), at(10), at(11));
    let sane = (51_000..=52_000).contains(&vocab)
        && audio_ctx == 1500
        && text_ctx == 448
        && [384, 512, 768, 1024, 1280].contains(&audio_state)
        && audio_state == text_state
        && audio_head > 0
        && audio_state % audio_head == 0
        && text_head == audio_head
        && (1..=64).contains(&audio_layers)
        && (1..=64).contains(&text_layers)
        && (mels == 80 || mels == 128)
        && (0..=32).contains(&(ftype % 1000));
    if !sane {
        return Err(not("its header describes no Whisper model"));
    }
    if meta.len() < MIN_MODEL_BYTES {
        return Err(not("it is far too short for a Whisper model (truncated?)"));
    }
    // The weights of even the smallest layout: two bytes a parameter
    // (f16) of the encoder's and decoder's blocks, a quarter of that for
    // the smallest quantised type.
    let width = i64::from(audio_state);
    let weights = (i64::from(audio_layers) + i64::from(text_layers)) * 12 * width * width;
    let bytes_per_weight = if ftype % 1000 <= 1 { 2.0 } else { 0.5 };
    if (meta.len() as f64) < weights as f64 * bytes_per_weight * 0.9 {
        return Err(not(&format!(
            "it holds {} bytes, too few for the model its header describes (truncated?)",
            meta.len()
        )));
    }
    Ok(Header { vocab, audio_state, audio_layers, mels, ftype })
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// A file's SHA-256, lower-case hex.
pub fn sha256_of(path: &Path) -> Result<String, ModelError> {
    let io_err = |source| ModelError::Io { path: path.to_path_buf(), source };
    let mut file = fs::File::open(path).map_err(io_err)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).map_err(io_err)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

/// Bytes as lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks the installed model called `name` as far as it can be without
/// loading it: its header, and for a catalogue model its checksum.
pub fn verify(path: &Path, name: &str) -> Result<Header, ModelError> {
    let header = check_header(path)?;
    if let Some(k) = known(name) {
        let found = sha256_of(path)?;
        if found != k.sha256 {
            return Err(ModelError::Checksum {
                path: path.to_path_buf(),
                name: name.to_owned(),
                found,
                expected: k.sha256.to_owned(),
            });
        }
    }
    Ok(header)
}

/// The name an imported file is kept under: a catalogue name when its
/// checksum is one, else its own file name without `ggml-` and `.bin`.
pub fn import_name(path: &Path, sha256: &str) -> String {
    if let Some(k) = CATALOGUE.iter().find(|k| k.sha256 == sha256) {
        return k.name.to_owned();
    }
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "model".into());
    let stem = stem.strip_prefix("ggml-").unwrap_or(&stem);
    let clean: String =
        stem.chars().map(|c| if c.is_ascii_alphanumeric() || "._-".contains(c) { c } else { '-' }).collect();
    if clean.is_empty() || clean.starts_with('.') {
        "model".into()
    } else if known(&clean).is_some() {
        // Not the official file (its checksum differs): not its name.
        format!("{clean}-custom")
    } else {
        clean
    }
}

/// Removes the model called `name`; the bytes freed.
pub fn remove(data_dir: &Path, name: &str) -> Result<u64, ModelError> {
    let path = model_file(data_dir, name);
    let io_err = |source| ModelError::Io { path: path.clone(), source };
    match fs::metadata(&path) {
        Ok(meta) => {
            fs::remove_file(&path).map_err(io_err)?;
            Ok(meta.len())
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Err(ModelError::Unknown(name.to_owned())),
        Err(e) => Err(io_err(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(vocab: i32, state: i32, layers: i32) -> Vec<u8> {
        let mut h = 0x6767_6d6c_u32.to_le_bytes().to_vec();
        for v in [vocab, 1500, state, 6, layers, 448, state, 6, layers, 80, 1] {
            h.extend(v.to_le_bytes());
        }
        h
    }

    #[test]
    fn a_header_is_checked_for_mark_sizes_and_length() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("m.bin");
        let mut bytes = header(51_864, 384, 4);
        bytes.resize(80_000_000, 0);
        fs::write(&f, &bytes).unwrap();
        let h = check_header(&f).unwrap();
        assert!(h.english_only());
        assert_eq!(h.audio_state, 384);

        bytes.truncate(5_000_000);
        fs::write(&f, &bytes).unwrap();
        assert!(check_header(&f).unwrap_err().to_string().contains("truncated"));

        fs::write(&f, b"PK\x03\x04 not a model at all, a zip file of some kind").unwrap();
        assert!(check_header(&f).unwrap_err().to_string().contains("mark"));

        let mut odd = header(51_864, 333, 4);
        odd.resize(80_000_000, 0);
        fs::write(&f, &odd).unwrap();
        assert!(check_header(&f).unwrap_err().to_string().contains("no Whisper model"));
    }

    #[test]
    fn the_catalogue_names_the_default_and_host() {
        assert!(known(DEFAULT).is_some());
        assert!(CATALOGUE.iter().all(|k| k.sha256.len() == 64 && k.bytes > 50_000_000));
        assert!(url(known("tiny.en").unwrap()).ends_with("/ggml-tiny.en.bin"));
    }

    #[test]
    fn imports_are_named_by_checksum_or_their_own_name() {
        let tiny = known("tiny.en").unwrap().sha256;
        assert_eq!(import_name(Path::new("/x/whatever.bin"), tiny), "tiny.en");
        assert_eq!(import_name(Path::new("/x/ggml-my model!.bin"), "00"), "my-model-");
        assert_eq!(import_name(Path::new("/x/.bin"), "00"), "model");
        assert_eq!(import_name(Path::new("/x/ggml-base.en.bin"), "00"), "base.en-custom");
    }
}
