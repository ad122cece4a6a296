-- Reference values a user can change (targets, dataset descriptions) are
-- versioned like contributions: every definition is kept with who, when and
-- why; the targets and datasets tables hold the current ones.

CREATE TABLE reference_versions (
    kind        TEXT    NOT NULL,
    id          TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    recorded_us BIGINT  NOT NULL,
    deleted     INTEGER NOT NULL DEFAULT 0,
    body        TEXT    NOT NULL,
    author      TEXT    NOT NULL DEFAULT '',
    reason      TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (kind, id, version)
);

-- What was there before is version 1, in force since the beginning.
INSERT INTO reference_versions (kind, id, version, recorded_us, deleted, body, author, reason)
    SELECT 'target', id, 1, 0, 0, body, CASE WHEN built_in = 1 THEN 'fairshare' ELSE '' END,
        'recorded before reference values were versioned' FROM targets;
INSERT INTO reference_versions (kind, id, version, recorded_us, deleted, body, author, reason)
    SELECT 'dataset', id, 1, 0, 0, body, CASE WHEN shipped = 1 THEN 'fairshare' ELSE '' END,
        'recorded before reference values were versioned' FROM datasets;

-- Disabling a user ends its token and sessions for good (before, enabling
-- the user again revived its old token).
UPDATE users SET token_hash = '' WHERE disabled = 1;
DELETE FROM sessions WHERE user_name IN (SELECT name FROM users WHERE disabled = 1);
