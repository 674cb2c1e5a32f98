package harness

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestValuesRoundTrip(t *testing.T) {
	values := []any{
		1.5, math.NaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1), 3, true, "x\n\"y\"",
		[]float64{1, math.NaN(), -2.5e-300}, [][]float64{{1, 2}, nil, {}}, []float64(nil), [2]int{4, 5},
	}
	for _, v := range values {
		raw, err := Encode(reflect.ValueOf(v))
		if err != nil {
			t.Fatalf("Encode(%v): %v", v, err)
		}
		back, err := Decode(raw, reflect.TypeOf(v))
		if err != nil {
			t.Fatalf("Decode(%s): %v", raw, err)
		}
		if got, want := fmtValue(back.Interface()), fmtValue(v); got != want {
			t.Errorf("%s: round trip gives %s, want %s", raw, got, want)
		}
	}
	if f, _ := Decode([]byte("-0"), reflect.TypeOf(0.0)); !math.Signbit(f.Float()) {
		t.Error("-0 lost its sign")
	}
	if _, err := Encode(reflect.ValueOf(map[string]int{})); err == nil {
		t.Error("a map was encoded")
	}
	if _, err := Decode([]byte(`"many"`), reflect.TypeOf(0.0)); err == nil {
		t.Error(`"many" read as a number`)
	}
}

// fmtValue prints v in Go syntax: NaN equals itself, -0 keeps its sign
// and a nil slice differs from an empty one.
func fmtValue(v any) string { return fmt.Sprintf("%#v", v) }

func TestMarksAreTakenOut(t *testing.T) {
	b := &capBuffer{cap: 100}
	whole := "before" + markOpen + "1" + markClose + "after\x00x"
	for i := range len(whole) { // one byte at a time: marks cut anywhere
		b.Write([]byte{whole[i]})
	}
	b.waitMark(1, time.Second)
	if b.mark != 1 || b.String() != "beforeafter\x00x" {
		t.Errorf("mark %d, output %q", b.mark, b.String())
	}
	b.Write([]byte("y" + strings.Repeat("z", 200)))
	if got := b.String(); !strings.HasPrefix(got, "beforeafter\x00xy") || !strings.HasSuffix(got, "(114 more bytes not kept)") {
		t.Errorf("capped output %q", got)
	}
	start := time.Now()
	b.waitMark(2, 50*time.Millisecond)
	if time.Since(start) < 40*time.Millisecond {
		t.Error("waitMark returned before its mark or its time")
	}
}

func TestCompatible(t *testing.T) {
	type stepper interface{ Step(w, g []float64) }
	cases := []struct {
		want reflect.Type
		have string
		ok   bool
	}{
		{reflect.TypeFor[func([]float64, []float64) float64](), "func([]float64, []float64) float64", true},
		{reflect.TypeFor[func([]float64, []float64) float64](), "func([]float32, []float64) float64", false},
		{reflect.TypeFor[func(float64) stepper](), "func(float64) *adam.Adam", true},
		{reflect.TypeFor[func(float64) stepper](), "func(float32) *adam.Adam", false},
	}
	for _, c := range cases {
		if got := compatible(c.want, c.have); got != c.ok {
			t.Errorf("compatible(%s, %s) = %v", c.want, c.have, got)
		}
	}
}

func TestDiagnoseCrashes(t *testing.T) {
	cfg := Config{Package: "example.com/exercises/mse", Spans: map[string]Span{
		"mse.spin": {Where: "exercises/mse/mse.go", From: 10, To: 14, Loops: []int{11}}}}
	dump := "goroutine 7 [running]:\nexample.com/exercises/mse.spin(...)\n\texample.com/exercises/mse/mse.go:1 +0x1c\n"
	f := diagnose(nil, dump, cfg, "mse.Loss", false, true)
	if f.Kind != "timeout" || f.Message != "mse.Loss timed out: is there a loop that never ends?\n  in mse.spin (exercises/mse/mse.go:11)" {
		t.Errorf("timeout: %+v", f)
	}
	f = diagnose(nil, "runtime: goroutine stack exceeds 67108864-byte limit\nfatal error: stack overflow\n"+dump, cfg, "mse.Grad", false, false)
	if f.Kind != "crash" || !strings.HasPrefix(f.Message, "mse.Grad crashed with a stack overflow") {
		t.Errorf("overflow: %+v", f)
	}
	cfg.Exits = []Site{{Func: "mse.Loss", Where: "exercises/mse/mse.go:5"}, {Func: "mse.init", Where: "exercises/mse/x.go:3"}}
	f = diagnose(nil, "", cfg, "", true, false)
	if f.Kind != "exit" || !strings.Contains(f.Message, "before the first call") || !strings.HasSuffix(f.Message, "os.Exit is called in mse.init (exercises/mse/x.go:3)") {
		t.Errorf("exit in init: %+v", f)
	}
}

func TestDiagnoseTimeoutWithoutDump(t *testing.T) {
	cfg := Config{Package: "example.com/exercises/mse", Spans: map[string]Span{
		"mse.Loss": {Where: "exercises/mse/mse.go", From: 10, To: 14, Loops: []int{12}}}}
	f := diagnose(nil, "", cfg, "mse.Loss", false, true)
	if f.Message != "mse.Loss timed out: is there a loop that never ends?\n  in mse.Loss (exercises/mse/mse.go:12)" {
		t.Errorf("timeout without a dump: %q", f.Message)
	}
}
