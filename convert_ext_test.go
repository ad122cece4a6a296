package fairshare_test

import (
	"math/rand/v2"
	"testing"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/refdata"
)

// TestConvertAmountShipped checks Convert and ConvertAmount (integer
// arithmetic on the rate texts) against ConvertAt (big.Rat) at the quotes
// Convert names, with the ECB rates fairshare ships,
// on every currency pair and days across their span, weekends and days
// past the daily rates (averages) included.
func TestConvertAmountShipped(t *testing.T) {
	rd, err := refdata.Load()
	if err != nil {
		t.Fatal(err)
	}
	rt, err := fairshare.NewRateTable(rd.Rates)
	if err != nil {
		t.Fatal(err)
	}
	curs := append([]string{"EUR"}, rt.Currencies()...)
	r := rand.New(rand.NewPCG(3, 4))
	day0 := fairshare.MustDate("2021-12-20")
	for i := 0; i < 50000; i++ {
		from, to := curs[r.IntN(len(curs))], curs[r.IntN(len(curs))]
		day := day0.AddDays(r.IntN(1500))
		a := fairshare.Amount(r.Int64N(2e12) - 1e12)
		if i%2 == 0 {
			a = fairshare.Amount(r.Int64N(2000) - 1000)
		}
		conv, qf, qt, werr := rt.Convert(a, from, to, day)
		got, gerr := rt.ConvertAmount(a, from, to, day)
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("%d %s -> %s on %s: ConvertAmount %v, Convert %v", a, from, to, day, gerr, werr)
		}
		if werr != nil {
			continue
		}
		if want := fairshare.ConvertAt(a, from, to, qf.Rate, qt.Rate); got != want || conv != want {
			t.Fatalf("%d %s -> %s on %s: ConvertAmount %d, Convert %d, ConvertAt %d", a, from, to, day, got, conv, want)
		}
	}
}
