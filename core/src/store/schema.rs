//! Schema migrations. Each entry upgrades the database by one version; the
//! version lives in SQLite's `user_version`. Never edit a shipped migration:
//! add a new one.

/// Migrations in order; after applying the first `n`, `user_version` is `n`.
pub const MIGRATIONS: &[&str] = &[
    // 1: runs, their rounds, questions asked, takes, ratings and notes.
    r#"
    CREATE TABLE runs (
        id          INTEGER PRIMARY KEY,
        loop_id     TEXT NOT NULL,
        loop_title  TEXT NOT NULL,
        started_at  TEXT NOT NULL,             -- RFC 3339, UTC
        updated_at  TEXT NOT NULL,
        finished_at TEXT,                      -- NULL while unfinished
        state       TEXT NOT NULL              -- JSON snapshot of the engine
    );
    CREATE INDEX runs_unfinished ON runs(finished_at, updated_at);

    CREATE TABLE run_rounds (
        id          INTEGER PRIMARY KEY,
        run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        position    INTEGER NOT NULL,          -- order in the run, from 0
        round_id    TEXT NOT NULL,
        round_kind  TEXT NOT NULL,
        given_ms    INTEGER NOT NULL,
        used_ms     INTEGER,                   -- NULL until the round ends
        ended_at    TEXT,
        UNIQUE (run_id, position)
    );

    CREATE TABLE answers (
        id           INTEGER PRIMARY KEY,
        run_round_id INTEGER NOT NULL REFERENCES run_rounds(id) ON DELETE CASCADE,
        question_id  TEXT NOT NULL,
        probe_index  INTEGER,                  -- NULL for the main answer
        given_ms     INTEGER NOT NULL,
        used_ms      INTEGER NOT NULL,
        ended_at     TEXT NOT NULL
    );

    CREATE TABLE takes (
        id              INTEGER PRIMARY KEY,
        run_id          INTEGER REFERENCES runs(id) ON DELETE SET NULL,
        round_position  INTEGER,               -- the round in that run
        question_id     TEXT,
        probe_index     INTEGER,               -- NULL for the main answer
        path            TEXT NOT NULL UNIQUE,  -- the WAV file
        created_at      TEXT NOT NULL,
        duration_ms     INTEGER NOT NULL DEFAULT 0,
        sample_rate     INTEGER NOT NULL DEFAULT 0,
        bytes           INTEGER NOT NULL DEFAULT 0,
        dropped_samples INTEGER NOT NULL DEFAULT 0,
        stream_errors   INTEGER NOT NULL DEFAULT 0,
        -- recording | complete | interrupted | device_lost | write_failed
        status          TEXT NOT NULL DEFAULT 'recording',
        error           TEXT
    );
    CREATE INDEX takes_by_question ON takes(question_id, created_at);

    CREATE TABLE ratings (
        run_round_id INTEGER NOT NULL REFERENCES run_rounds(id) ON DELETE CASCADE,
        item_id      TEXT NOT NULL,
        competency   TEXT NOT NULL,
        rating       INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
        rated_at     TEXT NOT NULL,
        PRIMARY KEY (run_round_id, item_id)
    );

    CREATE TABLE round_notes (
        run_round_id INTEGER PRIMARY KEY REFERENCES run_rounds(id) ON DELETE CASCADE,
        note         TEXT NOT NULL,
        updated_at   TEXT NOT NULL
    );
    "#,
    // 2: user settings the CLI and the window share (the interview date),
    // and indexes for the readiness history, which reads every rating.
    r#"
    CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE INDEX answers_by_round ON answers(run_round_id);
    CREATE INDEX run_rounds_by_run ON run_rounds(run_id);
    "#,
    // 3: drafts (what the candidate typed or rated but has not saved yet),
    // kept with the run so a closed or crashed window loses none of it; and
    // take paths stored relative to the takes folder (see `after`).
    r#"
    CREATE TABLE drafts (
        run_round_id INTEGER PRIMARY KEY REFERENCES run_rounds(id) ON DELETE CASCADE,
        ratings      TEXT NOT NULL,            -- JSON [{"item_id", "rating"}]
        note         TEXT NOT NULL,
        updated_at   TEXT NOT NULL
    );
    CREATE INDEX takes_by_status ON takes(status);
    "#,
    // 4: how each take sounded (crate::analysis), computed after it closes
    // or in the background for older takes; `version` says which analysis
    // computed it, so a better one recomputes. A take that cannot be
    // analysed keeps its reason in `error` and is not retried until the
    // analysis changes.
    r#"
    CREATE TABLE take_delivery (
        take_id     INTEGER PRIMARY KEY REFERENCES takes(id) ON DELETE CASCADE,
        version     INTEGER NOT NULL,
        analyzed_at TEXT NOT NULL,
        measures    TEXT,                      -- JSON analysis::Delivery
        error       TEXT
    );
    "#,
    // 5: checklist items an assessment marked "not asked" (the round's
    // questions never asked for them; readiness reads only `ratings`, so
    // they count for nothing), also in drafts; the story bank (the
    // candidate's own stories, their competencies, and the takes that told
    // them). A deleted story keeps its row with `deleted_at` set, so Undo
    // can bring it back; a session purges it a day later.
    r#"
    CREATE TABLE not_asked (
        run_round_id INTEGER NOT NULL REFERENCES run_rounds(id) ON DELETE CASCADE,
        item_id      TEXT NOT NULL,
        marked_at    TEXT NOT NULL,
        PRIMARY KEY (run_round_id, item_id)
    );
    ALTER TABLE drafts ADD COLUMN not_asked TEXT NOT NULL DEFAULT '[]';  -- JSON ["item id"]

    CREATE TABLE stories (
        id          INTEGER PRIMARY KEY,
        title       TEXT NOT NULL,
        situation   TEXT NOT NULL DEFAULT '',
        action      TEXT NOT NULL DEFAULT '',  -- what the candidate did
        decision    TEXT NOT NULL DEFAULT '',
        limitation  TEXT NOT NULL DEFAULT '',  -- the constraint behind the decision
        result      TEXT NOT NULL DEFAULT '',
        checks      TEXT NOT NULL DEFAULT '{}', -- JSON {check id: the candidate's yes or no}
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        deleted_at  TEXT
    );
    CREATE TABLE story_competencies (
        story_id    INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
        competency  TEXT NOT NULL,             -- a competency id of any loop
        PRIMARY KEY (story_id, competency)
    );
    CREATE TABLE take_stories (
        take_id     INTEGER PRIMARY KEY REFERENCES takes(id) ON DELETE CASCADE,
        story_id    INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
        linked_at   TEXT NOT NULL
    );
    CREATE INDEX take_stories_by_story ON take_stories(story_id);
    "#,
    // 6: a take's status is one of five names (`TakeStatus`), held by a
    // CHECK. SQLite adds a CHECK only by rebuilding the table, which runs
    // with foreign keys off (see `REBUILDS`) so the takes' delivery and
    // story rows are kept; a status no build ever wrote becomes
    // `write_failed`, which still plays what reached the disk.
    r#"
    CREATE TABLE takes_new (
        id              INTEGER PRIMARY KEY,
        run_id          INTEGER REFERENCES runs(id) ON DELETE SET NULL,
        round_position  INTEGER,
        question_id     TEXT,
        probe_index     INTEGER,
        path            TEXT NOT NULL UNIQUE,
        created_at      TEXT NOT NULL,
        duration_ms     INTEGER NOT NULL DEFAULT 0,
        sample_rate     INTEGER NOT NULL DEFAULT 0,
        bytes           INTEGER NOT NULL DEFAULT 0,
        dropped_samples INTEGER NOT NULL DEFAULT 0,
        stream_errors   INTEGER NOT NULL DEFAULT 0,
        status          TEXT NOT NULL DEFAULT 'recording'
            CHECK (status IN ('recording', 'complete', 'interrupted', 'device_lost', 'write_failed')),
        error           TEXT
    );
    INSERT INTO takes_new
        SELECT id, run_id, round_position, question_id, probe_index, path, created_at, duration_ms, sample_rate,
               bytes, dropped_samples, stream_errors,
               CASE WHEN status IN ('recording', 'complete', 'interrupted', 'device_lost', 'write_failed')
                    THEN status ELSE 'write_failed' END,
               error
        FROM takes;
    DROP TABLE takes;
    ALTER TABLE takes_new RENAME TO takes;
    CREATE INDEX takes_by_question ON takes(question_id, created_at);
    CREATE INDEX takes_by_status ON takes(status);
    CREATE INDEX takes_by_run ON takes(run_id);
    "#,
    // 7: what was said in each take (crate::transcript): one transcript a
    // take, named by the model and decoder settings that made it (a better
    // one replaces it whole, in one transaction), its words with their
    // times, and a full-text index of its text kept by triggers. A take
    // the engine failed on keeps the reason in `error`. Deleting a take
    // deletes its transcript and words.
    r#"
    CREATE TABLE take_transcripts (
        take_id     INTEGER PRIMARY KEY REFERENCES takes(id) ON DELETE CASCADE,
        model       TEXT NOT NULL,
        decoder     INTEGER NOT NULL,
        made_at     TEXT NOT NULL,
        seconds     REAL,                      -- how long the transcription took
        text        TEXT NOT NULL DEFAULT '',
        word_count  INTEGER NOT NULL DEFAULT 0,
        filler_count INTEGER NOT NULL DEFAULT 0, -- by the rules of the build that stored it (weekly series)
        error       TEXT
    );
    CREATE TABLE take_words (
        take_id     INTEGER NOT NULL REFERENCES take_transcripts(take_id) ON DELETE CASCADE,
        n           INTEGER NOT NULL,
        text        TEXT NOT NULL,
        start_ms    INTEGER NOT NULL,
        end_ms      INTEGER NOT NULL,
        p           REAL NOT NULL,
        PRIMARY KEY (take_id, n)
    ) WITHOUT ROWID;
    CREATE VIRTUAL TABLE transcript_search USING fts5(
        text, content='take_transcripts', content_rowid='take_id', tokenize='unicode61'
    );
    CREATE TRIGGER take_transcripts_added AFTER INSERT ON take_transcripts BEGIN
        INSERT INTO transcript_search(rowid, text) VALUES (new.take_id, new.text);
    END;
    CREATE TRIGGER take_transcripts_removed AFTER DELETE ON take_transcripts BEGIN
        INSERT INTO transcript_search(transcript_search, rowid, text) VALUES ('delete', old.take_id, old.text);
    END;
    CREATE TRIGGER take_transcripts_changed AFTER UPDATE ON take_transcripts BEGIN
        INSERT INTO transcript_search(transcript_search, rowid, text) VALUES ('delete', old.take_id, old.text);
        INSERT INTO transcript_search(rowid, text) VALUES (new.take_id, new.text);
    END;
    "#,
    // 8: an unfinished run can be set aside (no longer offered for
    // resuming, its takes and ratings kept), and taken back.
    r#"
    ALTER TABLE runs ADD COLUMN set_aside_at TEXT;   -- RFC 3339, NULL unless set aside
    "#,
];

/// The migrations that rebuild a table other tables point at: they run
/// with foreign keys off (SQLite's own procedure for changing a table),
/// and the references are checked before they commit.
pub const REBUILDS: &[i64] = &[6];

/// What a migration needs beyond SQL, run in its transaction after it.
///
/// 3: take paths were stored as given (absolute, or relative to a relative
/// `--data-dir`), so a copied data folder pointed at the original's files.
/// Takes always live in `<data dir>/takes/`: keep only the file name.
pub fn after(tx: &rusqlite::Transaction<'_>, version: i64) -> rusqlite::Result<()> {
    if version != 3 {
        return Ok(());
    }
    let rows: Vec<(i64, String)> = {
        let mut stmt = tx.prepare("SELECT id, path FROM takes")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (id, path) in rows {
        let name = std::path::Path::new(&path).file_name().map(|n| n.to_string_lossy().into_owned());
        if let Some(name) = name.filter(|n| *n != path) {
            tx.execute("UPDATE takes SET path = ?1 WHERE id = ?2", rusqlite::params![name, id])?;
        }
    }
    Ok(())
}

/// The schema version this build writes.
pub fn current_version() -> i64 {
    MIGRATIONS.len() as i64
}
