package engine

import (
	"math/big"
	"math/rand/v2"
	"testing"
)

// halfEven is the reference: a*n/d rounded half to even with big.Int.
func halfEven(a int64, n, d uint64) int64 {
	num := new(big.Int).Mul(big.NewInt(a), new(big.Int).SetUint64(n))
	den := new(big.Int).SetUint64(d)
	q, m := new(big.Int).QuoRem(num, den, new(big.Int))
	m.Lsh(m, 1)
	if c := m.Cmp(den); c > 0 || (c == 0 && q.Bit(0) == 1) {
		q.Add(q, big.NewInt(1))
	}
	return q.Int64()
}

func TestConvert(t *testing.T) {
	tests := []struct {
		a    int64
		n, d uint64
		want int64
	}{
		{5, 1, 2, 2},        // 2.5 -> 2
		{7, 1, 2, 4},        // 3.5 -> 4
		{3, 1, 2, 2},        // 1.5 -> 2
		{1, 1, 3, 0},        // 0.33 -> 0
		{2, 1, 3, 1},        // 0.67 -> 1
		{100, 1, 1, 100},    // identity
		{1e15, 7, 10, 7e14}, // large, exact
		{1000000, 1000000, 745890, 1340680},
		{123456789012345, 10000, 74589, 16551608013560},
	}
	for _, tc := range tests {
		e := convEntry{n: tc.n, d: tc.d, ratio: float64(tc.n) / float64(tc.d)}
		got, ok := convert(tc.a, &e)
		if !ok || got != tc.want || got != halfEven(tc.a, tc.n, tc.d) {
			t.Errorf("convert(%d * %d / %d) = %d, %v; want %d (reference %d)", tc.a, tc.n, tc.d, got, ok, tc.want, halfEven(tc.a, tc.n, tc.d))
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200000; i++ {
		d := 1 + r.Uint64N(1<<uint(1+r.IntN(40)))
		n := 1 + r.Uint64N(1<<uint(1+r.IntN(40)))
		a := 1 + r.Int64N(1<<uint(1+r.IntN(50)))
		if i%4 == 0 { // a tie: a*n/d = k + 1/2
			d = 2 * (1 + r.Uint64N(1<<20))
			n = 1
			a = int64(d/2) * (2*r.Int64N(1000) + 1)
		}
		e := convEntry{n: n, d: d, ratio: float64(n) / float64(d)}
		got, ok := convert(a, &e)
		if !ok {
			continue // out of the fast path's range: the caller uses big.Rat
		}
		if want := halfEven(a, n, d); got != want {
			t.Fatalf("convert(%d * %d / %d) = %d, want %d", a, n, d, got, want)
		}
	}
}
