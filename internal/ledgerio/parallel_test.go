package ledgerio

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/fairshare/fairshare"
)

// TestEachCSVParallel: the parallel reader hands on the same entries in the
// same order as EachCSV and stops with the same error at the same row,
// wherever the first bad row is (a bad value, a broken quote, a row in the
// last batch), with one worker or several; an error of fn stops it too.
func TestEachCSVParallel(t *testing.T) {
	const rows = 3 * csvBatchRows
	good := func(i int) string {
		return fmt.Sprintf("DNK,2024-06-%02d,%d,DKK,in-kind,delivered,https://x.dk/%d,row %d", 1+i%28, 1+i, i%7, i)
	}
	file := func(bad map[int]string) string {
		var b strings.Builder
		b.WriteString(header)
		for i := 0; i < rows; i++ {
			if r, ok := bad[i]; ok {
				b.WriteString(r + "\n")
				continue
			}
			b.WriteString(good(i) + "\n")
			if i%100 == 50 {
				b.WriteString("\n") // blank lines are skipped, lines still counted
			}
		}
		return b.String()
	}
	for _, tt := range []struct {
		name string
		bad  map[int]string
	}{
		{"good", nil},
		{"bad amount", map[int]string{700: "DNK,2024-06-14,-5,DKK,in-kind,delivered,https://x.dk/a,"}},
		{"two bad rows", map[int]string{900: "XXX,2024-06-14,1,DKK,in-kind,delivered,https://x.dk/a,", 901: "DNK,2024-06-14,1,XYZ,in-kind,delivered,https://x.dk/a,"}},
		{"bad value before a broken quote", map[int]string{600: "DNK,2024-06-14,1,DKK,in-kind,sent,https://x.dk/a,", 1000: `DNK,2024-06-14,1,DKK,in-kind,delivered,https://x.dk/a,"x"y`}},
		{"broken quote", map[int]string{1000: `DNK,2024-06-14,1,DKK,in-kind,delivered,https://x.dk/a,"x"y`}},
		{"first row", map[int]string{0: "DNK,2024-06-14,0,DKK,in-kind,delivered,https://x.dk/a,"}},
		{"last row", map[int]string{rows - 1: "DNK,2024-06-14,1,DKK,in-kind,delivered,javascript:alert(1),"}},
	} {
		var want []fairshare.Contribution
		wantErr := EachCSV(strings.NewReader(file(tt.bad)), "f.csv", checker{}, Options{}, func(c fairshare.Contribution) error {
			c.ID = c.NaturalID()
			want = append(want, c)
			return nil
		})
		if (wantErr != nil) != (tt.bad != nil) {
			t.Fatalf("%s: EachCSV: %v", tt.name, wantErr)
		}
		for _, workers := range []int{1, 2, 5} {
			var got []fairshare.Contribution
			err := EachCSVParallel(strings.NewReader(file(tt.bad)), "f.csv", checker{}, Options{}, workers,
				func(c *fairshare.Contribution) { c.ID = c.NaturalID() },
				func(c fairshare.Contribution) error { got = append(got, c); return nil })
			if fmt.Sprint(err) != fmt.Sprint(wantErr) {
				t.Errorf("%s, %d workers: error %v, want %v", tt.name, workers, err, wantErr)
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s, %d workers: %d entries, not the %d of EachCSV", tt.name, workers, len(got), len(want))
			}
		}
	}
	// fn's error stops the reading.
	n := 0
	stop := errors.New("stop")
	err := EachCSVParallel(strings.NewReader(file(nil)), "f.csv", checker{}, Options{}, 2, nil, func(fairshare.Contribution) error {
		if n++; n == csvBatchRows+3 {
			return stop
		}
		return nil
	})
	if err != stop || n != csvBatchRows+3 {
		t.Errorf("fn's error: %v after %d entries", err, n)
	}
}
