package engine

import (
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"sync"

	"github.com/fairshare/fairshare"
)

// agg accumulates the counted contributions of one target period, per donor
// and dataset slot: how many rows counted (for the dataset precedence), the
// sum per calendar year in the report currency of each row converted and
// rounded on its own (as Compute does), and the amounts per currency and
// euro rate for the exact euro total behind % of GDP (a sum per rate, not
// per day: many days share a rate, and the cells are allocated and cleared
// for every report). Layouts are slot-major so that
// slots can be added while streaming.
type agg struct {
	ct      *convTable
	ndonor  int
	ncur    int
	nyear   int
	nslot   int
	cnt     []int64   // [slot*ndonor+donor]
	sum     []int64   // [(slot*ndonor+donor)*nyear+y]
	sample  []int32   // [(slot*ndonor+donor)*nyear+y] day-day0+1 of a counted row, 0: none
	exact   [][]int64 // [slot][donor*nrate+rateOff[cur]+eur] amounts, minor units of cur
	rateOff []int     // [cur] first cell of the currency's euro rates
	nrate   int       // euro rates of all currencies
	spill   []spilled // exact cells that overflowed int64
	missing map[int]MissingRate
	accs    []acc // rateSums' scratch
}

// acc is a 128-bit two's complement sum of amounts at one euro rate.
type acc struct {
	hi, lo uint64
	any    bool
}

type spilled struct {
	slot, cell int
	v          int64
}

// MissingRate is a counted contribution without a rate on its date.
type MissingRate struct {
	ID  string // contribution id, or FILE:LINE
	Err error
}

func (m *MissingRate) Error() string { return fmt.Sprintf("contribution %s: %v", m.ID, m.Err) }

func newAgg(ct *convTable, ndonor, ncur, nyear int) *agg {
	g := &agg{ct: ct, ndonor: ndonor, ncur: ncur, nyear: nyear, missing: map[int]MissingRate{}}
	g.rateOff = make([]int, ncur)
	for c := range ncur {
		g.rateOff[c] = g.nrate
		g.nrate += len(ct.eur[c])
	}
	return g
}

// addSlot appends a dataset slot and returns its index.
func (g *agg) addSlot() int {
	g.nslot++
	g.cnt = append(g.cnt, make([]int64, g.ndonor)...)
	g.sum = append(g.sum, make([]int64, g.ndonor*g.nyear)...)
	g.sample = append(g.sample, make([]int32, g.ndonor*g.nyear)...)
	n := g.nrate * g.ndonor
	var cells []int64
	if p, _ := cellPool.Get().(*[]int64); p != nil && cap(*p) >= n {
		cells = (*p)[:n]
		clear(cells)
	} else {
		cells = make([]int64, n)
	}
	g.exact = append(g.exact, cells)
	return g.nslot - 1
}

// cellPool keeps the exact cells of finished reports: allocating them anew
// for every report costs more than clearing them (a megabyte at 10^5 rows).
var cellPool sync.Pool

// release returns g's exact cells to cellPool; g is not used afterwards.
func (g *agg) release() {
	for i, cells := range g.exact {
		cellPool.Put(&cells)
		g.exact[i] = nil
	}
}

// add counts one row: donor, slot and cur are indexes, day is in the
// period. It returns false when the currency has no rate on the day; the
// caller then reports the row with noRate.
func (g *agg) add(donor, slot, cur int, day int32, a int64) bool {
	rc := g.at(cur, day)
	if rc.e == nil {
		g.cnt[slot*g.ndonor+donor]++
		return false
	}
	g.addAt(&rc, donor, slot, a)
	return true
}

// cell is what add needs of a currency and day, the same for every row of
// a run: the conversion, the day and year indexes and the euro rate's cell.
type cell struct {
	e       *convEntry // nil: no rate on the day
	cur, di int
	year    int
	off     int // rateOff[cur] + the euro rate's index
}

func (g *agg) at(cur int, day int32) cell {
	di := int(day - g.ct.day0)
	e := &g.ct.ent[cur][di]
	if e.d == 0 {
		return cell{}
	}
	return cell{e, cur, di, int(g.ct.year[di]), g.rateOff[cur] + int(e.eur)}
}

