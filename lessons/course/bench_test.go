package course

import (
	"testing"
	"time"

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

// BenchmarkReopen reopens each lesson two ways: "replay" replays the
// saved journal from the seed (lessons.Resume); "saved" also has the
// checkpoint file the front end saves with the journal and restores it
// (lessons.ResumeFrom: parse, check, decode, restore, replay the rest).
// Both include drawing the scene. B/file is the checkpoint file's size;
// cpu-ms/op the CPU time per reopening (all threads), which a loaded
// machine inflates far less than wall time.
func BenchmarkReopen(b *testing.B) {
	for _, l := range Registry().All() {
		b.Run(l.ID, func(b *testing.B) {
			r := threeEpochs(b, l)
			j, saved := r.Journal(), savedBytes(b, r)
			b.Run("replay", func(b *testing.B) {
				defer reportCPU(b, cpuTime())
				for range b.N {
					r, err := lessons.Resume(l, j)
					if err != nil {
						b.Fatal(err)
					}
					r.Scene()
				}
			})
			b.Run("saved", func(b *testing.B) {
				defer reportCPU(b, cpuTime())
				for range b.N {
					r, restored, err := lessons.ResumeFrom(l, j, saved)
					if err != nil || saved != nil && !restored {
						b.Fatalf("restored %v, %v", restored, err)
					}
					r.Scene()
				}
				b.ReportMetric(float64(len(saved)), "B/file")
			})
		})
	}
}

// BenchmarkBackAfterReopen is one Back just after reopening from the
// saved checkpoint file, plus drawing the scene.
func BenchmarkBackAfterReopen(b *testing.B) {
	for _, l := range Registry().All() {
		b.Run(l.ID, func(b *testing.B) {
			r := threeEpochs(b, l)
			j, saved := r.Journal(), savedBytes(b, r)
			b.ResetTimer()
			var cpu time.Duration
			for range b.N {
				b.StopTimer()
				r, _, err := lessons.ResumeFrom(l, j, saved)
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				c0 := cpuTime()
				r.Back()
				r.Scene()
				cpu += cpuTime() - c0
			}
			b.ReportMetric(float64(cpu.Microseconds())/1e3/float64(b.N), "cpu-ms/op")
		})
	}
}

// reportCPU reports the CPU time since c0 per op.
func reportCPU(b *testing.B, c0 time.Duration) {
	b.ReportMetric(float64((cpuTime()-c0).Microseconds())/1e3/float64(b.N), "cpu-ms/op")
}

// savedBytes is the checkpoint file a front end saves with r's journal,
// or nil when the lesson saves none.
func savedBytes(b *testing.B, r *lessons.Run) []byte {
	sv := r.Checkpoint()
	if sv == nil {
		return nil
	}
	data, err := sv.Encode()
	if err != nil {
		b.Fatal(err)
	}
	return data
}
