//! Take rows: one per recorded answer, pointing at its WAV file.

use super::{pos, stamp, Result, Store, StoreError};
use crate::analysis::{self, Delivery};
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;

/// Where a new take belongs.
#[derive(Debug, Clone, Default)]
pub struct NewTake {
    /// The run it was recorded in, if any.
    pub run_id: Option<i64>,
    /// The round's position in that run.
    pub round_position: Option<usize>,
    /// The question answered.
    pub question_id: Option<String>,
    /// `None` for the main answer, else which probe.
    pub probe_index: Option<usize>,
    /// The WAV file's name inside the takes folder.
    pub name: String,
    /// The story it tells, when the run practises one (linked in the same
    /// transaction; a story deleted meanwhile is simply not linked).
    pub story_id: Option<i64>,
}

/// Where a take is in its life. Stored as its snake_case name, which a
/// CHECK in the schema holds to these five (migration 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum TakeStatus {
    /// Being recorded now (or, at start-up, left open by a crash).
    #[default]
    Recording,
    /// Closed normally (stopped, or at the size a WAV header can describe).
    Complete,
    /// Cut short by a crash, and repaired up to its last whole frame.
    Interrupted,
    /// The microphone went away; what came before is kept.
    DeviceLost,
    /// The disk refused a write; what reached it is kept.
    WriteFailed,
}

impl TakeStatus {
    /// Every status, in the order of the schema's CHECK.
    pub const ALL: [Self; 5] =
        [Self::Recording, Self::Complete, Self::Interrupted, Self::DeviceLost, Self::WriteFailed];

    /// The name stored in the database (and sent to the window).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Recording => "recording",
            Self::Complete => "complete",
            Self::Interrupted => "interrupted",
            Self::DeviceLost => "device_lost",
            Self::WriteFailed => "write_failed",
        }
    }

    /// The status a stored name stands for.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

impl rusqlite::ToSql for TakeStatus {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(self.as_str().into())
    }
}

impl rusqlite::types::FromSql for TakeStatus {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        let name = value.as_str()?;
        Self::parse(name)
            .ok_or_else(|| rusqlite::types::FromSqlError::Other(format!("unknown take status {name:?}").into()))
    }
}

/// What a take holds once it is closed.
#[derive(Debug, Clone, Default)]
pub struct TakeResult {
    /// Length.
    pub duration_ms: u64,
    /// File sample rate.
    pub sample_rate: u32,
    /// File size.
    pub bytes: u64,
    /// Input frames lost.
    pub dropped_samples: u64,
    /// Stream errors reported.
    pub stream_errors: u64,
    /// How it ended.
    pub status: TakeStatus,
    /// Words for what went wrong.
    pub error: Option<String>,
}

/// A stored take.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TakeRow {
    /// Id.
    pub id: i64,
    /// The run, if any.
    pub run_id: Option<i64>,
    /// The loop of that run.
    pub loop_id: Option<String>,
    /// The round's position in the run.
    pub round_position: Option<i64>,
    /// The round's kind.
    pub round_kind: Option<String>,
    /// The question answered.
    pub question_id: Option<String>,
    /// `None` for the main answer, else which probe.
    pub probe_index: Option<i64>,
    /// The WAV file's name inside `<data dir>/takes/` (never a path, so a
    /// copied data folder never points at the original's files).
    pub path: String,
    /// RFC 3339.
    pub created_at: String,
    /// Length.
    pub duration_ms: i64,
    /// File sample rate.
    pub sample_rate: i64,
    /// File size.
    pub bytes: i64,
    /// Input frames lost.
    pub dropped_samples: i64,
    /// Stream errors reported.
    pub stream_errors: i64,
    /// Where it is in its life.
    pub status: TakeStatus,
    /// What went wrong, if anything.
    pub error: Option<String>,
    /// How it sounded, once analysed (by this build's analysis or an
    /// earlier one).
    pub delivery: Option<Delivery>,
    /// Why the analysis could not read the file, if it could not.
    pub delivery_error: Option<String>,
    /// The story from the story bank it told, if the candidate linked one
    /// (a deleted story's link is not shown).
    pub story_id: Option<i64>,
}

