package httpx

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
)

// ParseReportRequest reads a report's query parameters (currency, as_of,
// key, key_year, dataset); it ignores any others. explicit tells whether
// as_of was given, which makes the report reproducible and cacheable.
func ParseReportRequest(target string, v url.Values) (req app.ReportRequest, explicit bool, err error) {
	req = app.ReportRequest{Target: target, Currency: strings.ToUpper(strings.TrimSpace(v.Get("currency"))),
		Key: strings.TrimSpace(v.Get("key")), Datasets: strings.TrimSpace(v.Get("dataset"))}
	if req.Currency == "" {
		req.Currency = "EUR"
	}
	if len(req.Currency) != 3 {
		return req, false, fairshare.FieldError("currency", fmt.Sprintf("%q is not an ISO 4217 code", req.Currency))
	}
	if req.Key == fairshare.KeyCustom {
		return req, false, fairshare.FieldError("key", "custom weights cannot be given over HTTP yet (want gdp, population or equal)")
	}
	if ky := strings.TrimSpace(v.Get("key_year")); ky != "" {
		n, err := strconv.Atoi(ky)
		if err != nil || n < 1900 || n > 2200 {
			return req, false, fairshare.FieldError("key_year", fmt.Sprintf("%q: want a year such as 2023", ky))
		}
		req.KeyYear = n
	}
	s := strings.TrimSpace(v.Get("as_of"))
	if req.AsOf, err = fairshare.ParseAsOf(s); err != nil {
		return req, false, fairshare.FieldError("as_of", err.Error())
	}
	return req, s != "", nil
}
