package fairshare

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Role is what a user may do. Each role may do what the roles before it may.
type Role string

const (
	Viewer Role = "viewer" // read
	Editor Role = "editor" // add and correct contributions, import
	Admin  Role = "admin"  // users, targets, datasets, reference data
)

// ParseRole validates a role name.
func ParseRole(s string) (Role, error) {
	switch Role(s) {
	case Viewer, Editor, Admin:
		return Role(s), nil
	}
	return "", Errorf(EINVALID, "unknown role %q (want viewer, editor or admin)", s)
}

// Allows reports whether r may act as need.
func (r Role) Allows(need Role) bool {
	rank := map[Role]int{Viewer: 1, Editor: 2, Admin: 3}
	return rank[r] >= rank[need] && rank[need] > 0
}

// User is someone who may read or write through the API and the web page.
// Secrets are kept only as hashes.
type User struct {
	Name         string    `json:"name"`
	Role         Role      `json:"role"`
	Disabled     bool      `json:"disabled"`
	CreatedAt    time.Time `json:"created_at"`
	TokenHash    string    `json:"token_hash,omitempty"`    // sha256 of the API token, hex
	PasswordHash string    `json:"password_hash,omitempty"` // bcrypt
}

// ReservedNames are the names the command line and the shipped data write
// as: no user may take them, or their changes would pass for those.
var ReservedNames = []string{"cli", "fairshare"}

// CheckUserName checks a new user's name: short, plain and not reserved.
func CheckUserName(name string) error {
	if name == "" || len(name) > 64 {
		return FieldError("name", "want 1 to 64 characters")
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return FieldError("name", fmt.Sprintf("%q: use letters, digits, '-', '_' and '.'", name))
		}
	}
	for _, r := range ReservedNames {
		if strings.EqualFold(name, r) {
			return FieldError("name", fmt.Sprintf("%q is reserved (the command line and the shipped data write as %s)", name, strings.Join(ReservedNames, " and ")))
		}
	}
	return nil
}

// AuditEntry is one recorded change: who, when, what and why.
type AuditEntry struct {
	At      time.Time `json:"at"`
	User    string    `json:"user"`
	Action  string    `json:"action"` // e.g. contribution.add, contribution.edit, target.add, user.add
	Subject string    `json:"subject"`
	Reason  string    `json:"reason"`
	Detail  string    `json:"detail,omitempty"`
}

// AuditFilter selects audit entries.
type AuditFilter struct {
	Since time.Time
	User  string
	Limit int
}

// Accounts stores users and web sessions.
type Accounts interface {
	AddUser(ctx context.Context, u User) error
	Users(ctx context.Context) ([]User, error)
	User(ctx context.Context, name string) (User, error)
	UserByTokenHash(ctx context.Context, hash string) (User, error)
	UpdateUser(ctx context.Context, u User) error
	AddSession(ctx context.Context, idHash, user string, expires time.Time) error
	Session(ctx context.Context, idHash string) (User, error)
	DeleteSession(ctx context.Context, idHash string) error
}

// Auditor records and lists changes. Ledger changes are read from the
// versions themselves; other changes are recorded as entries.
type Auditor interface {
	AddAudit(ctx context.Context, e AuditEntry) error
	Audit(ctx context.Context, f AuditFilter) ([]AuditEntry, error)
}
