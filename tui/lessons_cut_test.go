package tui

import (
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/charmbracelet/x/ansi"

	"github.com/dlearn/dlearn/lessons/scene"
)

// lessonIdentifiers are the names in m's lesson scene that a learner
// reads as identifiers: the controls' labels, the plots' legend entries
// and the computation graph's node names (written as the graph widget
// writes them: "z = matmul(x, W)").
func lessonIdentifiers(sc scene.Scene) []string {
	var ids []string
	for _, s := range sc.Settings {
		ids = append(ids, s.Label)
	}
	for _, p := range sc.Panels {
		if pl := p.Plot; pl != nil {
			for _, s := range pl.Series {
				if s.Name != "" {
					ids = append(ids, s.Name)
				}
				ids = append(ids, s.ClassNames...)
			}
		}
		if g := p.Graph; g != nil {
			for _, nd := range g.Nodes {
				if nd.Op == "" {
					ids = append(ids, nd.Label)
					continue
				}
				var in []string
				for _, i := range nd.Inputs {
					if i >= 0 && i < len(g.Nodes) {
						in = append(in, g.Nodes[i].Label)
					}
				}
				ids = append(ids, nd.Label+" = "+nd.Op+"("+strings.Join(in, ", ")+")")
			}
		}
	}
	return ids
}

// identifierCut returns the first of ids that view shows cut short: a
// proper prefix of it, of two characters or more, that starts a word and
// is directly followed by "…", inside the name (not after a space: a
// name's whole first word is not a cut) (the idea of the widget package's
// TestNoIdentifierCut). Panel titles ("╭─ title ─╮") and the header line
// are not identifiers and are left out, and so is an identifier wider
// than the screen, which cannot be whole.
func identifierCut(view string, w int, ids []string) string {
	lines := strings.Split(view, "\n")
	if len(lines) > 1 {
		lines = lines[1:]
	}
	for i, l := range lines {
		lines[i] = panelTitle.ReplaceAllString(l, "")
	}
	text := []rune(strings.Join(lines, "\n"))
	for _, id := range ids {
		r := []rune(id)
		if len(r) < 3 || ansi.StringWidth(id) > w-2 {
			continue
		}
		for at := range text {
			if at > 0 && (unicode.IsLetter(text[at-1]) || unicode.IsDigit(text[at-1]) || text[at-1] == '_') {
				continue
			}
			k := 0
			for k < len(r) && at+k < len(text) && text[at+k] == r[k] {
				k++
			}
			if k >= 2 && k < len(r) && r[k-1] != ' ' && at+k < len(text) && text[at+k] == '…' {
				return id
			}
		}
	}
	return ""
}

// panelTitle is a panel's top border with its title.
var panelTitle = regexp.MustCompile(`╭─[^╮]*╮`)

// requireNoIdentifierCut fails t if the lesson screen m, drawn at w×h,
// shows one of its scene's identifiers cut short.
func requireNoIdentifierCut(t *testing.T, m Model, w, h int) {
	t.Helper()
	view := ansi.Strip(m.View().Content)
	if id := identifierCut(view, w, lessonIdentifiers(m.player.sc)); id != "" {
		t.Errorf("%d×%d: %q is cut short:\n%s", w, h, id, view)
	}
}

// The scan finds a cut name and passes a whole one.
func TestIdentifierCutScan(t *testing.T) {
	ids := []string{"z = matmul(x, dense.W)", "learning rate"}
	if identifierCut("header\n✓ z = matmul(x, d…  32×1", 80, ids) == "" {
		t.Error("the scan misses a cut node name")
	}
	if identifierCut("header\n ▸ learning r… 0.1", 80, ids) == "" {
		t.Error("the scan misses a cut control label")
	}
	if identifierCut("header\n│─── learning r…│", 80, ids) == "" {
		t.Error("the scan misses a cut legend entry")
	}
	if id := identifierCut("header\n✓ z = matmul(x, dense.W)  32×1 │ learning rate 0.1\n╭─ learning r… ─╮", 80, ids); id != "" {
		t.Errorf("the scan finds %q cut in a whole line", id)
	}
}
