package fairshare

import (
	"testing"
	"time"
)

// TestDateString checks the fast YYYY-MM-DD against time.Format, years
// outside 0-9999 included (they take time.Format).
func TestDateString(t *testing.T) {
	for _, tm := range []time.Time{time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC), time.Date(1, 12, 31, 0, 0, 0, 0, time.UTC),
		time.Date(0, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)} {
		for k := 0; k < 800; k++ {
			d := DateOf(tm.AddDate(0, 0, k))
			if d.IsZero() {
				continue // 0001-01-01 is the zero Date, printed ""
			}
			if got, want := d.String(), d.Time().Format("2006-01-02"); got != want {
				t.Fatalf("%v: %q, want %q", d.Time(), got, want)
			}
		}
	}
	if s := (Date{}).String(); s != "" {
		t.Fatalf("zero date: %q", s)
	}
}

func BenchmarkDateString(b *testing.B) {
	d := MustDate("2024-05-06")
	b.Run("String", func(b *testing.B) {
		for b.Loop() {
			_ = d.String()
		}
	})
	b.Run("time.Format", func(b *testing.B) {
		for b.Loop() {
			_ = d.Time().Format("2006-01-02")
		}
	})
}
