package fairshare

import "fmt"

// VersionConflict is the error of a change made against a version of an
// entry that is no longer its newest: someone changed it since. Current is
// the newest version, so the person can see what changed and decide again.
// Its code is ECONFLICT.
type VersionConflict struct {
	ID      string
	Base    int // the version the change was made against
	Current Contribution
}

func (e *VersionConflict) Error() string {
	return fmt.Sprintf("contribution %s changed since version %d: it is at version %d now (by %s); make the change against that version",
		e.ID, e.Base, e.Current.Version, e.Current.Author)
}

// Unwrap gives the coded error, so ErrorCode says ECONFLICT.
func (e *VersionConflict) Unwrap() error { return &Error{Code: ECONFLICT, Message: e.Error()} }
