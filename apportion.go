package fairshare

import (
	"math/big"
	"sort"
)

// Apportion splits total minor units among weights so that every share is
// the exact proportional share rounded down or up, and the shares add up to
// total exactly (largest remainder, Hamilton). Ties in the remainder go to
// the earlier index, so the result is deterministic. Weights must be >= 0 and
// not all zero; total may be negative.
func Apportion(total Amount, weights []*big.Rat) []Amount {
	out := make([]Amount, len(weights))
	sum := new(big.Rat)
	for _, w := range weights {
		sum.Add(sum, w)
	}
	if sum.Sign() == 0 || len(weights) == 0 {
		return out
	}
	neg := total < 0
	t := int64(total)
	if neg {
		t = -t
	}
	type rem struct {
		i   int
		rem *big.Rat
	}
	rems := make([]rem, len(weights))
	tr := new(big.Rat).SetInt64(t)
	var given int64
	for i, w := range weights {
		exact := new(big.Rat).Mul(tr, w)
		exact.Quo(exact, sum)
		q := new(big.Int).Quo(exact.Num(), exact.Denom()) // floor, exact >= 0
		out[i] = Amount(q.Int64())
		given += q.Int64()
		rems[i] = rem{i, exact.Sub(exact, new(big.Rat).SetInt(q))}
	}
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].rem.Cmp(rems[b].rem) > 0 })
	for k := 0; given < t; k++ {
		out[rems[k].i]++
		given++
	}
	if neg {
		for i := range out {
			out[i] = -out[i]
		}
	}
	return out
}
