//! The SQLite store: the only module that touches the database.
//!
//! Invariants: foreign keys are on; the journal is WAL with
//! `synchronous=FULL`, so a commit that returned survives a power cut;
//! every change of more than one row runs in one transaction; a database
//! written by a newer mockloop, a damaged file, or one another program
//! holds locked is refused before anything is written to it. Every method
//! that writes takes `&mut self`, so a `&Store` (what
//! [`crate::session::Session::store`] hands out) can only read.

mod drafts;
mod history;
mod schema;
mod stories;
mod takes;
mod transcripts;

use crate::fsutil;
use crate::lock::DataLock;
use crate::loops::Loop;
use crate::rehearsal::{Phase, Rehearsal, RunEvent};
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use std::path::{Path, PathBuf};

pub use drafts::Draft;
pub use history::{AnswerEvent, DeliveryEvent, RatingEvent, RoundEvent, StoredHistory};
pub use schema::{current_version, MIGRATIONS};
pub use takes::{NewTake, TakeResult, TakeRow, TakeStatus};
pub use transcripts::SearchHit;

/// The database file's name inside the data dir.
pub const DB_FILE: &str = "mockloop.sqlite3";

/// What went wrong with the database, in words for the user.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file was written by a newer mockloop.
    #[error("{path} was written by a newer version of mockloop (schema {found}, this build knows up to {supported}); it was left untouched: update mockloop to open it")]
    TooNew {
        /// The database file.
        path: PathBuf,
        /// Its schema version.
        found: i64,
        /// The newest this build understands.
        supported: i64,
    },
    /// The file was written by an older mockloop, and this command only
    /// reads: upgrading it is for a command that writes.
    #[error("{path} was written by an older version of mockloop (schema {found}; this build reads {supported}); it was left untouched: open the mockloop app once to upgrade it")]
    TooOld {
        /// The database file.
        path: PathBuf,
        /// Its schema version.
        found: i64,
        /// The version this build reads.
        supported: i64,
    },
    /// The file is not a database, or is damaged.
    #[error("{path} is damaged ({why}); it was left untouched")]
    Damaged {
        /// The database file.
        path: PathBuf,
        /// What SQLite said.
        why: String,
    },
    /// Another program holds the database locked.
    #[error("{path} is locked by another program (a second mockloop, a backup tool or an SQLite browser?); it was left untouched: close that program and try again")]
    Locked {
        /// The database file.
        path: PathBuf,
    },
    /// SQLite failed.
    #[error("database {path}: {source}")]
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// The underlying error.
        source: rusqlite::Error,
    },
    /// A stored run could not be read back.
    #[error("run {run_id} has a damaged saved state: {source}")]
    BadState {
        /// The run.
        run_id: i64,
        /// Why it could not be decoded.
        source: serde_json::Error,
    },
    /// No such run (or round of a run).
    #[error("{0} not found")]
    NotFound(String),
    /// A file the database points at could not be changed.
    #[error("{0}")]
    File(String),
}

/// Result of store operations.
pub type Result<T> = std::result::Result<T, StoreError>;

/// One self-assessment rating of a checklist item, 1 (missing) to 4 (strong).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Rating {
    /// The checklist item.
    pub item_id: String,
    /// The competency it is evidence for (copied, so history survives edits
    /// to the loop). Filled in from the loop when a session saves ratings.
    #[serde(default)]
    pub competency: String,
    /// 1 = missing, 2 = weak, 3 = solid, 4 = strong.
    pub rating: u8,
}

/// A run as listed on the home screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RunSummary {
    /// Run id.
    pub id: i64,
    /// The loop rehearsed.
    pub loop_id: String,
    /// Its title when the run started.
    pub loop_title: String,
    /// RFC 3339.
    pub started_at: String,
    /// RFC 3339.
    pub updated_at: String,
    /// RFC 3339, or `None` while unfinished.
    pub finished_at: Option<String>,
}

/// One round of a run, for the loop summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RoundResult {
    /// Position in the run, from 0.
    pub position: usize,
    /// The round's id in the loop.
    pub round_id: String,
    /// Time given.
    pub given_ms: i64,
    /// Time used, once the round has ended.
    pub used_ms: Option<i64>,
    /// The self-assessment, item by item.
    pub ratings: Vec<Rating>,
    /// Checklist items marked "not asked" (the round's questions never
    /// asked for them): no rating, and nothing in readiness.
    pub not_asked: Vec<String>,
    /// The questions answered in the round (ids, in the order first
    /// answered; one moved on from within [`ANSWERED_MS`] was skipped and
    /// is not here): what the assessment shows the strong answer of, and
    /// whose checklist items it lists first.
    pub questions: Vec<String>,
    /// The note written with it.
    pub note: Option<String>,
}