// addAt is add with the currency and day looked up (c.e not nil).
func (g *agg) addAt(c *cell, donor, slot int, a int64) {
	k := slot*g.ndonor + donor
	g.cnt[k]++
	v, ok := convert(a, c.e)
	if !ok {
		v = g.ct.convertBig(a, c.cur, c.di)
	}
	ky := k*g.nyear + c.year
	g.sum[ky] += v
	if g.sample[ky] == 0 {
		g.sample[ky] = int32(c.di) + 1
	}
	i := donor*g.nrate + c.off
	ex := g.exact[slot]
	s := ex[i]
	s2 := s + a
	if (a > 0 && s2 < s) || (a < 0 && s2 > s) {
		g.spill = append(g.spill, spilled{slot, i, s})
		s2 = a
	}
	ex[i] = s2
}

// noRate records a counted row without a rate (the first per donor and slot).
func (g *agg) noRate(donor, slot, cur int, day int32, id string) {
	k := slot*g.ndonor + donor
	if _, ok := g.missing[k]; !ok {
		di := int32(day - g.ct.day0)
		g.missing[k] = MissingRate{id, g.ct.errs[[2]int32{int32(cur), di}]}
	}
}

// merge adds o (built over the same table and donors) into g; slotMap maps
// o's slots to g's.
func (g *agg) merge(o *agg, slotMap []int) {
	for os := 0; os < o.nslot; os++ {
		s := slotMap[os]
		for d := 0; d < g.ndonor; d++ {
			k, ok := s*g.ndonor+d, os*o.ndonor+d
			g.cnt[k] += o.cnt[ok]
			for y := 0; y < g.nyear; y++ {
				g.sum[k*g.nyear+y] += o.sum[ok*o.nyear+y]
				if g.sample[k*g.nyear+y] == 0 {
					g.sample[k*g.nyear+y] = o.sample[ok*o.nyear+y]
				}
			}
			if m, has := o.missing[ok]; has {
				if _, mine := g.missing[k]; !mine {
					g.missing[k] = m
				}
			}
		}
		ex, oex := g.exact[s], o.exact[os]
		for cell, a := range oex {
			if a == 0 {
				continue
			}
			v := ex[cell]
			v2 := v + a
			if (a > 0 && v2 < v) || (a < 0 && v2 > v) {
				g.spill = append(g.spill, spilled{s, cell, v})
				v2 = a
			}
			ex[cell] = v2
		}
	}
	for _, sp := range o.spill {
		g.spill = append(g.spill, spilled{slotMap[sp.slot], sp.cell, sp.v})
	}
}

// errFallback says the engine cannot answer exactly and the caller should
// use the reference path.
var errFallback = errors.New("engine: fall back to the reference path")

// ErrFallback is returned by Engine.Report when a report needs the reference
// path (a contribution without a rate, versions recorded out of time order).
var ErrFallback = errFallback

// reportInput is what finishing a report needs beyond the aggregates.
type reportInput struct {
	in        fairshare.ReportInput // without Contributions, DatasetOf, NoData
	donors    []string              // donor code by index
	slotNames []string              // dataset id by slot
	sel       [][]string
	noData    func(datasetOf map[string]string) map[string]bool
}

// report chooses, per donor, the group of the selection that counts
// (fairshare.Precedence) and hands fairshare.Compute one synthetic
// contribution per donor and year (the sum of the rounded conversions,
// already in the report currency) with each donor's exact euro total, from
// which Compute works out % of GDP.
func (g *agg) report(ri reportInput) (*fairshare.Report, error) {
	in := ri.in
	t := in.Target
	prec := fairshare.NewPrecedence(ri.sel)
	slotGroup := make([]int, g.nslot)
	for s := range slotGroup {
		slotGroup[s] = -1
		if gi, ok := prec.Group(ri.slotNames[s]); ok {
			slotGroup[s] = gi
		}
	}
	codes, _ := t.ParticipantCodes(in.Donors)
	part := make(map[string]bool, len(codes)) // maps sized once: they are made for every report
	for _, c := range codes {
		part[c] = true
	}
	years := t.Years()
	datasetOf := make(map[string]string, g.ndonor)
	countedEUR := make(map[string]fairshare.ExactEUR, len(codes))
	synth := make([]fairshare.Contribution, 0, g.ndonor*g.nyear) // one per donor and year at most
	cur := in.Currency
	if cur == "" {
		cur = t.Currency
	}
	var status fairshare.Status
	var cat fairshare.Category
	if len(t.Statuses) > 0 && len(t.Categories) > 0 {
		status, cat = t.Statuses[0], t.Categories[0]
	}
	var bestSlots []int
	for d := 0; d < g.ndonor; d++ {
		best, seen := -1, false
		for s := 0; s < g.nslot; s++ {
			if gi := slotGroup[s]; gi >= 0 && g.cnt[s*g.ndonor+d] > 0 && prec.Prefer(gi, best, seen) {
				best, seen = gi, true
			}
		}
		if !seen {
			continue
		}
		code := ri.donors[d]
		datasetOf[code] = prec.Name(best)
		bestSlots = bestSlots[:0]
		for s := 0; s < g.nslot; s++ {
			if slotGroup[s] == best {
				bestSlots = append(bestSlots, s)
				if m, ok := g.missing[s*g.ndonor+d]; ok && part[code] {
					return nil, &m
				}
			}
		}
		if part[code] {
			countedEUR[code] = g.countedEUR(d, bestSlots)
		}
		for y := 0; y < g.nyear && y < len(years); y++ {
			var total int64
			var di int32
			for _, s := range bestSlots {
				ky := (s*g.ndonor+d)*g.nyear + y
				if g.sample[ky] != 0 {
					total += g.sum[ky]
					if di == 0 {
						di = g.sample[ky]
					}
				}
			}
			if di == 0 {
				continue
			}
			synth = append(synth, fairshare.Contribution{
				ID: "engine:" + code + ":" + strconv.Itoa(years[y]), Donor: code,
				Date:   fairshare.DateFromDays(int(g.ct.day0 + di - 1)),
				Amount: fairshare.Amount(total), Currency: cur, Category: cat, Status: status,
				Dataset: ri.sel[best][0],
			})
		}
	}
	in.Contributions = synth
	in.DatasetOf = datasetOf
	in.CountedEUR = countedEUR
	if ri.noData != nil {
		in.NoData = ri.noData(datasetOf)
	}
	return fairshare.Compute(in)
}

