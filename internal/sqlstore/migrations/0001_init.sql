-- Portable SQL: runs unchanged on SQLite and PostgreSQL. Ids are UUID text,
-- times are BIGINT microseconds since 1970 UTC, days are YYYY-MM-DD text,
-- money is BIGINT minor units; booleans are INTEGER 0/1.

CREATE TABLE contribution_versions (
    id           TEXT    NOT NULL,
    version      INTEGER NOT NULL,
    recorded_us  BIGINT  NOT NULL,
    deleted      INTEGER NOT NULL DEFAULT 0,
    donor        TEXT    NOT NULL,
    recipient    TEXT    NOT NULL,
    day          TEXT    NOT NULL,
    amount       BIGINT  NOT NULL,
    currency     TEXT    NOT NULL,
    category     TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    dataset      TEXT    NOT NULL,
    description  TEXT    NOT NULL DEFAULT '',
    source_url   TEXT    NOT NULL,
    source_title TEXT    NOT NULL DEFAULT '',
    publisher    TEXT    NOT NULL DEFAULT '',
    source_date  TEXT    NOT NULL DEFAULT '',
    author       TEXT    NOT NULL DEFAULT '',
    reason       TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (id, version)
);
CREATE INDEX contribution_versions_recorded ON contribution_versions (recorded_us);
CREATE INDEX contribution_versions_dataset ON contribution_versions (dataset, donor);

CREATE TABLE donors (
    code           TEXT PRIMARY KEY,
    name_en        TEXT NOT NULL,
    name_da        TEXT NOT NULL,
    kind           TEXT NOT NULL,
    nato_accession TEXT NOT NULL DEFAULT '',
    currencies     TEXT NOT NULL,
    publisher      TEXT NOT NULL DEFAULT '',
    title          TEXT NOT NULL DEFAULT '',
    source_date    TEXT NOT NULL DEFAULT '',
    url            TEXT NOT NULL DEFAULT ''
);

CREATE TABLE indicators (
    kind        TEXT    NOT NULL,
    donor       TEXT    NOT NULL,
    year        INTEGER NOT NULL,
    value       TEXT    NOT NULL,
    note        TEXT    NOT NULL DEFAULT '',
    vintage     TEXT    NOT NULL DEFAULT '',
    publisher   TEXT    NOT NULL DEFAULT '',
    title       TEXT    NOT NULL DEFAULT '',
    source_date TEXT    NOT NULL DEFAULT '',
    url         TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (kind, donor, year)
);

CREATE TABLE rates (
    currency    TEXT NOT NULL,
    period      TEXT NOT NULL,
    rate        TEXT NOT NULL,
    publisher   TEXT NOT NULL DEFAULT '',
    title       TEXT NOT NULL DEFAULT '',
    source_date TEXT NOT NULL DEFAULT '',
    url         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (currency, period)
);

CREATE TABLE targets (
    id       TEXT PRIMARY KEY,
    built_in INTEGER NOT NULL DEFAULT 0,
    body     TEXT NOT NULL
);

CREATE TABLE datasets (
    id      TEXT PRIMARY KEY,
    shipped INTEGER NOT NULL DEFAULT 0,
    body    TEXT NOT NULL
);

CREATE TABLE policies (
    donor       TEXT NOT NULL,
    day         TEXT NOT NULL,
    status      TEXT NOT NULL,
    scope       TEXT NOT NULL,
    publisher   TEXT NOT NULL DEFAULT '',
    title       TEXT NOT NULL DEFAULT '',
    source_date TEXT NOT NULL DEFAULT '',
    url         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (donor, day, status)
);

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
