package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dlearn/dlearn/lessons"
)

func newListCmd(e *env, reg *lessons.Registry) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the lessons in course order",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return listLessons(e.stdout, reg)
		},
	}
}

// listLessons prints one line per lesson: id, title and summary.
func listLessons(w io.Writer, reg *lessons.Registry) error {
	width := 0
	for _, l := range reg.All() {
		width = max(width, len(l.ID))
	}
	var b strings.Builder
	for i, l := range reg.All() {
		fmt.Fprintf(&b, "%2d. %-*s  %s — %s\n", i+1, width, l.ID, l.Title, l.Summary)
	}
	b.WriteString("\nOpen one with: dlearn lesson <id>   (or just `dlearn` for the course)\n")
	_, err := io.WriteString(w, b.String())
	return err
}
