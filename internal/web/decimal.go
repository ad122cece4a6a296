package web

import (
	"strings"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/ledgerio"
)

// pageStyle is the number style of amounts typed into a form: the page's
// language says it (Danish 1.000,50; English 1,000.50), so "1.000" on a
// Danish page is a thousand and on an English page one.
func pageStyle(lang string) fairshare.NumberStyle {
	if lang == "da" {
		return fairshare.DecimalComma
	}
	return fairshare.DecimalPoint
}

// canonicalAmount returns the patch with a changed amount rewritten from the
// page's style to the plain form the patch rules read (the form keeps what
// the user typed).
func canonicalAmount(patch app.ContributionPatch, base fairshare.Contribution, lang string) (app.ContributionPatch, error) {
	p := app.ContributionPatch{}
	for k, v := range patch {
		p[k] = v
	}
	v, ok := p["amount"]
	if !ok {
		return p, nil
	}
	cur := base.Currency
	if c, ok := p["currency"]; ok {
		cur = strings.ToUpper(strings.TrimSpace(c))
	}
	a, err := fairshare.ParseAmountStyle(v, cur, pageStyle(lang))
	if err != nil {
		return p, fairshare.FieldError("amount", err.Error())
	}
	p["amount"] = a.Format(cur)
	return p, nil
}

// canonicalFormAmount rewrites the amount of a new entry typed on a page
// in the page's style to the plain form. An amount that does not parse is
// left for the validation to name (with the currency checked first).
func canonicalFormAmount(j *ledgerio.JSONContribution, lang string) error {
	cur := strings.ToUpper(strings.TrimSpace(j.Currency))
	if len(cur) != 3 || strings.TrimSpace(j.Amount) == "" {
		return nil
	}
	a, err := fairshare.ParseAmountStyle(j.Amount, cur, pageStyle(lang))
	if err != nil {
		return fairshare.FieldError("amount", err.Error())
	}
	j.Amount = a.Format(cur)
	return nil
}
