package fairshare

import (
	"context"
	"time"
)

// ContributionFilter selects current contributions (the newest version of
// each, not deleted) as the ledger stood at AsOf.
type ContributionFilter struct {
	AsOf     time.Time // zero: now
	Donor    string
	Dataset  string
	From, To Date // contribution dates, inclusive; zero: open
	Limit    int  // 0: all
	Offset   int
}

// ImportResult counts what an import did.
type ImportResult struct {
	Added   int `json:"added"`
	Skipped int `json:"skipped"` // already recorded (same natural id)
}

// Change is who made a change to the ledger and why.
type Change struct {
	Author string
	Reason string
	// Role is the author's role when the change comes through the API or
	// the dashboard; the App checks it against the dataset written to.
	// Empty is the operator on the command line, who may write anywhere.
	Role Role
	At   time.Time // zero: now
	// Progress, if set, is told how many entries of a large batch are
	// written so far (for a progress bar); it must be cheap.
	Progress func(done int)
}

// Repaired is one entry a text repair fixed: its new version and the fields
// whose bad bytes were replaced.
type Repaired struct {
	ID      string   `json:"id"`
	Version int      `json:"version"`
	Fields  []string `json:"fields"`
}

// Ledger stores contributions as an append-only list of versions.
type Ledger interface {
	// RepairTexts records a new version, by ch, of every entry whose newest
	// version holds text that is not valid UTF-8 or holds a NUL byte.
	RepairTexts(ctx context.Context, ch Change) ([]Repaired, error)
	// LedgerDatasets lists the datasets the ledger holds entries of.
	LedgerDatasets(ctx context.Context) ([]string, error)
	// AddContributions records new entries in one transaction: all or none.
	// Entries whose id is already recorded are skipped, never altered.
	AddContributions(ctx context.Context, cs []Contribution, ch Change) (ImportResult, error)
	// AmendContribution records a new version of an existing entry.
	AmendContribution(ctx context.Context, c Contribution, ch Change) (Contribution, error)
	// DeleteContribution records a deletion as a new version.
	DeleteContribution(ctx context.Context, id string, ch Change) error
	// UpdateContribution records the next version of id in one transaction:
	// it reads the newest version (deleted or not), refuses with a
	// *VersionConflict when base > 0 and the newest is not version base,
	// and records what change makes of the newest. A concurrent writer
	// makes it read and apply again, so no change is lost or overwritten.
	UpdateContribution(ctx context.Context, id string, base int, ch Change, change func(cur Contribution) (Contribution, error)) (Contribution, error)
	// ContributionIDs returns up to limit ids (of entries current or
	// deleted) that begin with prefix, in order.
	ContributionIDs(ctx context.Context, prefix string, limit int) ([]string, error)
	Contribution(ctx context.Context, id string, asOf time.Time) (Contribution, error)
	Contributions(ctx context.Context, f ContributionFilter) ([]Contribution, error)
	History(ctx context.Context, id string) ([]Contribution, error)
}

// Reference stores the cited reference data.
type Reference interface {
	Donors(ctx context.Context) ([]Donor, error)
	Indicators(ctx context.Context) ([]Indicator, error)
	Rates(ctx context.Context) ([]Rate, error)
	// AddRates adds rates for periods not yet recorded and returns how many.
	AddRates(ctx context.Context, rs []Rate) (int, error)
	Targets(ctx context.Context) ([]Target, error)
	PutTarget(ctx context.Context, t Target) error
	Datasets(ctx context.Context) ([]Dataset, error)
	PutDataset(ctx context.Context, d Dataset) error
	Policies(ctx context.Context) ([]Policy, error)
	// Targets and dataset descriptions are versioned like contributions:
	// PutDatasetBy records a new description with who and why (PutTarget
	// and the audited AddTarget record target versions), TargetAsOf reads
	// the definition in force at a time, RefHistory every version of a
	// "target" or "dataset".
	PutDatasetBy(ctx context.Context, d Dataset, ch Change) error
	TargetAsOf(ctx context.Context, id string, asOf time.Time) (Target, error)
	RefHistory(ctx context.Context, kind, id string) ([]RefVersion, error)
}

// Store is everything fairshare keeps. SQLite and PostgreSQL implement it and
// pass the same test suite.
type Store interface {
	Ledger
	Reference
	Accounts
	Auditor
	// ReferenceStamp changes with every write of reference data (rates,
	// targets, datasets), whoever makes it: caches of it compare stamps.
	ReferenceStamp(ctx context.Context) (string, error)
	// Snapshot reads everything beyond the embedded reference data,
	// consistently; Restore adds what a snapshot holds that the store
	// lacks, in one transaction.
	Snapshot(ctx context.Context) (Snapshot, error)
	Restore(ctx context.Context, snap Snapshot) (SnapshotCounts, error)
	// LoadReference replaces donors, indicators, policies, built-in targets
	// and shipped dataset descriptions, and adds rates (one transaction).
	LoadReference(ctx context.Context, r ReferenceData) error
	// Meta reads and writes small facts about the store (e.g. the version of
	// the reference data loaded).
	Meta(ctx context.Context, key string) (string, error)
	SetMeta(ctx context.Context, key, value string) error
	// LedgerGroups sums the current contributions as of asOf (zero: now)
	// per dataset, donor, currency, day, status and category: one grouped
	// query, what pages and statistics read instead of rows.
	LedgerGroups(ctx context.Context, asOf time.Time) ([]LedgerGroup, error)
	// AddTarget adds or replaces a user-defined target and records e in
	// the audit log in the same transaction. Built-in ids are ECONFLICT.
	AddTarget(ctx context.Context, t Target, e AuditEntry) error
	Close() error
}

// ReferenceData is one complete set of reference data.
type ReferenceData struct {
	Donors     []Donor
	Indicators []Indicator
	Rates      []Rate
	Targets    []Target
	Datasets   []Dataset
	Policies   []Policy
}
