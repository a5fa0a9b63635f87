// scaffold:line // Command api serves the {{.Name}} HTTP API. It is configured only by the
// Command api serves the myapp HTTP API. It is configured only by the
// environment (see README.md); with no variable set it runs in development
// scaffold:line // on {{.Dev.APIAddr}} with {{if .SQLite}}a SQLite database in data/{{else}}the PostgreSQL database of compose.yaml{{end}}.
// on 127.0.0.1:8080 with the PostgreSQL database of compose.yaml.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/scaffoldhq/scaffold/templates/api/internal/auth"
	"github.com/scaffoldhq/scaffold/templates/api/internal/config"
	"github.com/scaffoldhq/scaffold/templates/api/internal/httpapi"
	"github.com/scaffoldhq/scaffold/templates/api/internal/mail"
	"github.com/scaffoldhq/scaffold/templates/api/internal/redisstore"
	"github.com/scaffoldhq/scaffold/templates/api/internal/store"
	"github.com/scaffoldhq/scaffold/templates/api/internal/telemetry"
)

func main() {
	flag.Parse()
	if *healthcheckFlag {
		os.Exit(healthcheck(os.Getenv, os.Stderr))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Getenv, os.Stderr, nil); err != nil {
		fmt.Fprintf(os.Stderr, "api: %v\n", err)
		stop()
		os.Exit(1)
	}
}

// run serves until ctx is cancelled, then shuts down gracefully. If ready is
// not nil, it receives the listening address once requests are accepted.
func run(ctx context.Context, getenv func(string) string, stderr io.Writer, ready chan<- string) error {
	cfg, err := config.Load(getenv)
	if err != nil {
		return fmt.Errorf("invalid configuration: %w", err)
	}
	log := newLogger(cfg, stderr)
	for _, name := range cfg.Ignored {
		log.Warn(name+" is set, but this API does not use it: it was generated for other answers (see README.md)", "variable", name)
	}
	for _, warning := range cfg.Warnings {
		log.Warn(warning)
	}
	// scaffold:line tel, err := telemetry.Start(ctx, "{{.Name}}-api", getenv, log)
	tel, err := telemetry.Start(ctx, "myapp-api", getenv, log)
	if err != nil {
		return fmt.Errorf("OpenTelemetry: %w", err)
	}
	if tel.On() {
		log.Info("sending traces and metrics (OpenTelemetry)", "endpoint", getenv("OTEL_EXPORTER_OTLP_ENDPOINT"))
	}
	defer func() {
		// What is still buffered goes out, within a few seconds.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := tel.Shutdown(ctx); err != nil {
			log.Warn("OpenTelemetry: the last traces and metrics were not sent", "err", err)
		}
	}()
	// scaffold:if .Postgres

	if !cfg.Production {
		if err := store.CreateMissingDatabase(ctx, cfg.DatabaseURL, log); err != nil {
			return err
		}
	}
	// scaffold:end

	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	if cfg.Migrate {
		if err := st.Migrate(ctx); err != nil {
			return err
		}
	}
	// scaffold:if .BearerTokens

	key := cfg.JWTPrivateKey
	if key == nil {
		if key, err = config.LoadOrCreateKey(config.DevKeyFile); err != nil {
			return fmt.Errorf("development signing key: %w", err)
		}
		log.Info("using the development signing key; set JWT_PRIVATE_KEY in production", "file", config.DevKeyFile)
	}
	// scaffold:end

	// Each hash holds 19 MiB while it runs: one per CPU keeps a burst of
	// sign-ins from exhausting memory, and a short queue behind them keeps
	// it from making every other sign-in wait (the rest get 503 busy).
	cpus := runtime.GOMAXPROCS(0)
	deps := httpapi.Deps{
		Config: cfg,
		Store:  st,
		Logger: log,
		// scaffold:line Hasher: auth.NewHasher(auth.DefaultArgon2Params, cpus, {{.Limits.HashQueuePerCPU}}*cpus),
		Hasher: auth.NewHasher(auth.DefaultArgon2Params, cpus, 4*cpus),
	}
	// scaffold:if .BearerTokens
	deps.SigningKey = key
	// scaffold:end
	// scaffold:if .Redis
	// Sessions, revocations and rate limits are shared by every instance
	// through Redis.
	rdb, err := redisstore.Open(cfg.RedisURL)
	if err != nil {
		return err
	}
	defer rdb.Close()
	if err := redisstore.Ping(ctx, rdb); err != nil {
		log.Warn("Redis does not answer yet: requests that need it get 503 until it does", "err", err)
	}
	// scaffold:line shared := redisstore.Share(rdb, "{{.Name}}:", st, {{if .BrowserSessions}}cfg.SessionIdleTimeout, {{end}}log, nil)
	shared := redisstore.Share(rdb, "myapp:", st, cfg.SessionIdleTimeout, log, nil)
	deps.NewLimiter = shared.NewLimiter
	// scaffold:if .BrowserSessions
	deps.Sessions = shared.Sessions
	// scaffold:end
	// scaffold:if .BearerTokens
	deps.Revocations = shared.Revocations
	// scaffold:end
	deps.Checks = map[string]func(context.Context) error{"redis": shared.Ping}
	busCtx, stopBus := context.WithCancel(ctx)
	busDone := make(chan struct{})
	go func() {
		defer close(busDone)
		shared.Bus.Run(busCtx)
	}()
	defer func() { stopBus(); <-busDone }()
	// scaffold:end

	sender, err := newMailSender(cfg.Mail, cfg.Production, log)
	if err != nil {
		return fmt.Errorf("SMTP_URL: %w", err)
	}
	var worker *mail.Worker
	deps.WakeMail = func() { worker.Wake() }
	srv := httpapi.New(deps)
	composer := &mail.Composer{
		Store: st, Links: &auth.OneTimeTokens{Store: st, Now: time.Now},
		// scaffold:line App: "{{.Name}}", AppURL: cfg.Mail.AppURL,
		App: "myapp", AppURL: cfg.Mail.AppURL,
		EmailVerifyTTL: cfg.EmailVerifyTTL, PasswordResetTTL: cfg.PasswordResetTTL,
	}
	worker = mail.NewWorker(st, sender, composer.Compose, log, 2*time.Second)
	httpServer := &http.Server{
		Handler:           tel.Handler(srv.Handler()),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}

	ln, err := listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	log.Info("listening", "addr", ln.Addr().String(), "production", cfg.Production)
	if ready != nil {
		ready <- ln.Addr().String()
	}

	// The server, the mail worker and the sweeper run until ctx ends (a
	// signal) or one of them fails; then all of them stop, and run returns
	// once they have.
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		if err := httpServer.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("serve: %w", err)
		}
		return nil
	})
	g.Go(func() error {
		<-gctx.Done()
		log.Info("shutting down")
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := httpServer.Shutdown(shutdownCtx); err != nil {
			return fmt.Errorf("shutdown: %w", err)
		}
		return nil
	})
	if cfg.PprofAddr != "" {
		if err := servePprof(gctx, g, cfg.PprofAddr, log); err != nil {
			return err
		}
	}
	g.Go(func() error { worker.Run(gctx); return nil })
	g.Go(func() error { sweepExpired(gctx, st, log); return nil })
	return g.Wait()
}

