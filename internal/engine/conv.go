package engine

import (
	"math/big"
	"math/bits"
	"sync"

	"github.com/fairshare/fairshare"
)

// convEntry converts an amount of one currency on one day into the report
// currency: round_half_even(a*n/d) minor units, the exact value of
// fairshare.ConvertAt with the rates fairshare.RateTable.Lookup finds.
type convEntry struct {
	n, d  uint64  // reduced; d == 0: no rate (err says why)
	ratio float64 // n/d, for the quotient estimate
	eur   int32   // index of the currency's euro rate in convTable.eur[cur]
	big   bool    // n or d too large for the integer path: use big.Rat
}

// eurRate is a distinct euro rate of a currency: 1 EUR = p/q units, so an
// amount a in minor units is worth a*q/(10^digits*p) euros exactly.
type eurRate struct {
	rate *big.Rat
}

// convTable holds, per currency and per day of a period, the conversion into
// one report currency. It is built once per (rate table, currency, period)
// by calling RateTable.Lookup for every day, so the day -> earlier (up to 7
// days) -> month -> year fallback is the reference one by construction; the
// per-row cost is then an array index, not a search.
type convTable struct {
	rates    *fairshare.RateTable
	to       string
	day0     int32 // first day of the period (days since 1970)
	ndays    int
	curs     []string
	ent      [][]convEntry // [cur][day-day0]
	qf       [][]*big.Rat  // [cur][day-day0] rate of the source currency (nil: none)
	qt       []*big.Rat    // [day-day0] rate of the report currency
	errs     map[[2]int32]error
	eur      [][]eurRate // [cur] distinct euro rates
	eden     []*eurDen   // [cur] common denominator of the euro rates, built on first use
	efix     *eurFix     // the euro rates in fixed point, built on first use
	efixOnce sync.Once
	year     []uint8 // [day-day0] index of the day's calendar year in the period
}

// eurDen puts a currency's distinct euro rates over one denominator, so
// that an exact euro sum is one big integer sum: amount S at rate p/q is
// worth S*q/(10^digits*p) = S*mul[k]/den euros.
type eurDen struct {
	once sync.Once
	den  *big.Int   // 10^digits * lcm(p)
	mul  []*big.Int // den*q/(10^digits*p) per distinct rate
}

func (ct *convTable) eurDenOf(cur int) *eurDen {
	ed := ct.eden[cur]
	ed.once.Do(func() {
		lcm := big.NewInt(1)
		g, m := new(big.Int), new(big.Int)
		for _, r := range ct.eur[cur] {
			p := r.rate.Num()
			// gcd(lcm, p) = gcd(p, lcm mod p): one pass over the long lcm
			// by a short p, then Euclid on short numbers.
			g.GCD(nil, nil, p, m.Mod(lcm, p))
			lcm.Mul(lcm, m.Quo(p, g))
		}
		ed.mul = make([]*big.Int, len(ct.eur[cur]))
		for k, r := range ct.eur[cur] {
			m := new(big.Int).Quo(lcm, r.rate.Num())
			ed.mul[k] = m.Mul(m, r.rate.Denom())
		}
		ed.den = lcm.Mul(lcm, pow10(fairshare.MinorDigits(ct.curs[cur])))
	})
	return ed
}

const maxFast = 1 << 60

func newConvTable(rates *fairshare.RateTable, to string, day0, day1 int32, curs []string) *convTable {
	ct := &convTable{rates: rates, to: to, day0: day0, ndays: int(day1-day0) + 1, errs: map[[2]int32]error{}}
	ct.year = make([]uint8, ct.ndays)
	y0 := fairshare.DateFromDays(int(day0)).Year()
	ct.qt = make([]*big.Rat, ct.ndays)
	for i := 0; i < ct.ndays; i++ {
		d := fairshare.DateFromDays(int(day0) + i)
		ct.year[i] = uint8(d.Year() - y0)
		if q, err := rates.Lookup(to, d); err == nil {
			ct.qt[i] = q.Rate
		}
	}
	ct.extend(curs)
	return ct
}

