//! Downloading a catalogue model: into `ggml-NAME.bin.part` beside where
//! it will live, resumed with an HTTP Range request after a dropped
//! connection (a few times, by itself) or a restart (the `.part` stays),
//! renamed only once its SHA-256 is the catalogue's. Disk space is
//! checked first; a proxy from the environment (`HTTPS_PROXY`,
//! `ALL_PROXY`…) is honoured (ureq reads them); cancelling keeps the
//! `.part` for next time.

use super::models::{self, Known};
use crate::logging::LogErr;
use serde::Serialize;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Room kept free beyond the model itself.
const SPARE_BYTES: u64 = 64 << 20;
/// Tries after a dropped connection before giving up (each resumes).
const RETRIES: u32 = 4;
/// A read that waits longer than this is a dropped connection.
const STALL: Duration = Duration::from_secs(30);

/// How far a download is.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Fetched {
    /// Bytes on disk so far.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub done: u64,
    /// Bytes in all.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub total: u64,
    /// Bytes a second over this session's download (0 at first).
    pub bytes_per_second: f64,
}

impl Fetched {
    /// Seconds left at the current speed, if known.
    pub fn seconds_left(&self) -> Option<f64> {
        (self.bytes_per_second > 0.0).then(|| self.total.saturating_sub(self.done) as f64 / self.bytes_per_second)
    }
}

/// Why a download did not end with a model.
#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    /// The host could not be reached.
    #[error("cannot reach {url}: {why}. Check the network (or the proxy), or download the file elsewhere and use Use a model file… (`mockloop models import FILE`)")]
    Offline {
        /// The address.
        url: String,
        /// What failed.
        why: String,
    },
    /// The connection kept breaking off.
    #[error("the download from {url} kept stopping ({why}); what arrived is kept, and downloading again resumes")]
    Interrupted {
        /// The address.
        url: String,
        /// The last failure.
        why: String,
    },
    /// The host answered with an error.
    #[error("{url} answered {status}: the model could not be downloaded")]
    Http {
        /// The address.
        url: String,
        /// The HTTP status.
        status: u16,
    },
    /// Not enough free space.
    #[error("not enough free space in {dir}: the model needs {need_mb} MB and {free_mb} MB are free")]
    NoSpace {
        /// Where the model goes.
        dir: PathBuf,
        /// Megabytes needed.
        need_mb: u64,
        /// Megabytes free.
        free_mb: u64,
    },
    /// The file arrived but is not the official one: deleted.
    #[error("the downloaded {name} is not the official file (its checksum does not match): it was deleted and is not used; try again")]
    Checksum {
        /// The model.
        name: String,
    },
    /// The user cancelled: the part downloaded is kept.
    #[error("cancelled ({done_mb} MB of {total_mb} MB kept; downloading again resumes)")]
    Cancelled {
        /// Megabytes kept.
        done_mb: u64,
        /// Megabytes in all.
        total_mb: u64,
    },
    /// A file could not be written or read.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// What failed.
        source: io::Error,
    },
}

fn io_err(what: impl Into<String>) -> impl FnOnce(io::Error) -> DownloadError {
    let what = what.into();
    move |source| DownloadError::Io { what, source }
}

pub use super::models::part_file;

