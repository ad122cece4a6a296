package web

import "strings"

// urlTitleMarker starts a source title that fairshare's data took from the
// source's address because the page itself could not be read. The marker
// is ours, so it is shown in the page's language; the title after it is the
// source's own and stays as written.
const urlTitleMarker = "(title taken from the URL)"

// splitTitle returns the marker in lang ("" when s has none) and the
// source's own title.
func splitTitle(lang, s string) (marker, rest string) {
	rest, ok := strings.CutPrefix(s, urlTitleMarker)
	if !ok {
		return "", s
	}
	return T(lang, "title.fromurl"), strings.TrimSpace(rest)
}

// localTitle is s with its marker, if any, in lang.
func localTitle(lang, s string) string {
	m, rest := splitTitle(lang, s)
	if m == "" {
		return s
	}
	return m + " " + rest
}

// TitleMarker is the marker of a source title in the page's language.
func (p *page) TitleMarker(s string) string { m, _ := splitTitle(p.Lang, s); return m }

// TitleRest is a source title without fairshare's marker.
func (p *page) TitleRest(s string) string { _, r := splitTitle(p.Lang, s); return r }

// LocalTitle is a source title with fairshare's marker in the page's language.
func (p *page) LocalTitle(s string) string { return localTitle(p.Lang, s) }
