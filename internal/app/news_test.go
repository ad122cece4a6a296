package app

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/feeds"
	"github.com/fairshare/fairshare/internal/storetest"
)

// TestNewsDesk runs the review queue's use cases on SQLite and PostgreSQL: drafts filed
// once, an item read once, approval (edited) into a writable dataset only, rejection,
// reversal of both, conflicts for decisions on a draft already decided, and the audit.
func TestNewsDesk(t *testing.T) {
	for _, db := range []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "f.db") }},
		{"postgres", func(t *testing.T) string { return storetest.PostgresDSN(t) }},
	} {
		t.Run(db.name, func(t *testing.T) { testNewsDesk(t, db.dsn(t)) })
	}
}

func testNewsDesk(t *testing.T, dsn string) {
	ctx := context.Background()
	a, err := Open(ctx, dsn, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	text := "Danmark giver yderligere otte milliarder kroner, oplyser Forsvarsministeriet. Norge giver 2 milliarder norske kroner."
	res, err := a.ReadArticle(ctx, []byte(text), "da", time.Date(2024, 5, 16, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	art := Article{URL: "https://example.org/a", Title: "A", Publisher: "P", Date: "2024-05-16", Text: text}
	ds := NewsDrafts(res, art, "feed", "urn:a", "in-kind")
	if len(ds) != 2 || ds[0].SaidBy != "Forsvarsministeriet" || ds[0].Amount != "8000000000.00" || ds[1].Currency != "NOK" {
		t.Fatalf("drafts %+v", ds)
	}
	st := a.newsStore()
	item := feeds.Item{ID: "urn:a", Link: art.URL}
	if ok, err := st.FileItem(ctx, "https://example.org/feed", item, ds, ""); !ok || err != nil {
		t.Fatalf("file item: %v %v", ok, err)
	}
	if ok, err := st.FileItem(ctx, "https://example.org/feed", item, ds, ""); ok || err != nil {
		t.Fatalf("the same item filed twice: %v %v", ok, err)
	}
	if n, err := a.FileNewsDrafts(ctx, ds); n != 0 || err != nil {
		t.Fatalf("drafts filed twice: %d %v", n, err)
	}
	ed := fairshare.User{Name: "erika", Role: fairshare.Editor}
	if _, err := a.ApproveDraft(ctx, ds[0].ID, DraftEdit{Dataset: "kiel-r29"}, ed, "x"); fairshare.ErrorCode(err) != fairshare.EINVALID {
		t.Errorf("approval into a shipped dataset: %v", err)
	}
	c, err := a.ApproveDraft(ctx, ds[0].ID, DraftEdit{Status: "committed", Amount: "8000000000"}, ed, "checked")
	if err != nil {
		t.Fatal(err)
	}
	if c.Source.URL != art.URL || c.Status != fairshare.Committed || c.Dataset != "user" || c.Author != "erika" {
		t.Errorf("approved entry %+v", c)
	}
	if _, err := a.ApproveDraft(ctx, ds[0].ID, DraftEdit{}, ed, "again"); fairshare.ErrorCode(err) != fairshare.ECONFLICT {
		t.Errorf("second approval: %v", err)
	}
	// The approved entry is now what the ledger holds: the other draft's matches do not
	// include it (another donor), a copy of the first would.
	dup := ds[0]
	dup.State = "pending"
	if ms, err := a.DraftMatches(ctx, dup); err != nil || len(ms) != 1 || ms[0].Contribution.ID != c.ID {
		t.Errorf("matches %+v %v", ms, err)
	}
	if err := a.RejectDraft(ctx, ds[1].ID, ed, "recorded from Norway's own release"); err != nil {
		t.Fatal(err)
	}
	if err := a.ReopenDraft(ctx, ds[0].ID, ed, "wrong package"); err != nil {
		t.Fatal(err)
	}
	if err := a.ReopenDraft(ctx, ds[1].ID, ed, "on second thought"); err != nil {
		t.Fatal(err)
	}
	if err := a.ReopenDraft(ctx, ds[1].ID, ed, "nothing to reverse"); fairshare.ErrorCode(err) != fairshare.ECONFLICT {
		t.Errorf("reopening a pending draft: %v", err)
	}
	hs, _ := a.ContributionHistory(ctx, c.ID)
	if len(hs) != 2 || !hs[1].Deleted || hs[1].Author != "erika" {
		t.Errorf("reversed approval: %+v", hs)
	}
	// Approved again after the reversal: a new entry.
	c2, err := a.ApproveDraft(ctx, ds[0].ID, DraftEdit{}, ed, "right package after all")
	if err != nil || c2.ID == c.ID {
		t.Fatalf("second approval %v, id %s (first %s)", err, c2.ID, c.ID)
	}
	_, decs, _ := a.Draft(ctx, ds[0].ID)
	var acts []string
	for _, d := range decs {
		acts = append(acts, d.Action)
	}
	if len(acts) != 3 || acts[0] != "edit-approve" || acts[1] != "reopen" || acts[2] != "approve" {
		t.Errorf("decisions %v", acts)
	}
	audit, err := a.store.Audit(ctx, fairshare.AuditFilter{User: "erika"})
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, e := range audit {
		n[e.Action]++
	}
	if n["news.edit-approve"] != 1 || n["news.approve"] != 1 || n["news.reject"] != 1 || n["news.reopen"] != 2 {
		t.Errorf("audit actions %v", n)
	}
}
