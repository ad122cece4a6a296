package web

import (
	"bytes"
	"math/big"
	"net/http"
	"strings"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/httpx"
	"github.com/fairshare/fairshare/internal/render"
)

// compareTable serves /tables/compare/TARGET.xlsx?a=..&b=..: the compare
// page's two tables (shares by key; two datasets side by side) as two
// sheets, in the reader's language, with the page's settings.
func (h *handler) compareTable(w http.ResponseWriter, r *http.Request) {
	target, ok := strings.CutSuffix(r.PathValue("file"), ".xlsx")
	if !ok {
		http.Error(w, "compare tables are .xlsx files, e.g. /tables/compare/nato-2024.xlsx", http.StatusNotFound)
		return
	}
	lang, _ := ChooseLang(r)
	ctx := r.Context()
	q := r.URL.Query()
	req, _, err := httpx.ParseReportRequest(target, q)
	if err != nil {
		h.chartError(w, r, err)
		return
	}
	cur := req.Currency
	unit := " (" + MillionsUnit(lang, cur) + ")"
	mio := func(a fairshare.Amount) render.Cell {
		return render.Cell{Num: new(big.Rat).Quo(a.Rat(cur), big.NewRat(1_000_000, 1)), Dec: 6}
	}
	pct := func(x *big.Rat, dec int) render.Cell {
		if x == nil {
			return render.Cell{}
		}
		return render.Cell{Num: new(big.Rat).Mul(x, big.NewRat(100, 1)), Dec: dec, Pct: true}
	}

	// The same target under each key, rows in the order of the first report.
	tname := req.Target
	keys := render.Sheet{Header: []string{T(lang, "col.donor"), T(lang, "col.ally")}}
	idx := map[string]int{}
	for _, k := range []string{fairshare.KeyGDP, fairshare.KeyPopulation, fairshare.KeyEqual} {
		kreq := req
		kreq.Key = k
		rep, err := h.app.Report(ctx, kreq)
		if err != nil {
			h.chartError(w, r, err)
			return
		}
		tname = TargetName(lang, rep.Target)
		name := capFirst(T(lang, "key."+k))
		col := len(keys.Header)
		keys.Header = append(keys.Header, name+": "+T(lang, "col.weight")+" (%)", name+": "+T(lang, "col.fairshare")+unit)
		for i := range rep.Rows {
			row := &rep.Rows[i]
			j, ok := idx[row.Donor]
			if !ok {
				j = len(keys.Rows)
				idx[row.Donor] = j
				keys.Rows = append(keys.Rows, []render.Cell{{Text: row.Donor}, {Text: donorName(lang, row)}})
			}
			for len(keys.Rows[j]) < col {
				keys.Rows[j] = append(keys.Rows[j], render.Cell{})
			}
			keys.Rows[j] = append(keys.Rows[j], pct(row.Weight, 4), mio(row.FairShare))
		}
	}

	a, b := q.Get("a"), q.Get("b")
	if a == "" {
		a = "kiel-r29"
	}
	if b == "" {
		b = "dk-mod"
	}
	c, err := h.app.Compare(ctx, app.CompareRequest{Target: req.Target, Currency: cur, AsOf: req.AsOf, Key: req.Key, KeyYear: req.KeyYear, A: a, B: b})
	if err != nil {
		h.chartError(w, r, err)
		return
	}
	keys.Title = tname + " — " + T(lang, "compare.keys")
	sides := [2]string{"A: " + datasetLabel(lang, a), "B: " + datasetLabel(lang, b)}
	ds := render.Sheet{Title: tname + " — " + T(lang, "compare.datasets"),
		Header: []string{T(lang, "col.donor"), T(lang, "col.ally"), T(lang, "col.fairshare") + unit}}
	for _, s := range sides {
		ds.Header = append(ds.Header, s+": "+T(lang, "col.counted")+unit, s+": "+T(lang, "col.ratio.pct"), s+": "+T(lang, "col.status"))
	}
	var byDonor [2]map[string]*fairshare.Row
	for i, rep := range c.Reports {
		byDonor[i] = map[string]*fairshare.Row{}
		if rep == nil {
			continue
		}
		for j := range rep.Rows {
			byDonor[i][rep.Rows[j].Donor] = &rep.Rows[j]
		}
	}
	for _, row := range c.Rows {
		name := row.Name
		if lang == "da" && row.NameDA != "" {
			name = row.NameDA
		}
		cells := []render.Cell{{Text: row.Donor}, {Text: name}, mio(row.FairShare)}
		for i, side := range []struct {
			has      bool
			counted  fairshare.Amount
			statuses []string
		}{{row.HasA, row.CountedA, row.StatusesA}, {row.HasB, row.CountedB, row.StatusesB}} {
			if !side.has {
				cells = append(cells, render.Cell{Text: T(lang, "notcovered")}, render.Cell{}, render.Cell{})
				continue
			}
			var ratio *big.Rat
			if rr := byDonor[i][row.Donor]; rr != nil {
				ratio = rr.Ratio
			}
			cells = append(cells, mio(side.counted), pct(ratio, 2), render.Cell{Text: statusesText(lang, side.statuses)})
		}
		ds.Rows = append(ds.Rows, cells)
	}

	var buf bytes.Buffer
	if err := render.SheetXLSX(&buf, []render.Sheet{keys, ds}); err != nil {
		h.chartError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+fileSafe("compare-"+req.Target+"-"+a+"-"+b+"-"+strings.ToLower(cur)+"-"+lang)+`.xlsx"`)
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("Vary", "Accept-Language")
	w.Write(buf.Bytes())
}

// fileSafe keeps letters, digits and '-' of s for a download's file name.
func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '_'
	}, s)
}
