// Command fairshare keeps the books on military aid to Ukraine and reports,
// ally by ally, fair share, contribution, balance and ratio for a target.
//
//	fairshare <noun> <verb> [flags]
//
// main only calls run, so tests run the same code with their own arguments,
// environment and streams.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/csvio"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// env is what a command runs with.
type env struct {
	ctx    context.Context
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

type command struct {
	summary string
	run     func(e *env, args []string) error
}

// commands maps "noun verb" (or a lone noun) to its implementation.
var commands = map[string]command{}

func register(name, summary string, fn func(e *env, args []string) error) {
	commands[name] = command{summary, fn}
}

// usageError makes the CLI exit with 2 and print usage.
type usageError struct{ msg string }

func (u *usageError) Error() string { return u.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{ctx: ctx, getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(stdout, "")
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if args[0] == "--version" || args[0] == "version" {
		fmt.Fprintln(stdout, "fairshare", version)
		return 0
	}
	name := args[0]
	rest := args[1:]
	cmd, ok := commands[name]
	if len(rest) > 0 {
		if c2, ok2 := commands[name+" "+rest[0]]; ok2 {
			cmd, ok, name, rest = c2, true, name+" "+rest[0], rest[1:]
		}
	}
	if !ok {
		if hasPrefix(name + " ") {
			if len(rest) == 0 || rest[0] == "-h" || rest[0] == "--help" {
				printUsage(stdout, name)
				if len(rest) == 0 {
					return 2
				}
				return 0
			}
			fmt.Fprintf(stderr, "fairshare: unknown command %q\n", name+" "+rest[0])
			printUsage(stderr, name)
			return 2
		}
		fmt.Fprintf(stderr, "fairshare: unknown command %q\n", name)
		printUsage(stderr, "")
		return 2
	}
	err := cmd.run(e, rest)
	code := exitCode(err)
	var ue *usageError
	var ce *csvio.Error
	switch {
	case code == 0:
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "fairshare %s: %s\nRun 'fairshare %s --help' for usage.\n", name, ue.msg, name)
	case errors.As(err, &ce):
		fmt.Fprintln(stderr, ce.Error()) // FILE:LINE: field: reason, as it is
	default:
		fmt.Fprintf(stderr, "fairshare %s: %s\n", name, err)
	}
	return code
}

// exitCodes maps the error codes of error.go to exit codes, the one place
// the CLI does so: 1 for every error the command met (bad data or values,
// not found, conflict, refused, internal); 2 is kept for usage errors
// (unknown flags, wrong number of arguments), which are not coded errors.
var exitCodes = map[string]int{
	fairshare.EINVALID:      1,
	fairshare.ENOTFOUND:     1,
	fairshare.ECONFLICT:     1,
	fairshare.EUNAUTHORIZED: 1,
	fairshare.EFORBIDDEN:    1,
	fairshare.EINTERNAL:     1,
}

// exitCode is 0 for success (or --help), 2 for a usage error, else the
// exit code of the error's code.
func exitCode(err error) int {
	var ue *usageError
	switch {
	case err == nil || errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		return 2
	}
	if c, ok := exitCodes[fairshare.ErrorCode(err)]; ok {
		return c
	}
	return 1
}

func hasPrefix(p string) bool {
	for k := range commands {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

func printUsage(w io.Writer, noun string) {
	fmt.Fprintln(w, "fairshare: the books on military aid to Ukraine, and each ally's fair share.")
	fmt.Fprintln(w, "\nUsage: fairshare <noun> <verb> [flags]   (every command takes --help)")
	fmt.Fprintln(w, "\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		if noun == "" || strings.HasPrefix(n, noun+" ") || n == noun {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-26s %s\n", n, commands[n].summary)
	}
	fmt.Fprintf(w, "\nDatabase: --db PATH or postgres://URL, or $FAIRSHARE_DB; default %s\n", app.DefaultDSN())
	fmt.Fprintln(w, "Exit codes: 0 success, 1 error, 2 usage error.")
}

// flags is a FlagSet with the options every command shares.
type flags struct {
	*flag.FlagSet
	db     *string
	format *string
	e      *env
	args   string
}

func newFlags(e *env, name, args, doc string, withFormat bool) *flags {
	fs := flag.NewFlagSet("fairshare "+name, flag.ContinueOnError)
	fs.SetOutput(e.stdout)
	f := &flags{FlagSet: fs, e: e, args: args}
	f.db = fs.String("db", "", "database: SQLite file path or postgres:// URL (env FAIRSHARE_DB; default "+app.DefaultDSN()+")")
	if withFormat {
		f.format = fs.String("format", "table", "output format: table, csv, json or md")
	}
	fs.Usage = func() {
		fmt.Fprintf(e.stdout, "Usage: fairshare %s [flags] %s\n\n%s\n\nFlags:\n", name, args, doc)
		fs.PrintDefaults()
	}
	return f
}

// parse accepts flags before and after positional arguments.
func (f *flags) parse(args []string) ([]string, error) {
	var pos []string
	for {
		if err := f.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usagef("%v", err)
		}
		args = f.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	if f.format != nil {
		switch *f.format {
		case "table", "csv", "json", "md":
		default:
			return nil, usagef("--format %q: want table, csv, json or md", *f.format)
		}
	}
	return pos, nil
}

func (f *flags) dsn() string {
	if *f.db != "" {
		return *f.db
	}
	return f.e.getenv("FAIRSHARE_DB")
}

// open opens the database the flags name.
func (f *flags) open() (*app.App, error) {
	return app.Open(f.e.ctx, f.dsn(), app.Options{})
}

func wantArgs(pos []string, n int, what string) error {
	if len(pos) != n {
		return usagef("want %s, got %d argument(s)", what, len(pos))
	}
	return nil
}

var version = "0.1.0"

// one parses args wanting exactly one positional argument, described by what.
func (f *flags) one(args []string, what string) (string, error) {
	pos, err := f.parse(args)
	if err != nil {
		return "", err
	}
	if err := wantArgs(pos, 1, what); err != nil {
		return "", err
	}
	return pos[0], nil
}

// openRef opens the database and its reference data; the caller closes a.
func (f *flags) openRef() (*app.App, *app.Reference, error) {
	a, err := f.open()
	if err != nil {
		return nil, nil, err
	}
	ref, err := a.Reference(f.e.ctx)
	if err != nil {
		a.Close()
		return nil, nil, err
	}
	return a, ref, nil
}