pub(super) const SELECT: &str = "SELECT t.id, t.run_id, r.loop_id, t.round_position, rr.round_kind, t.question_id, t.probe_index,
        t.path, t.created_at, t.duration_ms, t.sample_rate, t.bytes, t.dropped_samples, t.stream_errors, t.status, t.error,
        d.measures, d.error, s.id
    FROM takes t
    LEFT JOIN take_delivery d ON d.take_id = t.id
    LEFT JOIN take_stories ts ON ts.take_id = t.id
    LEFT JOIN stories s ON s.id = ts.story_id AND s.deleted_at IS NULL
    LEFT JOIN runs r ON r.id = t.run_id
    LEFT JOIN run_rounds rr ON rr.run_id = t.run_id AND rr.position = t.round_position";

pub(super) fn row(r: &Row<'_>) -> rusqlite::Result<TakeRow> {
    Ok(TakeRow {
        id: r.get(0)?,
        run_id: r.get(1)?,
        loop_id: r.get(2)?,
        round_position: r.get(3)?,
        round_kind: r.get(4)?,
        question_id: r.get(5)?,
        probe_index: r.get(6)?,
        path: r.get(7)?,
        created_at: r.get(8)?,
        duration_ms: r.get(9)?,
        sample_rate: r.get(10)?,
        bytes: r.get(11)?,
        dropped_samples: r.get(12)?,
        stream_errors: r.get(13)?,
        status: r.get(14)?,
        error: r.get(15)?,
        delivery: r.get::<_, Option<String>>(16)?.and_then(|json| serde_json::from_str(&json).ok()),
        delivery_error: r.get(17)?,
        story_id: r.get(18)?,
    })
}

