// Command fsderive derives the project's own cited reference tables from
// public source files (ECB rates, World Bank, Kiel tracker). It is a
// maintainer's tool: the fairshare binary embeds its outputs, not its inputs.
//
//	go run ./cmd/fsderive <table> [flags]
package main

import (
	"fmt"
	"os"
	"sort"
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