/// The least time on a main answer for its question to count as answered
/// (else it was skipped: read, and moved on from).
pub const ANSWERED_MS: i64 = 5_000;

/// An answer as [`Store::answers`] lists it: round position, question id,
/// probe (`None` for the main answer), time used in milliseconds.
pub type AnswerRow = (usize, String, Option<usize>, i64);

/// An open database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// How a run is listed: the loop's title, marked when it is a practice run.
fn run_title(lp: &Loop, state: &Rehearsal) -> String {
    if state.plan().practice {
        format!("Practice: {}", lp.title)
    } else {
        lp.title.clone()
    }
}

/// The columns `run_summary_row` reads, in its order.
const RUN_COLUMNS: &str = "id, loop_id, loop_title, started_at, updated_at, finished_at";

fn run_summary_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RunSummary> {
    Ok(RunSummary {
        id: r.get(0)?,
        loop_id: r.get(1)?,
        loop_title: r.get(2)?,
        started_at: r.get(3)?,
        updated_at: r.get(4)?,
        finished_at: r.get(5)?,
    })
}

fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Words for an SQLite failure: a damaged file and a lock held elsewhere
/// are told apart from other failures, because the user acts on them.
fn classify(path: &Path, source: rusqlite::Error) -> StoreError {
    use rusqlite::ErrorCode;
    match source.sqlite_error_code() {
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
            StoreError::Damaged { path: path.to_path_buf(), why: source.to_string() }
        }
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Locked { path: path.to_path_buf() },
        _ => StoreError::Sqlite { path: path.to_path_buf(), source },
    }
}

/// The row id of a run's round at `position`, on a connection or inside a
/// transaction.
fn round_row(conn: &Connection, path: &Path, run_id: i64, position: usize) -> Result<i64> {
    conn.query_row(
        "SELECT id FROM run_rounds WHERE run_id = ?1 AND position = ?2",
        params![run_id, pos(position)],
        |r| r.get(0),
    )
    .optional()
    .map_err(|e| classify(path, e))?
    .ok_or_else(|| StoreError::NotFound(format!("round {} of run {run_id}", position.saturating_add(1))))
}

/// Fails when a row points at a row that is not there (`PRAGMA
/// foreign_key_check`): a migration that rebuilt a table ran with foreign
/// keys off, and must leave none behind.
fn dangling_references(tx: &rusqlite::Transaction<'_>) -> rusqlite::Result<()> {
    let dangling: Option<String> =
        tx.query_row("PRAGMA foreign_key_check", [], |r| r.get::<_, String>(0)).optional()?;
    match dangling {
        None => Ok(()),
        Some(table) => Err(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY),
            Some(format!("a row of {table} points at a row that is gone")),
        )),
    }
}

/// A position as SQLite stores it; positions past `i64::MAX` (only ever
/// from hostile input) match nothing rather than wrap.
fn pos(position: usize) -> i64 {
    i64::try_from(position).unwrap_or(i64::MAX)
}

impl Store {
    /// Opens (creating if needed) the database of the data folder `lock`
    /// holds, for writing, and migrates it. Only the holder of a folder's
    /// lock can get a store that writes: readers use
    /// [`Self::open_read_only`].
    pub fn open_in(lock: &DataLock) -> Result<Self> {
        Self::open(&lock.dir().join(DB_FILE))
    }

