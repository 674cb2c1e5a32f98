package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/tui/plain"
)

// lessonFlags are the flags of `dlearn lesson`.
type lessonFlags struct {
	plain, json bool
	steps       int
	gran        string
	seed        uint64
	set         []string
}

func newLessonCmd(e *env, reg *lessons.Registry) *cobra.Command {
	var f lessonFlags
	cmd := &cobra.Command{
		Use:   "lesson ID",
		Short: "Open one lesson (--plain for a transcript, --json for scenes)",
		Long: "Open one lesson in the terminal app, or with --plain print its step-by-step transcript\n" +
			"(the default when stdout is not a terminal), or with --json print its scenes as JSON lines.\n" +
			"Without --steps the transcript shows the start and the end of the whole run.",
		Example: "  dlearn lesson linreg\n" +
			"  dlearn lesson linreg --plain --steps 5\n" +
			"  dlearn lesson linreg --plain --granularity op --steps 11\n" +
			"  dlearn lesson linreg --plain --set lr=0.1",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return fmt.Errorf("lesson: want one lesson id, got %d (see `dlearn list`)", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			l, err := reg.Get(args[0])
			if err != nil {
				return err
			}
			g, err := lessons.ParseGranularity(f.gran)
			if err != nil {
				return err
			}
			if f.steps < 0 {
				return fmt.Errorf("--steps %d: must be 0 or more", f.steps)
			}
			settings, err := l.ParseAssignments(f.set)
			if err != nil {
				return err
			}
			if !f.plain && !f.json && e.interactive() && !cmd.Flags().Changed("steps") {
				// The app starts (or resumes) the run itself, off its UI loop.
				explicit := len(f.set) > 0 || cmd.Flags().Changed("seed")
				return openTUIRun(e, reg, l, f.seed, settings, explicit)
			}
			r, err := lessons.Start(l, f.seed, settings)
			if err != nil {
				return err
			}
			return transcript(e.stdout, r, g, f.steps, f.json)
		},
	}
	cmd.Flags().BoolVar(&f.plain, "plain", false, "print the transcript as plain text")
	cmd.Flags().BoolVar(&f.json, "json", false, "print each scene as one JSON line")
	cmd.Flags().IntVar(&f.steps, "steps", 0, "advance this many times (0: to the end of the run)")
	cmd.Flags().StringVar(&f.gran, "granularity", "step", "how far one advance goes: op, step, epoch or end")
	cmd.Flags().Uint64Var(&f.seed, "seed", lessons.DefaultSeed, "random seed")
	cmd.Flags().StringArrayVar(&f.set, "set", nil, "change a control, as name=value (repeatable), e.g. --set lr=0.1")
	return cmd
}

// transcript prints the run's first scene, then advances it steps times by
// g (or, with steps 0, to the end) printing the scene after each advance.
func transcript(w io.Writer, r *lessons.Run, g lessons.Granularity, steps int, asJSON bool) error {
	emit := func() error {
		sc := r.Scene()
		if asJSON {
			b, err := json.Marshal(sc)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(w, "%s\n", b)
			return err
		}
		if err := plain.Write(w, sc); err != nil {
			return err
		}
		_, err := fmt.Fprintln(w)
		return err
	}
	if err := emit(); err != nil {
		return quietWriteError(err)
	}
	if steps == 0 {
		if r.Advance(lessons.End) {
			return quietWriteError(emit())
		}
		return nil
	}
	for range steps {
		if !r.Advance(g) {
			break
		}
		if err := emit(); err != nil {
			return quietWriteError(err)
		}
	}
	return nil
}

// quietWriteError turns a failed write to stdout (a closed pipe, as with
// `dlearn … | head`) into a silent exit.
func quietWriteError(err error) error {
	if err == nil {
		return nil
	}
	return &exitError{code: 1}
}
