/**
 * Versioned schema migrations, applied in order on open; `PRAGMA user_version` records the last one applied.
 * Never edit a shipped migration: add the next one.
 * Migration 6 puts everything in a namespace ('default' for what was there): episode ids stay unique across the
 * store; patterns, heuristics and tool counts are unique per namespace.
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
  `
  ALTER TABLE episodes ADD COLUMN namespace TEXT NOT NULL DEFAULT 'default';
  DROP INDEX episodes_started_at;
  DROP INDEX episodes_domain_ended_at;
  CREATE INDEX episodes_namespace_started_at ON episodes (namespace, started_at);
  CREATE INDEX episodes_namespace_domain_ended_at ON episodes (namespace, domain, ended_at);
  CREATE INDEX episodes_namespace_ended_at ON episodes (namespace, ended_at);

  CREATE TABLE patterns_6 (
    id           TEXT PRIMARY KEY,
    namespace    TEXT NOT NULL,
    key          TEXT NOT NULL,
    type         TEXT NOT NULL,
    domain       TEXT NOT NULL,
    occurrences  INTEGER NOT NULL,
    success_rate REAL NOT NULL,
    last_seen    INTEGER NOT NULL,
    body         TEXT NOT NULL,
    UNIQUE (namespace, key)
  );
  INSERT INTO patterns_6 (rowid, id, namespace, key, type, domain, occurrences, success_rate, last_seen, body)
    SELECT rowid, id, 'default', key, type, domain, occurrences, success_rate, last_seen, body FROM patterns;
  DROP TABLE patterns;
  ALTER TABLE patterns_6 RENAME TO patterns;
  CREATE INDEX patterns_type_occurrences ON patterns (namespace, type, occurrences DESC);
  CREATE INDEX patterns_domain ON patterns (namespace, domain);

  CREATE TABLE heuristics_6 (
    id         TEXT PRIMARY KEY,
    namespace  TEXT NOT NULL,
    key        TEXT NOT NULL,
    trigger    TEXT NOT NULL,
    domain     TEXT NOT NULL,
    confidence REAL NOT NULL,
    body       TEXT NOT NULL,
    UNIQUE (namespace, key)
  );
  INSERT INTO heuristics_6 (id, namespace, key, trigger, domain, confidence, body)
    SELECT id, 'default', key, trigger, domain, confidence, body FROM heuristics;
  DROP TABLE heuristics;
  ALTER TABLE heuristics_6 RENAME TO heuristics;
  CREATE INDEX heuristics_trigger ON heuristics (namespace, trigger);

  CREATE TABLE tool_evidence_6 (
    namespace TEXT NOT NULL,
    domain    TEXT NOT NULL,
    feature   TEXT NOT NULL,
    tool      TEXT NOT NULL,
    successes INTEGER NOT NULL DEFAULT 0,
    failures  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (namespace, domain, feature, tool)
  ) WITHOUT ROWID;
  INSERT INTO tool_evidence_6 SELECT 'default', domain, feature, tool, successes, failures FROM tool_evidence;
  DROP TABLE tool_evidence;
  ALTER TABLE tool_evidence_6 RENAME TO tool_evidence;
  CREATE INDEX tool_evidence_feature ON tool_evidence (namespace, feature);

  ALTER TABLE feedback ADD COLUMN namespace TEXT NOT NULL DEFAULT 'default';
  DROP INDEX feedback_at;
  CREATE INDEX feedback_namespace_at ON feedback (namespace, at);

  ALTER TABLE vectors ADD COLUMN namespace TEXT NOT NULL DEFAULT 'default';
  CREATE INDEX vectors_namespace ON vectors (namespace, kind, provider);
  `,
  // Progress over time and stats() read only these columns of every episode: from this index alone they do not
  // read the rows (~1.3 kB each; 100k episodes 170 -> 50 ms, one domain 18 -> 4 ms; stats at 10k 22 -> 5 ms).
  // It replaces the index of the same first three columns, so a write updates as many indexes as before.
  `
  CREATE INDEX episodes_namespace_domain_progress
    ON episodes (namespace, domain, ended_at, outcome_status, reward_total, step_count);
  DROP INDEX episodes_namespace_domain_ended_at;
  `,
  // Retrieval may search the task alone: an episode's summary, tools and reflection say what it did, not what
  // was asked, and their length weighs on BM25's length normalisation even at weight 0. Contentless: the task is
  // in episodes already. Completed episodes only, as in episodes_fts.
  `
  CREATE VIRTUAL TABLE episode_tasks_fts USING fts5 (
    task, content = '', contentless_delete = 1, tokenize = 'porter unicode61'
  );
  INSERT INTO episode_tasks_fts (rowid, task) SELECT rid, task FROM episodes WHERE ended_at IS NOT NULL;
  `,
  // What each namespace's self-tuning chose: retrieval and playbook settings and the confidence calibration.
  `
  CREATE TABLE tuning (namespace TEXT PRIMARY KEY, body TEXT NOT NULL);
  `,
];
