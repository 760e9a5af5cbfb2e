// The window's commands: the one list of them. `build.rs` includes this file
// to grant each an `allow-<command>` permission (the capability grants
// exactly this set), and `ipc.rs` includes it to register the handlers and
// generate their TypeScript (`ui/src/lib/bindings.ts`). Each entry is
// `module::command`, a `#[tauri::command] #[specta::specta]` function.
window_commands![
    app::list_loops,
    app::start_run,
    app::resume_run,
    app::run_summary,
    app::run_state,
    app::run_action,
    app::save_assessment,
    app::save_draft,
    app::draft,
    app::start_fresh,
    app::backup_now,
    app::about,
    app::ui_ready,
    app::set_target_date,
    app::dashboard,
    app::practise,
    recording::audio_devices,
    recording::mic_test,
    recording::record_start,
    recording::record_stop,
    recording::record_status,
    recording::list_takes,
    recording::delete_take,
    recording::take_peaks,
    recording::disk_usage,
    recording::playback,
    delivery::analysis_progress,
    voice::voices,
    voice::say,
    voice::hush,
]
