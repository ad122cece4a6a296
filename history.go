package fairshare

import "time"

// RefVersion is one recorded definition of a reference value a user can
// change (a target, a dataset description): like a contribution's versions,
// a new definition never overwrites the one before it.
type RefVersion struct {
	Kind       string    `json:"kind"` // "target" or "dataset"
	ID         string    `json:"id"`
	Version    int       `json:"version"`
	RecordedAt time.Time `json:"recorded_at"`
	Deleted    bool      `json:"deleted,omitempty"`
	Author     string    `json:"author"`
	Reason     string    `json:"reason"`
	// Body is the definition as JSON (a Target or a Dataset).
	Body string `json:"body"`
}
