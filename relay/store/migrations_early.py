"""Migrations 1 to 6, as they shipped (the first schema and its early changes). Never edit
one: add the next number in :mod:`relay.store.migrations`."""

from __future__ import annotations

EARLY_MIGRATIONS: list[tuple[int, str]] = [
    (
        1,
        """
        CREATE TABLE channels (
            id              INTEGER PRIMARY KEY,      -- Telegram channel id (bare, positive)
            username        TEXT,
            title           TEXT,
            display_name    TEXT,                     -- the name used in attribution
            is_source       INTEGER NOT NULL DEFAULT 0,
            caught_up_to    INTEGER NOT NULL DEFAULT 0, -- history complete up to this message id
            caught_up_at    INTEGER,                  -- last catch-up; NULL: never read before
            last_message_id INTEGER NOT NULL DEFAULT 0, -- highest message id stored
            last_post_at    INTEGER,                  -- date of the newest stored post
            last_seen_at    INTEGER,                  -- when the watcher last stored anything
            updated_at      INTEGER NOT NULL
        );

        CREATE TABLE messages (
            pk              INTEGER PRIMARY KEY,
            channel_id      INTEGER NOT NULL REFERENCES channels(id),
            message_id      INTEGER NOT NULL,
            date            INTEGER NOT NULL,
            edit_date       INTEGER,
            text            TEXT NOT NULL DEFAULT '',
            entities        TEXT NOT NULL DEFAULT '[]',
            lang            TEXT,
            lang_confidence REAL,
            grouped_id      INTEGER,
            media_kind      TEXT,
            media_size      INTEGER,
            media_name      TEXT,
            media_path      TEXT,
            fwd_from        TEXT,                     -- JSON: origin of a forwarded post
            reply_to        INTEGER,
            post_author     TEXT,
            deleted_at      INTEGER,                  -- a deletion is a mark, never a removed row
            stored_at       INTEGER NOT NULL,
            UNIQUE (channel_id, message_id)
        );
        CREATE INDEX messages_album ON messages (channel_id, grouped_id) WHERE grouped_id IS NOT NULL;

        CREATE TABLE message_revisions (
            id          INTEGER PRIMARY KEY,
            message_pk  INTEGER NOT NULL REFERENCES messages(pk),
            text        TEXT NOT NULL,
            entities    TEXT NOT NULL,
            edit_date   INTEGER,
            replaced_at INTEGER NOT NULL
        );
        CREATE INDEX message_revisions_message ON message_revisions (message_pk);

        CREATE TABLE jobs (
            id                INTEGER PRIMARY KEY,
            channel_id        INTEGER NOT NULL REFERENCES channels(id),
            unit_key          TEXT NOT NULL,          -- 'm:<message id>' or 'g:<grouped id>' (album)
            message_id        INTEGER NOT NULL,       -- first message of the unit
            grouped_id        INTEGER,
            target            TEXT NOT NULL,          -- target key from the configuration
            language          TEXT NOT NULL,          -- target language
            status            TEXT NOT NULL CHECK (status IN
                ('queued','drafted','approved','published','skipped','rejected','stale')),
            source_text       TEXT NOT NULL,
            source_hash       TEXT NOT NULL,
            draft_text        TEXT,
            draft_entities    TEXT,
            draft_source_hash TEXT,                   -- the source version the draft was made from
            translator_id     INTEGER,
            editor_id         INTEGER,
            claimed_by        INTEGER,
            claimed_at        INTEGER,
            reason            TEXT,
            created_at        INTEGER NOT NULL,
            updated_at        INTEGER NOT NULL,
            UNIQUE (channel_id, unit_key, target)
        );
        CREATE INDEX jobs_status ON jobs (status, id);

        CREATE TABLE audit (
            id          INTEGER PRIMARY KEY,
            job_id      INTEGER REFERENCES jobs(id),
            actor_id    INTEGER,                      -- Telegram user id; NULL for relay itself
            action      TEXT NOT NULL,
            from_status TEXT,
            to_status   TEXT,
            detail      TEXT,
            at          INTEGER NOT NULL
        );
        CREATE INDEX audit_job ON audit (job_id);

        CREATE TABLE source_status (
            ref         TEXT PRIMARY KEY,             -- the source as configured, e.g. '@vahed'
            channel_id  INTEGER,
            error       TEXT,                         -- why it cannot be resolved, if it cannot
            checked_at  INTEGER NOT NULL
        );
        """,
    ),
    (
        2,
        """
        -- Review: job versions (stale buttons), the source text a draft was made from, and
        -- every bot message tied to a job (cards, previews, prompts), so they can be edited.
        ALTER TABLE jobs ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE jobs ADD COLUMN draft_source_text TEXT;
        ALTER TABLE jobs ADD COLUMN drafted_at INTEGER;

        CREATE TABLE bot_messages (
            chat_id     INTEGER NOT NULL,
            message_id  INTEGER NOT NULL,
            job_id      INTEGER NOT NULL REFERENCES jobs(id),
            kind        TEXT NOT NULL CHECK (kind IN
                ('card', 'preview', 'edit_prompt', 'reject_prompt', 'confirm')),
            for_user    INTEGER,                      -- prompts: the person who was asked
            created_at  INTEGER NOT NULL,
            PRIMARY KEY (chat_id, message_id)
        );
        CREATE INDEX bot_messages_job ON bot_messages (job_id, kind);

        CREATE INDEX jobs_translator ON jobs (translator_id) WHERE translator_id IS NOT NULL;
        CREATE INDEX jobs_claims ON jobs (claimed_at) WHERE claimed_by IS NOT NULL;

        -- Full-text search of the archive (/search), kept in step by triggers.
        CREATE VIRTUAL TABLE messages_fts USING fts5(
            text, content='messages', content_rowid='pk', tokenize='unicode61 remove_diacritics 2'
        );
        INSERT INTO messages_fts (rowid, text) SELECT pk, text FROM messages;
        CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
            INSERT INTO messages_fts (rowid, text) VALUES (new.pk, new.text);
        END;
        CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN
            INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.pk, old.text);
            INSERT INTO messages_fts (rowid, text) VALUES (new.pk, new.text);
        END;
        """,
    ),
    (
        3,
        """
        -- Publishing: what must be posted where (outbox), and what was posted (publications).
        CREATE TABLE outbox (
            id           INTEGER PRIMARY KEY,             -- approval order
            job_id       INTEGER NOT NULL REFERENCES jobs(id),
            target       TEXT NOT NULL,
            kind         TEXT NOT NULL CHECK (kind IN ('post', 'correction', 'annotate', 'delete')),
            status       TEXT NOT NULL DEFAULT 'pending'
                         CHECK (status IN ('pending', 'sent', 'failed', 'cancelled')),
            not_before   INTEGER NOT NULL DEFAULT 0,       -- flood wait or backoff: not earlier
            attempts     INTEGER NOT NULL DEFAULT 0,
            last_error   TEXT,
            sending_part INTEGER,                          -- a send was started: check first
            created_at   INTEGER NOT NULL,
            updated_at   INTEGER NOT NULL
        );
        CREATE INDEX outbox_pending ON outbox (status, target, id);
        CREATE INDEX outbox_job ON outbox (job_id);

        CREATE TABLE publications (
            id          INTEGER PRIMARY KEY,
            outbox_id   INTEGER NOT NULL REFERENCES outbox(id),
            job_id      INTEGER NOT NULL REFERENCES jobs(id),
            target      TEXT NOT NULL,
            channel_id  INTEGER NOT NULL,                  -- the outgoing channel (bare id)
            part        INTEGER NOT NULL,
            message_id  INTEGER NOT NULL,
            text_hash   TEXT NOT NULL,                     -- what this part said when posted
            posted_at   INTEGER NOT NULL,
            UNIQUE (outbox_id, part)
        );
        CREATE INDEX publications_job ON publications (job_id, part);
        CREATE INDEX publications_channel ON publications (channel_id, message_id);
        """,
    ),
    (
        4,
        """
        -- Operating: the service's heartbeat (`relay health`, `relay status`) and where a
        -- back-fill of a source got to, so it can resume.
        CREATE TABLE service_heartbeat (
            id      INTEGER PRIMARY KEY CHECK (id = 1),
            at      INTEGER NOT NULL,
            pid     INTEGER,
            state   TEXT,
            detail  TEXT
        );
        CREATE TABLE backfill_progress (
            channel_id  INTEGER PRIMARY KEY REFERENCES channels(id),
            oldest_id   INTEGER NOT NULL,                 -- everything above it was fetched
            finished    INTEGER NOT NULL DEFAULT 0,
            updated_at  INTEGER NOT NULL
        );
        """,
    ),
    (
        5,
        """
        -- Indexes the benchmarks asked for: album members in order, the oldest queued job,
        -- translators' counts and expired claims without touching every queued job.
        CREATE INDEX messages_album_members ON messages (channel_id, grouped_id, message_id)
            WHERE grouped_id IS NOT NULL;
        CREATE INDEX jobs_status_created ON jobs (status, created_at);
        DROP INDEX jobs_translator;
        CREATE INDEX jobs_translator_status ON jobs (translator_id, status)
            WHERE translator_id IS NOT NULL;
        DROP INDEX jobs_claims;
        CREATE INDEX jobs_claims ON jobs (status, claimed_at) WHERE claimed_by IS NOT NULL;
        """,
    ),
    (
        6,
        """
        -- Full-text indexing leaves the ingest transaction: a new or edited post is noted in
        -- fts_pending and indexed in bulk (by /search itself, and every few seconds), which
        -- writes one index segment per burst instead of one per post.
        CREATE TABLE fts_pending (pk INTEGER PRIMARY KEY);
        DROP TRIGGER messages_fts_insert;
        DROP TRIGGER messages_fts_update;
        CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
            INSERT OR IGNORE INTO fts_pending (pk) VALUES (new.pk);
        END;
        CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN
            INSERT INTO messages_fts (messages_fts, rowid, text)
                SELECT 'delete', old.pk, old.text
                WHERE NOT EXISTS (SELECT 1 FROM fts_pending WHERE pk = old.pk);
            INSERT OR IGNORE INTO fts_pending (pk) VALUES (new.pk);
        END;
        """,
    ),
]
