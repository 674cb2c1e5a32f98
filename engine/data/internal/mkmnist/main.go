// Command mkmnist writes the MNIST subset that package data embeds: the
// first 12,000 training and the first 2,000 test images with their labels,
// in MNIST's own IDX format, gzip-compressed, into engine/data/mnist/. It
// reads the full set from the GoMNIST module in the Go module cache
// (data.MNISTDir). Run it from the repository root:
//
//	go run ./engine/data/internal/mkmnist
//
// The output is deterministic (gzip without a timestamp), so running it
// again gives the same bytes; data's tests check the files' checksums.
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/dlearn/dlearn/engine/data"
)

func main() {
	dir, err := data.MNISTDir()
	if err != nil {
		fail(err)
	}
	out := filepath.Join("engine", "data", "mnist")
	for _, f := range []struct {
		name string
		n    int
	}{
		{"train-images-idx3-ubyte.gz", data.EmbeddedTrain}, {"train-labels-idx1-ubyte.gz", data.EmbeddedTrain},
		{"t10k-images-idx3-ubyte.gz", data.EmbeddedTest}, {"t10k-labels-idx1-ubyte.gz", data.EmbeddedTest},
	} {
		raw, err := gunzip(filepath.Join(dir, f.name))
		if err != nil {
			fail(err)
		}
		cut, err := truncateIDX(raw, f.n)
		if err != nil {
			fail(fmt.Errorf("%s: %w", f.name, err))
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(cut)
		zw.Close()
		if err := os.WriteFile(filepath.Join(out, f.name), buf.Bytes(), 0o644); err != nil {
			fail(err)
		}
		fmt.Printf("%s: %d items, %d bytes\n", f.name, f.n, buf.Len())
	}
}

// truncateIDX keeps the first n items of an IDX file (its first dimension)
// and rewrites that dimension in the header.
func truncateIDX(b []byte, n int) ([]byte, error) {
	if len(b) < 8 {
		return nil, fmt.Errorf("too short for an IDX header")
	}
	dims := int(b[3])
	head := 4 + 4*dims
	if len(b) < head || int(binary.BigEndian.Uint32(b[4:8])) < n {
		return nil, fmt.Errorf("fewer than %d items", n)
	}
	item := 1
	for d := 1; d < dims; d++ {
		item *= int(binary.BigEndian.Uint32(b[4+4*d:]))
	}
	out := append([]byte(nil), b[:head+n*item]...)
	binary.BigEndian.PutUint32(out[4:8], uint32(n))
	return out, nil
}

func gunzip(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "mkmnist:", err)
	os.Exit(1)
}
