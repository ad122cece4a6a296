-- Users, web sessions and the audit log of changes outside the ledger
-- (ledger changes are audited by their versions).

CREATE TABLE users (
    name          TEXT PRIMARY KEY,
    role          TEXT    NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_us    BIGINT  NOT NULL,
    token_hash    TEXT    NOT NULL DEFAULT '',
    password_hash TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX users_token ON users (token_hash);

CREATE TABLE sessions (
    id_hash    TEXT PRIMARY KEY,
    user_name  TEXT   NOT NULL,
    expires_us BIGINT NOT NULL
);

CREATE TABLE audit_log (
    at_us   BIGINT NOT NULL,
    user_name TEXT NOT NULL,
    action  TEXT NOT NULL,
    subject TEXT NOT NULL,
    reason  TEXT NOT NULL DEFAULT '',
    detail  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at_us);
