//! The smallest Tauri 2 app that opens a window like mockloop's: the
//! baseline for start-up time and memory in `benches/window.mjs`.

/// Called by the page once it has painted; prints the line the benchmark
/// waits for (the same line mockloop prints under `MOCKLOOP_ANNOUNCE_READY`).
#[tauri::command]
fn ready() {
    println!("hello-tauri: ready");
}

fn main() {
    let result =
        tauri::Builder::default().invoke_handler(tauri::generate_handler![ready]).run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("error: cannot open the window: {e}");
        std::process::exit(1);
    }
}
