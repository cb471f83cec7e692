"""Numbered schema migrations, applied in order at start and recorded in ``schema_migrations``.

Never edit a migration that has shipped: add the next number instead.
"""

from __future__ import annotations

import sqlite3
import time

from relay.store.migrations_early import EARLY_MIGRATIONS

MIGRATIONS: list[tuple[int, str]] = [
    *EARLY_MIGRATIONS,
    (
        7,
        """
        -- What a part said when its send started, so that recovery after a crash finds the
        -- message Telegram accepted even when the config (credit, source name) changed since.
        ALTER TABLE outbox ADD COLUMN sending_hash TEXT;
        """,
    ),
    (
        8,
        """
        -- A translation sent in several messages: the parts received so far, per job and
        -- translator, until the translator presses Done (issue 10). Kept here, not in memory,
        -- so that a restart between two parts loses nothing.
        CREATE TABLE draft_parts (
            job_id     INTEGER NOT NULL REFERENCES jobs(id),
            user_id    INTEGER NOT NULL,
            part       INTEGER NOT NULL,          -- 1, 2, ... in the order received
            chat_id    INTEGER NOT NULL,
            text       TEXT NOT NULL,
            entities   TEXT NOT NULL DEFAULT '[]',
            created_at INTEGER NOT NULL,
            PRIMARY KEY (job_id, user_id, part)
        );

        -- The bot's "part received" answers are remembered too: a reply to one is the next part.
        CREATE TABLE bot_messages_new (
            chat_id     INTEGER NOT NULL,
            message_id  INTEGER NOT NULL,
            job_id      INTEGER NOT NULL REFERENCES jobs(id),
            kind        TEXT NOT NULL CHECK (kind IN
                ('card', 'preview', 'edit_prompt', 'reject_prompt', 'confirm', 'part_ack')),
            for_user    INTEGER,                      -- prompts: the person who was asked
            created_at  INTEGER NOT NULL,
            PRIMARY KEY (chat_id, message_id)
        );
        INSERT INTO bot_messages_new SELECT chat_id, message_id, job_id, kind, for_user, created_at
            FROM bot_messages;
        DROP TABLE bot_messages;
        ALTER TABLE bot_messages_new RENAME TO bot_messages;
        CREATE INDEX bot_messages_job ON bot_messages (job_id, kind);
        """,
    ),
    (
        9,
        """
        -- Review (issue 10). A reply that may be a translation waits for its sender's Yes or
        -- No in reply_offers, so a restart loses nothing; draft_shown remembers which version
        -- of a job's draft each chat was last shown (an editor approves only what they saw);
        -- bot_messages accepts any kind (thanks, answers, /show output, questions), so that
        -- a reply to any of the bot's messages about a job finds it.
        CREATE TABLE reply_offers (
            id          INTEGER PRIMARY KEY,
            job_id      INTEGER NOT NULL REFERENCES jobs(id),
            chat_id     INTEGER NOT NULL,
            user_id     INTEGER NOT NULL,             -- only the sender may answer
            message_id  INTEGER NOT NULL,             -- the reply that is offered
            job_version INTEGER NOT NULL,             -- the job as it was when asked
            text        TEXT NOT NULL,
            entities    TEXT NOT NULL DEFAULT '[]',
            created_at  INTEGER NOT NULL
        );
        CREATE INDEX reply_offers_job ON reply_offers (job_id);
        CREATE TABLE draft_shown (
            chat_id     INTEGER NOT NULL,
            job_id      INTEGER NOT NULL REFERENCES jobs(id),
            version     INTEGER NOT NULL,             -- the job's version when shown
            shown_at    INTEGER NOT NULL,
            PRIMARY KEY (chat_id, job_id)
        );
        CREATE TABLE bot_messages_v9 (
            chat_id     INTEGER NOT NULL,
            message_id  INTEGER NOT NULL,
            job_id      INTEGER NOT NULL REFERENCES jobs(id),
            kind        TEXT NOT NULL,
            for_user    INTEGER,
            created_at  INTEGER NOT NULL,
            PRIMARY KEY (chat_id, message_id)
        );
        INSERT INTO bot_messages_v9 SELECT chat_id, message_id, job_id, kind, for_user,
            created_at FROM bot_messages;
        DROP TABLE bot_messages;
        ALTER TABLE bot_messages_v9 RENAME TO bot_messages;
        CREATE INDEX bot_messages_job ON bot_messages (job_id, kind);
        """,
    ),
    (
        10,
        """
        -- One statement, one job per target (issue 11). A post (unit) that is a copy or a
        -- forward of a statement already queued gets no jobs of its own: it is recorded here as
        -- a member of the statement whose unit holds the jobs (the lead). Splitting removes
        -- the row (the member gets its own jobs); /join adds the second lead as a member.
        CREATE TABLE statement_members (
            id              INTEGER PRIMARY KEY,
            channel_id      INTEGER NOT NULL,
            unit_key        TEXT NOT NULL,
            message_id      INTEGER NOT NULL,
            lead_channel_id INTEGER NOT NULL,
            lead_unit_key   TEXT NOT NULL,
            how             TEXT NOT NULL CHECK (how IN ('copy', 'forward', 'joined')),
            joined_at       INTEGER NOT NULL,
            UNIQUE (channel_id, unit_key)
        );
        CREATE INDEX statement_members_lead ON statement_members (lead_channel_id, lead_unit_key);
        """,
    ),
    (
        11,
        """
        -- What readers saw: the translation as it went out, kept when a post or a correction
        -- is sent, so that the archive site never shows an unapproved draft and never loses
        -- a post while its correction is being written (issue 13).
        ALTER TABLE jobs ADD COLUMN published_text TEXT;
        ALTER TABLE jobs ADD COLUMN published_entities TEXT;
        UPDATE jobs SET published_text = draft_text, published_entities = draft_entities
            WHERE status IN ('published', 'stale');
        """,
    ),
    (
        12,
        """
        -- Why a post has its language: "text" (the text alone decided) or "channel" (a short
        -- Arabic-script post the text could not decide, given its channel's recent language).
        ALTER TABLE messages ADD COLUMN lang_reason TEXT;
        """,
    ),
    (
        13,
        """
        -- Machine drafts (issue 14): what an engine made of a queued job's source (or why
        -- nothing: text NULL, error the kind), whom the card's button sent it to, and, once a
        -- person's translation of the job is approved, how far it is from the draft.
        CREATE TABLE machine_drafts (
            job_id      INTEGER PRIMARY KEY REFERENCES jobs(id),
            target      TEXT NOT NULL,               -- the target language
            engine      TEXT NOT NULL,
            model       TEXT,
            via         TEXT,                        -- the pivot language, if any
            source_hash TEXT,                        -- the source the draft was made from
            text        TEXT,
            error       TEXT,
            made_at     INTEGER NOT NULL,
            elapsed_ms  INTEGER,
            sent_to     INTEGER,                     -- who the button last sent it to
            sent_at     INTEGER,
            chrf        REAL,
            ter         REAL,
            scored_at   INTEGER
        );
        CREATE INDEX machine_drafts_unscored ON machine_drafts (job_id)
            WHERE text IS NOT NULL AND scored_at IS NULL;
        -- The first submission of each job: how long after its card, whether a machine draft
        -- was on the card and whether the submission started from it.
        CREATE TABLE draft_submissions (
            job_id       INTEGER PRIMARY KEY REFERENCES jobs(id),
            user_id      INTEGER NOT NULL,
            carded_at    INTEGER,
            submitted_at INTEGER NOT NULL,
            had_draft    INTEGER NOT NULL,
            from_draft   INTEGER NOT NULL,
            similarity   REAL
        );
        """,
    ),
    (
        14,
        """
        -- The glossary (issue 14): a source term and its agreed translation per target
        -- language. Rows are never deleted: a removed or replaced term keeps who removed it and
        -- when; ``revision`` grows with every change, so a reader knows when to reload.
        CREATE TABLE glossary (
            id          INTEGER PRIMARY KEY,
            language    TEXT NOT NULL,            -- target language code
            term        TEXT NOT NULL,            -- the Farsi term as written
            term_key    TEXT NOT NULL,            -- its folded form (relay.core.glossary.term_key)
            translation TEXT NOT NULL,
            note        TEXT,
            added_by    INTEGER,                  -- Telegram user id; NULL: imported from a file
            added_at    INTEGER NOT NULL,
            removed_by  INTEGER,
            removed_at  INTEGER,
            revision    INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX glossary_live ON glossary (language, term_key)
            WHERE removed_at IS NULL;
        CREATE INDEX glossary_revision ON glossary (revision);
        """,
    ),
    (
        15,
        """
        -- A statement's posts are named by their id on cards, Split buttons and /split
        -- (issue 11): AUTOINCREMENT, so that the id of a post split off (its row deleted) is
        -- never given to a post that joins later, which a number read from an older card or
        -- typed by a second editor would then split off instead.
        CREATE TABLE statement_members_v15 (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            channel_id      INTEGER NOT NULL,
            unit_key        TEXT NOT NULL,
            message_id      INTEGER NOT NULL,
            lead_channel_id INTEGER NOT NULL,
            lead_unit_key   TEXT NOT NULL,
            how             TEXT NOT NULL CHECK (how IN ('copy', 'forward', 'joined')),
            joined_at       INTEGER NOT NULL,
            UNIQUE (channel_id, unit_key)
        );
        INSERT INTO statement_members_v15 SELECT id, channel_id, unit_key, message_id,
            lead_channel_id, lead_unit_key, how, joined_at FROM statement_members;
        DROP TABLE statement_members;
        ALTER TABLE statement_members_v15 RENAME TO statement_members;
        CREATE INDEX statement_members_lead ON statement_members (lead_channel_id, lead_unit_key);
        """,
    ),
    (
        16,
        """
        -- /search reads only the newest matches: the full-text index is keyed by search_key,
        -- a post's date and then its pk, so "newest first" is the index's own order and the
        -- first rows of a backward scan are the answer, however many posts match. (pk alone is
        -- not date order: backfill and relay import store older posts later.) Telegram dates
        -- are 32-bit; clamped to [0, 2^32) and times 2^31, the key fits 63 bits while pk < 2^31
        -- (the unique index would refuse a collision rather than mix two posts up).
        ALTER TABLE messages ADD COLUMN search_key INTEGER GENERATED ALWAYS AS
            (MIN(MAX(date, 0), 4294967295) * 2147483648 + pk) VIRTUAL;
        CREATE UNIQUE INDEX messages_search_key ON messages (search_key);
        DROP TRIGGER messages_fts_update;
        DROP TABLE messages_fts;
        CREATE VIRTUAL TABLE messages_fts USING fts5(
            text, content='messages', content_rowid='search_key',
            tokenize='unicode61 remove_diacritics 2'
        );
        -- Every post is indexed again here, those waiting in fts_pending too.
        INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
        DELETE FROM fts_pending;
        -- An edit (or a changed date: a new key) takes the post out under its old key and
        -- text, unless it is still waiting to be indexed, and notes it for indexing again.
        CREATE TRIGGER messages_fts_update AFTER UPDATE OF text, date ON messages BEGIN
            INSERT INTO messages_fts (messages_fts, rowid, text)
                SELECT 'delete', old.search_key, old.text
                WHERE NOT EXISTS (SELECT 1 FROM fts_pending WHERE pk = old.pk);
            INSERT OR IGNORE INTO fts_pending (pk) VALUES (new.pk);
        END;
        """,
    ),
]


class SchemaTooNew(RuntimeError):
    """The database was written by a newer relay; nothing is changed."""


def apply_migrations(conn: sqlite3.Connection) -> list[int]:
    """Apply every migration not yet recorded; return the versions applied now."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations"
        " (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)"
    )
    done = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
    newest_known = max(v for v, _ in MIGRATIONS)
    if done and max(done) > newest_known:
        raise SchemaTooNew(
            f"database schema version {max(done)} is newer than this relay knows ({newest_known});"
            " upgrade relay"
        )
    applied = []
    for version, sql in MIGRATIONS:
        if version in done:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(sql):
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                (version, int(time.time())),
            )
        except BaseException:
            # An interrupt or a full disk may have rolled it back already: a ROLLBACK then
            # would fail and hide why (migration 16 rebuilds the whole search index).
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        applied.append(version)
    return applied


def _statements(sql: str) -> list[str]:
    """Split a migration into statements (executescript would commit on its own)."""
    out, buf = [], []
    for line in sql.splitlines():
        buf.append(line)
        candidate = "\n".join(buf)
        if sqlite3.complete_statement(candidate):
            if candidate.strip().strip(";").strip():
                out.append(candidate)
            buf = []
    return out
