package course

import (
	"testing"

	"github.com/dlearn/dlearn/lessons"
)

// The cost of stepping back and of reopening, per lesson, at its defaults
// after three epoch-sized actions (issue: both within 0.5 s). Run:
//
//	go test ./lessons/course -run '^$' -bench 'StepBack|Reopen' -benchtime 3x

// threeEpochs starts l and advances it by three epochs (or to its end).
func threeEpochs(b *testing.B, l *lessons.Lesson) *lessons.Run {
	b.Helper()
	r, err := lessons.Start(l, lessons.DefaultSeed, nil)
	if err != nil {
		b.Fatal(err)
	}
	for range 3 {
		r.Advance(lessons.Epoch)
	}
	return r
}

func BenchmarkStepBack(b *testing.B) {
	for _, l := range Registry().All() {
		b.Run(l.ID, func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				r := threeEpochs(b, l)
				b.StartTimer()
				r.Back()
				r.Scene()
			}
		})
	}
}

func BenchmarkReopen(b *testing.B) {
	for _, l := range Registry().All() {
		b.Run(l.ID, func(b *testing.B) {
			j := threeEpochs(b, l).Journal()
			b.ResetTimer()
			for range b.N {
				r, err := lessons.Resume(l, j)
				if err != nil {
					b.Fatal(err)
				}
				r.Scene()
			}
		})
	}
}
