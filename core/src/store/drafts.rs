//! Drafts: the notes typed during a round and the ratings and note of an
//! assessment not saved yet. Kept per round of a run, replaced whole on
//! every save, and deleted when the assessment they become is saved.

use super::{classify, pos, stamp, Rating, Result, Store, StoreError};
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

/// What the candidate typed or rated for a round and has not saved yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Draft {
    /// Ratings given so far (checked against the round's checklist).
    pub ratings: Vec<Rating>,
    /// Items marked "not asked" so far.
    pub not_asked: Vec<String>,
    /// The note as typed.
    pub note: String,
    /// RFC 3339.
    pub updated_at: String,
}

impl Store {
    /// Replaces the draft of a round of a run.
    pub fn save_draft(
        &mut self,
        run_id: i64,
        position: usize,
        ratings: &[Rating],
        not_asked: &[String],
        note: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let round = self.run_round_id(run_id, position)?;
        let json = serde_json::to_string(ratings).expect("ratings always serialise");
        let not_asked = serde_json::to_string(not_asked).expect("ids always serialise");
        self.conn
            .execute(
                "INSERT INTO drafts (run_round_id, ratings, not_asked, note, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(run_round_id) DO UPDATE SET ratings = excluded.ratings, not_asked = excluded.not_asked,
                 note = excluded.note, updated_at = excluded.updated_at",
                params![round, json, not_asked, note, stamp(at)],
            )
            .map_err(|e| classify(&self.path, e))?;
        Ok(())
    }

    /// The draft of a round of a run, if there is one.
    pub fn draft(&self, run_id: i64, position: usize) -> Result<Option<Draft>> {
        let row: Option<(String, String, String, String)> = self
            .conn
            .query_row(
                "SELECT d.ratings, d.not_asked, d.note, d.updated_at FROM drafts d JOIN run_rounds rr ON rr.id = d.run_round_id
                 WHERE rr.run_id = ?1 AND rr.position = ?2",
                params![run_id, pos(position)],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()
            .map_err(|e| classify(&self.path, e))?;
        let Some((ratings, not_asked, note, updated_at)) = row else { return Ok(None) };
        let damaged = |e: serde_json::Error| {
            StoreError::File(format!(
                "the draft of round {} of run {run_id} is damaged: {e}",
                position.saturating_add(1)
            ))
        };
        let ratings = serde_json::from_str(&ratings).map_err(damaged)?;
        let not_asked = serde_json::from_str(&not_asked).map_err(damaged)?;
        Ok(Some(Draft { ratings, not_asked, note, updated_at }))
    }
}
