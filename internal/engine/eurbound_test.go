package engine

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/fairshare/fairshare"
)

// TestEURBounds checks that eurBounds contains exactEUR's value on random
// sums: many currencies and rates (ECB-like, tiny, huge, fractions),
// amounts of both signs up to int64's limits (so that cells spill),
// several slots, and no amounts at all. It also checks that the bounds are
// tight when nothing cancels.
func TestEURBounds(t *testing.T) {
	start := fairshare.MustDate("2024-01-01")
	const ndays = 40
	curs := []string{"EUR", "USD", "JPY", "KWD", "TNY", "HUG", "FRC"}
	for seed := uint64(1); seed <= 20; seed++ {
		r := rand.New(rand.NewPCG(seed, 15))
		var rates []fairshare.Rate
		for _, cur := range curs[1:] {
			for d := 0; d < ndays; d++ {
				var v string
				switch cur {
				case "TNY":
					v = fmt.Sprintf("0.%09d", 1+r.IntN(999))
				case "HUG":
					v = fmt.Sprintf("%d.%09d", 1e6+r.IntN(1e9), r.IntN(1e9))
				case "FRC":
					v = fmt.Sprintf("%d/%d", 1+r.IntN(1e6), 1+r.IntN(1e6))
				default:
					v = fmt.Sprintf("%.4f", 0.3+r.Float64()*200)
				}
				if d > 0 && r.IntN(3) == 0 {
					continue // the day before's rate stands in
				}
				rates = append(rates, fairshare.Rate{Currency: cur, Period: start.AddDays(d).String(), Rate: v})
			}
		}
		rt, err := fairshare.NewRateTable(rates)
		if err != nil {
			t.Fatal(err)
		}
		d0 := int32(start.Days())
		ct := newConvTable(rt, "EUR", d0, d0+ndays-1, curs)
		const ndonor = 4
		g := newAgg(ct, ndonor, len(curs), 1)
		g.addSlot()
		g.addSlot()
		for range 2000 {
			a := r.Int64N(1e9)
			switch r.IntN(10) {
			case 0:
				a = 1<<62 + r.Int64N(1<<62) // spills
			case 1:
				a = -a
			case 2:
				a = -(1<<62 + r.Int64N(1<<62))
			}
			// Donor 3 only ever positive and small: nothing cancels.
			donor := r.IntN(ndonor - 1)
			if r.IntN(4) == 0 {
				donor, a = 3, 1+r.Int64N(1e9)
			}
			if !g.add(donor, r.IntN(2), r.IntN(len(curs)), d0+int32(r.IntN(ndays)), a) {
				t.Fatal("no rate")
			}
		}
		if len(g.spill) == 0 {
			t.Fatal("nothing spilled")
		}
		for donor := 0; donor < ndonor+1; donor++ {
			for _, slots := range [][]int{{0}, {1}, {0, 1}, {1, 0}, {}} {
				d := donor % ndonor
				if donor == ndonor {
					d = 0
					g.exact[0] = make([]int64, len(g.exact[0])) // no amounts (but the spilled ones)
				}
				lo, hi, ok := g.eurBounds(d, slots)
				if !ok {
					t.Fatal("no bounds")
				}
				n, dd := g.exactEUR(d, slots)
				v := new(big.Rat).SetFrac(n, dd)
				l, _ := lo.Rat(nil)
				h, _ := hi.Rat(nil)
				if v.Cmp(l) < 0 || v.Cmp(h) > 0 {
					t.Fatalf("seed %d donor %d slots %v: %s not in [%s, %s]", seed, d, slots, v.FloatString(30), lo.Text('g', 40), hi.Text('g', 40))
				}
				if donor == 3 && len(slots) > 0 {
					// Nothing cancels: the width is below 2^-100 of the value.
					w := new(big.Rat).Sub(h, l)
					if w.Mul(w, new(big.Rat).SetFrac(new(big.Int).Lsh(big.NewInt(1), 100), big.NewInt(1))).Cmp(v) > 0 {
						t.Fatalf("seed %d: bounds [%s, %s] too wide", seed, lo.Text('g', 40), hi.Text('g', 40))
					}
				}
			}
		}
	}
}
