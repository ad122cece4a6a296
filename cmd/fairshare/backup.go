package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/fairshare/fairshare"
	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/bundle"
)

func init() {
	register("backup", "take a consistent snapshot of the database while it is in use", runBackup)
	register("restore", "bring a backup back into a new or older database", runRestore)
	register("export", "write a portable bundle of everything (--all)", runExportAll)
	register("import", "read a bundle written by 'export --all' (--all)", runImportAll)
}

func runBackup(e *env, args []string) error {
	f := newFlags(e, "backup", "FILE", `Writes a consistent snapshot of the database to FILE (a new file) while
servers and imports keep running. From SQLite it is a SQLite copy taken with
VACUUM INTO; from PostgreSQL it is a SQLite file holding fairshare's own data
(every version of every contribution, rates, your targets and datasets,
users, audit log), so one format restores into either store.`, false)
	arg, err := f.one(args, "one FILE")
	if err != nil {
		return err
	}
	out := arg
	a, err := f.open()
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.Backup(e.ctx, out); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "backup written to %s\n", out)
	return nil
}

func runRestore(e *env, args []string) error {
	f := newFlags(e, "restore", "FILE", `Brings a backup (a file written by 'fairshare backup') or a bundle (written by
'fairshare export --all') back into the database named by --db. The target
must be new, or hold nothing the backup lacks: restore never discards a
recorded change. It is one transaction: all of it or nothing.`, false)
	arg, err := f.one(args, "one FILE")
	if err != nil {
		return err
	}
	snap, err := app.ReadSnapshot(e.ctx, arg)
	if err != nil {
		return err
	}
	a, err := f.open()
	if err != nil {
		return err
	}
	defer a.Close()
	return restoreSnapshot(e, a, snap, arg, true)
}

func restoreSnapshot(e *env, a *app.App, snap fairshare.Snapshot, name string, intoOlder bool) error {
	n, err := a.Restore(e.ctx, snap, intoOlder)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "restored from %s: %d versions, %d rates, %d targets, %d datasets, %d users, %d audit entries added\n",
		name, n.Versions, n.Rates, n.Targets, n.Datasets, n.Users, n.Audit)
	return nil
}

func runExportAll(e *env, args []string) error {
	f := newFlags(e, "export", "--all --out FILE", `Writes everything fairshare keeps beyond its embedded reference data as a
portable bundle: a zip of JSON and CSV files (versions.jsonl: every version of
every contribution; rates.csv; targets.json; datasets.json; users.json with
hashed secrets only; audit.json) and manifest.json with each file's SHA-256.
'fairshare import --all FILE' reads it back into SQLite or PostgreSQL.`, false)
	all := f.Bool("all", false, "export everything (required)")
	out := f.String("out", "", "the bundle file to write (required)")
	if _, err := f.parse(args); err != nil {
		return err
	}
	if !*all || *out == "" {
		return usagef("want --all --out FILE (for contributions alone: fairshare contributions export)")
	}
	a, err := f.open()
	if err != nil {
		return err
	}
	defer a.Close()
	snap, err := a.Snapshot(e.ctx)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(*out), ".bundle-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := bundle.Write(tmp, snap, time.Now()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), *out); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "exported %d versions, %d rates, %d targets, %d datasets, %d users, %d audit entries to %s\n",
		len(snap.Versions), len(snap.Rates), len(snap.Targets), len(snap.Datasets), len(snap.Users), len(snap.Audit), *out)
	return nil
}

func runImportAll(e *env, args []string) error {
	f := newFlags(e, "import", "--all FILE", `Reads a bundle written by 'fairshare export --all' (checksums are verified
first) and adds everything it holds that the database lacks, in one
transaction. Importing the same bundle twice adds nothing. For a Kiel
tracker workbook see 'fairshare import kiel'.`, false)
	all := f.Bool("all", false, "import a whole bundle (required)")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if !*all {
		return usagef("want --all FILE (or 'fairshare import kiel FILE')")
	}
	if err := wantArgs(pos, 1, "one FILE"); err != nil {
		return err
	}
	data, err := os.ReadFile(pos[0])
	if err != nil {
		return err
	}
	snap, err := bundle.Read(data, pos[0])
	if err != nil {
		return err
	}
	a, err := f.open()
	if err != nil {
		return err
	}
	defer a.Close()
	return restoreSnapshot(e, a, snap, pos[0], false)
}