/// Downloads `known` into `data_dir`'s models (or finds it there whole);
/// its path. `tell` hears the progress; `cancel` set stops it.
pub fn get(
    data_dir: &Path,
    known: &Known,
    cancel: &AtomicBool,
    tell: &mut dyn FnMut(Fetched),
) -> Result<PathBuf, DownloadError> {
    let dest = models::model_file(data_dir, known.name);
    if models::verify(&dest, known.name).is_ok() {
        return Ok(dest);
    }
    let dir = models::models_dir(data_dir);
    fs::create_dir_all(&dir).map_err(io_err(format!("cannot make {}", dir.display())))?;
    let part = part_file(data_dir, known.name);
    let mut have = fs::metadata(&part).map(|m| m.len()).unwrap_or(0);
    if have > known.bytes {
        fs::remove_file(&part).map_err(io_err(format!("cannot remove {}", part.display())))?;
        have = 0;
    }
    check_space(&dir, known.bytes - have)?;

    let url = models::url(known);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(20)))
        .timeout_recv_response(Some(Duration::from_secs(60)))
        .timeout_per_read(Some(STALL))
        .http_status_as_error(false)
        .user_agent(concat!("mockloop/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let started = Instant::now();
    let first = have;
    let mut tries = 0;
    loop {
        match fetch_from(&agent, &url, &part, known, have, cancel, &mut |done| {
            let secs = started.elapsed().as_secs_f64();
            let rate = if secs > 0.5 { (done - first) as f64 / secs } else { 0.0 };
            tell(Fetched { done, total: known.bytes, bytes_per_second: rate });
        }) {
            Ok(()) => break,
            Err(Attempt::Fatal(e)) => return Err(e),
            Err(Attempt::Dropped(why)) => {
                let now = fs::metadata(&part).map(|m| m.len()).unwrap_or(0);
                // Progress resets the count: only a connection that keeps
                // failing with nothing gained gives up.
                if now > have {
                    tries = 0;
                }
                have = now;
                tries += 1;
                if tries > RETRIES {
                    return Err(DownloadError::Interrupted { url, why });
                }
                log::warn!("model download: {why}; resuming at {have} bytes (try {tries} of {RETRIES})");
                std::thread::sleep(Duration::from_millis(500 * u64::from(tries)));
            }
        }
    }
    finish(&part, &dest, known)
}

/// Checks the finished `.part` and renames it into place.
fn finish(part: &Path, dest: &Path, known: &Known) -> Result<PathBuf, DownloadError> {
    let found = models::sha256_of(part).map_err(|e| match e {
        models::ModelError::Io { path, source } => {
            DownloadError::Io { what: format!("cannot read {}", path.display()), source }
        }
        other => DownloadError::Io { what: other.to_string(), source: io::Error::other("unreadable") },
    })?;
    if found != known.sha256 {
        fs::remove_file(part).map_err(io_err(format!("cannot remove {}", part.display())))?;
        log::error!("model download: {} has SHA-256 {found}, not {}; deleted", known.name, known.sha256);
        return Err(DownloadError::Checksum { name: known.name.to_owned() });
    }
    fs::rename(part, dest).map_err(io_err(format!("cannot move the model to {}", dest.display())))?;
    crate::fsutil::sync_dir(dest.parent().unwrap_or(Path::new("."))).log_warn();
    Ok(dest.to_path_buf())
}

/// Fails when `dir`'s file system has less than `need` bytes (and a
/// margin) free.
fn check_space(dir: &Path, need: u64) -> Result<(), DownloadError> {
    let free = fs4::available_space(dir).map_err(io_err(format!("cannot read the free space of {}", dir.display())))?;
    if free < need + SPARE_BYTES {
        return Err(DownloadError::NoSpace {
            dir: dir.to_path_buf(),
            need_mb: (need + SPARE_BYTES).div_ceil(1 << 20),
            free_mb: free >> 20,
        });
    }
    Ok(())
}

/// Whether `e` means the host cannot be reached at all (no network, no
/// such host, nothing listening, a bad proxy), as opposed to a connection
/// that broke off and is worth resuming.
fn unreachable(e: &ureq::Error) -> bool {
    use std::io::ErrorKind as K;
    match e {
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed | ureq::Error::InvalidProxyUrl => true,
        ureq::Error::Timeout(ureq::Timeout::Connect | ureq::Timeout::Resolve) => true,
        ureq::Error::Io(io) => matches!(
            io.kind(),
            K::ConnectionRefused | K::AddrNotAvailable | K::NetworkUnreachable | K::HostUnreachable | K::NotFound
        ),
        _ => false,
    }
}

enum Attempt {
    /// Worth resuming.
    Dropped(String),
    /// Not.
    Fatal(DownloadError),
}

/// One request from byte `have` on, appended to `part`.
fn fetch_from(
    agent: &ureq::Agent,
    url: &str,
    part: &Path,
    known: &Known,
    have: u64,
    cancel: &AtomicBool,
    tell: &mut dyn FnMut(u64),
) -> Result<(), Attempt> {
    if have == known.bytes {
        return Ok(());
    }
    let mut request = agent.get(url);
    if have > 0 {
        request = request.header("Range", format!("bytes={have}-"));
    }
    let mut response = match request.call() {
        Ok(r) => r,
        Err(e) if unreachable(&e) => {
            return Err(Attempt::Fatal(DownloadError::Offline { url: url.to_owned(), why: e.to_string() }));
        }
        Err(e) => return Err(Attempt::Dropped(e.to_string())),
    };
    let status = response.status().as_u16();
    let mut start = have;
    match status {
        206 => {}
        200 => start = 0,     // the server sends it all again
        416 => return Ok(()), // nothing left to send: the part is whole (the checksum says)
        500..=599 => return Err(Attempt::Dropped(format!("the server answered {status}"))),
        _ => return Err(Attempt::Fatal(DownloadError::Http { url: url.to_owned(), status })),
    }
    let mut file = OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(start == 0)
        .append(start > 0)
        .open(part)
        .map_err(|e| Attempt::Fatal(io_err(format!("cannot write {}", part.display()))(e)))?;
    let mut body = response.body_mut().as_reader();
    let mut buf = vec![0u8; 256 << 10];
    let mut done = start;
    tell(done);
    loop {
        if cancel.load(Ordering::Relaxed) {
            let _ = file.sync_all();
            return Err(Attempt::Fatal(DownloadError::Cancelled { done_mb: done >> 20, total_mb: known.bytes >> 20 }));
        }
        let n = match body.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) => {
                let _ = file.sync_all();
                return Err(Attempt::Dropped(e.to_string()));
            }
        };
        if done + n as u64 > known.bytes {
            return Err(Attempt::Fatal(DownloadError::Checksum { name: known.name.to_owned() }));
        }
        if let Err(e) = file.write_all(&buf[..n]) {
            let full = e.raw_os_error() == Some(28); // ENOSPC
            return Err(Attempt::Fatal(if full {
                let dir = part.parent().unwrap_or(Path::new(".")).to_path_buf();
                DownloadError::NoSpace { free_mb: 0, need_mb: (known.bytes - done) >> 20, dir }
            } else {
                io_err(format!("cannot write {}", part.display()))(e)
            }));
        }
        done += n as u64;
        tell(done);
    }
    file.sync_all().map_err(|e| Attempt::Fatal(io_err(format!("cannot write {}", part.display()))(e)))?;
    if done < known.bytes {
        return Err(Attempt::Dropped(format!("the connection ended after {done} of {} bytes", known.bytes)));
    }
    Ok(())
}