// extend adds currencies that appeared since the table was built.
func (ct *convTable) extend(curs []string) {
	tenTo := pow10(fairshare.MinorDigits(ct.to))
	for c := len(ct.curs); c < len(curs); c++ {
		cur := curs[c]
		ct.curs = append(ct.curs, cur)
		ents := make([]convEntry, ct.ndays)
		qfs := make([]*big.Rat, ct.ndays)
		var eur []eurRate
		seen := map[*big.Rat]int32{}
		tenFrom := pow10(fairshare.MinorDigits(cur))
		for i := range ents {
			d := fairshare.DateFromDays(int(ct.day0) + i)
			qf, err := ct.rates.Lookup(cur, d)
			if err == nil && ct.qt[i] == nil {
				_, err = ct.rates.Lookup(ct.to, d)
			}
			if err != nil {
				ct.errs[[2]int32{int32(c), int32(i)}] = err
				continue
			}
			qfs[i] = qf.Rate
			k, ok := seen[qf.Rate]
			if cur == "EUR" {
				k, ok = 0, len(eur) > 0
			}
			if !ok {
				k = int32(len(eur))
				seen[qf.Rate] = k
				eur = append(eur, eurRate{qf.Rate})
			}
			e := convEntry{eur: k}
			if n, d, ok := smallRatio(qf.Rate, ct.qt[i], tenTo, tenFrom); ok {
				e.n, e.d = n, d
				e.ratio = float64(n) / float64(d)
				ents[i] = e
				continue
			}
			// a/10^df / (pf/qf) * (pt/qt) * 10^dt = a * qf*pt*10^dt / (10^df*pf*qt)
			n := new(big.Int).Mul(qf.Rate.Denom(), ct.qt[i].Num())
			n.Mul(n, tenTo)
			dd := new(big.Int).Mul(qf.Rate.Num(), ct.qt[i].Denom())
			dd.Mul(dd, tenFrom)
			g := new(big.Int).GCD(nil, nil, n, dd)
			n.Quo(n, g)
			dd.Quo(dd, g)
			if n.IsUint64() && dd.IsUint64() && n.Uint64() < maxFast && dd.Uint64() < maxFast {
				e.n, e.d = n.Uint64(), dd.Uint64()
				e.ratio = float64(e.n) / float64(e.d)
			} else {
				e.big, e.d = true, 1
			}
			ents[i] = e
		}
		ct.ent = append(ct.ent, ents)
		ct.qf = append(ct.qf, qfs)
		ct.eur = append(ct.eur, eur)
		ct.eden = append(ct.eden, &eurDen{})
	}
}

func pow10(n int) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil) }

// smallRatio is the conversion factor of extend, qf.denom*qt.num*tenTo /
// (qf.num*qt.denom*tenFrom) reduced, in machine integers when every factor
// fits in 32 bits and the result below maxFast (ECB rates have a handful of
// digits): the same numbers as the big.Int path, without its allocations.
func smallRatio(qf, qt *big.Rat, tenTo, tenFrom *big.Int) (n, d uint64, ok bool) {
	var f [6]uint64
	for k, x := range []*big.Int{qf.Denom(), qt.Num(), tenTo, qf.Num(), qt.Denom(), tenFrom} {
		if x.Sign() <= 0 || x.BitLen() > 32 {
			return 0, 0, false
		}
		f[k] = x.Uint64()
	}
	mul := func(a, b, c uint64) (uint64, bool) {
		hi, ab := bits.Mul64(a, b)
		if hi != 0 {
			return 0, false
		}
		hi, abc := bits.Mul64(ab, c)
		return abc, hi == 0
	}
	n, ok1 := mul(f[0], f[1], f[2])
	d, ok2 := mul(f[3], f[4], f[5])
	if !ok1 || !ok2 {
		return 0, 0, false
	}
	g := gcd(n, d)
	n, d = n/g, d/g
	return n, d, n < maxFast && d < maxFast
}

func gcd(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// convert returns round_half_even(a*n/d) for a > 0 with an integer
// quotient estimate corrected exactly; ok is false when the amount is out of
// the fast path's range (the caller then converts with big.Rat).
func convert(a int64, e *convEntry) (int64, bool) {
	if e.n == e.d {
		return a, true
	}
	if a <= 0 || e.big {
		return 0, false
	}
	qf := float64(a) * e.ratio
	if qf >= 1<<52 {
		return 0, false
	}
	q := uint64(qf)
	ua := uint64(a)
	// r = a*n - q*d, exact modulo 2^64 and small in magnitude (|q error| <= 3).
	r := int64(ua*e.n - q*e.d)
	d := int64(e.d)
	for r < 0 {
		q--
		r += d
	}
	for r >= d {
		q++
		r -= d
	}
	if 2*r > d || (2*r == d && q&1 == 1) {
		q++
	}
	return int64(q), true
}

// convertBig is the exact slow path: fairshare.ConvertAt itself.
func (ct *convTable) convertBig(a int64, cur int, di int) int64 {
	return int64(fairshare.ConvertAt(fairshare.Amount(a), ct.curs[cur], ct.to, ct.qf[cur][di], ct.qt[di]))
}

// add128 adds a signed 64-bit value to a 128-bit two's complement sum.
func add128(hi, lo uint64, a int64) (uint64, uint64) {
	var c uint64
	lo, c = bits.Add64(lo, uint64(a), 0)
	ext := uint64(0)
	if a < 0 {
		ext = ^uint64(0)
	}
	hi, _ = bits.Add64(hi, ext, c)
	return hi, lo
}

func setFrom128(v *big.Int, hi, lo uint64) *big.Int {
	if hi == 0 && lo < 1<<63 {
		return v.SetInt64(int64(lo))
	}
	neg := int64(hi) < 0
	if neg {
		// two's complement negate
		lo = ^lo + 1
		hi = ^hi
		if lo == 0 {
			hi++
		}
	}
	v.SetUint64(hi)
	v.Lsh(v, 64)
	v.Or(v, new(big.Int).SetUint64(lo))
	if neg {
		v.Neg(v)
	}
	return v
}
