package httpapi

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/fairshare/fairshare"
)

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func dnkCounted(t *testing.T, body []byte) string {
	t.Helper()
	var r struct {
		Rows []struct{ Donor, Counted string } `json:"rows"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatal(err)
	}
	for _, row := range r.Rows {
		if row.Donor == "DNK" {
			return row.Counted
		}
	}
	return ""
}

// TestReportCacheAndGzip: repeated reports are served from one rendering,
// gzipped on request, revalidate with 304, and a write by another process
// (straight to the store) is seen at once.
func TestReportCacheAndGzip(t *testing.T) {
	ts, a := newTestServer(t)
	const path = "/api/v1/reports/nato-2024?dataset=kiel-r29%2Buser" // the write goes to user
	resp, gz := get(t, ts, "GET", path, "Accept-Encoding", "gzip")
	if resp.Header.Get("Content-Encoding") != "gzip" || resp.Header.Get("Vary") == "" {
		t.Fatalf("no gzip: %v", resp.Header)
	}
	first := gunzip(t, gz)
	etag := resp.Header.Get("ETag")
	resp, plain := get(t, ts, "GET", path)
	if resp.Header.Get("Content-Encoding") != "" || dnkCounted(t, plain) != dnkCounted(t, first) {
		t.Fatalf("plain and gzipped reports differ")
	}
	if resp, _ := get(t, ts, "GET", path, "Accept-Encoding", "gzip", "If-None-Match", etag); resp.StatusCode != http.StatusNotModified {
		t.Fatalf("revalidation: %d, want 304", resp.StatusCode)
	}

	c := fairshare.Contribution{Donor: "DNK", Recipient: "UKR", Date: fairshare.MustDate("2024-06-14"), Amount: 100000000000,
		Currency: "DKK", Category: fairshare.InKind, Status: fairshare.Delivered, Dataset: "user",
		Source: fairshare.Source{URL: "https://example.org/cache"}}
	if _, err := a.AddContributions(context.Background(), []fairshare.Contribution{c}, fairshare.Change{Author: "other", Reason: "test"}); err != nil {
		t.Fatal(err)
	}
	resp, gz = get(t, ts, "GET", path, "Accept-Encoding", "gzip", "If-None-Match", etag)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("after a write the old ETag still matched: %d", resp.StatusCode)
	}
	if after := dnkCounted(t, gunzip(t, gz)); after == dnkCounted(t, first) {
		t.Fatalf("the report did not change after a write: DNK counted %s", after)
	}
}
