package app

import (
	"context"

	"github.com/fairshare/fairshare"
)

// RepairTexts records, for every entry whose newest version holds text that
// is not valid UTF-8 or holds a NUL byte (stored before such text was
// refused), a new version with U+FFFD in place of the bad bytes, by ch.
// Older versions are kept as they are.
func (a *App) RepairTexts(ctx context.Context, ch fairshare.Change) ([]fairshare.Repaired, error) {
	out, err := a.store.RepairTexts(ctx, ch)
	if len(out) > 0 {
		if rerr := a.refresh(ctx); err == nil {
			err = rerr
		}
	}
	return out, err
}
