package tui

import (
	"os"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/dlearn/dlearn/lessons"
)

// Run starts the app on the terminal and returns when the learner quits.
// The caller makes sure there is a terminal. NO_COLOR in the environment
// has the same effect as opts.NoColor.
func Run(reg *lessons.Registry, opts Options) error {
	if os.Getenv("NO_COLOR") != "" {
		opts.NoColor = true
	}
	var popts []tea.ProgramOption
	if opts.NoColor {
		popts = append(popts, tea.WithColorProfile(colorprofile.Ascii))
	}
	_, err := tea.NewProgram(New(reg, opts), popts...).Run()
	return err
}
