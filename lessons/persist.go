package lessons

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// Persister is implemented by Snapshotters whose snapshots can outlive the
// process: the runtime saves the latest checkpoints beside a run's journal
// (see Run.Checkpoint), and ResumeFrom restores one instead of replaying
// the journal from the seed.
//
// A state that DecodeState returns must make Restore give exactly the
// machine that Restore of the original state gives: the same scenes now
// and after any further calls.
type Persister interface {
	Snapshotter
	// EncodeState writes a state Snapshot returned to e, starting with a
	// version number of the lesson's own encoding, or reports an error
	// when this state cannot be saved. It reads only state, never the
	// machine: it may run on another goroutine while the machine goes on.
	EncodeState(state any, e *Encoder) error
	// DecodeState reads what EncodeState wrote, for a new machine of the
	// same lesson, seed and starting settings, and returns a state that
	// Restore accepts. Anything that does not fit this machine (another
	// version, other sizes, values out of range) is an error, never a
	// panic; DecodeState does not change the machine.
	DecodeState(d *Decoder) (any, error)
}

// Encoder writes the stable binary encoding of checkpoints: unsigned and
// signed varints, float64 as 8 little-endian bytes, and slices and strings
// as a length followed by their elements (a nil slice is written apart
// from an empty one).
type Encoder struct{ b []byte }

// Bytes returns what has been written.
func (e *Encoder) Bytes() []byte { return e.b }

// Uint writes v.
func (e *Encoder) Uint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }

// Int writes v.
func (e *Encoder) Int(v int) { e.b = binary.AppendVarint(e.b, int64(v)) }

// Bool writes v as one byte.
func (e *Encoder) Bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

// Float writes v exactly (its IEEE 754 bits).
func (e *Encoder) Float(v float64) {
	e.b = binary.LittleEndian.AppendUint64(e.b, math.Float64bits(v))
}

// String writes s.
func (e *Encoder) String(s string) {
	e.Uint(uint64(len(s)))
	e.b = append(e.b, s...)
}

// Raw writes b with its length.
func (e *Encoder) Raw(b []byte) {
	e.Uint(uint64(len(b)))
	e.b = append(e.b, b...)
}

// Len writes the number of elements that follow (of a slice the caller
// writes itself); nil is written apart from empty.
func (e *Encoder) Len(n int, isNil bool) {
	if isNil {
		e.Uint(0)
		return
	}
	e.Uint(uint64(n) + 1)
}

// Floats writes v.
func (e *Encoder) Floats(v []float64) {
	e.Len(len(v), v == nil)
	for _, x := range v {
		e.Float(x)
	}
}

// Ints writes v.
func (e *Encoder) Ints(v []int) {
	e.Len(len(v), v == nil)
	for _, x := range v {
		e.Int(x)
	}
}

// Bools writes v.
func (e *Encoder) Bools(v []bool) {
	e.Len(len(v), v == nil)
	for _, x := range v {
		e.Bool(x)
	}
}

// Decoder reads what an Encoder wrote. The first error sticks: later
// reads return zero values, and Err reports it. Every length is checked
// against the bytes left and against a maximum the caller gives before
// anything is allocated, so a crafted input cannot make it allocate much
// more than its own size.
type Decoder struct {
	b   []byte
	err error
}

// NewDecoder returns a Decoder reading b.
func NewDecoder(b []byte) *Decoder { return &Decoder{b: b} }

// errShort is the error of a read past the end.
var errShort = errors.New("checkpoint: truncated")

// Err returns the first error met, or nil.
func (d *Decoder) Err() error { return d.err }

// Fail records an error (the first one sticks) and returns it.
func (d *Decoder) Fail(format string, args ...any) error {
	if d.err == nil {
		d.err = fmt.Errorf("checkpoint: "+format, args...)
	}
	return d.err
}

// Left returns the number of bytes not read yet.
func (d *Decoder) Left() int { return len(d.b) }

// End reports an error if one was met or if bytes are left over.
func (d *Decoder) End() error {
	if d.err == nil && len(d.b) != 0 {
		d.Fail("%d bytes left over", len(d.b))
	}
	return d.err
}

// Uint reads an unsigned varint.
func (d *Decoder) Uint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errShort
		return 0
	}
	d.b = d.b[n:]
	return v
}

