// Command fsderive derives the project's own cited reference tables from
// public source files (ECB rates, World Bank, Kiel tracker). It is a
// maintainer's tool: the fairshare binary embeds its outputs, not its inputs.
//
//	go run ./cmd/fsderive <table> [flags]
package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// commands is filled by each table's file in init, so tables stay independent.
var commands = map[string]func(args []string) error{}

func main() {
	if len(os.Args) < 2 || os.Args[1] == "-h" || os.Args[1] == "--help" {
		usage()
		os.Exit(2)
	}
	cmd, ok := commands[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "fsderive: unknown table %q\n", os.Args[1])
		usage()
		os.Exit(2)
	}
	if err := cmd(os.Args[2:]); err != nil {
		fmt.Fprintln(os.Stderr, "fsderive:", err)
		os.Exit(1)
	}
}

func usage() {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintf(os.Stderr, "usage: fsderive <table> [flags]\ntables: %v\nRun fsderive <table> -h for its flags.\n", names)
}

// badFunc reports a problem with one field of one line of a file.
type badFunc func(field, format string, a ...any) error

// readHand reads a hand-written CSV table whose header must be exactly
// header ('#' lines are notes), calling row for each record.
func readHand(path string, header []string, row func(rec []string, bad badFunc) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.Comment = '#'
	got, err := cr.Read()
	if err != nil {
		return fmt.Errorf("%s: header: %w", path, err)
	}
	if strings.Join(got, ",") != strings.Join(header, ",") {
		return fmt.Errorf("%s:1: header must be %s", path, strings.Join(header, ","))
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		line, _ := cr.FieldPos(0)
		bad := func(field, format string, a ...any) error {
			return fmt.Errorf("%s:%d: %s: %s", path, line, field, fmt.Sprintf(format, a...))
		}
		if err := row(rec, bad); err != nil {
			return err
		}
	}
}
