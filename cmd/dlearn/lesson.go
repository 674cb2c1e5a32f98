package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/tui/plain"
)

// lessonFlags are the flags of `dlearn lesson`.
type lessonFlags struct {
	plain, json bool
	steps       int
	gran        string
	seed        uint64
	set         []string
	noQuestions bool
	answers     string
	branch      string
	branchAfter int
	mine        bool
	gradCheck   bool
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
			"  dlearn lesson linreg --plain --set lr=0.1\n" +
			"  dlearn lesson linreg --plain --granularity op --steps 12 --answers 2,negative,-0.54\n" +
			"  dlearn lesson linreg --plain --branch lr=0.1 --steps 20\n" +
			"  dlearn lesson logreg --plain --mine\n" +
			"  dlearn lesson cnn --plain --steps 3 --gradcheck",
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
			qs := &questions{off: f.noQuestions}
			if cmd.Flags().Changed("answers") {
				if f.noQuestions {
					return fmt.Errorf("--answers and --no-questions do not go together")
				}
				qs.answers = strings.Split(f.answers, ",")
			}
			if f.branch == "" && cmd.Flags().Changed("branch-after") {
				return fmt.Errorf("--branch-after needs --branch name=value")
			}
			if f.branchAfter < 0 {
				return fmt.Errorf("--branch-after %d: must be 0 or more", f.branchAfter)
			}
			if f.gradCheck {
				switch {
				case !cmd.Flags().Changed("steps") || f.steps == 0:
					return fmt.Errorf("--gradcheck needs --steps N (N ≥ 1): the check runs after the transcript's N advances, and a run to its end has no backward pass left")
				case f.branch != "":
					return fmt.Errorf("--gradcheck and --branch do not go together")
				case f.mine:
					return fmt.Errorf("--gradcheck and --mine do not go together yet")
				}
			}
			if f.branch != "" {
				if qs.answers != nil {
					return fmt.Errorf("--answers and --branch do not go together: questions are left out while a run is branched")
				}
				name, value, ok := strings.Cut(f.branch, "=")
				if !ok || name == "" {
					return fmt.Errorf("--branch %q: want name=value, e.g. --branch lr=0.1", f.branch)
				}
				r, err := lessons.Start(l, f.seed, settings)
				if err != nil {
					return err
				}
				if f.mine {
					// Both runs call the learner's code, one after the other.
					s, err := openMine(cmd.Context(), l)
					if err != nil {
						return err
					}
					defer s.Close()
					if note := s.Mine.SkippedNote(); note != "" {
						fmt.Fprintf(e.stderr, "dlearn: mine: %s\n", note)
					}
					r.SetMine(s.Mine)
				}
				for range f.branchAfter {
					if !r.Advance(g) {
						break
					}
				}
				b, err := lessons.NewBranch(r, name, value)
				if err != nil {
					return fmt.Errorf("--branch: %v", err)
				}
				return branchTranscript(e.stdout, b, g, f.steps, f.json)
			}
			if !f.plain && !f.json && e.interactive() && !cmd.Flags().Changed("steps") {
				if qs.answers != nil {
					return fmt.Errorf("--answers is for --plain and --json; the app asks you itself")
				}
				// The app starts (or resumes) the run itself, off its UI loop.
				explicit := len(f.set) > 0 || cmd.Flags().Changed("seed")
				return openTUIRun(e, reg, l, f.seed, settings, explicit, f.noQuestions, f.mine)
			}
			r, err := lessons.Start(l, f.seed, settings)
			if err != nil {
				return err
			}
			if f.gradCheck {
				if err := canGradCheck(r, l.ID); err != nil {
					return err
				}
			}
			if f.mine {
				s, err := openMine(cmd.Context(), l)
				if err != nil {
					return err
				}
				defer s.Close()
				if note := s.Mine.SkippedNote(); note != "" {
					fmt.Fprintf(e.stderr, "dlearn: mine: %s\n", note)
				}
				r.SetMine(s.Mine)
			}
			// With scripted answers, whole steps stop at a question inside
			// a step, so every question is met whatever the granularity.
			r.SetStopAtQuestions(!qs.off && len(qs.answers) > 0)
			if err := transcript(e.stdout, r, g, f.steps, f.json, qs); err != nil {
				return err
			}
			if f.gradCheck {
				pc, err := checkPass(r)
				if err != nil {
					return err
				}
				if err := writePassCheck(e.stdout, pc, f.json); err != nil {
					return quietWriteError(err)
				}
				if !pc.Agrees {
					return &exitError{code: 1, msg: "--gradcheck: " + pc.verdict()}
				}
			}
			if n := len(qs.answers) - qs.used; n > 0 {
				fmt.Fprintf(e.stderr, "dlearn: --answers: %d of %d answers were not used: only %d questions were posed\n", n, len(qs.answers), qs.used)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&f.plain, "plain", false, "print the transcript as plain text")
	cmd.Flags().BoolVar(&f.json, "json", false, "print each scene as one JSON line")
	cmd.Flags().IntVar(&f.steps, "steps", 0, "advance this many times (0: to the end of the run)")
	cmd.Flags().StringVar(&f.gran, "granularity", "step", "how far one advance goes: op, step, epoch or end")
	cmd.Flags().Uint64Var(&f.seed, "seed", lessons.DefaultSeed, "random seed")
	cmd.Flags().StringArrayVar(&f.set, "set", nil, "change a control, as name=value (repeatable), e.g. --set lr=0.1")
	cmd.Flags().BoolVar(&f.noQuestions, "no-questions", false, "do not ask the lesson's questions (the app) or print them (--plain, --json)")
	cmd.Flags().StringVar(&f.answers, "answers", "", "answer the questions as they are posed: a comma-separated list of choice numbers,\n"+
		"choice texts or numbers, an empty item skips (--plain, --json); questions past the list are printed answered")
	cmd.Flags().StringVar(&f.branch, "branch", "", "run a branch beside the run with one control changed, as name=value, stepped in lockstep;\n"+
		"prints the two side by side (--plain, --json)")
	cmd.Flags().IntVar(&f.branchAfter, "branch-after", 0, "advance this many times (by --granularity) before branching")
	cmd.Flags().BoolVar(&f.mine, "mine", false, "mine mode: run your own code from the exercises folder at the lesson's ops\n"+
		"beside the engine's, train with your values while they agree, and stop at the first op where they do not")
	cmd.Flags().BoolVar(&f.gradCheck, "gradcheck", false, "after the transcript (--steps N), check the gradient at every node of the backward pass of the training step\n"+
		"in progress, or of the next one, against central differences (on a copy: the run is not changed);\n"+
		"--plain prints one line per node and the worst relative error, --json one more line {\"gradcheck\": …};\n"+
		"exit code 1 if an error reaches 1e-6")
	return cmd
}

