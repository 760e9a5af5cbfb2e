//! Everything the readiness model reads, as flat rows, in time order: the
//! ratings given, the main answers given, the rounds ended, and how each
//! analysed take sounded. Plus the
//! settings the CLI and the window share.

use super::{Result, Store};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, OptionalExtension};
use std::collections::HashMap;

/// One checklist item rated in a round of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingEvent {
    /// When the rating was saved.
    pub at: DateTime<Utc>,
    /// The loop of the run.
    pub loop_id: String,
    /// The round's kind (`estimation`, `behavioural`, ...).
    pub round_kind: String,
    /// The run and the round's position in it.
    pub run_id: i64,
    /// 0-based.
    pub position: usize,
    /// The competency the item is evidence for.
    pub competency: String,
    /// 1 (missing) to 4 (strong).
    pub rating: u8,
}

/// One main answer (probes are follow-ups of the same question, so they
/// are not separate reviews of it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerEvent {
    /// When the answer ended.
    pub at: DateTime<Utc>,
    /// The loop of the run.
    pub loop_id: String,
    /// The run and the round's position in it: where its grade comes from.
    pub run_id: i64,
    /// 0-based.
    pub position: usize,
    /// The question answered.
    pub question_id: String,
    /// Time spent on the answer and its probes, in milliseconds.
    pub used_ms: i64,
}

/// One round that ended (interview part over).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundEvent {
    /// When it ended.
    pub at: DateTime<Utc>,
    /// The loop of the run.
    pub loop_id: String,
}

/// When an answer (with its probes) first ended, and the time it took in all.
type FirstAndTotal = (Option<DateTime<Utc>>, i64);

fn parse_stamp(text: &str) -> rusqlite::Result<DateTime<Utc>> {
    // Written by `stamp` as RFC 3339 in UTC.
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

/// Where a run's round sits: what each rating and answer row points at.
struct RoundRef {
    loop_id: String,
    round_kind: String,
    run_id: i64,
    position: usize,
    ended_at: Option<DateTime<Utc>>,
}

/// How one take sounded, when it was recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryEvent {
    /// When the take began.
    pub at: DateTime<Utc>,
    /// The take.
    pub take_id: i64,
    /// Its measures.
    pub delivery: crate::analysis::Delivery,
    /// Its transcript's words and fillers, if it has one.
    pub transcript: Option<(u32, u32)>,
}

/// Everything the readiness model reads, each list oldest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoredHistory {
    /// Every rating.
    pub ratings: Vec<RatingEvent>,
    /// Every main answer, with the time its probes took added.
    pub answers: Vec<AnswerEvent>,
    /// Every round that ended.
    pub rounds: Vec<RoundEvent>,
    /// Every analysed take.
    pub deliveries: Vec<DeliveryEvent>,
}

