package httpapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/auth"
)

// FuzzAPI sends arbitrary paths, query strings and bodies, with an editor's
// token, to the real handler over a real SQLite file: whatever comes in, the
// answer is a 2xx, 3xx or 4xx, never a 5xx or a panic.
func FuzzAPI(f *testing.F) {
	a, err := app.Open(context.Background(), filepath.Join(f.TempDir(), "fuzz.db"), app.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { a.Close() })
	token, hash, _ := auth.NewToken()
	if err := app.TestStore(a).AddUser(context.Background(), fairshare.User{Name: "fuzz", Role: fairshare.Admin, TokenHash: hash}); err != nil {
		f.Fatal(err)
	}
	h := NewServer(a, Options{})
	seeds := []struct{ method, path, query, body string }{
		{"GET", "reports/nato-2024", "currency=DKK&as_of=2024-06-01&key=population", ""},
		{"GET", "reports/nato-2024", "key_year=99999999999999999999&dataset=,,+", ""},
		{"GET", "contributions", "donor=DNK&limit=-1&offset=1e9", ""},
		{"GET", "fx/convert", "amount=1e400&from=EUR&to=DKK&date=2024-02-30", ""},
		{"GET", "policies", "as_of=0000-00-00", ""},
		{"POST", "contributions", "", `{"donor":"DNK","date":"2024-06-14","amount":"1000000000","currency":"DKK","category":"in-kind","status":"delivered","source_url":"https://example.org","reason":"seed"}`},
		{"POST", "contributions", "", `{"donor":"DNK","amount":NaN}`},
		{"POST", "contributions/import", "", "donor,date,amount,currency,category,status,source_url\nDNK,2024-01-01,=1+1,DKK,in-kind,delivered,https://x\n"},
		{"PUT", "contributions/00000000-0000-5000-8000-000000000000", "", `{"amount":"-1","reason":"x"}`},
		{"DELETE", "contributions/'; DROP TABLE users; --", "reason=x", ""},
		{"POST", "targets", "", `{"id":"t","name":"<script>","gdp_rate":"1/0","start":"2024-01-01","end":"2024-12-31","reason":"x"}`},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.query, s.body)
	}
	f.Fuzz(func(t *testing.T, method, path, query, body string) {
		switch method {
		case "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD":
		default:
			method = "GET"
		}
		req, err := http.NewRequest(method, "/api/v1/"+strings.TrimPrefix(path, "/")+"?"+query, strings.NewReader(body))
		if err != nil {
			t.Skip()
		}
		req.Header.Set("Authorization", "Bearer "+token)
		if strings.HasPrefix(body, "donor") {
			req.Header.Set("Content-Type", "text/csv")
		} else {
			req.Header.Set("Content-Type", "application/json")
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s?%s -> %d: %s", method, path, query, rec.Code, rec.Body.String())
		}
	})
}
