package app

import (
	"context"

	"github.com/fairshare/fairshare"
)

// TargetHistory lists every recorded definition of a target, oldest first,
// with who, when and why.
func (a *App) TargetHistory(ctx context.Context, id string) ([]fairshare.RefVersion, error) {
	return a.store.RefHistory(ctx, "target", id)
}

// DatasetHistory lists every recorded description of a dataset.
func (a *App) DatasetHistory(ctx context.Context, id string) ([]fairshare.RefVersion, error) {
	return a.store.RefHistory(ctx, "dataset", id)
}
