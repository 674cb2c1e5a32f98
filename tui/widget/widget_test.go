package widget

import (
	"fmt"
	"os"
	"testing"
)

func TestShow(t *testing.T) {
	if os.Getenv("SHOW") == "" {
		t.Skip()
	}
	th := NewTheme(true, os.Getenv("SHOW") == "nocolor")
	for _, p := range samplePanels() {
		fmt.Printf("== %s\n%s\n", p.Title, Render(p, 50, 14, th))
	}
}
