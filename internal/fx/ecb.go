// Package fx reads the ECB's euro reference rate files and downloads them.
package fx

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/csvio"
)

// ECBHistURL is where the ECB publishes the full daily history.
const ECBHistURL = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip"

// ECBSource cites the daily reference rates.
var ECBSource = fairshare.Source{Publisher: "European Central Bank", Title: "Euro foreign exchange reference rates (eurofxref-hist)", URL: ECBHistURL}

// ParseECB reads eurofxref-hist.csv (Date,USD,JPY,...; N/A where no rate;
// the header ends with a trailing comma) into daily rates. A zip archive
// holding that file is accepted too. Currencies not in keep are dropped
// unless keep is nil.
func ParseECB(data []byte, name string, keep func(string) bool) ([]fairshare.Rate, error) {
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		var found bool
		for _, f := range zr.File {
			if strings.HasSuffix(f.Name, ".csv") {
				rc, err := f.Open()
				if err != nil {
					return nil, fmt.Errorf("%s: %w", name, err)
				}
				data, err = io.ReadAll(io.LimitReader(rc, 64<<20))
				rc.Close()
				if err != nil {
					return nil, fmt.Errorf("%s: %w", name, err)
				}
				name += ":" + f.Name
				found = true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("%s: no CSV file in the archive", name)
		}
	}
	rd, err := csvio.NewReader(bytes.NewReader(data), name, "date")
	if err != nil {
		return nil, err
	}
	src := ECBSource
	src.Date = time.Now().UTC().Format("2006-01-02")
	var out []fairshare.Rate
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		day, err := fairshare.ParseDate(rec.Get("date"))
		if err != nil {
			return nil, csvio.FieldErr(name, rec, "Date", err)
		}
		for _, col := range rd.Header() {
			if col == "date" {
				continue
			}
			cur := strings.ToUpper(col)
			v := rec.Get(col)
			if v == "" || v == "N/A" || (keep != nil && !keep(cur)) {
				continue
			}
			if len(cur) != 3 {
				return nil, csvio.FieldErr(name, rec, col, fmt.Errorf("column %q is not a currency code", col))
			}
			if _, err := fairshare.ParseWeight(v); err != nil || strings.ContainsAny(v, "eE") {
				return nil, csvio.FieldErr(name, rec, cur, fmt.Errorf("%q is not a rate", v))
			}
			if v == "0" || strings.Trim(v, "0.") == "" {
				return nil, csvio.FieldErr(name, rec, cur, fmt.Errorf("rate %q must be positive", v))
			}
			out = append(out, fairshare.Rate{Currency: cur, Period: day.String(), Rate: v, Source: src})
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no rates found", name)
	}
	return out, nil
}

// Download fetches url (the ECB history by default) with a timeout.
func Download(ctx context.Context, client *http.Client, url string) ([]byte, error) {
	if url == "" {
		url = ECBHistURL
	}
	if client == nil {
		client = &http.Client{Timeout: 60 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", "fairshare (+https://github.com/fairshare/fairshare)")
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download %s: %s", url, resp.Status)
	}
	return io.ReadAll(io.LimitReader(resp.Body, 64<<20))
}
