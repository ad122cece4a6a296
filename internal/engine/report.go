package engine

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/fairshare/fairshare"
)

// Query asks the engine for one report.
type Query struct {
	// Input is everything fairshare.Compute needs except Contributions,
	// DatasetOf and NoData, which the engine supplies.
	Input fairshare.ReportInput
	// Selection is the dataset precedence list: for each donor the first
	// group with counted contributions wins; a group's datasets count
	// together.
	Selection [][]string
	// NoData lists donors the selected datasets do not cover, given the
	// group that counted per donor.
	NoData func(datasetOf map[string]string) map[string]bool
	// Current says the report is of the ledger as it stands (AsOf is now):
	// its cached result stays valid until the ledger changes.
	Current bool
	// Ref identifies the reference data the Input was built from (donors,
	// rates, targets...); a cached result is used only with the same Ref.
	// Nil disables caching.
	Ref any
}

type cacheEntry struct {
	gen uint64
	ref any
	rep *fairshare.Report
}

const maxCache = 1024

func (e *Engine) dropCache() {
	e.cacheMu.Lock()
	e.cache = nil
	e.cacheMu.Unlock()
}

// cacheKey identifies a report: target, key, key year, selection,
// currency and as-of ("now" for current reports). Custom weights are not
// cached.
func cacheKey(q *Query) string {
	in := &q.Input
	if in.CustomWeights != nil || q.Ref == nil {
		return ""
	}
	var b strings.Builder
	for _, s := range []string{in.Target.ID, in.Key, strconv.Itoa(in.KeyYear), in.Datasets, in.Currency} {
		b.WriteString(s)
		b.WriteByte(0)
	}
	for _, g := range q.Selection {
		b.WriteString(strings.Join(g, "+"))
		b.WriteByte(',')
	}
	b.WriteByte(0)
	if q.Current {
		b.WriteString("now")
	} else {
		b.WriteString(strconv.FormatInt(in.AsOf.UnixMicro(), 10))
	}
	return b.String()
}

// Report computes a report from the engine's ledger as it stood at
// q.Input.AsOf, from the cache when nothing changed since. It returns
// ErrFallback when only the reference path can answer exactly.
func (e *Engine) Report(q Query) (*fairshare.Report, error) {
	in := q.Input
	cur := in.Currency
	if cur == "" {
		cur = in.Target.Currency
	}
	if in.Rates == nil || !in.Rates.Known(cur) || in.Target.End.Before(in.Target.Start) {
		return fairshare.Compute(in) // the reference error
	}
	key := cacheKey(&q)
	e.mu.RLock()
	gen := e.gen
	if key != "" {
		e.cacheMu.Lock()
		ce, ok := e.cache[key]
		e.cacheMu.Unlock()
		if ok && ce.gen == gen && ce.ref == q.Ref {
			e.mu.RUnlock()
			rep := *ce.rep
			rep.AsOf = in.AsOf
			rep.Rows = append([]fairshare.Row(nil), ce.rep.Rows...)
			return &rep, nil
		}
	}
	if e.l.outOfOrder {
		e.mu.RUnlock()
		return nil, ErrFallback
	}
	asOf := in.AsOf.UnixMicro()
	if in.AsOf.IsZero() {
		asOf = time.Now().UnixMicro()
	}
	cacheable := key != "" && (!q.Current || e.l.maxRec <= asOf)
	t := in.Target
	ct := e.conv(in.Rates, cur, int32(t.Start.Days()), int32(t.End.Days()), e.l.curs.names)
	g := newAgg(ct, len(e.l.donors.names), len(e.l.curs.names), len(t.Years()))
	slotOf := make([]int, len(e.l.dss.names))
	var slotNames []string
	for i := range slotOf {
		slotOf[i] = -1
	}
	for _, grp := range q.Selection {
		for _, d := range grp {
			if i, ok := e.l.dss.m[d]; ok && slotOf[i] < 0 {
				slotOf[i] = g.addSlot()
				slotNames = append(slotNames, d)
			}
		}
	}
	e.l.scan(g, &t, asOf, slotOf)
	donors := append([]string(nil), e.l.donors.names...)
	e.mu.RUnlock()

	in.Shares = e.sharesFor(&q)
	rep, err := g.report(reportInput{in: in, donors: donors, slotNames: slotNames, sel: q.Selection, noData: q.NoData})
	g.release()
	var mr *MissingRate
	if errors.As(err, &mr) {
		return nil, ErrFallback
	}
	if err != nil {
		return nil, err
	}
	if cacheable {
		e.cacheMu.Lock()
		if e.cache == nil || len(e.cache) >= maxCache {
			e.cache = map[string]cacheEntry{}
		}
		e.cache[key] = cacheEntry{gen, q.Ref, rep}
		e.cacheMu.Unlock()
		c := *rep
		c.Rows = append([]fairshare.Row(nil), rep.Rows...)
		rep = &c
	}
	return rep, nil
}

type sharesEntry struct {
	ref    any
	shares *fairshare.Shares
}

// sharesFor returns the fair-share half of q's report (fairshare.Shares),
// made once per target, key, currency and reference data (q.Ref): it does
// not depend on the ledger. Nil (Compute then works it out, or says what
// is wrong) without a Ref, with custom weights, or when it fails.
func (e *Engine) sharesFor(q *Query) *fairshare.Shares {
	in := &q.Input
	if q.Ref == nil || in.CustomWeights != nil {
		return nil
	}
	key := in.Target.ID + "\x00" + in.Key + "\x00" + strconv.Itoa(in.KeyYear) + "\x00" + in.Currency
	e.sharesMu.Lock()
	se, ok := e.shares[key]
	e.sharesMu.Unlock()
	if ok && se.ref == q.Ref {
		return se.shares
	}
	sh, err := fairshare.FairShares(*in)
	if err != nil {
		return nil
	}
	e.sharesMu.Lock()
	if e.shares == nil || len(e.shares) >= 64 {
		e.shares = map[string]sharesEntry{}
	}
	e.shares[key] = sharesEntry{q.Ref, sh}
	e.sharesMu.Unlock()
	return sh
}

// conv returns the conversion table for a rate table, report currency and
// period, built once and extended when currencies appear.
func (e *Engine) conv(rates *fairshare.RateTable, to string, d0, d1 int32, curs []string) *convTable {
	e.convMu.Lock()
	defer e.convMu.Unlock()
	k := convKey{rates, to, d0, d1}
	ct := e.convs[k]
	if ct != nil && len(ct.curs) >= len(curs) {
		return ct
	}
	ct = newConvTable(rates, to, d0, d1, curs)
	if e.convs == nil || len(e.convs) > 64 {
		e.convs = map[convKey]*convTable{}
	}
	e.convs[k] = ct
	return ct
}
