//! The story bank's commands: list, write, delete (and undo), the coverage
//! grid, a story's page, linking a take to the story it told, and
//! "Practise this story". The work is the core session's; this is the
//! door to it.

use crate::error::{CommandError, CommandResult};
use crate::state::{begin_run, check_len, session_blocking};
use mockloop_core::rehearsal::Thresholds;
use mockloop_core::session::{RunView, StoryDetail};
use mockloop_core::store::TakeRow;
use mockloop_core::stories::{Coverage, Story, StoryInput};
use tauri::AppHandle;

/// Refuses a story no person wrote (fields past 64 KiB, thousands of tags).
#[track_caller]
fn check_story(input: &StoryInput) -> CommandResult<()> {
    for (what, text) in [
        ("title", &input.title),
        ("situation", &input.situation),
        ("what you did", &input.action),
        ("decision", &input.decision),
        ("constraint", &input.constraint),
        ("result", &input.result),
    ] {
        check_len(what, text)?;
    }
    if input.competencies.len() > 100 || input.answers.len() > 100 {
        return Err(CommandError::bad_input("that is not a story's competencies and check"));
    }
    Ok(())
}

/// Every story in the bank, oldest first.
#[tauri::command]
#[specta::specta]
pub async fn list_stories(app: AppHandle) -> CommandResult<Vec<Story>> {
    session_blocking(app, |s| Ok(s.stories()?)).await
}

/// Files a new story (no `id`) or saves changes to one; returns it as stored.
#[tauri::command]
#[specta::specta]
pub async fn save_story(app: AppHandle, id: Option<i64>, story: StoryInput) -> CommandResult<Story> {
    check_story(&story)?;
    session_blocking(app, move |s| Ok(s.save_story(id, &story)?)).await
}

/// Deletes a story; `restore_story` undoes it.
#[tauri::command]
#[specta::specta]
pub async fn delete_story(app: AppHandle, id: i64) -> CommandResult<()> {
    session_blocking(app, move |s| Ok(s.delete_story(id)?)).await
}

/// Stories deleted in the last day: `restore_story` still brings them back.
#[tauri::command]
#[specta::specta]
pub async fn deleted_stories(app: AppHandle) -> CommandResult<Vec<Story>> {
    session_blocking(app, |s| Ok(s.deleted_stories()?)).await
}

/// Undoes a deletion.
#[tauri::command]
#[specta::specta]
pub async fn restore_story(app: AppHandle, id: i64) -> CommandResult<Story> {
    session_blocking(app, move |s| Ok(s.restore_story(id)?)).await
}

/// A story's page: its check and the takes that told it.
#[tauri::command]
#[specta::specta]
pub async fn story_detail(app: AppHandle, id: i64) -> CommandResult<StoryDetail> {
    session_blocking(app, move |s| Ok(s.story_detail(id)?)).await
}

/// The coverage grid of the story bank in a loop, with its gaps.
#[tauri::command]
#[specta::specta]
pub async fn story_coverage(app: AppHandle, loop_id: String) -> CommandResult<Coverage> {
    check_len("loop id", &loop_id)?;
    session_blocking(app, move |s| Ok(s.story_coverage(&loop_id)?)).await
}

/// Links a take to the story it told (`story_id` null: to none); returns
/// the take's row.
#[tauri::command]
#[specta::specta]
pub async fn link_take(app: AppHandle, take_id: i64, story_id: Option<i64>) -> CommandResult<TakeRow> {
    session_blocking(app, move |s| Ok(s.link_take(take_id, story_id)?)).await
}

/// "Practise this story": a short run of the loop's questions it fits.
#[tauri::command]
#[specta::specta]
pub async fn practise_story(
    app: AppHandle,
    story_id: i64,
    loop_id: String,
    thresholds: Option<Thresholds>,
) -> CommandResult<RunView> {
    check_len("loop id", &loop_id)?;
    begin_run(app, thresholds, move |s, seed| s.start_story_practice(story_id, &loop_id, seed)).await
}