// servePprof serves net/http/pprof's profiles at addr until ctx ends, in g.
// Profiles show the program's internals and cost CPU: bind addr to the
// loopback (127.0.0.1:6060) or a network only operators reach.
func servePprof(ctx context.Context, g *errgroup.Group, addr string, log *slog.Logger) error {
	ln, err := listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("PPROF_ADDR: %w", err)
	}
	log.Info("serving profiles (net/http/pprof)", "addr", ln.Addr().String())
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	g.Go(func() error {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("profiles: %w", err)
		}
		return nil
	})
	g.Go(func() error {
		<-ctx.Done()
		return srv.Close()
	})
	return nil
}

// listen opens the API's listener: net.Listen, or in a test a listener
// that fails.
var listen = net.Listen

// newMailSender is SMTP, or the log: in development without SMTP_URL, or
// with MAIL_TRANSPORT=log, which in production prints no link's token.
func newMailSender(c config.Mail, production bool, log *slog.Logger) (mail.Sender, error) {
	if c.Log {
		if production {
			log.Warn("mails are printed to this log without their links' tokens, not sent: set SMTP_URL to send them")
		} else {
			log.Info("mails are printed to this log, not sent: set SMTP_URL to send them")
		}
		return mail.Log{Logger: log, Redact: production}, nil
	}
	return mail.NewSMTP(c.SMTPURL, c.From, mail.SMTPOptions{})
}

// newLogger logs JSON in production, for log collectors, and text in
// development, for people.
func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	if cfg.Production {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// scaffold:line // sweepExpired deletes expired {{if .BrowserSessions}}sessions{{end}}{{if .Hybrid}} and {{end}}{{if .BearerTokens}}refresh tokens{{end}} every hour.
// sweepExpired deletes expired sessions and refresh tokens every hour.
func sweepExpired(ctx context.Context, st *store.Store, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if err := st.DeleteExpired(ctx, now); err != nil && ctx.Err() == nil {
				log.Error("delete expired credentials", "err", err)
			}
		}
	}
}
