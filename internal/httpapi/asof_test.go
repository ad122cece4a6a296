package httpapi

import (
	"bytes"
	"testing"

	"github.com/fairshare/fairshare/internal/httpx"
	"github.com/fairshare/fairshare/internal/render"
)

// TestETagWithoutAsOf checks the validator against the one of the body
// marshalled with an empty as_of, with strings that mimic the member.
func TestETagWithoutAsOf(t *testing.T) {
	asOf := "2026-11-29T17:00:00Z"
	fake := "\n  \"as_of\": \"" + asOf + "\""
	for _, j := range []render.ReportJSON{
		{AsOf: asOf, Currency: "EUR", Rows: []render.RowJSON{{Donor: "DNK"}}},
		{AsOf: asOf, Target: render.TargetJSON{ID: "t", Name: fake}, Notes: []string{fake, asOf}, Dataset: fake},
	} {
		body, err := marshal(j)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := etagWithoutAsOf(body, asOf)
		j.AsOf = ""
		noTime, err := marshal(j)
		if err != nil {
			t.Fatal(err)
		}
		if want := httpx.ETag(noTime); !ok || got != want {
			t.Fatalf("ok %v, ETag %s, want %s of\n%s", ok, got, want, noTime)
		}
		if bytes.Equal(body, noTime) {
			t.Fatal("as_of not in the body")
		}
	}
}
