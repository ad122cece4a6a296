package app

import (
	"context"
	"slices"
	"sync"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/refdata"
)

// Who may write into which dataset (docs/security.md):
//   - shipped datasets (kiel-r29, dk-mod, ...) change only with a release,
//     or through an admin's import;
//   - a new dataset is created explicitly by an admin ('datasets add');
//     naming one that does not exist creates nothing;
//   - editors write to "user" and to datasets an admin opened to them
//     (open_to_editors, or their name in editors).
// A change without a role is the operator on the command line.

// shippedDatasets are the datasets that come with the program, decoded
// once (every report asks); callers must not change the map.
var shippedDatasets = sync.OnceValue(func() map[string]bool {
	out := map[string]bool{}
	if ds, err := refdata.Datasets(); err == nil {
		for _, d := range ds {
			out[d.ID] = true
		}
	}
	return out
})

// canWrite checks that the author of ch may write into dataset ds.
func canWrite(ref *Reference, ch fairshare.Change, ds string) error {
	if ch.Role == "" || ds == fairshare.DefaultDataset {
		return nil
	}
	d, ok := ref.Dataset(ds)
	if !ok {
		return fairshare.Errorf(fairshare.EFORBIDDEN, "no dataset %q: an admin creates datasets explicitly (fairshare datasets add)", ds)
	}
	if ch.Role == fairshare.Admin {
		return nil
	}
	if shippedDatasets()[ds] {
		return fairshare.Errorf(fairshare.EFORBIDDEN, "%s is a shipped dataset: it changes only with a release or an admin's import", ds)
	}
	if ch.Role != fairshare.Editor || !(d.OpenToEditors || slices.Contains(d.Editors, ch.Author)) {
		return fairshare.Errorf(fairshare.EFORBIDDEN, "dataset %s is not open to %s: an admin opens it (fairshare datasets add %s --open)", ds, ch.Author, ds)
	}
	return nil
}

// canWriteAll checks every dataset cs write into.
func (a *App) canWriteAll(ctx context.Context, ch fairshare.Change, cs []fairshare.Contribution) error {
	if ch.Role == "" {
		return nil
	}
	ref, err := a.Reference(ctx)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for i := range cs {
		if ds := cs[i].Dataset; !seen[ds] {
			seen[ds] = true
			if err := canWrite(ref, ch, ds); err != nil {
				return err
			}
		}
	}
	return nil
}

// AddDataset creates or redescribes a dataset others may then write into
// (admins; the command line). Shipped datasets are described by releases
// and are refused. Every definition is kept as a version with who and why.
func (a *App) AddDataset(ctx context.Context, d fairshare.Dataset, ch fairshare.Change) error {
	if ch.Role != "" && ch.Role != fairshare.Admin {
		return fairshare.Errorf(fairshare.EFORBIDDEN, "only an admin creates or changes datasets")
	}
	if !fairshare.ValidID(d.ID) {
		return fairshare.FieldError("id", fairshare.InvalidIDError(d.ID).Error())
	}
	if shippedDatasets()[d.ID] {
		return fairshare.Errorf(fairshare.EFORBIDDEN, "%s is a shipped dataset: it is described by the release", d.ID)
	}
	if d.Name == "" {
		return fairshare.FieldError("name", "required")
	}
	if d.SupplementOf == d.ID {
		return fairshare.FieldError("supplement_of", "a dataset cannot supplement itself")
	}
	if err := fairshare.CheckReason(ch.Reason); err != nil {
		return err
	}
	return a.store.PutDatasetBy(ctx, d, ch)
}