    /// Opens (creating if needed) the database at `path` and migrates it.
    /// A damaged file, one another program holds locked, and one written by
    /// a newer mockloop are refused before anything is written to them.
    fn open(path: &Path) -> Result<Self> {
        let conn = Connection::open(path).map_err(|e| classify(path, e))?;
        // Short: a lock held by another program is reported, not waited out.
        conn.busy_timeout(std::time::Duration::from_millis(1500)).map_err(|e| classify(path, e))?;
        let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| classify(path, e))?;
        if found > current_version() {
            return Err(StoreError::TooNew { path: path.to_path_buf(), found, supported: current_version() });
        }
        // Can we write? A database another program holds is refused here,
        // not at the first autosave. (Nothing is written by this.)
        conn.execute_batch("BEGIN IMMEDIATE; ROLLBACK;").map_err(|e| classify(path, e))?;
        // SQLite gives the -wal and -shm files the database file's mode.
        let _ = fsutil::make_private(path);
        let sql = |source| classify(path, source);
        conn.pragma_update(None, "journal_mode", "WAL").map_err(sql)?;
        conn.pragma_update(None, "foreign_keys", true).map_err(sql)?;
        // FULL: in WAL mode each commit is synced, so "Saved." survives a power cut.
        conn.pragma_update(None, "synchronous", "FULL").map_err(sql)?;
        let mut store = Self { conn, path: path.to_path_buf() };
        store.migrate(found)?;
        // The schema of a new database fills some 300 KB of log: folded into
        // the database now, the log starts empty, so a nearly full disk (or a
        // file-size limit) meets a take's audio before the log's leftovers.
        store.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).map_err(|e| classify(path, e))?;
        Ok(store)
    }

    /// A database in memory, migrated, that no file backs: for sample
    /// history shown and thrown away (the window's "See a sample dashboard").
    pub fn in_memory() -> Result<Self> {
        let path = PathBuf::from(":memory:");
        let conn = Connection::open_in_memory().map_err(|e| classify(&path, e))?;
        let mut store = Self { conn, path };
        store.migrate(0)?;
        Ok(store)
    }

    /// Opens the data folder's database for reading only, without its lock:
    /// nothing is created, migrated or switched, so a report can run beside
    /// a window that has the folder open. A folder with no database reads
    /// as one with nothing in it (an empty database in memory). A database
    /// of another schema than this build's is refused in words, untouched:
    /// a newer one needs a newer mockloop, an older one is upgraded by
    /// opening the app (or any command that writes) once.
    pub fn open_read_only(data_dir: &Path) -> Result<Self> {
        let path = data_dir.join(DB_FILE);
        if !path.exists() {
            let conn = Connection::open_in_memory().map_err(|e| classify(&path, e))?;
            let mut store = Self { conn, path };
            store.migrate(0)?;
            return Ok(store);
        }
        let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&path, flags).map_err(|e| classify(&path, e))?;
        conn.busy_timeout(std::time::Duration::from_millis(1500)).map_err(|e| classify(&path, e))?;
        let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| classify(&path, e))?;
        let supported = current_version();
        if found > supported {
            return Err(StoreError::TooNew { path, found, supported });
        }
        if found < supported {
            return Err(StoreError::TooOld { path, found, supported });
        }
        Ok(Self { conn, path })
    }

    /// Trades durability for speed on this connection: commits are no
    /// longer synced to the disk. Only for data that can be made again
    /// (`mockloop demo-data`), never for a candidate's own rehearsals.
    pub fn relax_durability_for_sample_data(&mut self) -> Result<()> {
        self.conn.pragma_update(None, "synchronous", "OFF").map_err(|e| self.sql(e))
    }

    /// Writes a consistent copy of the whole database to `dest` (a new
    /// file), through SQLite's online backup API: a snapshot as of one
    /// moment, also while the window keeps saving.
    pub fn backup_into(&self, dest: &Path) -> Result<()> {
        let sql = |source| classify(dest, source);
        let mut copy = Connection::open(dest).map_err(sql)?;
        let backup = rusqlite::backup::Backup::new(&self.conn, &mut copy).map_err(sql)?;
        backup.run_to_completion(512, std::time::Duration::ZERO, None).map_err(sql)?;
        drop(backup);
        // A standalone file: no journal beside it.
        copy.pragma_update(None, "journal_mode", "DELETE").map_err(sql)?;
        Ok(())
    }

    /// Checks the whole file (`PRAGMA quick_check`): a damaged database is
    /// [`StoreError::Damaged`]. The window runs this at start-up.
    pub fn check(&self) -> Result<()> {
        let verdict: String =
            self.conn.query_row("PRAGMA quick_check", [], |r| r.get(0)).map_err(|e| classify(&self.path, e))?;
        if verdict == "ok" {
            Ok(())
        } else {
            Err(StoreError::Damaged { path: self.path.clone(), why: verdict })
        }
    }

    fn sql(&self, source: rusqlite::Error) -> StoreError {
        classify(&self.path, source)
    }

    fn migrate(&mut self, from: i64) -> Result<()> {
        for (to, migration) in (1..).zip(schema::MIGRATIONS) {
            if to <= from {
                continue; // already applied
            }
            let path = self.path.clone();
            let rebuild = schema::REBUILDS.contains(&to);
            if rebuild {
                // Outside the transaction: SQLite ignores it inside one.
                self.conn.pragma_update(None, "foreign_keys", false).map_err(|e| classify(&path, e))?;
            }
            let tx = self.conn.transaction().map_err(|e| classify(&path, e))?;
            let applied = tx
                .execute_batch(migration)
                .and_then(|()| schema::after(&tx, to))
                .and_then(|()| dangling_references(&tx))
                .and_then(|()| tx.pragma_update(None, "user_version", to));
            let committed = applied.and_then(|()| tx.commit()).map_err(|e| classify(&path, e));
            if rebuild {
                self.conn.pragma_update(None, "foreign_keys", true).map_err(|e| classify(&path, e))?;
            }
            committed?;
        }
        Ok(())
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<i64> {
        self.conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| self.sql(e))
    }

    /// Records a new run with one row per planned round, in one transaction.
    pub fn create_run(&mut self, lp: &Loop, state: &Rehearsal, at: DateTime<Utc>) -> Result<i64> {
        let json = serde_json::to_string(state).expect("engine state always serialises");
        let path = self.path.clone();
        let sql = |source| classify(&path, source);
        let tx = self.conn.transaction().map_err(sql)?;
        tx.execute(
            "INSERT INTO runs (loop_id, loop_title, started_at, updated_at, state) VALUES (?1, ?2, ?3, ?3, ?4)",
            params![lp.id, run_title(lp, state), stamp(at), json],
        )
        .map_err(sql)?;
        let run_id = tx.last_insert_rowid();
        for (position, planned) in state.plan().rounds.iter().enumerate() {
            let kind = lp.round(&planned.round_id).map_or("", |r| r.kind.as_str());
            tx.execute(
                "INSERT INTO run_rounds (run_id, position, round_id, round_kind, given_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![run_id, pos(position), planned.round_id, kind, planned.round_ms],
            )
            .map_err(sql)?;
        }
        tx.commit().map_err(sql)?;
        Ok(run_id)
    }

    /// Saves one step of a run in one transaction: the answers and round
    /// ends `events` report, and the engine's `state` to resume from (the
    /// run is marked finished, once, when the state says so). After a
    /// crash either all of it is stored or none of it, so resuming never
    /// replays an answer that was already counted.
    pub fn save_progress(
        &mut self,
        run_id: i64,
        events: &[RunEvent],
        state: &Rehearsal,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let json = serde_json::to_string(state).expect("engine state always serialises");
        let path = self.path.clone();
        let sql = |source| classify(&path, source);
        let tx = self.conn.transaction().map_err(sql)?;
        let round_id = |position: usize| round_row(&tx, &path, run_id, position);
        for event in events {
            match event {
                RunEvent::AnswerEnded { round, question_id, probe, used_ms, given_ms } => {
                    tx.execute(
                        "INSERT INTO answers (run_round_id, question_id, probe_index, given_ms, used_ms, ended_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        params![round_id(*round)?, question_id, probe.map(pos), given_ms, used_ms, stamp(at)],
                    )
                    .map_err(sql)?;
                }
                RunEvent::RoundEnded { round, used_ms, .. } => {
                    tx.execute(
                        "UPDATE run_rounds SET used_ms = ?1, ended_at = ?2 WHERE id = ?3",
                        params![used_ms, stamp(at), round_id(*round)?],
                    )
                    .map_err(sql)?;
                }
                RunEvent::RunFinished | RunEvent::Warning { .. } => {}
            }
        }
        let finished = (state.phase() == Phase::Finished).then(|| stamp(at));
        let changed = tx
            .execute(
                "UPDATE runs SET state = ?1, updated_at = ?2, finished_at = COALESCE(finished_at, ?3) WHERE id = ?4",
                params![json, stamp(at), finished, run_id],
            )
            .map_err(sql)?;
        if changed == 0 {
            return Err(StoreError::NotFound(format!("run {run_id}")));
        }
        tx.commit().map_err(sql)
    }

    /// Reads a run's saved engine state.
    pub fn load_state(&self, run_id: i64) -> Result<Rehearsal> {
        let json: Option<String> = self
            .conn
            .query_row("SELECT state FROM runs WHERE id = ?1", [run_id], |r| r.get(0))
            .optional()
            .map_err(|e| self.sql(e))?;
        let json = json.ok_or_else(|| StoreError::NotFound(format!("run {run_id}")))?;
        serde_json::from_str(&json).map_err(|source| StoreError::BadState { run_id, source })
    }

    fn run_round_id(&self, run_id: i64, position: usize) -> Result<i64> {
        round_row(&self.conn, &self.path, run_id, position)
    }

    /// The loop and the round id at a position of a run: what its ratings
    /// are checked against.
    pub fn round_of_run(&self, run_id: i64, position: usize) -> Result<(String, String)> {
        self.conn
            .query_row(
                "SELECT r.loop_id, rr.round_id FROM run_rounds rr JOIN runs r ON r.id = rr.run_id
                 WHERE rr.run_id = ?1 AND rr.position = ?2",
                params![run_id, pos(position)],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(|e| self.sql(e))?
            .ok_or_else(|| StoreError::NotFound(format!("round {} of run {run_id}", position.saturating_add(1))))
    }

    /// Saves (or replaces) a round's self-assessment: its ratings, the
    /// items marked not asked, and the note, all in one transaction.
    pub fn save_assessment(
        &mut self,
        run_id: i64,
        position: usize,
        ratings: &[Rating],
        not_asked: &[String],
        note: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let round = self.run_round_id(run_id, position)?;
        let path = self.path.clone();
        let sql = |source| classify(&path, source);
        let tx = self.conn.transaction().map_err(sql)?;
        tx.execute("DELETE FROM ratings WHERE run_round_id = ?1", [round]).map_err(sql)?;
        for r in ratings {
            tx.execute(
                "INSERT INTO ratings (run_round_id, item_id, competency, rating, rated_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![round, r.item_id, r.competency, r.rating, stamp(at)],
            )
            .map_err(sql)?;
        }
        tx.execute("DELETE FROM not_asked WHERE run_round_id = ?1", [round]).map_err(sql)?;
        for item in not_asked {
            tx.execute(
                "INSERT INTO not_asked (run_round_id, item_id, marked_at) VALUES (?1, ?2, ?3)",
                params![round, item, stamp(at)],
            )
            .map_err(sql)?;
        }
        tx.execute(
            "INSERT INTO round_notes (run_round_id, note, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(run_round_id) DO UPDATE SET note = excluded.note, updated_at = excluded.updated_at",
            params![round, note, stamp(at)],
        )
        .map_err(sql)?;
        // Saved: the draft it came from is done with.
        tx.execute("DELETE FROM drafts WHERE run_round_id = ?1", [round]).map_err(sql)?;
        tx.commit().map_err(sql)
    }

    /// The ratings saved for a round of a run.
    pub fn ratings(&self, run_id: i64, position: usize) -> Result<Vec<Rating>> {
        let round = self.run_round_id(run_id, position)?;
        let mut stmt = self
            .conn
            .prepare("SELECT item_id, competency, rating FROM ratings WHERE run_round_id = ?1 ORDER BY item_id")
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([round], |r| Ok(Rating { item_id: r.get(0)?, competency: r.get(1)?, rating: r.get(2)? }))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.sql(e))?;
        Ok(rows)
    }

    /// The checklist items a round of a run marked "not asked".
    pub fn not_asked(&self, run_id: i64, position: usize) -> Result<Vec<String>> {
        self.round_ids(run_id, position, "SELECT item_id FROM not_asked WHERE run_round_id = ?1 ORDER BY item_id")
    }

    /// The questions answered in a round of a run, in the order each was
    /// first answered. A question moved on from within
    /// [`ANSWERED_MS`] of its main answer was skipped, not answered: it is
    /// left out, so its strong answer stays unseen for next time.
    pub fn round_questions(&self, run_id: i64, position: usize) -> Result<Vec<String>> {
        self.round_ids(
            run_id,
            position,
            &format!(
                "SELECT question_id FROM answers WHERE run_round_id = ?1 AND probe_index IS NULL
                 GROUP BY question_id HAVING SUM(used_ms) >= {ANSWERED_MS} ORDER BY MIN(id)"
            ),
        )
    }

    /// The one text column `sql` selects for a round of a run (`?1`).
    fn round_ids(&self, run_id: i64, position: usize, sql: &str) -> Result<Vec<String>> {
        let round = self.run_round_id(run_id, position)?;
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([round], |r| r.get(0))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<String>>>())
            .map_err(|e| self.sql(e))?;
        Ok(rows)
    }

    /// Every round of a run with its time and self-assessment, in order.
    pub fn round_results(&self, run_id: i64) -> Result<Vec<RoundResult>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT rr.position, rr.round_id, rr.given_ms, rr.used_ms, n.note
                 FROM run_rounds rr LEFT JOIN round_notes n ON n.run_round_id = rr.id
                 WHERE rr.run_id = ?1 ORDER BY rr.position",
            )
            .map_err(|e| self.sql(e))?;
        let rounds = stmt
            .query_map([run_id], |r| {
                let position: i64 = r.get(0)?;
                Ok(RoundResult {
                    position: position as usize,
                    round_id: r.get(1)?,
                    given_ms: r.get(2)?,
                    used_ms: r.get(3)?,
                    ratings: Vec::new(),
                    not_asked: Vec::new(),
                    questions: Vec::new(),
                    note: r.get(4)?,
                })
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.sql(e))?;
        rounds
            .into_iter()
            .map(|mut round| {
                round.ratings = self.ratings(run_id, round.position)?;
                round.not_asked = self.not_asked(run_id, round.position)?;
                round.questions = self.round_questions(run_id, round.position)?;
                Ok(round)
            })
            .collect()
    }

    /// Sets an unfinished run aside (`true`), so it is no longer offered
    /// for resuming, or takes it back (`false`). Its answers, takes and
    /// ratings stay. A finished run, or one that does not exist, is an error.
    pub fn set_aside(&mut self, run_id: i64, aside: bool, at: DateTime<Utc>) -> Result<()> {
        let changed = self
            .conn
            .execute(
                "UPDATE runs SET set_aside_at = CASE WHEN ?2 THEN ?3 ELSE NULL END WHERE id = ?1 AND finished_at IS NULL",
                rusqlite::params![run_id, aside, stamp(at)],
            )
            .map_err(|e| self.sql(e))?;
        if changed == 0 {
            return Err(StoreError::NotFound(format!("unfinished run {run_id}")));
        }
        Ok(())
    }

    /// One run, as listed on the home screen.
    pub fn run_summary(&self, run_id: i64) -> Result<RunSummary> {
        self.conn
            .query_row(&format!("SELECT {RUN_COLUMNS} FROM runs WHERE id = ?1"), [run_id], run_summary_row)
            .optional()
            .map_err(|e| self.sql(e))?
            .ok_or_else(|| StoreError::NotFound(format!("run {run_id}")))
    }

    /// Every run not finished yet and not set aside, most recently touched
    /// first: all of them are offered for resuming, however many there are.
    pub fn unfinished_runs(&self) -> Result<Vec<RunSummary>> {
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {RUN_COLUMNS} FROM runs WHERE finished_at IS NULL AND set_aside_at IS NULL
                 ORDER BY updated_at DESC, id DESC"
            ))
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], run_summary_row)
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.sql(e))?;
        Ok(rows)
    }

    /// The most recently touched runs, newest first.
    pub fn recent_runs(&self, limit: usize) -> Result<Vec<RunSummary>> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {RUN_COLUMNS} FROM runs ORDER BY updated_at DESC, id DESC LIMIT ?1"))
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([pos(limit)], run_summary_row)
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.sql(e))?;
        Ok(rows)
    }

    /// Answers recorded for a run, as (round position, question id, probe, used ms), in order.
    pub fn answers(&self, run_id: i64) -> Result<Vec<AnswerRow>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT rr.position, a.question_id, a.probe_index, a.used_ms
                 FROM answers a JOIN run_rounds rr ON rr.id = a.run_round_id
                 WHERE rr.run_id = ?1 ORDER BY a.id",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([run_id], |r| {
                let position: i64 = r.get(0)?;
                let probe: Option<i64> = r.get(2)?;
                Ok((position as usize, r.get(1)?, probe.map(|p| p as usize), r.get(3)?))
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.sql(e))?;
        Ok(rows)
    }
}
