/**
 * Versioned schema migrations, applied in order on open; `PRAGMA user_version` records the last one applied.
 * Never edit a shipped migration: add the next one.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE episodes (
    rid            INTEGER PRIMARY KEY,
    id             TEXT NOT NULL UNIQUE,
    task           TEXT NOT NULL,
    task_type      TEXT NOT NULL,
    domain         TEXT NOT NULL,
    language       TEXT,
    framework      TEXT,
    complexity     TEXT NOT NULL,
    context_tags   TEXT NOT NULL,
    tags           TEXT NOT NULL,
    metadata       TEXT NOT NULL,
    started_at     INTEGER NOT NULL,
    ended_at       INTEGER,
    outcome_status TEXT,
    outcome        TEXT,
    reward_total   REAL,
    reward         TEXT,
    reflection     TEXT,
    summary        TEXT,
    pattern_ids    TEXT NOT NULL DEFAULT '[]',
    heuristic_ids  TEXT NOT NULL DEFAULT '[]',
    step_count     INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX episodes_started_at ON episodes (started_at);
  CREATE INDEX episodes_domain_ended_at ON episodes (domain, ended_at);

  CREATE TABLE episode_tags (
    tag         TEXT NOT NULL,
    episode_rid INTEGER NOT NULL REFERENCES episodes (rid) ON DELETE CASCADE,
    PRIMARY KEY (tag, episode_rid)
  ) WITHOUT ROWID;
  CREATE INDEX episode_tags_episode ON episode_tags (episode_rid);

  CREATE TABLE steps (
    episode_rid INTEGER NOT NULL REFERENCES episodes (rid) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    tool        TEXT NOT NULL,
    action      TEXT NOT NULL,
    params      TEXT NOT NULL,
    status      TEXT NOT NULL,
    output      TEXT,
    latency_ms  REAL NOT NULL,
    tokens      INTEGER,
    metadata    TEXT NOT NULL,
    PRIMARY KEY (episode_rid, seq)
  ) WITHOUT ROWID;

  CREATE TABLE patterns (
    id           TEXT PRIMARY KEY,
    key          TEXT NOT NULL UNIQUE,
    type         TEXT NOT NULL,
    domain       TEXT NOT NULL,
    occurrences  INTEGER NOT NULL,
    success_rate REAL NOT NULL,
    last_seen    INTEGER NOT NULL,
    body         TEXT NOT NULL
  );
  CREATE INDEX patterns_type_occurrences ON patterns (type, occurrences DESC);
  CREATE INDEX patterns_domain ON patterns (domain);

  CREATE TABLE heuristics (
    id         TEXT PRIMARY KEY,
    key        TEXT NOT NULL UNIQUE,
    trigger    TEXT NOT NULL,
    domain     TEXT NOT NULL,
    confidence REAL NOT NULL,
    body       TEXT NOT NULL
  );
  CREATE INDEX heuristics_trigger ON heuristics (trigger);

  CREATE VIRTUAL TABLE episodes_fts USING fts5 (task, summary, tools, reflection, tokenize = 'porter unicode61');

  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  INSERT INTO meta (key, value) VALUES ('write_generation', '0');
  `,
  `
  CREATE TABLE vectors (
    kind      TEXT NOT NULL,
    item_id   TEXT NOT NULL,
    provider  TEXT NOT NULL,
    dims      INTEGER NOT NULL,
    text_hash TEXT NOT NULL,
    vector    BLOB NOT NULL,
    PRIMARY KEY (kind, provider, item_id)
  );
  CREATE INDEX vectors_item ON vectors (kind, item_id);

  CREATE TABLE embedding_cache (
    provider  TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    vector    BLOB NOT NULL,
    PRIMARY KEY (provider, text_hash)
  ) WITHOUT ROWID;

  CREATE VIRTUAL TABLE patterns_fts USING fts5 (description, signature, tokenize = 'porter unicode61');
  INSERT INTO patterns_fts (rowid, description, signature)
    SELECT rowid, json_extract(body, '$.description'), key FROM patterns;
  `,
  `
  CREATE TABLE ann_indexes (
    provider   TEXT NOT NULL,
    kind       TEXT NOT NULL,
    dims       INTEGER NOT NULL,
    table_name TEXT NOT NULL UNIQUE,
    PRIMARY KEY (provider, kind)
  );
  `,
  `
  CREATE TABLE feedback (
    id             TEXT PRIMARY KEY,
    episode_id     TEXT,
    pattern_ids    TEXT NOT NULL,
    playbook_steps TEXT NOT NULL,
    success        INTEGER NOT NULL,
    note           TEXT,
    at             INTEGER NOT NULL
  );
  CREATE INDEX feedback_at ON feedback (at);

  CREATE TABLE checkpoints (
    id          TEXT PRIMARY KEY,
    episode_rid INTEGER NOT NULL REFERENCES episodes (rid) ON DELETE CASCADE,
    at          INTEGER NOT NULL,
    note        TEXT NOT NULL,
    progress    REAL,
    step_count  INTEGER NOT NULL
  );
  CREATE INDEX checkpoints_episode ON checkpoints (episode_rid, at);

  CREATE TABLE episode_links (
    from_rid   INTEGER NOT NULL REFERENCES episodes (rid) ON DELETE CASCADE,
    to_rid     INTEGER NOT NULL REFERENCES episodes (rid) ON DELETE CASCADE,
    type       TEXT NOT NULL,
    note       TEXT,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (from_rid, type, to_rid)
  ) WITHOUT ROWID;
  CREATE INDEX episode_links_to ON episode_links (to_rid, type);
  `,
  `
  CREATE TABLE tool_evidence (
    domain    TEXT NOT NULL,
    feature   TEXT NOT NULL,
    tool      TEXT NOT NULL,
    successes INTEGER NOT NULL DEFAULT 0,
    failures  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (domain, feature, tool)
  ) WITHOUT ROWID;
  `,
];
