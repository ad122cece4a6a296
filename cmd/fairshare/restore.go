package main

import (
	"fmt"

	"github.com/fairshare/fairshare"
)

func init() {
	register("contributions restore", "bring back a deleted contribution (records a new version)", runContribRestore)
}

func runContribRestore(e *env, args []string) error {
	f := newFlags(e, "contributions restore", "ID --reason TEXT", `Brings back a deleted contribution: records a new version holding what the
entry held before it was deleted, with your name and the reason. The
deletion stays in the history ('contributions history ID').`, false)
	reason := f.String("reason", "", "why (required; recorded in the history)")
	arg, err := f.one(args, "one ID")
	if err != nil {
		return err
	}
	if *reason == "" {
		return usagef("--reason is required: say why the entry is restored (it is kept in the history)")
	}
	a, err := f.open()
	if err != nil {
		return err
	}
	defer a.Close()
	id, err := a.ResolveContributionID(e.ctx, arg)
	if err != nil {
		return err
	}
	c, err := a.RestoreContribution(e.ctx, id, 0, fairshare.Change{Author: author(e), Reason: *reason})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "restored %s as version %d\n", c.ID, c.Version)
	return nil
}
