//! Transcripts in the database: one a take, with its words, and the
//! full-text index search reads (see migration 7).

use super::{stamp, Result, Store, StoreError};
use crate::transcript::{self, StoredTranscript, Word};
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

/// A search's hit: a take whose words hold the query.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SearchHit {
    /// The take.
    pub take_id: i64,
    /// Its loop and question, if it was part of a run.
    pub loop_id: Option<String>,
    /// The question it answers.
    pub question_id: Option<String>,
    /// Which follow-up (none for the main answer).
    pub probe_index: Option<i64>,
    /// When it was recorded (RFC 3339).
    pub created_at: String,
    /// The words around the hit, the hit in «».
    pub snippet: String,
    /// Where the first hit is said, ms from the take's start.
    pub at_ms: u32,
}

/// The most hits a search returns.
pub const MAX_HITS: usize = 100;

/// A query as FTS5 takes it: each word quoted (so nothing the user types
/// is syntax), all required, the last one as a prefix (search as you
/// type). `None` when nothing searchable is left.
pub fn fts_query(query: &str) -> Option<String> {
    let terms: Vec<String> = query
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|t| !t.is_empty())
        .take(16)
        .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
        .collect();
    let (last, rest) = terms.split_last()?;
    Some(rest.iter().cloned().chain(std::iter::once(format!("{last}*"))).collect::<Vec<_>>().join(" "))
}

/// The shortest take a model's speed is measured on (30 s, Whisper's window).
pub const SPEED_MIN_MS: i64 = 30_000;

impl Store {
    /// The model the user chose for transcripts (`None`: they are off).
    pub fn transcript_model(&self) -> Result<Option<String>> {
        self.conn
            .query_row("SELECT value FROM settings WHERE key = 'transcript_model'", [], |r| r.get(0))
            .optional()
            .map_err(|e| self.sql(e))
    }

