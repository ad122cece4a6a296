package web

import (
	"bytes"
	"net/http"
	"strings"

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
	rep, _ = toDate(rep)
	sheet := render.ReportSheet(rep, lang)
	var buf bytes.Buffer
	ctype := "text/csv; charset=utf-8"
	if ext == "xlsx" {
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		err = render.SheetXLSX(&buf, []render.Sheet{sheet})
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
