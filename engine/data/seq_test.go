package data

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestSine(t *testing.T) {
	seq, phases := SineWithPhases(5, 8, 50)
	if seq.Shape[0] != 8 || seq.Shape[1] != 50 || len(phases) != 8 {
		t.Fatalf("shape %v, %d phases", seq.Shape, len(phases))
	}
	for b, ph := range phases {
		if ph < 0 || ph >= 2*math.Pi {
			t.Errorf("phase %d = %g outside [0, 2π)", b, ph)
		}
		for tt := range 50 {
			if seq.Data[b*50+tt] != math.Sin(0.1*float64(tt)+ph) {
				t.Fatalf("seq[%d][%d] is not sin(0.1·t + φ)", b, tt)
			}
		}
	}
	in, tg := NextStep(seq)
	if in.Shape[1] != 49 || tg.Data[0] != seq.Data[1] || in.Data[49] != seq.Data[50] || tg.Data[48] != seq.Data[49] {
		t.Errorf("NextStep misaligned")
	}
}

// TestDatePairsRoundTrip: every input reads back, in its own layout, as
// the date of its output, and both encode and decode through the date
// vocabularies unchanged.
func TestDatePairsRoundTrip(t *testing.T) {
	in, out := DateVocabs()
	pairs := DatePairs(9, 2000)
	layouts := map[string]int{}
	for _, p := range pairs {
		layouts[p.Layout]++
		d, err := time.Parse(p.Layout, p.In)
		if err != nil {
			t.Fatalf("%q does not parse as %q: %v", p.In, p.Layout, err)
		}
		if d.Format(DateOutputLayout) != p.Out {
			t.Fatalf("%q is %s, pair says %s", p.In, d.Format(DateOutputLayout), p.Out)
		}
		if d.Before(DateFirst) || d.After(DateLast) {
			t.Fatalf("%s outside [%s, %s]", p.Out, DateFirst, DateLast)
		}
		if pd, err := ParseDate(p.In); err != nil || !pd.Equal(d) {
			t.Fatalf("ParseDate(%q) = %v, %v", p.In, pd, err)
		}
		ids, err := in.EncodeSeq(p.In, DateMaxIn+2, true, true)
		if err != nil {
			t.Fatalf("%q does not fit: %v", p.In, err)
		}
		for _, id := range ids {
			if id == UnkID {
				t.Fatalf("%q has a character outside the input vocabulary %q", p.In, in.Chars())
			}
		}
		if got := in.Decode(ids); got != p.In {
			t.Fatalf("Decode(Encode(%q)) = %q", p.In, got)
		}
		oids, err := out.EncodeSeq(p.Out, DateOutLen+1, false, true)
		if err != nil || out.Decode(oids) != p.Out {
			t.Fatalf("output %q does not round-trip: %v", p.Out, err)
		}
	}
	if len(layouts) != len(DateFormats) {
		t.Errorf("2000 pairs used %d of the %d formats", len(layouts), len(DateFormats))
	}
	if s := time.Date(2049, 9, 29, 0, 0, 0, 0, time.UTC).Format(DateFormats[len(DateFormats)-1]); len(s) != DateMaxIn {
		t.Errorf("%q has %d characters, DateMaxIn = %d", s, len(s), DateMaxIn)
	}
	if out.Chars() != "-0123456789" {
		t.Errorf("output vocabulary %q", out.Chars())
	}
	if _, err := ParseDate("30 Febtember"); err == nil || !strings.HasPrefix(err.Error(), "data: ") {
		t.Errorf("ParseDate of nonsense: %v", err)
	}
}

func TestVocab(t *testing.T) {
	v := NewVocab("cab", "bad")
	if v.Size() != 4+4 || v.Chars() != "abcd" {
		t.Fatalf("vocab %q of size %d", v.Chars(), v.Size())
	}
	ids, err := v.EncodeSeq("dax", 7, true, true)
	if err != nil {
		t.Fatal(err)
	}
	want := []int{StartID, 7, 4, UnkID, EndID, PadID, PadID}
	for i := range want {
		if ids[i] != want[i] {
			t.Fatalf("EncodeSeq = %v, want %v", ids, want)
		}
	}
	if got := v.Decode(ids); got != "da�" {
		t.Errorf("Decode = %q", got)
	}
	if got := v.Decode([]int{4, 5, EndID, 6}); got != "ab" {
		t.Errorf("Decode stops at </s>: %q", got)
	}
	if _, err := v.EncodeSeq("", -1, false, false); err == nil {
		t.Error("negative length: no error")
	}
	if _, err := v.EncodeSeq("abcd", 5, true, true); err == nil || !strings.HasPrefix(err.Error(), "data: ") {
		t.Errorf("too long: %v", err)
	}
	for id, want := range map[int]string{0: "<pad>", 1: "<s>", 2: "</s>", 3: "<unk>", 4: "a", 99: "<99?>"} {
		if v.Token(id) != want {
			t.Errorf("Token(%d) = %q, want %q", id, v.Token(id), want)
		}
	}
	if oh := v.OneHot([]int{1, 4}); oh.Shape[1] != 8 || oh.Data[1] != 1 || oh.Data[8+4] != 1 {
		t.Errorf("OneHot = %v", oh)
	}
}
