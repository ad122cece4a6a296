package app

import (
	"context"
	"fmt"
	"testing"

	"github.com/fairshare/fairshare"
)

// TestRefreshFarBehind checks that an engine far behind the ledger (a big
// import written around it) is brought up to date without keeping the
// versions it applied: a new base is due, so none is written as a segment
// (after a 10^6 import they took the process to 1.3 GB).
func TestRefreshFarBehind(t *testing.T) {
	ctx := context.Background()
	a := openTest(t)
	e, err := a.Engine(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var cs []fairshare.Contribution
	for i := range 6000 { // past 1 % of the ledger and 4096 versions
		cs = append(cs, fairshare.Contribution{Donor: "EST", Recipient: "UKR", Date: fairshare.NewDate(2024, 3, 1+i%28),
			Amount: fairshare.Amount(1000 + i), Currency: "EUR", Category: fairshare.InKind, Status: fairshare.Delivered,
			Dataset: "user", Source: fairshare.Source{URL: "https://example.org/r"}, Description: fmt.Sprint("entry ", i)})
	}
	if _, err := a.store.AddContributions(ctx, cs, fairshare.Change{Author: "import"}); err != nil {
		t.Fatal(err)
	}
	stamp, err := a.sql.LedgerStamp(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st := a.engineState()
	st.mu.Lock()
	applied, base, err := a.refreshEngine(ctx, e, stamp)
	st.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	if !base || applied != nil {
		t.Fatalf("refresh: %d versions kept, base due %v; want none kept and a base due", len(applied), base)
	}
	if int64(e.Len()) != stamp.Count {
		t.Fatalf("engine holds %d versions, the ledger %d", e.Len(), stamp.Count)
	}
}
