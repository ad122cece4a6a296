package httpapi

import (
	"bytes"
	"testing"

	"github.com/fairshare/fairshare/internal/render"
)

// TestWithoutAsOf checks the validator's body against marshalling with an
// empty as_of, with strings that mimic the member.
func TestWithoutAsOf(t *testing.T) {
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
		got, ok := withoutAsOf(body, asOf)
		j.AsOf = ""
		want, err := marshal(j)
		if err != nil {
			t.Fatal(err)
		}
		if !ok || !bytes.Equal(got, want) {
			t.Fatalf("ok %v\ngot:\n%s\nwant:\n%s", ok, got, want)
		}
	}
}
