package engine

import (
	"math/big"
	"math/bits"
	"slices"

	"github.com/fairshare/fairshare"
)

// The exact euro total behind % of GDP puts every euro rate of a currency
// over one denominator of thousands of bits (eurDen), and a report prints
// only roundings of it. So a report first bounds it with fixed-point
// arithmetic (eurBounds) and hands fairshare.ExactEUR the exact computation
// (agg.exactEUR), called only when the bounds do not settle the roundings.

// eurFix holds the euro rates of a table's currencies in 128-bit fixed
// point: the euro worth of one minor unit at rate k of currency cur,
// c = q/(10^digits*p), satisfies m[cur][k] <= c*2^e < m[cur][k]+1, with
// one e for the table chosen so that the largest m has 127 or 128 bits
// (the smallest rates keep over a hundred bits: a minor unit is worth
// between about 2^-20 and 2^-5 euros).
type eurFix struct {
	e int
	m [][][2]uint64 // [cur][k] {hi, lo}; nil: a rate is not positive (no bounds)
}

func (ct *convTable) eurFixed() *eurFix {
	ct.efixOnce.Do(func() {
		f := &eurFix{m: make([][][2]uint64, len(ct.eur))}
		dens := make([][]*big.Int, len(ct.eur))
		ok := make([]bool, len(ct.eur))
		ub, first := 0, true
		for cur, rates := range ct.eur {
			ten := pow10(fairshare.MinorDigits(ct.curs[cur]))
			ok[cur] = true
			for _, r := range rates {
				if r.rate.Sign() <= 0 {
					ok[cur] = false
					break
				}
				d := new(big.Int).Mul(ten, r.rate.Num())
				dens[cur] = append(dens[cur], d)
				// c < 2^(bitlen(q) - bitlen(10^digits*p) + 1)
				if b := r.rate.Denom().BitLen() - d.BitLen() + 1; first || b > ub {
					ub, first = b, false
				}
			}
		}
		f.e = 128 - ub
		n, mask := new(big.Int), new(big.Int).SetUint64(^uint64(0))
		for cur, rates := range ct.eur {
			if !ok[cur] {
				continue
			}
			f.m[cur] = make([][2]uint64, len(rates))
			for k, r := range rates {
				n.Set(r.rate.Denom())
				d := dens[cur][k]
				if f.e >= 0 {
					n.Lsh(n, uint(f.e))
				} else {
					d = new(big.Int).Lsh(d, uint(-f.e))
				}
				n.Quo(n, d)
				lo := new(big.Int).And(n, mask).Uint64()
				f.m[cur][k] = [2]uint64{n.Rsh(n, 64).Uint64(), lo}
			}
		}
		ct.efix = f
	})
	return ct.efix
}

// uint320 is an unsigned 320-bit integer, least significant word first:
// room for billions of products of a 64-bit and a 128-bit number.
type uint320 [5]uint64

// addAt adds (hi, lo) at word i.
func (a *uint320) addAt(i int, hi, lo uint64) {
	var c uint64
	a[i], c = bits.Add64(a[i], lo, 0)
	a[i+1], c = bits.Add64(a[i+1], hi, c)
	for j := i + 2; c != 0 && j < len(a); j++ {
		a[j], c = bits.Add64(a[j], 0, c)
	}
}

// mulAdd adds x*y for 64-bit x and 128-bit y ({hi, lo}).
func (a *uint320) mulAdd(x uint64, y [2]uint64) {
	h, l := bits.Mul64(x, y[1])
	a.addAt(0, h, l)
	h, l = bits.Mul64(x, y[0])
	a.addAt(1, h, l)
}

// add sets a to a+b, sub to a-b, modulo 2^320 (two's complement).
func (a *uint320) add(b *uint320) {
	var c uint64
	for i := range a {
		a[i], c = bits.Add64(a[i], b[i], c)
	}
}

func (a *uint320) sub(b *uint320) {
	var c uint64
	for i := range a {
		a[i], c = bits.Sub64(a[i], b[i], c)
	}
}

// signed is a read as a two's complement number.
func (a *uint320) signed() *big.Int {
	if int64(a[4]) >= 0 {
		return a.big()
	}
	var m uint320
	m.sub(a)
	v := m.big()
	return v.Neg(v)
}

func (a *uint320) big() *big.Int {
	var b [40]byte
	for i, w := range a {
		for j := 0; j < 8; j++ {
			b[39-8*i-j] = byte(w >> (8 * j))
		}
	}
	return new(big.Int).SetBytes(b[:])
}

// eurSums accumulates eurBounds' sums: of the amounts times their rates'
// fixed-point values, positive and negative, and of the amounts'
// magnitudes.
type eurSums struct{ pos, neg, sp, sn uint320 }

// term adds the amount v at fixed-point rate m.
func (b *eurSums) term(v int64, m [2]uint64) {
	if v >= 0 {
		b.pos.mulAdd(uint64(v), m)
		b.sp.addAt(0, 0, uint64(v))
	} else {
		u := uint64(-v) // -(-2^63) wraps to itself, which is 2^63 as a uint64
		b.neg.mulAdd(u, m)
		b.sn.addAt(0, 0, u)
	}
}

// eurBounds bounds the euro value of a donor's counted amounts in slots:
// with m <= c*2^e < m+1 for each rate c, the value, sum a*c over the
// amounts a (each cell's sum at one rate, and the spilled ones), lies in
// 2^-e [A - N, A + P] where A = sum a*m, P is the sum of the positive
// amounts and N that of the negative ones' magnitudes. ok is false when a
// currency's rates have no fixed-point form.
func (g *agg) eurBounds(donor int, slots []int) (lo, hi *big.Float, ok bool) {
	f := g.ct.eurFixed()
	var b eurSums
	for _, sl := range slots {
		for cur := 0; cur < g.ncur; cur++ {
			m := f.m[cur]
			base := donor*g.nrate + g.rateOff[cur]
			cells := g.exact[sl][base : base+len(g.ct.eur[cur])]
			k := 0
			for ; k+4 <= len(cells); k += 4 {
				// Most cells are zero: test four at a time.
				if cells[k]|cells[k+1]|cells[k+2]|cells[k+3] == 0 {
					continue
				}
				if m == nil {
					return nil, nil, false
				}
				for j := k; j < k+4; j++ {
					if v := cells[j]; v != 0 {
						b.term(v, m[j])
					}
				}
			}
			for ; k < len(cells); k++ {
				if v := cells[k]; v != 0 {
					if m == nil {
						return nil, nil, false
					}
					b.term(v, m[k])
				}
			}
		}
	}
	for _, sp := range g.spill {
		off := sp.cell - donor*g.nrate
		if off < 0 || off >= g.nrate || !slices.Contains(slots, sp.slot) {
			continue
		}
		cur := len(g.rateOff) - 1
		for g.rateOff[cur] > off || len(g.ct.eur[cur]) == 0 {
			cur--
		}
		if f.m[cur] == nil {
			return nil, nil, false
		}
		b.term(sp.v, f.m[cur][off-g.rateOff[cur]])
	}
	// A - N and A + P in 320 bits, far from overflow: each sum is below
	// 2^(64+128+32).
	l := b.pos
	l.sub(&b.neg)
	h := l
	h.add(&b.sp)
	l.sub(&b.sn)
	// SetInt at precision 0 is exact, and so is scaling by a power of two.
	lo = new(big.Float).SetInt(l.signed())
	hi = new(big.Float).SetInt(h.signed())
	return lo.SetMantExp(lo, -f.e), hi.SetMantExp(hi, -f.e), true
}
