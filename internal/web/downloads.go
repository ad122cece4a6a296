package web

import (
	"bytes"
	"math/big"
	"net/http"
	"strings"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/render"
)

// table serves /tables/TARGET.xlsx and /tables/TARGET.csv: the overview's
// table for a spreadsheet in the reader's language (Danish CSV with ';',
// decimal comma and a byte order mark).
func (h *handler) table(w http.ResponseWriter, r *http.Request) {
	file := r.PathValue("file")
	target, ext, _ := strings.Cut(file, ".")
	if ext != "xlsx" && ext != "csv" {
		http.Error(w, "tables are .xlsx or .csv files, e.g. /tables/nato-2024.xlsx", http.StatusNotFound)
		return
	}
	lang, _ := ChooseLang(r)
	_, rep, err := h.reportFor(r, target)
	if err != nil {
		h.chartError(w, r, err)
		return
	}
	full := rep
	rep, cut := toDate(rep)
	sheet := render.ReportSheet(rep, lang)
	sheets := []render.Sheet{sheet}
	if cut {
		sheets = append(sheets, yearSheet(lang, full))
	}
	var buf bytes.Buffer
	ctype := "text/csv; charset=utf-8"
	if ext == "xlsx" {
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		err = render.SheetXLSX(&buf, sheets)
	} else {
		err = render.SheetCSV(&buf, sheet, lang)
	}
	if err != nil {
		h.chartError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="`+rep.Target.ID+"-"+strings.ToLower(rep.Currency)+"-"+lang+"."+ext+`"`)
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("Vary", "Accept-Language")
	w.Write(buf.Bytes())
}

// donorTable serves /tables/donors/CODE.xlsx: a donor's contributions as
// the donor page lists them, in the reader's language.
func (h *handler) donorTable(w http.ResponseWriter, r *http.Request) {
	code, ok := strings.CutSuffix(r.PathValue("file"), ".xlsx")
	if !ok {
		http.Error(w, "donor tables are .xlsx files, e.g. /tables/donors/DNK.xlsx", http.StatusNotFound)
		return
	}
	lang, _ := ChooseLang(r)
	ctx := r.Context()
	ref, err := h.app.Reference(ctx)
	if err != nil {
		h.chartError(w, r, err)
		return
	}
	d := ref.ByCode[strings.ToUpper(code)]
	if d == nil {
		h.chartError(w, r, fairshare.Errorf(fairshare.ENOTFOUND, "no donor %q", code))
		return
	}
	asOf, err := fairshare.ParseAsOf(r.URL.Query().Get("as_of"))
	if err != nil {
		h.chartError(w, r, fairshare.FieldError("as_of", err.Error()))
		return
	}
	cs, err := h.app.ListContributions(ctx, fairshare.ContributionFilter{Donor: d.Code, AsOf: asOf})
	if err != nil {
		h.chartError(w, r, err)
		return
	}
	s := render.Sheet{Title: d.Name(lang) + " — " + T(lang, "donor.contributions"),
		Header: []string{T(lang, "col.date"), T(lang, "col.amount"), T(lang, "col.currency"), T(lang, "col.category"), T(lang, "col.status"),
			T(lang, "col.dataset"), T(lang, "col.description"), T(lang, "col.publisher"), T(lang, "col.sourcetitle"), "URL"}}
	for i := len(cs) - 1; i >= 0; i-- {
		c := cs[i]
		s.Rows = append(s.Rows, []render.Cell{{Text: c.Date.String()}, {Num: c.Amount.Rat(c.Currency), Dec: fairshare.MinorDigits(c.Currency)},
			{Text: c.Currency}, {Text: T(lang, "cat."+string(c.Category))}, {Text: T(lang, "status."+string(c.Status))},
			{Text: datasetLabel(lang, c.Dataset)}, {Text: c.Description}, {Text: c.Source.Publisher}, {Text: localTitle(lang, c.Source.Title)}, {Text: c.Source.URL}})
	}
	var buf bytes.Buffer
	if err := render.SheetXLSX(&buf, []render.Sheet{s}); err != nil {
		h.chartError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+strings.ToLower(d.Code)+"-contributions-"+lang+`.xlsx"`)
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("Vary", "Accept-Language")
	w.Write(buf.Bytes())
}

// yearSheet is a running target's year-by-year table.
func yearSheet(lang string, full *fairshare.Report) render.Sheet {
	cur := full.Currency
	unit := " (" + MillionsUnit(lang, cur) + ")"
	s := render.Sheet{Title: TargetName(lang, full.Target) + " — " + T(lang, "years.title"),
		Header: []string{T(lang, "col.year"), T(lang, "years.due") + unit, T(lang, "years.counted") + unit,
			T(lang, "years.cumdue") + unit, T(lang, "years.cumcounted") + unit}}
	at := fairshare.DateOf(full.AsOf.UTC())
	var cumDue fairshare.Amount
	mio := func(a fairshare.Amount) render.Cell {
		return render.Cell{Num: new(big.Rat).Quo(a.Rat(cur), big.NewRat(1_000_000, 1)), Dec: 6}
	}
	for _, y := range full.Years {
		num, den := dueFraction(full.Target, y.Year, at)
		cumDue += fairshare.Amount((int64(y.Target)*num*2 + den) / (2 * den))
		row := []render.Cell{{Text: itoa(y.Year)}, mio(y.Target), mio(y.Counted), mio(cumDue), mio(y.CumCounted)}
		if num == 0 {
			row[2], row[3], row[4] = render.Cell{}, render.Cell{}, render.Cell{}
		}
		s.Rows = append(s.Rows, row)
	}
	return s
}
