package main

import (
	"io"
	"os"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/course"
)

// env is what commands read and write instead of the process globals, so
// tests can run them in-process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// interactive reports whether both stdin and stdout are terminals.
func (e *env) interactive() bool {
	in, ok1 := e.stdin.(*os.File)
	out, ok2 := e.stdout.(*os.File)
	return ok1 && ok2 && term.IsTerminal(in.Fd()) && term.IsTerminal(out.Fd())
}

func newRootCmd(e *env) *cobra.Command {
	reg := course.Registry()
	var seed uint64
	var noQuestions bool
	root := &cobra.Command{
		Use:   "dlearn",
		Short: "A deep-learning course that runs in your terminal",
		Long: "dlearn walks you through deep learning with a real engine: every op of the forward pass,\n" +
			"every node of the backward pass, every weight update — then you implement the pieces\n" +
			"yourself in exercises/ and `dlearn grade` tells you what is right and what is wrong.",
		Args:          cobra.NoArgs,
		SilenceErrors: true,
		SilenceUsage:  true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !e.interactive() {
				return listLessons(e.stdout, reg)
			}
			return openTUI(e, reg, seed, noQuestions)
		},
	}
	root.Flags().Uint64Var(&seed, "seed", lessons.DefaultSeed, "random seed for every lesson")
	root.Flags().BoolVar(&noQuestions, "no-questions", false, "do not stop to ask questions in the lessons (the a key turns them on or off)")
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	root.SetIn(e.stdin)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return err })
	root.AddCommand(commands(e, reg)...)
	return root
}

// commands are dlearn's sub-commands; each lives in its own file.
func commands(e *env, reg *lessons.Registry) []*cobra.Command {
	return []*cobra.Command{
		newListCmd(e, reg),
		newLessonCmd(e, reg),
		newGradeCmd(e, reg),
		newWatchCmd(e, reg),
		newNextCmd(e, reg),
		newProgressCmd(e, reg),
		newHintCmd(e, reg),
		newResetCmd(e, reg),
		newClassroomCmd(e, reg),
		newVersionCmd(e),
		newAboutCmd(e),
		newInitCmd(e, reg),
		newDoctorCmd(e),
	}
}
