//! The story bank's rows: stories, their competencies, and the takes that
//! told them. A deleted story keeps its rows (and its links) with
//! `deleted_at` set, so it can be brought back; nothing lists it, and a
//! session purges it for good later ([`Store::purge_deleted_stories`]).

use super::takes::{row as take_row, SELECT as TAKE_SELECT};
use super::{stamp, Result, Store, StoreError, TakeRow};
use crate::stories::{CheckAnswer, Story, StoryInput};
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Transaction};

const STORY_COLUMNS: &str = "s.id, s.title, s.situation, s.action, s.decision, s.limitation, s.result, s.checks,
    s.created_at, s.updated_at, (SELECT COUNT(*) FROM take_stories ts WHERE ts.story_id = s.id)";

fn story_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Story> {
    let answers: String = r.get(7)?;
    let takes: i64 = r.get(10)?;
    Ok(Story {
        id: r.get(0)?,
        content: StoryInput {
            title: r.get(1)?,
            situation: r.get(2)?,
            action: r.get(3)?,
            decision: r.get(4)?,
            constraint: r.get(5)?,
            result: r.get(6)?,
            competencies: Vec::new(),
            // Written by this module only; unreadable answers are unanswered.
            answers: serde_json::from_str::<Vec<CheckAnswer>>(&answers).unwrap_or_default(),
        },
        created_at: r.get(8)?,
        updated_at: r.get(9)?,
        takes: usize::try_from(takes).unwrap_or(0),
    })
}

/// Replaces a story's competencies inside `tx`.
fn set_competencies(tx: &Transaction<'_>, id: i64, competencies: &[String]) -> rusqlite::Result<()> {
    tx.execute("DELETE FROM story_competencies WHERE story_id = ?1", [id])?;
    for c in competencies {
        tx.execute("INSERT OR IGNORE INTO story_competencies (story_id, competency) VALUES (?1, ?2)", params![id, c])?;
    }
    Ok(())
}

