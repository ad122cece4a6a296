package web

import (
	"strings"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
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

// canonicalAmount rewrites a changed amount in a patch from the page's
// style to the plain form the patch rules read.
func canonicalAmount(p app.ContributionPatch, base fairshare.Contribution, lang string) error {
	v, ok := p["amount"]
	if !ok {
		return nil
	}
	cur := base.Currency
	if c, ok := p["currency"]; ok {
		cur = strings.ToUpper(strings.TrimSpace(c))
	}
	a, err := fairshare.ParseAmountStyle(v, cur, pageStyle(lang))
	if err != nil {
		return fairshare.FieldError("amount", err.Error())
	}
	p["amount"] = a.Format(cur)
	return nil
}
