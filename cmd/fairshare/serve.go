package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/httpapi"
	"github.com/fairshare/fairshare/internal/web"
)

func init() {
	register("serve", "serve the JSON API and the web dashboard (read-only)", runServe)
}

// newHandler mounts the API and the dashboard on one mux.
func newHandler(a *app.App, log *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/api/", httpapi.NewServer(a, httpapi.Options{Logger: log}))
	mux.Handle("/", web.NewHandler(a, web.Options{Logger: log}))
	return mux
}

func runServe(e *env, args []string) error {
	f := newFlags(e, "serve", "", `Serves the JSON API (/api/v1/, documented at /api/v1/openapi.json) and the
web dashboard in Danish and English from this binary. The server is
read-only: writing through it comes with access control. Stop it with Ctrl-C.`, false)
	addr := f.String("addr", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one)")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if err := wantArgs(pos, 0, "no arguments"); err != nil {
		return err
	}
	a, err := f.open()
	if err != nil {
		return err
	}
	defer a.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(e.stderr, nil))
	srv := &http.Server{
		Handler: newHandler(a, log),
		// Bounded reads and writes keep slow or stuck clients from holding
		// connections; reports take milliseconds, so a minute is generous.
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(e.stdout, "fairshare serving http://%s/\n", ln.Addr())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-e.ctx.Done():
	}
	// Let requests in flight finish, but not forever.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		return err
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
