package engine

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/csvio"
)

var (
	catNames    [][]byte
	statusNames [][]byte
)

func init() {
	for _, c := range fairshare.Categories {
		catNames = append(catNames, []byte(c))
	}
	for _, s := range fairshare.Statuses {
		statusNames = append(statusNames, []byte(s))
	}
}

func fieldErr(name string, line int, field string, err error) *csvio.Error {
	return &csvio.Error{File: name, Line: line, Field: field, Err: err}
}

// record validates and counts one row.
func (w *worker) record(roles []int8, line int, name string) *csvio.Error {
	p := w.p
	var f [nRoles][]byte
	for k, role := range roles {
		if role != colOther && len(w.fields[k]) > 0 {
			f[role] = trim(w.fields[k])
		}
	}
	w.rows++
	donor := -1
	if k := code3(f[colDonor]); k >= 0 && p.donorOf[k] > 0 {
		donor = int(p.donorOf[k]) - 1
	} else if d, ok := p.donorMap[strings.ToUpper(string(f[colDonor]))]; ok {
		donor = d
	} else if len(f[colDonor]) == 0 {
		return fieldErr(name, line, "donor", fairshare.ErrRequired)
	} else {
		return fieldErr(name, line, "donor", fairshare.UnknownDonorError(strings.ToUpper(string(f[colDonor]))))
	}
	day, ok := fastDay(f[colDate])
	if !ok {
		d, err := fairshare.ParseDate(string(f[colDate]))
		if err != nil {
			return fieldErr(name, line, "date", err)
		}
		day = int32(d.Days())
	}
	cur := -1
	if k := code3(f[colCurrency]); k >= 0 && p.curOf[k] > 0 {
		cur = int(p.curOf[k]) - 1
	} else {
		return fieldErr(name, line, "currency", fairshare.UnknownCurrencyError(string(f[colCurrency])))
	}
	amount, ok := fastAmount(f[colAmount], p.curDigits[cur])
	if !ok {
		a, err := fairshare.ParseAmount(string(f[colAmount]), p.ct.curs[cur])
		if err != nil {
			return fieldErr(name, line, "amount", err)
		}
		amount = int64(a)
	}
	if err := fairshare.CheckPositive(fairshare.Amount(amount), f[colAmount]); err != nil {
		return fieldErr(name, line, "amount", err)
	}
	ci := matchName(f[colCategory], catNames)
	if ci < 0 {
		_, err := fairshare.ParseCategory(strings.ToLower(string(f[colCategory])))
		return fieldErr(name, line, "category", errors.New(err.(*fairshare.Error).Message))
	}
	si := matchName(f[colStatus], statusNames)
	if si < 0 {
		_, err := fairshare.ParseStatus(strings.ToLower(string(f[colStatus])))
		return fieldErr(name, line, "status", errors.New(err.(*fairshare.Error).Message))
	}
	if err := fairshare.CheckSourceURL(f[colSource]); err != nil {
		return fieldErr(name, line, "source_url", err)
	}
	ds := f[colDataset]
	if len(ds) == 0 {
		ds = []byte(fairshare.DefaultDataset)
	}
	if day < p.d0 || day > p.d1 || !p.mask[ci<<2|si] {
		if !bytes.Equal(ds, w.lastDS) && !fairshare.ValidID(ds) {
			return fieldErr(name, line, "dataset", fairshare.InvalidIDError(ds))
		}
		return nil
	}
	s := w.lastS
	if s < 0 || !bytes.Equal(ds, w.lastDS) {
		var known bool
		s, known = w.slots[string(ds)]
		if !known {
			if !fairshare.ValidID(ds) {
				return fieldErr(name, line, "dataset", fairshare.InvalidIDError(ds))
			}
			s = w.g.addSlot()
			w.slots[string(ds)] = s
			w.names = append(w.names, string(ds))
			w.first = append(w.first, line)
		}
		w.lastDS = append(w.lastDS[:0], ds...)
		w.lastS = s
	}
	w.counted++
	if !w.g.add(donor, s, cur, day, amount) {
		w.g.noRate(donor, s, cur, day, fmt.Sprintf("%s:%d", name, line))
	}
	return nil
}

// matchName finds b among names (exact, then ASCII case-insensitive).
func matchName(b []byte, names [][]byte) int {
	for i, n := range names {
		if bytes.Equal(b, n) {
			return i
		}
	}
	for i, n := range names {
		if bytes.EqualFold(b, n) {
			return i
		}
	}
	return -1
}