// Int reads a signed varint that fits an int.
func (d *Decoder) Int() int {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = errShort
		return 0
	}
	if int64(int(v)) != v {
		d.Fail("integer %d out of range", v)
		return 0
	}
	d.b = d.b[n:]
	return int(v)
}

// IntIn reads an int and fails unless lo ≤ it ≤ hi.
func (d *Decoder) IntIn(what string, lo, hi int) int {
	v := d.Int()
	if d.err == nil && (v < lo || v > hi) {
		d.Fail("%s = %d, want %d…%d", what, v, lo, hi)
		return lo
	}
	return v
}

// Bool reads a byte 0 or 1.
func (d *Decoder) Bool() bool {
	if d.err != nil {
		return false
	}
	if len(d.b) < 1 {
		d.err = errShort
		return false
	}
	v := d.b[0]
	d.b = d.b[1:]
	if v > 1 {
		d.Fail("bool byte %d", v)
		return false
	}
	return v == 1
}

// Float reads a float64.
func (d *Decoder) Float() float64 {
	if d.err != nil {
		return 0
	}
	if len(d.b) < 8 {
		d.err = errShort
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(d.b))
	d.b = d.b[8:]
	return v
}

// String reads a string of at most most bytes.
func (d *Decoder) String(most int) string {
	n := d.Uint()
	if d.err != nil {
		return ""
	}
	if n > uint64(most) || n > uint64(len(d.b)) {
		d.Fail("string of %d bytes", n)
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

// Raw reads bytes written by Encoder.Raw, of at most most; they alias the
// decoder's input.
func (d *Decoder) Raw(most int) []byte {
	n := d.Uint()
	if d.err != nil {
		return nil
	}
	if n > uint64(most) || n > uint64(len(d.b)) {
		d.Fail("%d bytes", n)
		return nil
	}
	b := d.b[:n:n]
	d.b = d.b[n:]
	return b
}

// Len reads a length written by Encoder.Len: at most most, and at most
// the bytes left divided by size, the fewest bytes one element takes.
// isNil reports a nil slice.
func (d *Decoder) Len(most, size int) (n int, isNil bool) {
	v := d.Uint()
	if d.err != nil {
		return 0, true
	}
	if v == 0 {
		return 0, true
	}
	v--
	if v > uint64(most) || v > uint64(len(d.b)/max(size, 1)) {
		d.Fail("%d elements (at most %d)", v, most)
		return 0, true
	}
	return int(v), false
}

// Floats reads a slice of at most most float64s.
func (d *Decoder) Floats(most int) []float64 {
	n, isNil := d.Len(most, 8)
	if isNil {
		return nil
	}
	v := make([]float64, n)
	for i := range v {
		v[i] = d.Float()
	}
	return v
}

// FloatsN reads a slice of exactly n float64s (not nil).
func (d *Decoder) FloatsN(what string, n int) []float64 {
	v := d.Floats(n)
	if d.err == nil && (v == nil || len(v) != n) {
		d.Fail("%s has %d values, want %d", what, len(v), n)
		return nil
	}
	return v
}

// Ints reads a slice of at most most ints, each within lo…hi.
func (d *Decoder) Ints(most, lo, hi int) []int {
	n, isNil := d.Len(most, 1)
	if isNil {
		return nil
	}
	v := make([]int, n)
	for i := range v {
		v[i] = d.IntIn("element", lo, hi)
	}
	return v
}

// Bools reads a slice of at most most bools.
func (d *Decoder) Bools(most int) []bool {
	n, isNil := d.Len(most, 1)
	if isNil {
		return nil
	}
	v := make([]bool, n)
	for i := range v {
		v[i] = d.Bool()
	}
	return v
}

// Version reads a version number and fails unless it is want.
func (d *Decoder) Version(what string, want int) {
	if v := d.Int(); d.err == nil && v != want {
		d.Fail("%s version %d, want %d", what, v, want)
	}
}

// Settings writes s, sorted by name.
func (e *Encoder) Settings(s Settings) { encodeSettings(e, s) }

// Settings reads settings written by Encoder.Settings (nil for none).
func (d *Decoder) Settings() Settings {
	n, _ := d.Len(1000, 2)
	if n == 0 {
		return nil
	}
	s := make(Settings, n)
	for range n {
		name := d.String(256)
		s[name] = d.String(4096)
	}
	return s
}
