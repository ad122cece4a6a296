-- The report engine's saved columns (internal/engine persist.go), so that a
-- new process answers reports without reading every ledger row. A cache:
-- checked against the ledger's stamp on open, rebuilt when missing or stale,
-- never a source of truth. kind 'base' is a whole snapshot cut in parts;
-- kind 'seg' holds versions recorded since, in seq order. count and
-- max_recorded_us are the ledger stamp the row was written at. BYTEA has
-- BLOB storage in SQLite.
CREATE TABLE engine_cache (
    kind            TEXT    NOT NULL,
    seq             BIGINT  NOT NULL,
    part            INTEGER NOT NULL,
    count           BIGINT  NOT NULL,
    max_recorded_us BIGINT  NOT NULL,
    data            BYTEA   NOT NULL,
    PRIMARY KEY (kind, seq, part)
);
