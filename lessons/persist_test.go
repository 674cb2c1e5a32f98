package lessons

import (
	"math"
	"reflect"
	"runtime"
	"testing"
)

func TestEncoderRoundTrip(t *testing.T) {
	var e Encoder
	e.Uint(300)
	e.Int(-7)
	e.Bool(true)
	e.Float(math.Inf(-1))
	e.Float(math.Copysign(0, -1))
	e.String("héllo")
	e.Floats(nil)
	e.Floats([]float64{})
	e.Floats([]float64{1.5, math.SmallestNonzeroFloat64})
	e.Ints([]int{3, -1, 1 << 40})
	e.Bools([]bool{true, false})
	e.Settings(Settings{"b": "2", "a": "1"})
	e.Raw([]byte{9, 8})
	d := NewDecoder(e.Bytes())
	if d.Uint() != 300 || d.Int() != -7 || !d.Bool() || !math.IsInf(d.Float(), -1) || math.Float64bits(d.Float()) != math.Float64bits(math.Copysign(0, -1)) || d.String(10) != "héllo" {
		t.Fatal("scalars differ")
	}
	if v := d.Floats(5); v != nil {
		t.Fatalf("nil slice read as %v", v)
	}
	if v := d.Floats(5); v == nil || len(v) != 0 {
		t.Fatalf("empty slice read as %v", v)
	}
	if v := d.Floats(5); !reflect.DeepEqual(v, []float64{1.5, math.SmallestNonzeroFloat64}) {
		t.Fatalf("floats %v", v)
	}
	if v := d.Ints(5, -1, 1<<40); !reflect.DeepEqual(v, []int{3, -1, 1 << 40}) {
		t.Fatalf("ints %v", v)
	}
	if v := d.Bools(5); !reflect.DeepEqual(v, []bool{true, false}) {
		t.Fatalf("bools %v", v)
	}
	if s := d.Settings(); !reflect.DeepEqual(s, Settings{"a": "1", "b": "2"}) {
		t.Fatalf("settings %v", s)
	}
	if b := d.Raw(2); !reflect.DeepEqual(b, []byte{9, 8}) {
		t.Fatalf("raw %v", b)
	}
	if err := d.End(); err != nil {
		t.Fatal(err)
	}
}

// A length larger than the bytes left, or than the caller's maximum, is
// an error before anything is allocated; out-of-range values are errors;
// the first error sticks.
func TestDecoderRefusesCraftedLengths(t *testing.T) {
	var e Encoder
	e.Len(1<<40, false)
	e.Float(1)
	huge := e.Bytes()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if v := NewDecoder(huge).Floats(1 << 50); v != nil {
		t.Fatal("read a slice longer than its input")
	}
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 64<<10 {
		t.Fatalf("%d bytes allocated refusing a crafted length", n)
	}
	var f Encoder
	f.Ints([]int{1, 2, 3})
	if d := NewDecoder(f.Bytes()); d.Ints(2, 0, 10) != nil || d.Err() == nil {
		t.Fatal("more elements than the maximum were read")
	}
	d0 := NewDecoder(f.Bytes())
	if d0.Ints(3, 0, 2); d0.Err() == nil {
		t.Fatal("an element out of range was read")
	}
	var g Encoder
	g.Bool(true)
	b := append(g.Bytes(), 7)
	d := NewDecoder(b)
	d.Bool()
	if d.Bool(); d.Err() == nil {
		t.Fatal("a bool byte 7 was read")
	}
	if d.Uint() != 0 || d.String(5) != "" {
		t.Fatal("reads after an error returned values")
	}
	if NewDecoder([]byte{1, 2}).End() == nil {
		t.Fatal("bytes left over are not an error")
	}
}
