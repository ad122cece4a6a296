package app

import (
	"context"
	"fmt"
	"slices"

	"github.com/fairshare/fairshare"
)

// Targets lists the targets, built in and user-defined.
func (a *App) Targets(ctx context.Context) ([]fairshare.Target, error) {
	ref, err := a.Reference(ctx)
	if err != nil {
		return nil, err
	}
	return ref.Targets, nil
}

// AddTarget validates t, checks that every donor it names is known, and
// stores it together with its audit entry (one transaction): who added it
// and why. Built-in ids are refused (ECONFLICT).
func (a *App) AddTarget(ctx context.Context, t fairshare.Target, by, reason string) (fairshare.Target, error) {
	if err := t.Validate(); err != nil {
		return t, err
	}
	ref, err := a.Reference(ctx)
	if err != nil {
		return t, err
	}
	for _, c := range append(append([]string{}, t.Participants...), t.OptOuts...) {
		if !ref.KnownDonor(c) {
			return t, fairshare.FieldError("participants", fmt.Sprintf("target %s: unknown donor %q", t.ID, c))
		}
	}
	t = t.Written()
	err = a.store.AddTarget(ctx, t, fairshare.AuditEntry{User: by, Action: "target.add", Subject: t.ID, Reason: reason, Detail: t.Name})
	return t, err
}

// Indicators lists the reference indicators (GDP, population) with their
// sources.
func (a *App) Indicators(ctx context.Context) ([]fairshare.Indicator, error) {
	// Pages ask on every request: the reference data keeps them per stamp.
	ref, err := a.Reference(ctx)
	if err != nil {
		return nil, err
	}
	return slices.Clone(ref.indicators), nil
}
