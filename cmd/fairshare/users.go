package main

import (
	"bufio"
	"fmt"
	"strings"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/auth"
	"github.com/fairshare/fairshare/internal/render"
)

func init() {
	register("users add", "create a user and print its new API token (last line)", runUsersAdd)
	register("users list", "list users and their roles", runUsersList)
	register("users disable", "disable a user (its token and sessions stop working)", runUsersDisable)
	register("users enable", "enable a disabled user", runUsersEnable)
	register("users token", "issue a new API token for a user (the old one stops working)", runUsersToken)
	register("users password", "set a user's web login password (read from standard input)", runUsersPassword)
	register("audit", "list recorded changes: who, when, what and why", runAudit)
}

const rolesDoc = `Roles: viewer (read; what anonymous visitors get unless the server runs
with --no-anonymous), editor (add and correct contributions, import), admin
(users, targets, datasets, reference data). Tokens are random, shown once,
and stored only as a hash.`

func runUsersAdd(e *env, args []string) error {
	f := newFlags(e, "users add", "NAME", "Creates a user and prints a new API token as the last line.\n\n"+rolesDoc, false)
	role := f.String("role", "viewer", "viewer, editor or admin")
	reason := f.String("reason", "", "why (recorded in the audit log)")
	arg, err := f.one(args, "one NAME")
	if err != nil {
		return err
	}
	if err := auth.ValidName(arg); err != nil {
		return usagef("%v", err)
	}
	r, err := fairshare.ParseRole(*role)
	if err != nil {
		return usagef("--role: %v", err)
	}
	a, err := f.open()
	if err != nil {
		return err
	}
	defer a.Close()
	token, err := a.CreateUser(e.ctx, arg, r, author(e), *reason)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "created %s (%s); the token below is shown only once:\n", arg, r)
	fmt.Fprintln(e.stdout, token)
	return nil
}

func runUsersList(e *env, args []string) error {
	f := newFlags(e, "users list", "", "Lists users.\n\n"+rolesDoc, true)
	if _, err := f.parse(args); err != nil {
		return err
	}
	a, err := f.open()
	if err != nil {
		return err
	}
	defer a.Close()
	us, err := a.Users(e.ctx)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, u := range us {
		state := "active"
		if u.Disabled {
			state = "disabled"
		}
		pw := "no"
		if u.PasswordHash != "" {
			pw = "yes"
		}
		rows = append(rows, []string{u.Name, string(u.Role), state, pw, u.CreatedAt.Format(time.RFC3339)})
	}
	return render.Table(e.stdout, *f.format, []string{"name", "role", "state", "password", "created"}, rows)
}

// changeUser loads a user, lets fn change it, stores it and records action
// in the audit log; command names the CLI command for its usage text.
func changeUser(e *env, command, action string, args []string, doc string, fn func(*fairshare.User) (string, error)) error {
	f := newFlags(e, command, "NAME", doc, false)
	reason := f.String("reason", "", "why (recorded in the audit log)")
	arg, err := f.one(args, "one NAME")
	if err != nil {
		return err
	}
	a, err := f.open()
	if err != nil {
		return err
	}
	defer a.Close()
	var out string
	err = a.ChangeUser(e.ctx, arg, action, author(e), *reason, func(u *fairshare.User) error {
		var err error
		out, err = fn(u)
		return err
	})
	if err != nil {
		return err
	}
	if out != "" {
		fmt.Fprintln(e.stdout, out)
	}
	return nil
}

func runUsersDisable(e *env, args []string) error {
	return changeUser(e, "users disable", "user.disable", args, "Disables a user: its token and web sessions stop working.",
		func(u *fairshare.User) (string, error) { u.Disabled = true; return u.Name + " disabled", nil })
}

func runUsersEnable(e *env, args []string) error {
	return changeUser(e, "users enable", "user.enable", args, "Enables a disabled user.",
		func(u *fairshare.User) (string, error) { u.Disabled = false; return u.Name + " enabled", nil })
}

func runUsersToken(e *env, args []string) error {
	return changeUser(e, "users token", "user.token", args, "Issues a new API token (printed as the last line); the old one stops working.",
		func(u *fairshare.User) (string, error) {
			token, hash, err := auth.NewToken()
			u.TokenHash = hash
			return token, err
		})
}

func runUsersPassword(e *env, args []string) error {
	return changeUser(e, "users password", "user.password", args,
		fmt.Sprintf("Sets the web login password, read from the first line of standard input\n(at least %d characters), e.g.  printf '%%s\\n' \"$PW\" | fairshare users password NAME", auth.MinPassword),
		func(u *fairshare.User) (string, error) {
			line, err := bufio.NewReader(e.stdin).ReadString('\n')
			if err != nil && line == "" {
				return "", fmt.Errorf("read password from standard input: %w", err)
			}
			h, err := auth.HashPassword(strings.TrimRight(line, "\r\n"))
			u.PasswordHash = h
			return "password set for " + u.Name, err
		})
}

func runAudit(e *env, args []string) error {
	f := newFlags(e, "audit", "", "Lists changes, newest first: ledger versions (add, edit, delete) and changes to\nusers, targets and reference data, each with who, when and why.", true)
	since := f.String("since", "", "only changes at or after this date or RFC 3339 time")
	user := f.String("user", "", "only changes by this user")
	limit := f.Int("limit", 100, "at most this many entries")
	if _, err := f.parse(args); err != nil {
		return err
	}
	flt := fairshare.AuditFilter{User: *user, Limit: *limit}
	if *since != "" {
		t, err := parseAsOf(*since)
		if err != nil {
			return usagef("--since: %v", err)
		}
		if d, err := fairshare.ParseDate(*since); err == nil {
			t = d.Time()
		}
		flt.Since = t
	}
	a, err := f.open()
	if err != nil {
		return err
	}
	defer a.Close()
	es, err := a.Audit(e.ctx, flt)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, x := range es {
		rows = append(rows, []string{x.At.Format(time.RFC3339), x.User, x.Action, x.Subject, x.Reason, x.Detail})
	}
	return render.Table(e.stdout, *f.format, []string{"at", "user", "action", "subject", "reason", "detail"}, rows)
}
