package tui

import (
	"fmt"
	"os"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestShowScreens(t *testing.T) {
	if os.Getenv("SHOW") == "" {
		t.Skip()
	}
	m := newTestModel(t, 120, 40, Options{})
	fmt.Println(ansi.Strip(m.render()))
	m = keys(m, "enter", "space", "space", "o", "space")
	fmt.Println(ansi.Strip(m.render()))
	m = send(m, tea_ws(80, 30))
	fmt.Println(ansi.Strip(m.render()))
}

func tea_ws(w, h int) any { return teaWindow(w, h) }
