package main

import (
	"fmt"
	"strings"

	"github.com/fairshare/fairshare"
)

func init() {
	register("data repair", "fix entries holding text PostgreSQL refuses (NUL, invalid UTF-8), as new versions", runDataRepair)
}

func runDataRepair(e *env, args []string) error {
	f := newFlags(e, "data repair", "[--reason TEXT]", `Finds the contributions whose current version holds text that is not valid
UTF-8 or contains a NUL byte (accepted by versions of fairshare before such
text was refused; PostgreSQL cannot store it) and records for each a new
version with the bad bytes replaced by U+FFFD, with your name and the
reason. Older versions stay as they were: history is never rewritten, and
'db copy' copies them with the same replacement, naming each row.`, false)
	reason := f.String("reason", "repair text that is not valid UTF-8 or holds a NUL byte", "why (recorded in the history)")
	if _, err := f.parse(args); err != nil {
		return err
	}
	a, err := f.open()
	if err != nil {
		return err
	}
	defer a.Close()
	rep, err := a.RepairTexts(e.ctx, fairshare.Change{Author: author(e), Reason: *reason})
	for _, r := range rep {
		fmt.Fprintf(e.stdout, "repaired %s: version %d (%s)\n", r.ID, r.Version, strings.Join(r.Fields, ", "))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d entries repaired\n", len(rep))
	return nil
}
