package main

import (
	"fmt"
	"strings"

	"github.com/fairshare/fairshare"
)

func init() {
	register("datasets add", "create (or redescribe) a dataset editors may write into", runDatasetsAdd)
}

func runDatasetsAdd(e *env, args []string) error {
	f := newFlags(e, "datasets add", "ID --name NAME --reason TEXT [--open | --editor NAME...] [--supplement-of DATASET]", `Creates a dataset of contributions, or records a new description of one:
datasets are created explicitly, never by naming one in an import. Editors
write through the API and the dashboard only into 'user' and into datasets
opened to them (--open for every editor, --editor NAME for some); shipped
datasets (kiel-r29, dk-mod, ...) change only with a release or an admin's
import. --supplement-of DATASET counts this dataset with DATASET wherever
a report selects it (only for entries DATASET lacks). Every description is
kept as a version with your name and the reason.`, false)
	name := f.String("name", "", "what the dataset is (required)")
	publisher := f.String("publisher", "", "who publishes the figures")
	url := f.String("url", "", "where they are published (http or https)")
	coverage := f.String("coverage", "", "what the dataset covers")
	supp := f.String("supplement-of", "", "count this dataset with that one when it is selected")
	open := f.Bool("open", false, "every editor may write into it")
	editors := f.String("editor", "", "comma-separated editors who may write into it")
	reason := f.String("reason", "", "why (required; recorded in the history)")
	arg, err := f.one(args, "one ID")
	if err != nil {
		return err
	}
	if *reason == "" {
		return usagef("--reason is required: say why the dataset is created or changed")
	}
	d := fairshare.Dataset{ID: arg, Name: *name, Publisher: *publisher, URL: *url, Coverage: *coverage,
		SupplementOf: *supp, OpenToEditors: *open}
	for _, ed := range strings.Split(*editors, ",") {
		if ed = strings.TrimSpace(ed); ed != "" {
			d.Editors = append(d.Editors, ed)
		}
	}
	a, err := f.open()
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.AddDataset(e.ctx, d, fairshare.Change{Author: author(e), Reason: *reason}); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "dataset %s recorded\n", arg)
	return nil
}