// branchTranscript prints the branch's scene (both main pictures and the
// comparison) after it is made and after each advance, like transcript;
// as JSON each line holds the parent's and the branch's scenes and the
// comparison.
func branchTranscript(w io.Writer, b *lessons.Branch, g lessons.Granularity, steps int, asJSON bool) error {
	emit := func() error {
		if asJSON {
			var line struct {
				Parent  scene.Scene `json:"parent"`
				Branch  scene.Scene `json:"branch"`
				Compare scene.Panel `json:"compare"`
			}
			line.Parent, line.Branch, line.Compare = b.Scenes()
			data, err := json.Marshal(line)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(w, "%s\n", data)
			return err
		}
		if err := plain.Write(w, b.Scene()); err != nil {
			return err
		}
		_, err := fmt.Fprintln(w)
		return err
	}
	if err := emit(); err != nil {
		return quietWriteError(err)
	}
	if steps == 0 {
		g = lessons.End
	}
	for i := 0; steps == 0 || i < steps; i++ {
		if !b.Advance(g) {
			break
		}
		if err := emit(); err != nil {
			return quietWriteError(err)
		}
	}
	return nil
}

// questions is how a transcript treats the lesson's questions: off
// leaves them out; answers are the scripted answers, used in order as
// questions are posed (used counts them).
type questions struct {
	off     bool
	answers []string
	used    int
}

// answer gives the question posed now the next scripted answer, if any.
// An answer that does not fit the question is the user's error.
func (qs *questions) answer(r *lessons.Run) error {
	if qs.off || qs.used >= len(qs.answers) {
		return nil
	}
	q := r.Question()
	if q == nil || q.Answered {
		return nil
	}
	given := qs.answers[qs.used]
	qs.used++
	if _, err := r.Answer(q.ID, given); err != nil {
		return fmt.Errorf("--answers: item %d: %v (question %q: %s)", qs.used, err, q.ID, q.Prompt)
	}
	return nil
}

// transcript prints the run's first scene, then advances it steps times by
// g (or, with steps 0, to the end) printing the scene after each advance.
//
// A question posed at a scene printed is answered first from qs's list,
// then printed with the answer; with qs.off it is left out.
func transcript(w io.Writer, r *lessons.Run, g lessons.Granularity, steps int, asJSON bool, qs *questions) error {
	var userErr error
	emit := func() error {
		if userErr = qs.answer(r); userErr != nil {
			return userErr
		}
		sc := r.Scene()
		if qs.off {
			sc.Question = nil
		}
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
	fail := func(err error) error {
		if err == nil || err == userErr {
			return err
		}
		return quietWriteError(err)
	}
	if err := emit(); err != nil {
		return fail(err)
	}
	if steps == 0 {
		// One advance to the end, or one per stop at a question.
		for r.Advance(lessons.End) {
			if err := emit(); err != nil {
				return fail(err)
			}
		}
		return nil
	}
	for range steps {
		if !r.Advance(g) {
			break
		}
		if err := emit(); err != nil {
			return fail(err)
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
