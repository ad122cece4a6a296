package httpapi

import (
	"bytes"
	_ "embed"
	"net/http"

	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/httpx"
	"github.com/fairshare/fairshare/internal/render"
)

//go:embed openapi.json
var openAPIDoc []byte

// OpenAPI returns the embedded OpenAPI 3 document.
func OpenAPI() []byte { return openAPIDoc }

func (s *server) openAPI(w http.ResponseWriter, r *http.Request, q query) error {
	httpx.ServeBytes(w, r, "application/json; charset=utf-8", openAPIDoc, "", "public, max-age=3600")
	return nil
}

func (s *server) ref(r *http.Request) (*app.Reference, error) { return s.app.Reference(r.Context()) }

// writeTable writes rows as CSV (spreadsheet-safe cells) with a validator.
func writeTable(w http.ResponseWriter, r *http.Request, name string, header []string, rows [][]string) error {
	var buf bytes.Buffer
	if err := render.Table(&buf, "csv", header, rows); err != nil {
		return err
	}
	writeCSV(w, r, name, buf.Bytes(), "no-cache")
	return nil
}

func writeCSV(w http.ResponseWriter, r *http.Request, name string, body []byte, cacheControl string) {
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
	httpx.ServeBytes(w, r, "text/csv; charset=utf-8", body, "", cacheControl)
}
