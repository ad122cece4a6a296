package fairshare

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxText bounds one free-text field (description, source title, reason...).
const MaxText = 4000

// CheckText refuses text that is not valid UTF-8 or holds a NUL byte: such
// values are stored differently by SQLite and refused by PostgreSQL, so they
// would make the ledger differ between stores or stop a copy.
func CheckText(field, s string) error {
	if !utf8.ValidString(s) {
		return FieldError(field, "not valid UTF-8")
	}
	if strings.IndexByte(s, 0) >= 0 {
		return FieldError(field, "contains a NUL byte")
	}
	if len(s) > MaxText {
		return FieldError(field, fmt.Sprintf("longer than %d bytes", MaxText))
	}
	return nil
}

// CheckURL checks a source link: an absolute http(s) URL with a host that
// parses whole (no spaces, no control characters).
func CheckURL(field, s string) error {
	if err := CheckText(field, s); err != nil {
		return err
	}
	if s == "" {
		return FieldError(field, "required: name the source")
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return FieldError(field, fmt.Sprintf("%q: a URL has no spaces or control characters (write %%20)", s))
		}
	}
	u, err := url.Parse(s)
	if err != nil {
		return FieldError(field, fmt.Sprintf("%q is not a URL", s))
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return FieldError(field, fmt.Sprintf("%q is not an http(s) URL", s))
	}
	if u.Host == "" || u.Hostname() == "" || u.Opaque != "" {
		return FieldError(field, fmt.Sprintf("%q has no host", s))
	}
	return nil
}

// CheckReason checks the reason given for a change: required, valid text, and
// at least one visible character (a zero-width space is no reason).
func CheckReason(s string) error {
	if err := CheckText("reason", s); err != nil {
		return err
	}
	if !Visible(s) {
		return FieldError("reason", "required: say why (it is kept in the history and the audit log)")
	}
	return nil
}

// Visible reports whether s has a character a reader can see: not a space,
// not a format or control character (zero-width space, joiners, marks of
// direction, byte order mark) and not one of the blank letters.
func Visible(s string) bool {
	for _, r := range s {
		switch {
		case unicode.IsSpace(r), unicode.IsControl(r), unicode.Is(unicode.Cf, r),
			unicode.Is(unicode.Mn, r), unicode.Is(unicode.Me, r), !unicode.IsGraphic(r):
		case r == 0x115F || r == 0x1160 || r == 0x3164 || r == 0xFFA0 || r == 0x2800 || r == 0x180E:
			// Hangul fillers, the braille blank and the Mongolian vowel separator render as nothing.
		default:
			return true
		}
	}
	return false
}

// CheckTexts checks the text fields of a contribution, the source URL whole.
func (c *Contribution) CheckTexts() error {
	if err := c.CheckBytes(); err != nil {
		return err
	}
	if plainURL(c.Source.URL) {
		return nil // always a valid URL: url.Parse was a tenth of an import's parsing
	}
	return CheckURL("source_url", c.Source.URL)
}

// CheckBytes checks that every text field of c is valid UTF-8 without NUL:
// what any store can hold (a copy between stores checks only this).
func (c *Contribution) CheckBytes() error {
	for _, f := range []struct{ name, v string }{
		{"id", c.ID}, {"donor", c.Donor}, {"recipient", c.Recipient}, {"currency", c.Currency},
		{"dataset", c.Dataset}, {"description", c.Description}, {"source_title", c.Source.Title},
		{"publisher", c.Source.Publisher}, {"source_date", c.Source.Date}, {"source_url", c.Source.URL},
		{"author", c.Author}, {"reason", c.Reason},
	} {
		if err := CheckText(f.name, f.v); err != nil {
			return err
		}
	}
	return nil
}

// Check checks who made a change and why as a store records it: valid
// text, and a visible reason when one is given (the doors require one).
func (ch Change) Check() error {
	if err := CheckText("author", ch.Author); err != nil {
		return err
	}
	if ch.Reason == "" {
		return CheckText("reason", ch.Reason)
	}
	return CheckReason(ch.Reason)
}

// checkTexts checks a target's texts and its source link.
func (t *Target) checkTexts() error {
	for _, f := range []struct{ name, v string }{
		{"id", t.ID}, {"name", t.Name}, {"description", t.Description}, {"currency", t.Currency},
		{"gdp_rate", t.GDPRate}, {"key", t.Key}, {"source.title", t.Source.Title},
		{"source.publisher", t.Source.Publisher}, {"source.date", t.Source.Date},
	} {
		if err := CheckText(f.name, f.v); err != nil {
			return err
		}
	}
	for _, p := range append(append([]string{}, t.Participants...), t.OptOuts...) {
		if err := CheckText("participants", p); err != nil {
			return err
		}
	}
	if t.Source.URL != "" {
		return CheckURL("source.url", t.Source.URL)
	}
	return nil
}

// CheckTexts checks a dataset description's texts and its link.
func (d *Dataset) CheckTexts() error {
	for _, f := range []struct{ name, v string }{
		{"id", d.ID}, {"name", d.Name}, {"publisher", d.Publisher}, {"title", d.Title},
		{"release_date", d.ReleaseDate}, {"licence", d.Licence}, {"coverage", d.Coverage},
	} {
		if err := CheckText(f.name, f.v); err != nil {
			return err
		}
	}
	if d.URL != "" {
		return CheckURL("url", d.URL)
	}
	return nil
}

// CleanText replaces what CheckText refuses (invalid UTF-8, NUL) by U+FFFD,
// the replacement character, and cuts nothing else.
func CleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.ReplaceAll(s, "\x00", "\uFFFD")
}

// CleanBytes returns c with every text field cleaned, and the names of the
// fields that changed.
func (c Contribution) CleanBytes() (Contribution, []string) {
	var changed []string
	for _, f := range []struct {
		name string
		p    *string
	}{
		{"id", &c.ID}, {"donor", &c.Donor}, {"recipient", &c.Recipient}, {"currency", &c.Currency},
		{"dataset", &c.Dataset}, {"description", &c.Description}, {"source_url", &c.Source.URL},
		{"source_title", &c.Source.Title}, {"publisher", &c.Source.Publisher}, {"source_date", &c.Source.Date},
		{"author", &c.Author}, {"reason", &c.Reason},
	} {
		if v := CleanText(*f.p); v != *f.p {
			*f.p = v
			changed = append(changed, f.name)
		}
	}
	return c, changed
}