    /// How fast each model has transcribed on this machine: per model, the
    /// seconds of take it made words of in a second of the worker's time
    /// (once the model was loaded), over its transcripts of the current
    /// decoder settings of takes of at least [`SPEED_MIN_MS`] (a shorter one
    /// still costs Whisper a whole 30 s window, and would make the model
    /// look slower than it is on an answer); models not yet measured so
    /// are left out.
    pub fn transcript_speeds(&self) -> Result<Vec<(String, f64)>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT x.model, SUM(t.duration_ms) / 1000.0 / SUM(x.seconds) FROM take_transcripts x
                 JOIN takes t ON t.id = x.take_id
                 WHERE x.error IS NULL AND x.seconds > 0 AND x.decoder = ?1 AND t.duration_ms >= ?2
                 GROUP BY x.model ORDER BY x.model",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map(params![transcript::DECODER, SPEED_MIN_MS], |r| Ok((r.get(0)?, r.get(1)?)))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.sql(e))?;
        Ok(rows)
    }

    /// Chooses the model for transcripts, or turns them off with `None`.
    pub fn set_transcript_model(&mut self, model: Option<&str>) -> Result<()> {
        match model {
            Some(m) => self.conn.execute(
                "INSERT INTO settings (key, value) VALUES ('transcript_model', ?1)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [m],
            ),
            None => self.conn.execute("DELETE FROM settings WHERE key = 'transcript_model'", []),
        }
        .map_err(|e| self.sql(e))?;
        Ok(())
    }

    /// Stores a take's transcript (or why the engine failed on it),
    /// replacing any earlier one in the same transaction: the old one is
    /// kept until the new one is whole.
    pub fn save_transcript(
        &mut self,
        take_id: i64,
        model: &str,
        result: std::result::Result<(&[Word], f64), &str>,
        fillers: usize,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let path = self.path.clone();
        let sql = |source| super::classify(&path, source);
        let tx = self.conn.transaction().map_err(sql)?;
        let (text, seconds, count, error) = match &result {
            Ok((words, seconds)) => (transcript::text_of(words), Some(*seconds), words.len(), None),
            Err(e) => (String::new(), None, 0, Some(*e)),
        };
        tx.execute("DELETE FROM take_transcripts WHERE take_id = ?1", [take_id]).map_err(sql)?;
        tx.execute(
            "INSERT INTO take_transcripts (take_id, model, decoder, made_at, seconds, text, word_count, filler_count, error)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![take_id, model, transcript::DECODER, stamp(at), seconds, text, count as i64, fillers as i64, error],
        )
        .map_err(sql)?;
        if let Ok((words, _)) = result {
            let mut insert = tx
                .prepare(
                    "INSERT INTO take_words (take_id, n, text, start_ms, end_ms, p) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )
                .map_err(sql)?;
            for (n, w) in words.iter().enumerate() {
                insert
                    .execute(params![take_id, n as i64, w.text, w.start_ms, w.end_ms, f64::from(w.p)])
                    .map_err(sql)?;
            }
        }
        tx.commit().map_err(sql)
    }

    /// A take's transcript, if it has one.
    pub fn transcript(&self, take_id: i64) -> Result<Option<StoredTranscript>> {
        let head = self
            .conn
            .query_row(
                "SELECT model, decoder, made_at, seconds, error FROM take_transcripts WHERE take_id = ?1",
                [take_id],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?, r.get::<_, String>(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()
            .map_err(|e| self.sql(e))?;
        let Some((model, decoder, made_at, seconds, error)) = head else { return Ok(None) };
        let mut stmt = self
            .conn
            .prepare_cached("SELECT text, start_ms, end_ms, p FROM take_words WHERE take_id = ?1 ORDER BY n")
            .map_err(|e| self.sql(e))?;
        let words = stmt
            .query_map([take_id], |r| {
                Ok(Word { text: r.get(0)?, start_ms: r.get(1)?, end_ms: r.get(2)?, p: r.get::<_, f64>(3)? as f32 })
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.sql(e))?;
        Ok(Some(StoredTranscript { model, decoder, made_at, seconds, words, error }))
    }

    /// Closed takes to transcribe, newest first, with their file names:
    /// those with no transcript, or one of older decoder settings, and
    /// (with `again_with`) those not made by that model. A take the engine
    /// failed on is not tried again by the same model and settings.
    pub fn takes_to_transcribe(&self, again_with: Option<&str>) -> Result<Vec<(i64, String)>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT t.id, t.path FROM takes t LEFT JOIN take_transcripts x ON x.take_id = t.id
                 WHERE t.status != 'recording'
                   AND (x.take_id IS NULL OR x.decoder != ?1 OR (?2 IS NOT NULL AND x.model != ?2))
                 ORDER BY t.created_at DESC, t.id DESC",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map(params![transcript::DECODER, again_with], |r| Ok((r.get(0)?, r.get(1)?)))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.sql(e))?;
        Ok(rows)
    }

    /// Takes whose words hold every word of `query` (the last as a
    /// prefix), best first, at most [`MAX_HITS`].
    pub fn search_transcripts(&self, query: &str) -> Result<Vec<SearchHit>> {
        let Some(fts) = fts_query(query) else { return Ok(Vec::new()) };
        let first_term = query.split(|c: char| !c.is_alphanumeric() && c != '\'').find(|t| !t.is_empty());
        let first_term = first_term.unwrap_or("").to_lowercase();
        let mut stmt = self
            .conn
            .prepare(
                "SELECT s.rowid, r.loop_id, t.question_id, t.probe_index, t.created_at,
                        snippet(transcript_search, 0, '«', '»', '…', 12)
                 FROM transcript_search s JOIN takes t ON t.id = s.rowid LEFT JOIN runs r ON r.id = t.run_id
                 WHERE transcript_search MATCH ?1 ORDER BY rank LIMIT ?2",
            )
            .map_err(|e| self.sql(e))?;
        let hits = stmt
            .query_map(params![fts, MAX_HITS as i64], |r| {
                Ok(SearchHit {
                    take_id: r.get(0)?,
                    loop_id: r.get(1)?,
                    question_id: r.get(2)?,
                    probe_index: r.get(3)?,
                    created_at: r.get(4)?,
                    snippet: r.get(5)?,
                    at_ms: 0,
                })
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| match e {
                rusqlite::Error::SqliteFailure(_, Some(ref m)) if m.contains("fts5") => {
                    StoreError::File(format!("the search could not be read: {m}"))
                }
                other => self.sql(other),
            })?;
        let mut at = self
            .conn
            .prepare_cached("SELECT text, start_ms FROM take_words WHERE take_id = ?1 ORDER BY n")
            .map_err(|e| self.sql(e))?;
        let mut out = Vec::with_capacity(hits.len());
        for mut hit in hits {
            let words = at
                .query_map([hit.take_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))
                .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
                .map_err(|e| self.sql(e))?;
            hit.at_ms = words
                .iter()
                .find(|(text, _)| crate::transcript::fillers::bare(text).starts_with(&first_term))
                .map_or(0, |(_, ms)| *ms);
            out.push(hit);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::fts_query;

    #[test]
    fn a_query_is_quoted_word_by_word_with_the_last_a_prefix() {
        assert_eq!(fts_query("retention churn").as_deref(), Some("\"retention\" \"churn\"*"));
        assert_eq!(fts_query("NEAR(\"x\" OR y)*").as_deref(), Some("\"NEAR\" \"x\" \"OR\" \"y\"*"));
        assert_eq!(fts_query("  ,.;  "), None);
    }
}
