package fairshare

// Snapshot is everything a store holds that its embedded reference data does
// not restore: every version of every contribution, rates, user-defined
// targets and datasets, users and the audit log. Backups, bundles and copies
// carry it.
type Snapshot struct {
	Versions []Contribution
	Rates    []Rate
	Targets  []Target
	Datasets []Dataset
	Users    []User
	Audit    []AuditEntry
	// RefVersions are the recorded definitions of user targets and
	// datasets (their history); older snapshots have none.
	RefVersions []RefVersion
}

// SnapshotCounts says how many items of each kind a restore added (the rest
// were already there).
type SnapshotCounts struct {
	Versions, Rates, Targets, Datasets, Users, Audit int
}
