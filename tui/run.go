package tui

import (
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/dlearn/dlearn/lessons"
)

// SignalError is Run's error when a signal (SIGTERM, SIGHUP — the
// terminal closing —, or SIGINT from outside the app) ended it. The
// learner's place was saved first.
type SignalError struct{ Signal syscall.Signal }

func (e *SignalError) Error() string { return "stopped by " + signalName(e.Signal) }

// ExitCode is the conventional exit code of a program a signal ended:
// 128 + the signal's number (143 for SIGTERM, 129 for SIGHUP, 130 for
// SIGINT).
func (e *SignalError) ExitCode() int { return 128 + int(e.Signal) }

func signalName(s syscall.Signal) string {
	switch s {
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGHUP:
		return "SIGHUP"
	case syscall.SIGINT:
		return "SIGINT"
	}
	return s.String()
}

// Signal handling timing: how long the app has, after a signal, to save
// and quit through its event loop before Run stops it and saves itself;
// and how long Run waits, after the terminal's input ended, for the
// SIGHUP that a closing terminal sends.
var (
	signalGrace  = 3 * time.Second
	hangupWindow = 300 * time.Millisecond
)

// Run starts the app on the terminal and returns when the learner quits.
// The caller makes sure there is a terminal. NO_COLOR in the environment
// has the same effect as opts.NoColor.
//
// Run handles SIGTERM, SIGHUP and SIGINT itself (Bubble Tea's own handler,
// which quits without a word on SIGTERM and ignores SIGHUP, is off): the
// signal goes to the app as a message, which saves the open lesson's
// place and quits, and Run returns a *SignalError. If the app does not
// end within signalGrace, or it ended some other way than quitting (the
// terminal went away), Run saves the place itself from the last state.
func Run(reg *lessons.Registry, opts Options) error {
	return run(reg, opts)
}

// run is Run with more program options (tests give their own input and
// output).
func run(reg *lessons.Registry, opts Options, more ...tea.ProgramOption) error {
	if os.Getenv("NO_COLOR") != "" {
		opts.NoColor = true
	}
	popts := []tea.ProgramOption{tea.WithoutSignalHandler()}
	if opts.NoColor {
		popts = append(popts, tea.WithColorProfile(colorprofile.Ascii))
	}
	prog := tea.NewProgram(New(reg, opts), append(popts, more...)...)

	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGINT)
	defer signal.Stop(sigs)
	var (
		mu       sync.Mutex
		received syscall.Signal
	)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		select {
		case s := <-sigs:
			mu.Lock()
			received, _ = s.(syscall.Signal)
			mu.Unlock()
			// Send returns at once if the program has already ended.
			prog.Send(signalMsg{sig: s})
		case <-stop:
			return
		}
		// A second signal, or an app that does not end in time, stops
		// it; Run then saves from the last state.
		select {
		case <-sigs:
			prog.Kill()
		case <-time.After(signalGrace):
			prog.Kill()
		case <-stop:
		}
	}()

	final, err := prog.Run()
	if err != nil {
		// The terminal closing ends the input, perhaps before its SIGHUP
		// arrives: give it a moment.
		mu.Lock()
		none := received == 0
		mu.Unlock()
		if none {
			select {
			case s := <-sigs:
				mu.Lock()
				received, _ = s.(syscall.Signal)
				mu.Unlock()
			case <-time.After(hangupWindow):
			}
		}
	}
	close(stop)
	wg.Wait()

	m, ok := final.(Model)
	if ok && m.player.mineClose != nil {
		// Mine mode's harness processes and built programs.
		m.player.mineClose()
	}
	if ok && err != nil {
		// Not a quit of the app's own: its save may not have run.
		m.saveNow()
	}
	if ok && opts.Stderr != nil && m.c.problem != "" {
		fmt.Fprintf(opts.Stderr, "dlearn: %s\n", m.c.problem)
	}
	if received != 0 {
		return &SignalError{Signal: received}
	}
	return err
}