fn i(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

impl Store {
    /// Records that a take has started (status `recording`), and links it
    /// to its story, in one transaction.
    pub fn insert_take(&mut self, take: &NewTake, at: DateTime<Utc>) -> Result<i64> {
        let path = self.path.clone();
        let sql = |source| super::classify(&path, source);
        let tx = self.conn.transaction().map_err(sql)?;
        tx.execute(
            "INSERT INTO takes (run_id, round_position, question_id, probe_index, path, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                take.run_id,
                take.round_position.map(pos),
                take.question_id,
                take.probe_index.map(pos),
                take.name,
                stamp(at)
            ],
        )
        .map_err(sql)?;
        let id = tx.last_insert_rowid();
        if let Some(story) = take.story_id {
            tx.execute(
                "INSERT INTO take_stories (take_id, story_id, linked_at)
                 SELECT ?1, id, ?3 FROM stories WHERE id = ?2 AND deleted_at IS NULL",
                params![id, story, stamp(at)],
            )
            .map_err(sql)?;
        }
        tx.commit().map_err(sql)?;
        Ok(id)
    }

    /// Records what a closed take holds.
    pub fn finish_take(&mut self, id: i64, result: &TakeResult) -> Result<()> {
        let changed = self
            .conn
            .execute(
                "UPDATE takes SET duration_ms = ?1, sample_rate = ?2, bytes = ?3, dropped_samples = ?4, stream_errors = ?5,
                 status = ?6, error = ?7 WHERE id = ?8",
                params![
                    i(result.duration_ms),
                    result.sample_rate,
                    i(result.bytes),
                    i(result.dropped_samples),
                    i(result.stream_errors),
                    result.status,
                    result.error,
                    id
                ],
            )
            .map_err(|e| self.sql(e))?;
        if changed == 0 {
            return Err(StoreError::NotFound(format!("take {id}")));
        }
        Ok(())
    }

    /// The take row for a file of the takes folder, by name, if there is one.
    pub fn take_by_name(&self, name: &str) -> Result<Option<TakeRow>> {
        self.conn.query_row(&format!("{SELECT} WHERE t.path = ?1"), [name], row).optional().map_err(|e| self.sql(e))
    }

    /// Takes whose row still says `recording`: at start-up, before any
    /// recording begins, these are takes a crash or a failed end left open.
    pub fn open_takes(&self) -> Result<Vec<TakeRow>> {
        let mut stmt = self
            .conn
            .prepare(&format!("{SELECT} WHERE t.status = 'recording' ORDER BY t.id"))
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], row)
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.sql(e))?;
        Ok(rows)
    }

    /// The takes of one main answer (`probe == None`) or probe of a run's
    /// question, oldest first.
    pub fn answer_takes(
        &self,
        run_id: i64,
        round_position: usize,
        question_id: &str,
        probe: Option<usize>,
    ) -> Result<Vec<TakeRow>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "{SELECT} WHERE t.run_id = ?1 AND t.round_position = ?2 AND t.question_id = ?3
                 AND t.probe_index IS ?4 ORDER BY t.id"
            ))
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map(params![run_id, pos(round_position), question_id, probe.map(pos)], row)
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.sql(e))?;
        Ok(rows)
    }

    /// One take.
    pub fn take(&self, id: i64) -> Result<TakeRow> {
        self.conn
            .query_row(&format!("{SELECT} WHERE t.id = ?1"), [id], row)
            .optional()
            .map_err(|e| self.sql(e))?
            .ok_or_else(|| StoreError::NotFound(format!("take {id}")))
    }

    /// The takes of one run, in the order they were recorded.
    pub fn run_takes(&self, run_id: i64) -> Result<Vec<TakeRow>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{SELECT} WHERE t.run_id = ?1 ORDER BY t.id"))
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([run_id], row)
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.sql(e))?;
        Ok(rows)
    }

    /// Every take, newest first.
    pub fn takes(&self) -> Result<Vec<TakeRow>> {
        let mut stmt =
            self.conn.prepare(&format!("{SELECT} ORDER BY t.created_at DESC, t.id DESC")).map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], row)
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.sql(e))?;
        Ok(rows)
    }

    /// Stores how a take sounded, or why it could not be analysed,
    /// replacing an earlier analysis.
    pub fn save_delivery(
        &mut self,
        take_id: i64,
        result: std::result::Result<&Delivery, &str>,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let (measures, error) = match result {
            Ok(d) => (Some(serde_json::to_string(d).map_err(|e| StoreError::File(e.to_string()))?), None),
            Err(e) => (None, Some(e)),
        };
        self.conn
            .execute(
                "INSERT INTO take_delivery (take_id, version, analyzed_at, measures, error) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(take_id) DO UPDATE SET version = ?2, analyzed_at = ?3, measures = ?4, error = ?5",
                params![take_id, analysis::VERSION, stamp(at), measures, error],
            )
            .map_err(|e| self.sql(e))?;
        Ok(())
    }

    /// Closed takes this build's analysis has not looked at (never, or an
    /// older version), newest first: (id, file name, and for a take this
    /// analysis could not read, when it tried).
    pub fn takes_to_analyze(&self) -> Result<Vec<(i64, String, Option<String>)>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT t.id, t.path, CASE WHEN d.version = ?1 THEN d.analyzed_at END
                 FROM takes t LEFT JOIN take_delivery d ON d.take_id = t.id
                 WHERE t.status != 'recording' AND (d.take_id IS NULL OR d.version != ?1 OR d.error IS NOT NULL)
                 ORDER BY t.created_at DESC, t.id DESC",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([analysis::VERSION], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.sql(e))?;
        Ok(rows)
    }

    /// Deletes a take's row, running `remove_file` (given the row's file
    /// name) inside the same transaction: if the file cannot be removed,
    /// the row stays too.
    pub fn delete_take(&mut self, id: i64, remove_file: impl FnOnce(&str) -> std::io::Result<()>) -> Result<()> {
        let take = self.take(id)?;
        let path = self.path.clone();
        let sql = |source| super::classify(&path, source);
        let tx = self.conn.transaction().map_err(sql)?;
        tx.execute("DELETE FROM takes WHERE id = ?1", [id]).map_err(sql)?;
        remove_file(&take.path).map_err(|e| StoreError::File(format!("could not delete {}: {e}", take.path)))?;
        tx.commit().map_err(sql)
    }
}
