fn main() {
    // tauri.conf.json lives at the repository root (the product owner's
    // layout). Listing the app's commands makes tauri-build generate an
    // `allow-<command>` permission for each, so the capability file can grant
    // exactly these and nothing else.
    let commands = tauri_build::AppManifest::new().commands(&[
        "list_loops",
        "start_run",
        "resume_run",
        "run_summary",
        "run_state",
        "run_action",
        "save_assessment",
        "save_draft",
        "draft",
        "start_fresh",
        "backup_now",
        "data_folder",
        "ui_ready",
        "set_target_date",
        "dashboard",
        "practise",
        "audio_devices",
        "mic_test",
        "record_start",
        "record_stop",
        "record_status",
        "list_takes",
        "delete_take",
        "take_peaks",
        "disk_usage",
        "playback",
    ]);
    let attributes = tauri_build::Attributes::new().config_path("../tauri.conf.json").app_manifest(commands);
    if let Err(e) = tauri_build::try_build(attributes) {
        eprintln!("tauri-build failed: {e:#}");
        std::process::exit(1);
    }
}
