package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/fairshare/fairshare"
)

type policyRow struct {
	Donor, Name, Status, StatusText, StatusClass, Since, Scope, URL, Publisher string
	Link                                                                       string
	// ScopeEN marks a statement shown in English on a Danish page.
	ScopeEN bool
}

type policiesData struct {
	Date, DateText, Heading, DateLabel, Show, Since string
	Rows                                            []policyRow
}

// policyWords are this page's few words; the rest come from i18n.go.
var policyWords = map[string][2]string{
	"heading": {"Weapon-use rules in force on %s", "Regler for brug af donerede våben i kraft den %s"},
	"date":    {"Date", "Dato"},
	"show":    {"Show", "Vis"},
	"since":   {"Since", "Siden"},
}

func policyWord(lang, key string) string {
	w := policyWords[key]
	if lang == "da" {
		return w[1]
	}
	return w[0]
}

// policies serves /policies?as_of=YYYY-MM-DD: each donor's rule on using its
// weapons against targets in Russia on that date (default today), by
// App.PoliciesInForce, the rule the CLI and the API use.
func (h *handler) policies(r *http.Request, p *page) (string, error) {
	lang := p.Lang
	day := fairshare.DateOf(time.Now().UTC())
	if s := r.URL.Query().Get("as_of"); s != "" {
		d, err := fairshare.ParseDate(s)
		if err != nil {
			return "", fairshare.FieldError("as_of", err.Error())
		}
		day = d
	}
	states, err := h.app.PoliciesInForce(r.Context(), day, false)
	if err != nil {
		return "", err
	}
	ref, err := h.app.Reference(r.Context())
	if err != nil {
		return "", err
	}
	d := policiesData{Date: day.String(), DateText: FormatDate(lang, day), DateLabel: policyWord(lang, "date"),
		Show: policyWord(lang, "show"), Since: policyWord(lang, "since")}
	d.Heading = fmt.Sprintf(policyWord(lang, "heading"), d.DateText)
	for _, s := range states {
		name := s.Name
		if dn := ref.ByCode[s.Donor]; dn != nil {
			name = dn.Name(lang)
		}
		since := ""
		if sd, err := fairshare.ParseDate(s.Since); err == nil {
			since = FormatDate(lang, sd)
		}
		scope, scopeEN := s.Scope, false
		if lang == "da" && s.ScopeDA != "" {
			scope = s.ScopeDA
		} else if lang == "da" && s.Since != "" {
			scopeEN = true
		}
		if lang == "da" && s.Since == "" {
			scope = "ingen udtalelse registreret"
			if fr, err := fairshare.ParseDate(s.FirstRecorded); err == nil {
				scope = "ingen udtalelse endnu (første registrerede: " + FormatDate(lang, fr) + ")"
			}
		}
		d.Rows = append(d.Rows, policyRow{Donor: s.Donor, Name: name, Status: s.Status, StatusText: T(lang, "policy."+s.Status),
			StatusClass: "st-" + s.Status, Since: since, Scope: scope, ScopeEN: scopeEN, URL: s.Source.URL, Publisher: s.Source.Publisher,
			Link: p.Link("/donors/" + s.Donor)})
	}
	p.Title, p.Data = d.Heading, d
	return "policies", nil
}
