package verify

import (
	"fmt"
	"net/url"
	"strings"
)

// governmentWords mark a publisher as a government body (ministry,
// government office, parliament, alliance). Matched, lower case, in the
// publisher's own name: the part before any "(" or ", reported", so that
// "Euromaidan Press (citing Danish MoD)" is the press and
// "Forsvarsministeriet (via regeringen.dk)" the ministry.
var governmentWords = []string{
	"ministry", "ministeriet", "ministerium", "ministerie", "ministère", "ministero", "ministerstvo", "ministerstwo",
	"government", "regeringen", "regjeringen", "bundesregierung", "gouvernement", "governo", "gobierno",
	"department of", "white house", "élysée", "elysee", "prime minister's office", "folketinget", "bundestag",
	"house of commons", "nato", "secretary general", "forsvaret", "defence command", "statsministeriet",
}

// governmentHosts are the domains (and their subdomains) of government
// bodies' own pages; hosts under a .gov/.gouv/.gob/.mil second-level domain
// count too (gov.uk, gouv.fr, gov.pl, defensa.gob.es).
var governmentHosts = []string{
	"fmn.dk", "regeringen.dk", "um.dk", "stm.dk", "ft.dk", "fm.dk", "forsvaret.dk", "ukraine.um.dk", "denmark.dk",
	"nato.int", "europa.eu", "bundesregierung.de", "bmvg.de", "auswaertiges-amt.de", "bundestag.de",
	"elysee.fr", "government.nl", "rijksoverheid.nl", "defensie.nl", "regjeringen.no", "government.se", "regeringen.se",
	"valtioneuvosto.fi", "defmin.fi", "um.fi", "canada.ca", "gc.ca", "governo.it", "difesa.it", "esteri.it",
	"belgium.be", "premier.be", "diplomatie.belgium.be", "vlada.cz", "mzv.cz", "army.cz", "mod.gov.lv", "kam.lt",
	"urm.lt", "lrv.lt", "mkm.ee", "kaitseministeerium.ee", "vm.ee", "portugal.gov.pt", "defensa.gob.es",
	"lamoncloa.gob.es", "whitehouse.gov", "state.gov", "defense.gov", "president.gov.ua", "mil.gov.ua",
	"ecb.europa.eu", "ec.europa.eu",
}

// IsGovernmentPublisher reports whether a publisher names a government body.
func IsGovernmentPublisher(publisher string) bool {
	own := strings.ToLower(publisher)
	if i := strings.Index(own, "("); i >= 0 {
		own = own[:i]
	}
	if i := strings.Index(own, ", reported"); i >= 0 {
		own = own[:i]
	}
	for _, w := range governmentWords {
		if strings.Contains(own, w) {
			return true
		}
	}
	return false
}

// IsGovernmentURL reports whether a URL is a government body's own page.
func IsGovernmentURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	host = strings.TrimPrefix(host, "www.")
	for _, h := range governmentHosts {
		if host == h || strings.HasSuffix(host, "."+h) {
			return true
		}
	}
	labels := strings.Split(host, ".")
	for _, l := range labels[:max(0, len(labels)-1)] {
		switch l {
		case "gov", "gouv", "gob", "mil", "govt":
			return true
		}
	}
	return len(labels) > 0 && (labels[len(labels)-1] == "gov" || labels[len(labels)-1] == "mil")
}

// CheckGovernmentSource reports a source credited to a government body
// whose URL is not a government page, or "".
func CheckGovernmentSource(publisher, rawURL string) string {
	if !IsGovernmentPublisher(publisher) || IsGovernmentURL(rawURL) {
		return ""
	}
	return fmt.Sprintf("publisher %q is a government body but the URL %s is not a government page: name the page's own publisher (e.g. the newspaper, 'citing' the ministry)", publisher, rawURL)
}