impl Store {
    /// Every story not deleted, oldest first, with its competencies.
    pub fn stories(&self) -> Result<Vec<Story>> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {STORY_COLUMNS} FROM stories s WHERE s.deleted_at IS NULL ORDER BY s.id"))
            .map_err(|e| self.sql(e))?;
        let mut stories = stmt
            .query_map([], story_row)
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.sql(e))?;
        for story in &mut stories {
            story.content.competencies = self.story_competencies(story.id)?;
        }
        Ok(stories)
    }

    /// The stories deleted and not yet purged (Undo can still bring them
    /// back), most recently deleted first.
    pub fn deleted_stories(&self) -> Result<Vec<Story>> {
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {STORY_COLUMNS} FROM stories s WHERE s.deleted_at IS NOT NULL ORDER BY s.deleted_at DESC, s.id"
            ))
            .map_err(|e| self.sql(e))?;
        let stories = stmt
            .query_map([], story_row)
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.sql(e))?;
        Ok(stories)
    }

    /// One story (not deleted).
    pub fn story(&self, id: i64) -> Result<Story> {
        let story = self
            .conn
            .query_row(
                &format!("SELECT {STORY_COLUMNS} FROM stories s WHERE s.id = ?1 AND s.deleted_at IS NULL"),
                [id],
                story_row,
            )
            .optional()
            .map_err(|e| self.sql(e))?;
        let mut story = story.ok_or_else(|| StoreError::NotFound(format!("story {id}")))?;
        story.content.competencies = self.story_competencies(id)?;
        Ok(story)
    }

    fn story_competencies(&self, id: i64) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT competency FROM story_competencies WHERE story_id = ?1 ORDER BY rowid")
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([id], |r| r.get(0))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<String>>>())
            .map_err(|e| self.sql(e))?;
        Ok(rows)
    }

    /// Files a new story (`id == None`) or replaces what one says (not a
    /// deleted one), with its competencies, in one transaction; returns its
    /// id. The session checks `input` first.
    pub fn write_story(&mut self, id: Option<i64>, input: &StoryInput, at: DateTime<Utc>) -> Result<i64> {
        let path = self.path.clone();
        let sql = |source| super::classify(&path, source);
        let answers = serde_json::to_string(&input.answers).expect("answers always serialise");
        let tx = self.conn.transaction().map_err(sql)?;
        let fields = params![
            input.title,
            input.situation,
            input.action,
            input.decision,
            input.constraint,
            input.result,
            answers,
            stamp(at),
            id
        ];
        let id = match id {
            None => {
                tx.execute(
                    "INSERT INTO stories (title, situation, action, decision, limitation, result, checks,
                     created_at, updated_at, id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9)",
                    fields,
                )
                .map_err(sql)?;
                tx.last_insert_rowid()
            }
            Some(id) => {
                let changed = tx
                    .execute(
                        "UPDATE stories SET title = ?1, situation = ?2, action = ?3, decision = ?4, limitation = ?5,
                         result = ?6, checks = ?7, updated_at = ?8 WHERE id = ?9 AND deleted_at IS NULL",
                        fields,
                    )
                    .map_err(sql)?;
                if changed == 0 {
                    return Err(StoreError::NotFound(format!("story {id}")));
                }
                id
            }
        };
        set_competencies(&tx, id, &input.competencies).map_err(sql)?;
        tx.commit().map_err(sql)?;
        Ok(id)
    }

    /// Deletes a story so that [`Self::restore_story`] can bring it back
    /// whole, links to its takes included.
    pub fn delete_story(&mut self, id: i64, at: DateTime<Utc>) -> Result<()> {
        let changed = self
            .conn
            .execute("UPDATE stories SET deleted_at = ?1 WHERE id = ?2 AND deleted_at IS NULL", params![stamp(at), id])
            .map_err(|e| self.sql(e))?;
        if changed == 0 {
            return Err(StoreError::NotFound(format!("story {id}")));
        }
        Ok(())
    }

    /// Brings back a deleted story (Undo).
    pub fn restore_story(&mut self, id: i64) -> Result<()> {
        let changed = self
            .conn
            .execute("UPDATE stories SET deleted_at = NULL WHERE id = ?1 AND deleted_at IS NOT NULL", [id])
            .map_err(|e| self.sql(e))?;
        if changed == 0 {
            return Err(StoreError::NotFound(format!("deleted story {id}")));
        }
        Ok(())
    }

    /// Removes for good the stories deleted at `before` or earlier (their
    /// competencies and take links go with them; the takes stay).
    pub fn purge_deleted_stories(&mut self, before: DateTime<Utc>) -> Result<usize> {
        self.conn
            .execute("DELETE FROM stories WHERE deleted_at IS NOT NULL AND deleted_at <= ?1", [stamp(before)])
            .map_err(|e| self.sql(e))
    }

    /// Links a take to the story it told (`None`: to none), replacing an
    /// earlier link.
    pub fn link_take(&mut self, take_id: i64, story_id: Option<i64>, at: DateTime<Utc>) -> Result<()> {
        self.take(take_id)?;
        match story_id {
            None => {
                self.conn.execute("DELETE FROM take_stories WHERE take_id = ?1", [take_id]).map_err(|e| self.sql(e))?;
            }
            Some(story) => {
                self.story(story)?;
                self.conn
                    .execute(
                        "INSERT INTO take_stories (take_id, story_id, linked_at) VALUES (?1, ?2, ?3)
                         ON CONFLICT(take_id) DO UPDATE SET story_id = excluded.story_id, linked_at = excluded.linked_at",
                        params![take_id, story, stamp(at)],
                    )
                    .map_err(|e| self.sql(e))?;
            }
        }
        Ok(())
    }

    /// The takes that told a story, oldest first.
    pub fn story_takes(&self, story_id: i64) -> Result<Vec<TakeRow>> {
        let mut stmt = self
            .conn
            .prepare(&format!("{TAKE_SELECT} WHERE ts.story_id = ?1 ORDER BY t.created_at, t.id"))
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([story_id], take_row)
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.sql(e))?;
        Ok(rows)
    }
}