/// Copies a model file the user chose into the data folder, after
/// `check` (the worker's trial load) accepts it; its name there.
pub fn import(data_dir: &Path, from: &Path, check: &dyn Fn(&Path) -> Result<(), String>) -> Result<String, String> {
    models::check_header(from).map_err(|e| e.to_string())?;
    let sha = models::sha256_of(from).map_err(|e| e.to_string())?;
    let name = models::import_name(from, &sha);
    check(from)?;
    let dir = models::models_dir(data_dir);
    fs::create_dir_all(&dir).map_err(|e| format!("cannot make {}: {e}", dir.display()))?;
    let dest = models::model_file(data_dir, &name);
    let size = fs::metadata(from).map_err(|e| format!("{}: {e}", from.display()))?.len();
    check_space(&dir, size).map_err(|e| e.to_string())?;
    let tmp = dest.with_extension("bin.importing");
    let copied = (|| -> io::Result<()> {
        let mut src = File::open(from)?;
        let mut out = File::create(&tmp)?;
        io::copy(&mut src, &mut out)?;
        out.sync_all()?;
        Ok(())
    })();
    if let Err(e) = copied {
        let _ = fs::remove_file(&tmp);
        return Err(format!("cannot copy {} into {}: {e}", from.display(), dir.display()));
    }
    if models::sha256_of(&tmp).ok().as_deref() != Some(sha.as_str()) {
        let _ = fs::remove_file(&tmp);
        return Err(format!("the copy of {} did not match the original; nothing was imported", from.display()));
    }
    fs::rename(&tmp, &dest).map_err(|e| format!("cannot move the model to {}: {e}", dest.display()))?;
    Ok(name)
}
