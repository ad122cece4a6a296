package app

import (
	"context"

	"github.com/fairshare/fairshare"
)

// RestoreContribution brings back a deleted entry as a new version holding
// what the entry held before its deletion, with who and why; base as for
// EditContribution. An entry that is not deleted is ECONFLICT.
func (a *App) RestoreContribution(ctx context.Context, id string, base int, ch fairshare.Change) (fairshare.Contribution, error) {
	if err := fairshare.CheckReason(ch.Reason); err != nil {
		return fairshare.Contribution{}, err
	}
	ref, err := a.Reference(ctx)
	if err != nil {
		return fairshare.Contribution{}, err
	}
	out, err := a.store.UpdateContribution(ctx, id, base, ch, func(cur fairshare.Contribution) (fairshare.Contribution, error) {
		if err := canWrite(ref, ch, cur.Dataset); err != nil {
			return cur, err
		}
		if !cur.Deleted {
			return cur, fairshare.Errorf(fairshare.ECONFLICT, "contribution %s is not deleted", id)
		}
		cur.Deleted = false
		return cur, nil
	})
	if err != nil {
		return out, err
	}
	return out, a.refresh(ctx)
}
