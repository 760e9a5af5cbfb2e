//! Opening the window: loads `libmockloop_window` from beside this binary
//! and calls into it (see `lib.rs` for why the window is a library).

use std::path::{Path, PathBuf};

/// The window library's file: next to the running binary.
fn library_path() -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot tell where mockloop is installed: {e}"))?;
    let name = format!("{}mockloop_window{}", std::env::consts::DLL_PREFIX, std::env::consts::DLL_SUFFIX);
    Ok(exe.parent().unwrap_or(Path::new(".")).join(name))
}

/// Opens the window; returns the process exit code.
pub fn open(data_dir: Option<&Path>) -> i32 {
    let path = match library_path() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    // SAFETY: the library is the window half of this same build; loading it
    // runs no code of ours beyond its static initialisers (none).
    let library = match unsafe { libloading::Library::new(&path) } {
        Ok(l) => l,
        Err(e) => {
            eprintln!(
                "error: cannot open the window: {} did not load ({e}); it is built with the app \
                 (`make build`). The headless commands still work: mockloop --help",
                path.display()
            );
            return 1;
        }
    };
    type Run = unsafe extern "C" fn(*const u8, usize) -> i32;
    // SAFETY: `mockloop_window_run` is declared with exactly this signature in lib.rs.
    let run: libloading::Symbol<'_, Run> = match unsafe { library.get(b"mockloop_window_run\0") } {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {} is not mockloop's window library ({e})", path.display());
            return 1;
        }
    };
    let bytes = data_dir.map(|d| d.as_os_str().as_encoded_bytes());
    // SAFETY: a null pointer, or the live bytes of `data_dir`'s OsStr,
    // valid until this call returns; the library is of this same build.
    let code = unsafe { run(bytes.map_or(std::ptr::null(), <[u8]>::as_ptr), bytes.map_or(0, <[u8]>::len)) };
    // The window's threads may still be winding down: never unload under them.
    // The process exits right after this returns.
    std::mem::forget(library);
    code
}