impl Store {
    /// Every round of every run by its row id. The history readers join
    /// through this map rather than in SQL: for years of practice, plain
    /// table scans plus a hash lookup read several times faster than the
    /// joined, sorted and grouped queries.
    fn round_refs(&self) -> Result<HashMap<i64, RoundRef>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT rr.id, r.loop_id, rr.round_kind, r.id, rr.position, rr.ended_at
                 FROM run_rounds rr JOIN runs r ON r.id = rr.run_id",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], |row| {
                let position: i64 = row.get(4)?;
                let ended_at = match row.get_ref(5)?.as_str_or_null()? {
                    Some(text) => Some(parse_stamp(text)?),
                    None => None,
                };
                Ok((
                    row.get::<_, i64>(0)?,
                    RoundRef {
                        loop_id: row.get(1)?,
                        round_kind: row.get(2)?,
                        run_id: row.get(3)?,
                        position: position as usize,
                        ended_at,
                    },
                ))
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<HashMap<_, _>>>())
            .map_err(|e| self.sql(e))?;
        Ok(rows)
    }

    /// The whole history, read in one pass over each table.
    pub fn history(&self) -> Result<StoredHistory> {
        let refs = self.round_refs()?;
        let mut rounds: Vec<RoundEvent> =
            refs.values().filter_map(|r| Some(RoundEvent { at: r.ended_at?, loop_id: r.loop_id.clone() })).collect();
        rounds.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.loop_id.cmp(&b.loop_id)));
        Ok(StoredHistory {
            ratings: self.rating_history(&refs)?,
            answers: self.answer_history(&refs)?,
            rounds,
            deliveries: self.delivery_history()?,
        })
    }

    fn delivery_history(&self) -> Result<Vec<DeliveryEvent>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT t.id, t.created_at, d.measures, x.word_count, x.filler_count
                 FROM take_delivery d JOIN takes t ON t.id = d.take_id
                 LEFT JOIN take_transcripts x ON x.take_id = t.id AND x.error IS NULL
                 WHERE d.measures IS NOT NULL ORDER BY t.created_at, t.id",
            )
            .map_err(|e| self.sql(e))?;
        let mut events = Vec::new();
        let mut rows = stmt.query([]).map_err(|e| self.sql(e))?;
        while let Some(row) = rows.next().map_err(|e| self.sql(e))? {
            let read = || -> rusqlite::Result<Option<DeliveryEvent>> {
                let at = parse_stamp(row.get_ref(1)?.as_str()?)?;
                // A row this build cannot read is skipped, not fatal.
                Ok(serde_json::from_str(row.get_ref(2)?.as_str()?).ok().map(|delivery| DeliveryEvent {
                    at,
                    take_id: row.get(0).unwrap_or_default(),
                    delivery,
                    transcript: match (row.get::<_, Option<u32>>(3), row.get::<_, Option<u32>>(4)) {
                        (Ok(Some(w)), Ok(Some(f))) => Some((w, f)),
                        _ => None,
                    },
                }))
            };
            events.extend(read().map_err(|e| self.sql(e))?);
        }
        Ok(events)
    }

    /// Every rating of a checklist item in a run of `loop_id` saved at or
    /// after `since`, as (item id, rating): what probe choice weighs
    /// ([`crate::rehearsal::probes`]).
    pub fn item_ratings_since(&self, loop_id: &str, since: DateTime<Utc>) -> Result<Vec<(String, u8)>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT ra.item_id, ra.rating FROM ratings ra
                 JOIN run_rounds rr ON rr.id = ra.run_round_id JOIN runs r ON r.id = rr.run_id
                 WHERE r.loop_id = ?1 AND ra.rated_at >= ?2",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map(params![loop_id, super::stamp(since)], |row| Ok((row.get(0)?, row.get(1)?)))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.sql(e))?;
        Ok(rows)
    }

    fn rating_history(&self, rounds: &HashMap<i64, RoundRef>) -> Result<Vec<RatingEvent>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT run_round_id, rated_at, competency, rating FROM ratings")
            .map_err(|e| self.sql(e))?;
        let mut events = Vec::new();
        let mut rows = stmt.query([]).map_err(|e| self.sql(e))?;
        while let Some(row) = rows.next().map_err(|e| self.sql(e))? {
            let read = || -> rusqlite::Result<Option<RatingEvent>> {
                let Some(round) = rounds.get(&row.get::<_, i64>(0)?) else { return Ok(None) };
                Ok(Some(RatingEvent {
                    at: parse_stamp(row.get_ref(1)?.as_str()?)?,
                    loop_id: round.loop_id.clone(),
                    round_kind: round.round_kind.clone(),
                    run_id: round.run_id,
                    position: round.position,
                    competency: row.get(2)?,
                    rating: row.get(3)?,
                }))
            };
            events.extend(read().map_err(|e| self.sql(e))?);
        }
        events.sort_by_key(|e| e.at);
        Ok(events)
    }

    fn answer_history(&self, rounds: &HashMap<i64, RoundRef>) -> Result<Vec<AnswerEvent>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT run_round_id, question_id, probe_index IS NULL, ended_at, used_ms FROM answers")
            .map_err(|e| self.sql(e))?;
        // (round row, question) → (main answer's end, time used by it and its probes)
        let mut grouped: HashMap<(i64, String), FirstAndTotal> = HashMap::new();
        let mut rows = stmt.query([]).map_err(|e| self.sql(e))?;
        while let Some(row) = rows.next().map_err(|e| self.sql(e))? {
            let mut read = || -> rusqlite::Result<()> {
                let slot = grouped.entry((row.get(0)?, row.get(1)?)).or_default();
                if row.get::<_, bool>(2)? {
                    slot.0 = Some(parse_stamp(row.get_ref(3)?.as_str()?)?);
                }
                slot.1 += row.get::<_, i64>(4)?;
                Ok(())
            };
            read().map_err(|e| self.sql(e))?;
        }
        let mut events: Vec<AnswerEvent> = grouped
            .into_iter()
            .filter_map(|((round_row, question_id), (at, used_ms))| {
                let round = rounds.get(&round_row)?;
                Some(AnswerEvent {
                    at: at?,
                    loop_id: round.loop_id.clone(),
                    run_id: round.run_id,
                    position: round.position,
                    question_id,
                    used_ms,
                })
            })
            .collect();
        // By time, then by where: the same history always lists the same way.
        events.sort_by(|a, b| {
            a.at.cmp(&b.at)
                .then(a.run_id.cmp(&b.run_id))
                .then(a.position.cmp(&b.position))
                .then(a.question_id.cmp(&b.question_id))
        });
        Ok(events)
    }

    /// The interview date, if the user set one.
    pub fn target_date(&self) -> Result<Option<NaiveDate>> {
        let text: Option<String> = self
            .conn
            .query_row("SELECT value FROM settings WHERE key = 'target_date'", [], |r| r.get(0))
            .optional()
            .map_err(|e| self.sql(e))?;
        // A value this build cannot read counts as unset rather than an error:
        // it only ever comes from this function's twin below.
        Ok(text.and_then(|t| NaiveDate::parse_from_str(&t, "%Y-%m-%d").ok()))
    }

    /// Sets (or, with `None`, clears) the interview date.
    pub fn set_target_date(&mut self, date: Option<NaiveDate>) -> Result<()> {
        match date {
            Some(d) => self.conn.execute(
                "INSERT INTO settings (key, value) VALUES ('target_date', ?1)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![d.format("%Y-%m-%d").to_string()],
            ),
            None => self.conn.execute("DELETE FROM settings WHERE key = 'target_date'", []),
        }
        .map_err(|e| self.sql(e))?;
        Ok(())
    }
}
