package fairshare

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
)

func TestCheckURL(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"https://example.org/a", true},
		{"http://example.org", true},
		{"https://example.org/a?b=c#d", true},
		{"https://exa mple.org/x", false},
		{"https://example.org/a b", false},
		{"javascript:alert(1)", false},
		{"JavaScript:alert(1)", false},
		{"data:text/html,<script>", false},
		{"ftp://example.org/", false},
		{"https://", false},
		{"https:///path", false},
		{"https:example.org", false},
		{"//example.org/a", false},
		{"https://example.org/\x00", false},
		{"https://example.org/\u200b", true}, // a format character in a path is odd but harmless
		{"", false},
	}
	for _, tt := range tests {
		if err := CheckURL("source_url", tt.in); (err == nil) != tt.ok {
			t.Errorf("CheckURL(%q) = %v, want ok %v", tt.in, err, tt.ok)
		}
	}
}

func TestCheckReason(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"typo in the amount", true},
		{"ok", true},
		{"æ", true},
		{"", false},
		{"   ", false},
		{"\u200b", false},
		{"\u200b\u200c\u200d\u2060\ufeff", false},
		{"\u3164", false},
		{"\u2800", false},
		{"\u00a0\t\n", false},
		{"a\x00b", false},
		{"\xff\xfe", false},
		{strings.Repeat("x", MaxText+1), false},
	}
	for _, tt := range tests {
		if err := CheckReason(tt.in); (err == nil) != tt.ok {
			t.Errorf("CheckReason(%q) = %v, want ok %v", tt.in, err, tt.ok)
		}
	}
}

func TestCheckText(t *testing.T) {
	for _, s := range []string{"a\x00", "\xff", "\xc3"} {
		if CheckText("description", s) == nil {
			t.Errorf("CheckText(%q) accepted", s)
		}
		if c := CleanText(s); CheckText("description", c) != nil {
			t.Errorf("CleanText(%q) = %q, still refused", s, c)
		}
	}
}

func TestCheckUserName(t *testing.T) {
	for name, ok := range map[string]bool{"anne": true, "cli": false, "CLI": false, "fairshare": false, "a b": false, "": false, "x\x00": false} {
		if err := CheckUserName(name); (err == nil) != ok {
			t.Errorf("CheckUserName(%q) = %v, want ok %v", name, err, ok)
		}
	}
}

func TestCheckSourceURLAgreesWithCheckURL(t *testing.T) {
	for _, u := range []string{"https://example.org/a", "http://x.dk", "https://exa mple.org/x", "javascript:alert(1)",
		"https://example.org:8443/a", "https://user@example.org/", "https://example.org/a%20b", "https://example.org/%zz",
		"https://-/", "https://./x", "https://[::1]/", "https://example.org/\x7f", "https://ex\u00e6mple.dk/"} {
		a, b := CheckSourceURL(u), CheckURL("source_url", u)
		if (a == nil) != (b == nil) {
			t.Errorf("%q: CheckSourceURL %v, CheckURL %v", u, a, b)
		}
		if (a == nil) != (CheckSourceURL([]byte(u)) == nil) {
			t.Errorf("%q: string and bytes disagree", u)
		}
	}
}

func FuzzCheckSourceURL(f *testing.F) {
	for _, u := range []string{"https://example.org/a", "https://exa mple.org/x", "http://a.b/%41", "https://-x/"} {
		f.Add(u)
	}
	f.Fuzz(func(t *testing.T, u string) {
		if u == "" {
			return
		}
		if plainURL(u) && CheckURL("source_url", u) != nil {
			t.Fatalf("%q: the fast path accepts what the full check refuses: %v", u, CheckURL("source_url", u))
		}
	})
}

// TestNaturalIDUnchanged: the natural id is the hash of the same bytes as
// when it was built with fmt, so ids already recorded stay the ids of
// their rows (importing a file again adds nothing).
func TestNaturalIDUnchanged(t *testing.T) {
	old := func(c *Contribution) string {
		h := sha256.New()
		fmt.Fprintf(h, "%s|%s|%s|%s|%d|%s|%s|%s|%s|%s", c.Dataset, c.Donor, c.Recipient, c.Date,
			int64(c.Amount), c.Currency, c.Category, c.Status, c.Source.URL, c.Description)
		u := make([]byte, 16)
		copy(u, h.Sum(nil))
		u[6] = (u[6] & 0x0f) | 0x50
		u[8] = (u[8] & 0x3f) | 0x80
		s := hex.EncodeToString(u)
		return s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:32]
	}
	for _, c := range []Contribution{
		{},
		{Dataset: "user", Donor: "DNK", Recipient: "UKR", Date: MustDate("2024-06-14"), Amount: 123456, Currency: "DKK",
			Category: InKind, Status: Delivered, Source: Source{URL: "https://example.org/a"}, Description: "F-16 | spare parts"},
		{Dataset: "x", Donor: "EUI", Recipient: "UKR", Date: MustDate("1999-12-31"), Amount: -5, Currency: "JPY",
			Category: Financial, Status: Pledged, Source: Source{URL: "https://e.org/" + strings.Repeat("long/", 80)}, Description: "æøå \xff\x00 " + strings.Repeat("x", 300)},
	} {
		if got, want := c.NaturalID(), old(&c); got != want {
			t.Errorf("NaturalID(%+v) = %s, want %s", c, got, want)
		}
	}
}
