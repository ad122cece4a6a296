package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"time"

	"github.com/fairshare/fairshare/internal/app"
	"github.com/fairshare/fairshare/internal/httpapi"
	"github.com/fairshare/fairshare/internal/web"
)

func init() {
	register("serve", "serve the JSON API and the web dashboard", runServe)
}

// serveOptions are the access settings of 'fairshare serve'.
type serveOptions struct {
	noAnonymous, trustProxy bool
	maxImports              int
}

// newHandler mounts the API and the dashboard on one mux.
func newHandler(a *app.App, log *slog.Logger, o serveOptions) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/api/", httpapi.NewServer(a, httpapi.Options{Logger: log, NoAnonymous: o.noAnonymous, MaxImports: o.maxImports}))
	mux.Handle("/", web.NewHandler(a, web.Options{Logger: log, NoAnonymous: o.noAnonymous, TrustProxy: o.trustProxy}))
	return mux
}

func runServe(e *env, args []string) error {
	f := newFlags(e, "serve", "", `Serves the JSON API (/api/v1/, documented at /api/v1/openapi.json) and the
web dashboard in Danish and English from this binary. Anyone may read
(unless --no-anonymous); editors and admins write with an API token
(Authorization: Bearer) or log in on the web page. Users are made with
'fairshare users add'. See docs/security.md. Stop it with Ctrl-C.`, false)
	addr := f.String("addr", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one)")
	tlsCert := f.String("tls-cert", "", "serve HTTPS with this PEM certificate (chain) file; needs --tls-key")
	tlsKey := f.String("tls-key", "", "the PEM private key of --tls-cert")
	noAnon := f.Bool("no-anonymous", false, "reads need a token or a login too")
	trustProxy := f.Bool("trust-proxy", false, "behind a reverse proxy: believe its X-Forwarded-Proto (Secure cookies) and X-Forwarded-For (login rate limit)")
	followNews := f.Duration("follow-news", 0, "read the followed news feeds (news follow) this often, e.g. 15m; 0: never")
	maxImports := f.Int("max-imports", httpapi.DefaultMaxImports, "imports running at once; more get 503 with Retry-After")
	memLimit := f.Int("memory-limit", 384, "soft memory limit in MiB for the Go heap (0: none; GOMEMLIMIT overrides)")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if err := wantArgs(pos, 0, "no arguments"); err != nil {
		return err
	}
	if (*tlsCert == "") != (*tlsKey == "") {
		return usagef("--tls-cert and --tls-key go together")
	}
	if *tlsCert != "" {
		// Load now, so a wrong file fails before the server says it serves.
		if _, err := tls.LoadX509KeyPair(*tlsCert, *tlsKey); err != nil {
			return usagef("--tls-cert/--tls-key: %v", err)
		}
	}
	if *memLimit > 0 && os.Getenv("GOMEMLIMIT") == "" {
		// The collector works harder near the limit instead of letting the
		// heap double past what a burst of imports needed.
		debug.SetMemoryLimit(int64(*memLimit) << 20)
	}
	a, err := f.open()
	if err != nil {
		return err
	}
	defer a.Close()
	a.Warm(e.ctx) // the first report then finds the engine read or on its way
	a.WarmPages(e.ctx)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(e.stderr, nil))
	if *followNews != 0 {
		stop, err := startNewsFollower(e.ctx, a, *followNews, log)
		if err != nil {
			return err
		}
		defer stop()
	}
	srv := &http.Server{
		Handler: newHandler(a, log, serveOptions{noAnonymous: *noAnon, trustProxy: *trustProxy, maxImports: *maxImports}),
		// Bounded reads and writes keep slow or stuck clients from holding
		// connections; reports take milliseconds, so a minute is generous.
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	scheme := "http"
	if *tlsCert != "" {
		scheme = "https"
		srv.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	fmt.Fprintf(e.stdout, "fairshare serving %s://%s/\n", scheme, ln.Addr())
	done := make(chan error, 1)
	go func() {
		if *tlsCert != "" {
			done <- srv.ServeTLS(ln, *tlsCert, *tlsKey)
			return
		}
		done <- srv.Serve(ln)
	}()
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
