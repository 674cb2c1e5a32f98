package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/spf13/cobra"

	"github.com/dlearn/dlearn/grade"
	"github.com/dlearn/dlearn/lessons"
)

// watchDebounce is how long watch waits after the last change before it
// grades: an editor's save is often several events (write, rename, chmod).
const watchDebounce = 300 * time.Millisecond

func newWatchCmd(e *env, reg *lessons.Registry) *cobra.Command {
	var flags gradeFlags
	cmd := &cobra.Command{
		Use:   "watch [exercise…]",
		Short: "Grade your exercises again every time you save",
		Long: "watch grades the exercises (all, or the ones named) and grades them again whenever a\n" +
			"Go file in the exercises folder changes, reprinting the scoreboard. Ctrl-C quits.",
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := flags.options(reg, args)
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return watch(ctx, e, opts, watchDebounce)
		},
	}
	flags.register(cmd)
	return cmd
}

// watch grades opts now and after every burst of changes to Go files in
// the exercises folder, until ctx is done. A grade in progress when a
// change arrives is abandoned for a fresh one.
func watch(ctx context.Context, e *env, opts grade.Options, debounce time.Duration) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return &exitError{code: 1, msg: fmt.Sprintf("watch: %v", err)}
	}
	defer w.Close()
	if err := watchFolders(w, opts.Dir); err != nil {
		return &exitError{code: 1, msg: fmt.Sprintf("watch: %v", err)}
	}

	type result struct {
		gen int
		rep *grade.Report
		err error
	}
	results := make(chan result, 1)
	gen, cancelRun := 0, context.CancelFunc(func() {})
	defer func() { cancelRun() }()
	start := func() {
		cancelRun()
		gen++
		var runCtx context.Context
		runCtx, cancelRun = context.WithCancel(ctx)
		go func(gen int) {
			rep, err := grade.Run(runCtx, opts)
			select {
			case results <- result{gen, rep, err}:
			case <-runCtx.Done():
			}
		}(gen)
	}
	timer := time.NewTimer(debounce)
	timer.Stop()
	start()
	for {
		select {
		case <-ctx.Done():
			fmt.Fprintln(e.stdout, "\nwatch: stopped")
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			if ev.Has(fsnotify.Create) {
				if fi, err := os.Stat(ev.Name); err == nil && fi.IsDir() {
					_ = w.Add(ev.Name) // a new exercise folder
				}
			}
			if relevant(ev) {
				timer.Reset(debounce)
			}
		case err, ok := <-w.Errors:
			if ok {
				fmt.Fprintf(e.stderr, "dlearn: watch: %v\n", err)
			}
		case <-timer.C:
			start()
		case r := <-results:
			if r.gen != gen || errors.Is(r.err, context.Canceled) {
				continue
			}
			showWatch(e, opts, r.rep, r.err)
		}
	}
}

// watchFolders watches the exercises folder and each folder in it.
func watchFolders(w *fsnotify.Watcher, dir string) error {
	if err := w.Add(dir); err != nil {
		return err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, en := range entries {
		if en.IsDir() && !strings.HasPrefix(en.Name(), ".") {
			if err := w.Add(filepath.Join(dir, en.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}

// relevant reports whether an event is a change to the exercises' code:
// a Go file or the module files, not an editor's swap, backup or
// temporary file.
func relevant(ev fsnotify.Event) bool {
	if ev.Op == fsnotify.Chmod {
		return false
	}
	base := filepath.Base(ev.Name)
	if strings.HasPrefix(base, ".") || strings.HasPrefix(base, "#") || strings.HasSuffix(base, "~") {
		return false // vim .swp files, emacs #autosave# and .#lock, backups~
	}
	return strings.HasSuffix(base, ".go") || base == "go.mod" || base == "go.sum"
}

// showWatch clears the screen (on a terminal) and prints a grade.
func showWatch(e *env, opts grade.Options, rep *grade.Report, err error) {
	var out io.Writer = e.stdout
	color := useColor(out)
	if color {
		fmt.Fprint(out, "\x1b[H\x1b[2J")
	} else {
		fmt.Fprintln(out, strings.Repeat("─", 40))
	}
	fmt.Fprintf(out, "dlearn watch · %s · graded at %s · Ctrl-C quits\n\n",
		opts.Dir, time.Now().Format("15:04:05"))
	if err != nil {
		fmt.Fprintf(out, "%v\n", err)
		return
	}
	if werr := grade.WriteScoreboard(out, rep, color); werr != nil {
		fmt.Fprintf(e.stderr, "dlearn: watch: %v\n", werr)
	}
	if opts.Overlay == "" && ownExercises(opts.Dir) {
		saveGrades(e.stderr, rep)
	}
}
