package app

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/ledgerio"
)

// importFile is a CSV of n rows: every seventh row is a copy of an earlier
// one (same content, so the same natural id), and rows with an id column
// repeat some ids with other content (the first in the file wins). The
// source title, which the natural id does not cover, is the row's number.
func importFile(n int) string {
	var b strings.Builder
	b.WriteString("id,donor,date,amount,currency,category,status,source_url,description,source_title\n")
	for i := 0; i < n; i++ {
		id, j := "", i
		switch {
		case i%7 == 6:
			j = i / 2 // a copy of row i/2 (unless that row has an id)
		case i%5 == 0:
			id = fmt.Sprintf("given-%03d", i%40) // rows 0, 40, 80, ... share an id
		}
		fmt.Fprintf(&b, "%s,DNK,2024-%02d-%02d,%d,DKK,in-kind,delivered,https://example.org/%d,row %d,%d\n",
			id, 1+j%12, 1+j%28, 1000+j%50, j%3, j, i)
	}
	return b.String()
}

// row is an entry's row in importFile.
func row(t *testing.T, c fairshare.Contribution) int {
	t.Helper()
	n, err := strconv.Atoi(c.Source.Title)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// readAll reads every entry of v in the order it gives them.
func readAll(t *testing.T, v *ValidImport) []fairshare.Contribution {
	t.Helper()
	if err := v.Rewind(); err != nil {
		t.Fatal(err)
	}
	var out []fairshare.Contribution
	for {
		var c fairshare.Contribution
		ok, err := v.Next(&c)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			return out
		}
		out = append(out, c)
	}
}

// TestSortedRuns: an import file is written as sorted runs and read back
// merged, in id order with equal ids in the order of the file, the same
// entries whatever the size of a run; recorded, the first of equal ids
// wins, the ledger is the same as with one run, and a second import adds
// nothing.
func TestSortedRuns(t *testing.T) {
	ctx := context.Background()
	const rows = 3000
	file := importFile(rows)
	var want, wantList string
	for _, size := range []int{1 << 30, 4 << 10, 1} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			defer func(old int) { runBytes = old }(runBytes)
			runBytes = size
			a := openTest(t)
			v, err := a.ReadContributions(ctx, strings.NewReader(file), "f.csv", "csv", ledgerio.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer v.Close()
			if size == 1 && len(v.runs) != rows || size == 4<<10 && len(v.runs) < 10 {
				t.Fatalf("%d runs", len(v.runs))
			}
			got := readAll(t, v)
			if len(got) != rows || v.Len() != rows {
				t.Fatalf("read %d entries, Len %d, want %d", len(got), v.Len(), rows)
			}
			first := map[string]int{} // id: its first row
			for i, c := range got {
				if i > 0 {
					p := got[i-1]
					if p.ID > c.ID || p.ID == c.ID && row(t, p) > row(t, c) {
						t.Fatalf("entry %d (%s, row %d) after (%s, row %d)", i, c.ID, row(t, c), p.ID, row(t, p))
					}
				}
				if _, ok := first[c.ID]; !ok {
					first[c.ID] = row(t, c)
				}
			}
			if len(first) > rows-rows/7 {
				t.Fatalf("%d ids: the copies are not duplicates", len(first))
			}
			if fmt.Sprint(readAll(t, v)) != fmt.Sprint(got) {
				t.Fatal("a second pass (Rewind) reads other entries")
			}
			if want == "" {
				want = fmt.Sprint(got)
			} else if fmt.Sprint(got) != want {
				t.Fatal("the entries differ from those of one run")
			}
			res, err := a.RecordImport(ctx, v, fairshare.Change{Author: "t", Reason: "runs"})
			if err != nil || res.Added != len(first) || res.Skipped != rows-len(first) {
				t.Fatalf("%+v %v, want %d added", res, err, len(first))
			}
			list, err := a.ListContributions(ctx, fairshare.ContributionFilter{Dataset: "user"})
			if err != nil || len(list) != len(first) {
				t.Fatalf("%d listed, %v", len(list), err)
			}
			for i := range list {
				if r := row(t, list[i]); r != first[list[i].ID] {
					t.Fatalf("%s holds row %d, not the first of its id (%d)", list[i].ID, r, first[list[i].ID])
				}
				list[i].RecordedAt = time.Time{}
			}
			if wantList == "" {
				wantList = fmt.Sprint(list)
			} else if fmt.Sprint(list) != wantList {
				t.Fatal("the ledger differs from that of one run")
			}
			again, err := a.ImportContributions(ctx, strings.NewReader(file), "f.csv", "csv", ledgerio.Options{}, fairshare.Change{Author: "t", Reason: "again"})
			if err != nil || again.Added != 0 || again.Skipped != rows {
				t.Fatalf("second import: %+v %v", again, err)
			}
		})
	}
}