// countedEUR is the euro value of a donor's counted amounts in slots:
// fixed-point bounds (eurBounds), and the exact value for
// fairshare.ExactEUR.Over to call, before the report is finished, when the
// bounds do not settle what the report prints.
func (g *agg) countedEUR(donor int, slots []int) fairshare.ExactEUR {
	slots = append([]int(nil), slots...)
	e := fairshare.ExactEUR{Exact: func() (n, d *big.Int) { return g.exactEUR(donor, slots) }}
	if lo, hi, ok := g.eurBounds(donor, slots); ok {
		e.Lo, e.Hi = lo, hi
	}
	return e
}

// rateSums sums a donor's counted amounts in slots at each euro rate of
// currency cur (as add keeps them, spilled cells included) into g.accs;
// found is false when there are none.
func (g *agg) rateSums(donor int, slots []int, cur int) (accs []acc, found bool) {
	rates := g.ct.eur[cur]
	if len(rates) == 0 {
		return nil, false
	}
	accs = g.accs
	if cap(accs) < len(rates) {
		accs = make([]acc, len(rates))
		g.accs = accs
	}
	accs = accs[:len(rates)]
	clear(accs)
	base := donor*g.nrate + g.rateOff[cur]
	for _, sl := range slots {
		for k, v := range g.exact[sl][base : base+len(rates)] {
			if v != 0 {
				a := &accs[k]
				a.hi, a.lo = add128(a.hi, a.lo, v)
				a.any, found = true, true
			}
		}
	}
	for _, sp := range g.spill {
		if slices.Contains(slots, sp.slot) && sp.cell >= base && sp.cell < base+len(rates) {
			a := &accs[sp.cell-base]
			a.hi, a.lo = add128(a.hi, a.lo, sp.v)
			a.any, found = true, true
		}
	}
	return accs, found
}

// exactEUR is the exact euro value of a donor's counted amounts in slots,
// as an unreduced fraction n/d: per currency, the sums per euro rate are
// put over the currency's common denominator (eurDen); the currencies'
// fractions are then added.
func (g *agg) exactEUR(donor int, slots []int) (n, d *big.Int) {
	s, t := new(big.Int), new(big.Int)
	for cur := 0; cur < g.ncur; cur++ {
		accs, found := g.rateSums(donor, slots, cur)
		if !found {
			continue
		}
		ed := g.ct.eurDenOf(cur)
		nc := new(big.Int)
		for k, a := range accs {
			if a.any {
				t.Mul(ed.mul[k], setFrom128(s, a.hi, a.lo))
				nc.Add(nc, t)
			}
		}
		if n == nil {
			n, d = nc, new(big.Int).Set(ed.den)
			continue
		}
		n.Mul(n, ed.den)
		n.Add(n, nc.Mul(nc, d))
		d.Mul(d, ed.den)
	}
	if n == nil {
		return new(big.Int), big.NewInt(1)
	}
	return n, d
}
