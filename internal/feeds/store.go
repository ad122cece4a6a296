package feeds

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/fairshare/fairshare"
)

// Store keeps feeds, items seen, drafts and decisions in the fairshare database (tables of
// migration 0008, portable SQL for SQLite and PostgreSQL).
type Store struct{ DB *sql.DB }

// Feed is a followed feed.
type Feed struct {
	URL          string    `json:"url"`
	Title        string    `json:"title"`
	AddedAt      time.Time `json:"added_at"`
	AddedBy      string    `json:"added_by"`
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	FetchedAt    time.Time `json:"fetched_at"`
	LastError    string    `json:"last_error,omitempty"`
}

// Draft is a contribution read from an article, waiting for an editor.
type Draft struct {
	ID           string    `json:"id"`
	CreatedAt    time.Time `json:"created_at"`
	Origin       string    `json:"origin"` // "feed" or "read" (news read --apply)
	ItemID       string    `json:"item_id,omitempty"`
	ArticleURL   string    `json:"article_url"`
	ArticleTitle string    `json:"article_title"`
	Publisher    string    `json:"publisher"`
	ArticleDate  string    `json:"article_date"`
	Lang         string    `json:"lang"`
	ArticleText  string    `json:"article_text"`
	AmountStart  int       `json:"amount_start"` // byte span of the amount in ArticleText
	AmountEnd    int       `json:"amount_end"`
	AmountText   string    `json:"amount_text"`
	SaidBy       string    `json:"said_by"`
	Donor        string    `json:"donor"`
	Date         string    `json:"date"`
	Amount       string    `json:"amount"` // decimal
	Currency     string    `json:"currency"`
	CurrencyFrom string    `json:"currency_from"`
	Status       string    `json:"status"`
	Category     string    `json:"category"`
	Description  string    `json:"description"`
	Conversion   string    `json:"conversion"` // the equivalent the article states, with its verdict
	LedgerID     string    `json:"ledger_id,omitempty"`
	State        string    `json:"state"` // pending, approved, rejected
	Contribution string    `json:"contribution,omitempty"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Decision is one editor's decision on a draft.
type Decision struct {
	DraftID      string    `json:"draft_id"`
	At           time.Time `json:"at"`
	User         string    `json:"user"`
	Action       string    `json:"action"` // approve, reject, reopen
	Reason       string    `json:"reason"`
	Contribution string    `json:"contribution,omitempty"`
	Dataset      string    `json:"dataset,omitempty"`
}

// AddFeed follows url; it reports false when it was followed already.
func (s Store) AddFeed(ctx context.Context, url, user string) (bool, error) {
	res, err := s.DB.ExecContext(ctx, `INSERT INTO news_feeds (url, added_us, added_by) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
		url, time.Now().UnixMicro(), user)
	if err != nil {
		return false, fmt.Errorf("follow %s: %w", url, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// RemoveFeed stops following url.
func (s Store) RemoveFeed(ctx context.Context, url string) (bool, error) {
	res, err := s.DB.ExecContext(ctx, `DELETE FROM news_feeds WHERE url = $1`, url)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Feeds lists the followed feeds by URL.
func (s Store) Feeds(ctx context.Context) ([]Feed, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT url, title, added_us, added_by, etag, last_modified, fetched_us, last_error FROM news_feeds ORDER BY url`)
	if err != nil {
		return nil, fmt.Errorf("feeds: %w", err)
	}
	defer rows.Close()
	var out []Feed
	for rows.Next() {
		var f Feed
		var added, fetched int64
		if err := rows.Scan(&f.URL, &f.Title, &added, &f.AddedBy, &f.ETag, &f.LastModified, &fetched, &f.LastError); err != nil {
			return nil, err
		}
		f.AddedAt = time.UnixMicro(added).UTC()
		if fetched > 0 {
			f.FetchedAt = time.UnixMicro(fetched).UTC()
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// Fetched records a fetch of a feed: its validators and title, or the error.
func (s Store) Fetched(ctx context.Context, f Feed) error {
	_, err := s.DB.ExecContext(ctx, `UPDATE news_feeds SET title = $2, etag = $3, last_modified = $4, fetched_us = $5, last_error = $6 WHERE url = $1`,
		f.URL, f.Title, f.ETag, f.LastModified, time.Now().UnixMicro(), f.LastError)
	return err
}

// Seen reports whether an item was read before.
func (s Store) Seen(ctx context.Context, itemID string) (bool, error) {
	var n int
	err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM news_items WHERE item_id = $1`, itemID).Scan(&n)
	return n > 0, err
}

// FileItem records an item as read together with its drafts, in one transaction, so that an
// item is read once and its drafts are filed once. It reports false (and files nothing) when
// another fetch recorded the item first.
func (s Store) FileItem(ctx context.Context, feedURL string, it Item, drafts []Draft, itemErr string) (bool, error) {
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `INSERT INTO news_items (item_id, feed_url, link, title, seen_us, drafts, error) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
		it.ID, feedURL, it.Link, it.Title, time.Now().UnixMicro(), len(drafts), itemErr)
	if err != nil {
		return false, fmt.Errorf("item %s: %w", it.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	if _, err := insertDrafts(ctx, tx, drafts); err != nil {
		return false, err
	}
	return true, tx.Commit()
}

// AddDrafts files drafts (news read --apply); a draft filed before is skipped.
func (s Store) AddDrafts(ctx context.Context, drafts []Draft) (int, error) {
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	n, err := insertDrafts(ctx, tx, drafts)
	if err != nil {
		return 0, err
	}
	return n, tx.Commit()
}

const draftCols = `id, created_us, origin, item_id, article_url, article_title, publisher, article_date, lang, article_text,
	amount_start, amount_end, amount_text, said_by, donor, day, amount, currency, currency_from, status, category,
	description, conversion, ledger_id, state, contribution, updated_us`

func insertDrafts(ctx context.Context, tx *sql.Tx, drafts []Draft) (int, error) {
	added := 0
	now := time.Now().UnixMicro()
	for _, d := range drafts {
		res, err := tx.ExecContext(ctx, `INSERT INTO news_drafts (`+draftCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
			$11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, 'pending', '', $2) ON CONFLICT DO NOTHING`,
			d.ID, now, d.Origin, d.ItemID, d.ArticleURL, d.ArticleTitle, d.Publisher, d.ArticleDate, d.Lang, d.ArticleText,
			d.AmountStart, d.AmountEnd, d.AmountText, d.SaidBy, d.Donor, d.Date, d.Amount, d.Currency, d.CurrencyFrom, d.Status,
			d.Category, d.Description, d.Conversion, d.LedgerID)
		if err != nil {
			return added, fmt.Errorf("draft %s: %w", d.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			added++
		}
	}
	return added, nil
}

func scanDraft(sc interface{ Scan(...any) error }) (Draft, error) {
	var d Draft
	var created, updated int64
	err := sc.Scan(&d.ID, &created, &d.Origin, &d.ItemID, &d.ArticleURL, &d.ArticleTitle, &d.Publisher, &d.ArticleDate, &d.Lang,
		&d.ArticleText, &d.AmountStart, &d.AmountEnd, &d.AmountText, &d.SaidBy, &d.Donor, &d.Date, &d.Amount, &d.Currency,
		&d.CurrencyFrom, &d.Status, &d.Category, &d.Description, &d.Conversion, &d.LedgerID, &d.State, &d.Contribution, &updated)
	d.CreatedAt, d.UpdatedAt = time.UnixMicro(created).UTC(), time.UnixMicro(updated).UTC()
	return d, err
}

// Drafts lists drafts in state ("" for all), oldest first.
func (s Store) Drafts(ctx context.Context, state string, limit int) ([]Draft, error) {
	if limit <= 0 {
		limit = 500
	}
	q := `SELECT ` + draftCols + ` FROM news_drafts`
	var args []any
	if state != "" {
		q += ` WHERE state = $1`
		args = append(args, state)
	}
	rows, err := s.DB.QueryContext(ctx, q+fmt.Sprintf(` ORDER BY created_us, id LIMIT %d`, limit), args...)
	if err != nil {
		return nil, fmt.Errorf("drafts: %w", err)
	}
	defer rows.Close()
	var out []Draft
	for rows.Next() {
		d, err := scanDraft(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Draft reads one draft.
func (s Store) Draft(ctx context.Context, id string) (Draft, error) {
	d, err := scanDraft(s.DB.QueryRowContext(ctx, `SELECT `+draftCols+` FROM news_drafts WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Draft{}, fairshare.Errorf(fairshare.ENOTFOUND, "no draft %s", id)
	}
	return d, err
}

// Decide records a decision and the draft's new state, provided the draft is still in state
// from (a concurrent decision makes this a conflict). edited, when not nil, replaces the
// proposal's fields as the editor changed them.
func (s Store) Decide(ctx context.Context, dec Decision, from, to string, edited *Draft) error {
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := dec.At.UnixMicro()
	res, err := tx.ExecContext(ctx, `UPDATE news_drafts SET state = $3, contribution = $4, updated_us = $5 WHERE id = $1 AND state = $2`,
		dec.DraftID, from, to, dec.Contribution, now)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fairshare.Errorf(fairshare.ECONFLICT, "draft %s is no longer %s", dec.DraftID, from)
	}
	if edited != nil {
		if _, err := tx.ExecContext(ctx, `UPDATE news_drafts SET donor = $2, day = $3, amount = $4, currency = $5, status = $6, category = $7, description = $8 WHERE id = $1`,
			dec.DraftID, edited.Donor, edited.Date, edited.Amount, edited.Currency, edited.Status, edited.Category, edited.Description); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO news_decisions (draft_id, at_us, user_name, action, reason, contribution, dataset) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		dec.DraftID, now, dec.User, dec.Action, dec.Reason, dec.Contribution, dec.Dataset); err != nil {
		return err
	}
	return tx.Commit()
}

// Decisions lists the decisions on a draft, oldest first.
func (s Store) Decisions(ctx context.Context, draftID string) ([]Decision, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT draft_id, at_us, user_name, action, reason, contribution, dataset FROM news_decisions WHERE draft_id = $1 ORDER BY at_us`, draftID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Decision
	for rows.Next() {
		var d Decision
		var at int64
		if err := rows.Scan(&d.DraftID, &at, &d.User, &d.Action, &d.Reason, &d.Contribution, &d.Dataset); err != nil {
			return nil, err
		}
		d.At = time.UnixMicro(at).UTC()
		out = append(out, d)
	}
	return out, rows.Err()
}

// DraftID is a draft's stable id: the same amount of the same article is one draft.
func DraftID(article string, start, end int) string {
	return StableID("news-draft", article, fmt.Sprint(start), fmt.Sprint(end))
}

// StableID formats a hash of parts as a UUID, as the ledger's ids are.
func StableID(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	u := sum[:16]
	u[6] = (u[6] & 0x0f) | 0x50
	u[8] = (u[8] & 0x3f) | 0x80
	h := hex.EncodeToString(u)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
