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
	return a.setDeleted(ctx, id, base, ch, false)
}
