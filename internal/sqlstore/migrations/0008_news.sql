-- The news desk (issue 16): feeds followed, feed items seen (each read once), drafts read
-- from articles, and the editors' decisions on them (append-only; a draft's state is its
-- last decision).

CREATE TABLE news_feeds (
    url           TEXT PRIMARY KEY,
    title         TEXT   NOT NULL DEFAULT '',
    added_us      BIGINT NOT NULL,
    added_by      TEXT   NOT NULL DEFAULT '',
    etag          TEXT   NOT NULL DEFAULT '',
    last_modified TEXT   NOT NULL DEFAULT '',
    fetched_us    BIGINT NOT NULL DEFAULT 0,
    last_error    TEXT   NOT NULL DEFAULT ''
);

CREATE TABLE news_items (
    item_id  TEXT PRIMARY KEY,
    feed_url TEXT   NOT NULL,
    link     TEXT   NOT NULL,
    title    TEXT   NOT NULL DEFAULT '',
    seen_us  BIGINT NOT NULL,
    drafts   INTEGER NOT NULL DEFAULT 0,
    error    TEXT   NOT NULL DEFAULT ''
);

CREATE TABLE news_drafts (
    id            TEXT PRIMARY KEY,
    created_us    BIGINT  NOT NULL,
    origin        TEXT    NOT NULL,
    item_id       TEXT    NOT NULL DEFAULT '',
    article_url   TEXT    NOT NULL,
    article_title TEXT    NOT NULL DEFAULT '',
    publisher     TEXT    NOT NULL DEFAULT '',
    article_date  TEXT    NOT NULL DEFAULT '',
    lang          TEXT    NOT NULL DEFAULT '',
    article_text  TEXT    NOT NULL,
    amount_start  INTEGER NOT NULL,
    amount_end    INTEGER NOT NULL,
    amount_text   TEXT    NOT NULL DEFAULT '',
    said_by       TEXT    NOT NULL DEFAULT '',
    donor         TEXT    NOT NULL,
    day           TEXT    NOT NULL DEFAULT '',
    amount        TEXT    NOT NULL,
    currency      TEXT    NOT NULL,
    currency_from TEXT    NOT NULL DEFAULT '',
    status        TEXT    NOT NULL,
    category      TEXT    NOT NULL,
    description   TEXT    NOT NULL DEFAULT '',
    conversion    TEXT    NOT NULL DEFAULT '',
    ledger_id     TEXT    NOT NULL DEFAULT '',
    state         TEXT    NOT NULL DEFAULT 'pending',
    contribution  TEXT    NOT NULL DEFAULT '',
    updated_us    BIGINT  NOT NULL
);
CREATE INDEX news_drafts_state ON news_drafts (state, created_us);

CREATE TABLE news_decisions (
    draft_id     TEXT   NOT NULL,
    at_us        BIGINT NOT NULL,
    user_name    TEXT   NOT NULL,
    action       TEXT   NOT NULL,
    reason       TEXT   NOT NULL DEFAULT '',
    contribution TEXT   NOT NULL DEFAULT '',
    dataset      TEXT   NOT NULL DEFAULT ''
);
CREATE INDEX news_decisions_draft ON news_decisions (draft_id, at_us);
