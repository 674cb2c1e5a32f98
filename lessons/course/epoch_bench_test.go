package course

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/dlearn/dlearn/lessons"
)

// The cost of one epoch-sized action (`e` in the app), per lesson at its
// defaults (issue: within 1 s), and the cnn lesson's peak memory over a
// whole run with stepping back (issue: within 150 MB). Run:
//
//	go test ./lessons/course -run '^$' -bench 'Epoch|PeakMemory' -benchtime 3x
//
// cpu-ms/op is the CPU time of all threads, which a loaded machine
// inflates far less than wall time.

// BenchmarkEpoch times r.Advance(lessons.Epoch) plus drawing the scene,
// from the start of the run ("first") and from the end of the first
// epoch ("second": the first epoch may carry work the others do not, or
// the reverse), each on a run started (untimed) at the lesson's defaults.
// "questions" is the first epoch as the app advances it with questions
// on (SetStopAtQuestions: op by op, asking after each op whether a
// question is posed), each stop at a question skipped; the questions'
// resolution and the skipping are not timed.
func BenchmarkEpoch(b *testing.B) {
	for _, l := range Registry().All() {
		b.Run(l.ID, func(b *testing.B) {
			for _, skip := range []int{0, 1} {
				name := [...]string{"first", "second"}[skip]
				b.Run(name, func(b *testing.B) { benchEpoch(b, l, skip) })
			}
			b.Run("questions", func(b *testing.B) { benchEpochAsking(b, l) })
		})
	}
}

// benchEpochAsking times the first epoch advanced with questions on.
func benchEpochAsking(b *testing.B, l *lessons.Lesson) {
	var cpu time.Duration
	b.StopTimer()
	for range b.N {
		r, err := lessons.Start(l, lessons.DefaultSeed, nil)
		if err != nil {
			b.Fatal(err)
		}
		p, ok := lessons.MachineOf(r).(lessons.Progresser)
		if !ok {
			b.Skip("the lesson does not stop at questions")
		}
		r.SetStopAtQuestions(true)
		_, e0 := p.Progress()
		runtime.GC()
		for {
			c0 := cpuTime()
			b.StartTimer()
			r.Advance(lessons.Epoch)
			b.StopTimer()
			cpu += cpuTime() - c0
			if _, e := p.Progress(); e != e0 || r.Done() {
				break
			}
			q := r.Question()
			if q == nil || q.Answered {
				continue // a partial advance that met no question: go on
			}
			if _, err := r.Answer(q.ID, ""); err != nil {
				b.Fatal(err)
			}
		}
		c0 := cpuTime()
		b.StartTimer()
		r.Scene()
		b.StopTimer()
		cpu += cpuTime() - c0
	}
	b.ReportMetric(float64(cpu.Microseconds())/1e3/float64(b.N), "cpu-ms/op")
}

// benchEpoch times the epoch after skip untimed ones.
func benchEpoch(b *testing.B, l *lessons.Lesson, skip int) {
	var cpu time.Duration
	b.StopTimer()
	for range b.N {
		r, err := lessons.Start(l, lessons.DefaultSeed, nil)
		if err != nil {
			b.Fatal(err)
		}
		for range skip {
			r.Advance(lessons.Epoch)
		}
		if r.Done() {
			b.Skipf("the run ends within %d epoch(s)", skip)
		}
		runtime.GC()
		c0 := cpuTime()
		b.StartTimer()
		r.Advance(lessons.Epoch)
		r.Scene()
		b.StopTimer()
		cpu += cpuTime() - c0
	}
	b.ReportMetric(float64(cpu.Microseconds())/1e3/float64(b.N), "cpu-ms/op")
}

// BenchmarkPeakMemory runs cnn at its defaults and at ten epochs to the
// end an epoch at a time, drawing every scene, then steps back to the
// start one action at a time, drawing each scene, and reports the
// high-water mark of the heap in use (peak-heap-MB: live objects and the
// garbage not yet collected, sampled every millisecond and after every
// action) and of the memory the runtime holds from the system
// (peak-sys-MB: heap, stacks and the runtime's own, less what it has
// returned to the system), and on Linux the peak resident set size of
// the process over the run (peak-rss-MB, VmHWM reset at its start).
// The digits and the untrained network's measurement are loaded before
// the first sample: they are shared by every run of the process.
func BenchmarkPeakMemory(b *testing.B) {
	l, err := Registry().Get("cnn")
	if err != nil {
		b.Fatal(err)
	}
	for _, epochs := range []string{"1", "10"} {
		b.Run("cnn/epochs="+epochs, func(b *testing.B) {
			if _, err := lessons.Start(l, lessons.DefaultSeed, lessons.Settings{"epochs": epochs}); err != nil {
				b.Fatal(err)
			}
			var heap, sys, rss float64
			rssOK := true
			for range b.N {
				runtime.GC()
				rssOK = resetPeakRSS() && rssOK
				p := startPeak()
				r, _ := lessons.Start(l, lessons.DefaultSeed, lessons.Settings{"epochs": epochs})
				for !r.Done() {
					r.Advance(lessons.Epoch)
					r.Scene()
					p.sample()
				}
				for r.Back() {
					r.Scene()
					p.sample()
				}
				h, s := p.stop()
				heap, sys, rss = max(heap, h), max(sys, s), max(rss, peakRSS())
				runtime.KeepAlive(r)
			}
			if rssOK && rss > 0 {
				b.ReportMetric(rss/(1<<20), "peak-rss-MB")
			}
			b.ReportMetric(heap/(1<<20), "peak-heap-MB")
			b.ReportMetric(sys/(1<<20), "peak-sys-MB")
		})
	}
}

// peak samples the runtime's memory every millisecond until stopped.
type peak struct {
	mu        sync.Mutex
	heap, sys float64
	quit      chan struct{}
	done      sync.WaitGroup
	s         []metrics.Sample
}

// The heap in use is objects (live or not yet swept) plus the unused
// parts of in-use spans (MemStats.HeapInuse); the memory held from the
// system is the total mapped less what has been returned.
var peakMetrics = []string{
	"/memory/classes/heap/objects:bytes",
	"/memory/classes/heap/unused:bytes",
	"/memory/classes/total:bytes",
	"/memory/classes/heap/released:bytes",
}

func startPeak() *peak {
	p := &peak{quit: make(chan struct{})}
	for _, n := range peakMetrics {
		p.s = append(p.s, metrics.Sample{Name: n})
	}
	p.sample()
	p.done.Add(1)
	go func() {
		defer p.done.Done()
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.quit:
				return
			case <-t.C:
				p.sample()
			}
		}
	}()
	return p
}

func (p *peak) sample() {
	p.mu.Lock()
	defer p.mu.Unlock()
	metrics.Read(p.s)
	v := func(i int) float64 { return float64(p.s[i].Value.Uint64()) }
	p.heap = max(p.heap, v(0)+v(1))
	p.sys = max(p.sys, v(2)-v(3))
}

// stop ends the sampling and returns the peaks, in bytes.
func (p *peak) stop() (heap, sys float64) {
	close(p.quit)
	p.done.Wait()
	p.sample()
	return p.heap, p.sys
}
