package tui

import (
	"testing"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/course"
)

// BenchmarkRender draws each lesson's scene at 120×40, a few steps in:
// "frame" is one View (the stage redrawn, the narrative from the cache);
// "new-scene" also renders the narrative's Markdown afresh, as happens
// once per step.
func BenchmarkRender(b *testing.B) {
	var all []*lessons.Lesson
	all = append(all, course.Registry().All()...)
	all = append(all, newTestLesson())
	for _, l := range all {
		m := New(lessons.NewRegistry(l), Options{})
		m.c.tick = newTestModel(b, 1, 1, Options{}).c.tick
		m = send(m, teaSize(120, 40))
		m = keys(m, "enter", "space", "space", "space", "o", "space", "space")
		if !m.player.hasScene {
			b.Fatalf("%s did not open", l.ID)
		}
		b.Run(l.ID+"/frame", func(b *testing.B) {
			for b.Loop() {
				_ = m.View()
			}
		})
		b.Run(l.ID+"/new-scene", func(b *testing.B) {
			for b.Loop() {
				clear(m.c.md.out)
				m.player.narrative = ""
				m.player = m.player.resize(m.c)
				_ = m.View()
			}
		})
	}
}
