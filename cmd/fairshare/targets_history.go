package main

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/render"
)

func init() {
	register("targets history", "every recorded definition of a target (who, when, why)", runTargetsHistory)
}

func runTargetsHistory(e *env, args []string) error {
	f := newFlags(e, "targets history", "ID", `Lists every definition of a target ever recorded, oldest first, with who
recorded it, when and why. A new definition never overwrites the one before:
'report ID --as-of TIME' uses the definition in force at TIME.`, true)
	arg, err := f.one(args, "one target ID")
	if err != nil {
		return err
	}
	a, err := f.open()
	if err != nil {
		return err
	}
	defer a.Close()
	hs, err := a.TargetHistory(e.ctx, arg)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, h := range hs {
		what := "deleted"
		if !h.Deleted {
			var t fairshare.Target
			if err := json.Unmarshal([]byte(h.Body), &t); err == nil {
				t.Normalize()
				what = fmt.Sprintf("%s %s", t.Written().AmountText, t.Currency)
				if t.GDPRate != "" {
					what = "gdp_rate " + t.GDPRate
				}
			}
		}
		rows = append(rows, []string{fmt.Sprint(h.Version), h.RecordedAt.Format(time.RFC3339), what, h.Author, h.Reason})
	}
	return render.Table(e.stdout, *f.format, []string{"version", "recorded", "definition", "by", "reason"}, rows)
}
