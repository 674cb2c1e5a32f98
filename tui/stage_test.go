package tui

import (
	"testing"

	"github.com/dlearn/dlearn/lessons/scene"
)

func plotPanel(id, title string) scene.Panel {
	return scene.Panel{Kind: scene.KindPlot, ID: id, Title: title, Plot: &scene.Plot{}}
}

func tablePanel(id string, rows int) scene.Panel {
	t := &scene.Table{Columns: []string{"name", "value"}}
	for range rows {
		t.Rows = append(t.Rows, []string{"a", "1"})
	}
	return scene.Panel{Kind: scene.KindTable, ID: id, Title: id, Table: t}
}

// The panel with the highest Priority is the main picture, wherever it
// is in the scene; without one, the first plot or image is.
func TestMainPanelChoice(t *testing.T) {
	ps := []scene.Panel{tablePanel("t", 3), plotPanel("loss", "loss"), plotPanel("plane", "plane")}
	if i := mainPanel(ps, panelIDs(ps), ""); i != 1 {
		t.Errorf("without priorities the main picture is %d, want the first plot (1)", i)
	}
	ps[2].Priority = 2
	ps[0].Priority = 1
	if i := mainPanel(ps, panelIDs(ps), ""); i != 2 {
		t.Errorf("the main picture is %d, want the panel of highest priority (2)", i)
	}
	ps[2].Priority, ps[0].Priority = 0, 0
	if i := mainPanel(ps, panelIDs(ps), "plane"); i != 2 {
		t.Errorf("the main picture is %d, want the one before (plane, 2) while it shows", i)
	}
}

// The main picture's box depends on the stage and on the picture only:
// other panels coming, going or growing do not move it.
func TestMainBoxIgnoresOthers(t *testing.T) {
	main := plotPanel("plane", "plane")
	main.Priority = 1
	scenes := [][]scene.Panel{
		{main, tablePanel("a", 3)},
		{tablePanel("a", 3), tablePanel("b", 12), main},
		{tablePanel("b", 20), main, plotPanel("loss", "loss"), tablePanel("c", 2)},
	}
	for _, size := range [][2]int{{80, 12}, {79, 36}, {139, 56}} {
		var first rect
		for i, ps := range scenes {
			pl := planStage(ps, size[0], size[1], false, "", false)
			b, ok := pl.mainBox()
			if !ok {
				t.Fatalf("%v scene %d: no main box", size, i)
			}
			if i == 0 {
				first = b
			} else if b != first {
				t.Errorf("%v scene %d: main box %+v, was %+v", size, i, b, first)
			}
			for _, pg := range pl.pages {
				if pg[0].id != "plane" && len(pl.pages) > 1 && pl.pages[0][0].w < size[0] {
					t.Errorf("%v scene %d: a page without the main picture although there is room beside it", size, i)
				}
			}
		}
	}
}

// A plane with an Aspect gets a width that keeps it: 1 makes the data
// area about twice as many columns as rows.
func TestMainAspect(t *testing.T) {
	main := plotPanel("plane", "plane")
	main.Aspect = 1
	ps := []scene.Panel{main, tablePanel("a", 3), tablePanel("b", 3)}
	pl := planStage(ps, 139, 56, false, "", false)
	b, _ := pl.mainBox()
	rows, cols := b.h-2-plotChrome(main, 139), b.w-2-plotChromeW
	if cols < 2*rows-2 || cols > 2*rows+2 {
		t.Errorf("aspect 1: data area %d cols × %d rows, want about 2 cols per row", cols, rows)
	}
	if len(pl.pages) != 1 || len(pl.pages[0]) != 3 {
		t.Errorf("the other panels do not sit beside the plane: %+v", pl.pages)
	}
}

// Paging is by panel: the page a learner turned to is found again by the
// panel on it when a phase inserts panels before it.
func TestPagingByID(t *testing.T) {
	ps := []scene.Panel{plotPanel("main", "main"), tablePanel("a", 8), tablePanel("b", 8), tablePanel("c", 8), tablePanel("d", 8)}
	pl := planStage(ps, 80, 12, false, "", false)
	if len(pl.pages) < 3 {
		t.Fatalf("%d pages at 80×12, want at least 3", len(pl.pages))
	}
	anchor := pl.anchor(2)
	more := append([]scene.Panel{tablePanel("new1", 8), tablePanel("new2", 8)}, ps...)
	pl2 := planStage(more, 80, 12, false, "main", false)
	found := false
	for _, b := range pl2.pages[pl2.pageOf(anchor)] {
		found = found || b.id == anchor
	}
	if !found {
		t.Errorf("after two panels were inserted, the page of %s does not show it", anchor)
	}
	if pl2.pageOf("gone") != 0 {
		t.Error("a page named by a panel that left the scene is not the first page")
	}
}

// A main table keeps the whole width, whatever its columns, and the box
// it needs whether or not other panels are shown with it; while a graph is
// walked, a main plot leaves the graph more of the stage.
func TestMainTableAndGraphShare(t *testing.T) {
	main := tablePanel("main", 6)
	main.Priority = 1
	alone := planStage([]scene.Panel{main}, 79, 37, false, "", false)
	with := planStage([]scene.Panel{main, tablePanel("other", 4)}, 79, 37, false, "", false)
	a, _ := alone.mainBox()
	b, _ := with.mainBox()
	if a != b || a.w != 79 || a.h != need(main, 79) {
		t.Errorf("the main table alone is %+v, with another panel %+v; want the whole width and %d rows both times", a, b, need(main, 79))
	}
	plane := plotPanel("plane", "plane")
	plane.Priority = 1
	graph := scene.Panel{Kind: scene.KindGraph, ID: "graph", Title: "graph", Graph: &scene.Graph{Nodes: make([]scene.GraphNode, 9), Current: 2}}
	step := planStage([]scene.Panel{plane, tablePanel("t", 3)}, 79, 37, false, "", false)
	walk := planStage([]scene.Panel{plane, graph}, 79, 37, false, "", true)
	s, _ := step.mainBox()
	w, _ := walk.mainBox()
	if w.h > 37*graphShare/20 || w.h >= s.h {
		t.Errorf("while a graph is walked the main plot is %d rows (%d without), want at most %d", w.h, s.h, 37*graphShare/20)
	}
}
