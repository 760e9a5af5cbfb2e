//! One window per data folder. The window holds the folder's lock
//! (`mockloop_core::lock`) for its whole life; a second launch on the same
//! folder cannot take it, asks the first window to come to the front
//! through a local socket, and exits.
//!
//! The socket is keyed on the data folder, not the app, so windows on two
//! different folders (a demo folder beside the real one) never collide. On
//! Linux it is an abstract socket, which vanishes with its process: a
//! crash leaves nothing stale. No D-Bus is needed, so it works the same
//! under a bare X server in CI.

use mockloop_core::lock::{DataLock, LockError};
use mockloop_core::logging::LogErr;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::time::{Duration, Instant};

/// What a launch got.
pub enum Claim {
    /// This is the first window: it holds the folder.
    First(DataLock),
    /// Another window holds the folder and was asked to come to the front.
    Focused,
    /// The folder is held and the holder did not answer (another mockloop
    /// command, such as `recover`), or could not be locked: why, in words.
    Refused(String),
}

/// A stable name for the data folder's socket (FNV-1a of its canonical path).
fn socket_name(dir: &Path) -> String {
    let canonical = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let hash = canonical
        .as_os_str()
        .as_encoded_bytes()
        .iter()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    format!("mockloop-window-{hash:016x}")
}

#[cfg(target_os = "linux")]
fn address(dir: &Path) -> std::io::Result<std::os::unix::net::SocketAddr> {
    use std::os::linux::net::SocketAddrExt;
    std::os::unix::net::SocketAddr::from_abstract_name(socket_name(dir).as_bytes())
}

#[cfg(all(unix, not(target_os = "linux")))]
fn address(dir: &Path) -> std::io::Result<std::os::unix::net::SocketAddr> {
    let _ = socket_name;
    std::os::unix::net::SocketAddr::from_pathname(dir.join("mockloop.sock"))
}

/// Claims the data folder for a window, or hands over to the one that has it.
pub fn claim(dir: &Path) -> Claim {
    match DataLock::acquire(dir, "the mockloop window") {
        Ok(lock) => Claim::First(lock),
        Err(held @ LockError::Held { .. }) => {
            if ask_to_focus(dir) {
                Claim::Focused
            } else {
                Claim::Refused(held.to_string())
            }
        }
        Err(other) => Claim::Refused(other.to_string()),
    }
}

/// Asks the window holding `dir` to come to the front; true if it said so.
/// Tries for two seconds: the first window may still be starting.
#[cfg(unix)]
fn ask_to_focus(dir: &Path) -> bool {
    let Ok(addr) = address(dir) else { return false };
    let deadline = Instant::now() + Duration::from_secs(2);
    while Instant::now() < deadline {
        if let Ok(mut stream) = std::os::unix::net::UnixStream::connect_addr(&addr) {
            stream.set_read_timeout(Some(Duration::from_secs(2))).log_warn();
            if stream.write_all(b"focus\n").is_ok() {
                let mut reply = String::new();
                if BufReader::new(&stream).read_line(&mut reply).is_ok() && reply.trim() == "ok" {
                    return true;
                }
            }
            return false;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

#[cfg(not(unix))]
fn ask_to_focus(_dir: &Path) -> bool {
    false
}

/// Serves "come to the front" requests for the first window, on a thread,
/// for as long as the process lives; `focus` brings the window forward.
#[cfg(unix)]
pub fn serve(dir: &Path, focus: impl Fn() + Send + 'static) -> std::io::Result<()> {
    let addr = address(dir)?;
    #[cfg(not(target_os = "linux"))]
    if let Some(path) = addr.as_pathname() {
        // We hold the folder's lock: a socket file left here is stale.
        std::fs::remove_file(path).log_warn();
    }
    let listener = std::os::unix::net::UnixListener::bind_addr(&addr)?;
    std::thread::Builder::new().name("single-instance".into()).spawn(move || {
        for stream in listener.incoming().flatten() {
            stream.set_read_timeout(Some(Duration::from_secs(2))).log_warn();
            // Requests are one short word: read at most 64 bytes of it.
            let mut line = String::new();
            if BufReader::new(std::io::Read::take(&stream, 64)).read_line(&mut line).is_ok() && line.trim() == "focus" {
                focus();
                let mut stream = stream;
                stream.write_all(b"ok\n").log_warn();
            }
        }
    })?;
    Ok(())
}

#[cfg(not(unix))]
pub fn serve(_dir: &Path, _focus: impl Fn() + Send + 'static) -> std::io::Result<()> {
    Ok(())
}
