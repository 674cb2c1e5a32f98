package data

import (
	"fmt"

	"github.com/dlearn/dlearn/engine/tensor"
)

// PackedImages holds MNIST images as their bytes (pixel value b/255), an
// eighth of the memory of a float64 tensor: 8,000 training digits take
// 6 MB instead of 50 MB. Batch gives exactly the values the Images of the
// same digits hold. Digits that are not bytes (the synthetic fallback) are
// kept as they are.
type PackedImages struct {
	pix    []uint8        // n·784 bytes, or nil
	x      *tensor.Tensor // the images when they are not bytes
	Labels []int
	// Source, Origin and Note are as in Images.
	Source, Origin, Note string
}

// Len returns the number of images.
func (p *PackedImages) Len() int { return len(p.Labels) }

// pixelLevel[b] is b/255, the value of byte b in an image.
var pixelLevel = func() (l [256]float64) {
	for b := range l {
		l[b] = float64(b) / 255
	}
	return l
}()

// Batch returns the images at rows, in that order, as a new tensor
// [len(rows) 1 28 28] and a new label slice. It panics if a row is out of
// range.
func (p *PackedImages) Batch(rows []int) (x *tensor.Tensor, labels []int) {
	labels = make([]int, len(rows))
	for i, r := range rows {
		if r < 0 || r >= len(p.Labels) {
			panic(fmt.Sprintf("data: PackedImages.Batch: row %d out of range for %d images", r, len(p.Labels)))
		}
		labels[i] = p.Labels[r]
	}
	if p.pix == nil {
		return Rows(p.x, rows), labels
	}
	const px = ImageH * ImageW
	x = tensor.New(len(rows), 1, ImageH, ImageW)
	for i, r := range rows {
		dst := x.Data[i*px : (i+1)*px]
		for j, b := range p.pix[r*px : (r+1)*px] {
			dst[j] = pixelLevel[b]
		}
	}
	return x, labels
}

// PackedDigits is Digits with the training images packed: the same digits
// (real MNIST, the embedded subset, or the synthetic fallback, by the same
// rules), read without ever holding the training set as float64.
func PackedDigits(seed uint64, nTrain, nTest int) (train *PackedImages, test *Images) {
	mustPositive("PackedDigits", "nTrain and nTest", nTrain, nTest)
	if nTrain <= EmbeddedTrain && nTest <= EmbeddedTest {
		if tr, err := embeddedPacked(nTrain); err == nil {
			if _, te, err := embeddedSets(1, nTest); err == nil {
				return tr, te
			}
		}
	}
	tr, te := Digits(seed, nTrain, nTest)
	return Pack(tr), te
}

// Pack returns im as PackedImages: as bytes when im is MNIST (every value
// is then b/255 exactly), as it is otherwise.
func Pack(im *Images) *PackedImages {
	p := &PackedImages{Labels: im.Labels, Source: im.Source, Origin: im.Origin, Note: im.Note}
	if im.Source != "mnist" {
		p.x = im.X
		return p
	}
	p.pix = make([]uint8, len(im.X.Data))
	for i, v := range im.X.Data {
		b := uint8(v*255 + 0.5)
		if pixelLevel[b] != v {
			panic(fmt.Sprintf("data: Pack: value %v of an MNIST image is not a byte over 255", v))
		}
		p.pix[i] = b
	}
	return p
}

// embeddedPacked reads the first limit embedded training images as bytes.
func embeddedPacked(limit int) (*PackedImages, error) {
	const images, labels = "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"
	s, err := readEmbeddedSet(images, labels, limit)
	if err != nil {
		return nil, fmt.Errorf("data: embedded MNIST %s: %w", images, err)
	}
	if s.NRow != ImageH || s.NCol != ImageW || len(s.Images) < limit {
		return nil, fmt.Errorf("data: embedded MNIST %s: %d images of %d×%d, want %d of 28×28", images, len(s.Images), s.NRow, s.NCol, limit)
	}
	const px = ImageH * ImageW
	p := &PackedImages{pix: make([]uint8, 0, limit*px), Labels: make([]int, limit), Source: "mnist",
		Origin: "the MNIST subset embedded in dlearn (its first 12,000 training and 2,000 test images)"}
	for i := range limit {
		if s.Labels[i] > 9 {
			return nil, fmt.Errorf("data: embedded MNIST %s: label %d of image %d is not a digit", labels, s.Labels[i], i)
		}
		p.Labels[i] = int(s.Labels[i])
		p.pix = append(p.pix, s.Images[i]...)
	}
	return p, nil
}
