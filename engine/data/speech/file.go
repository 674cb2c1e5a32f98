package speech

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
)

// Format is the first line of both shipped files.
const Format = "dlearn-speech 1"

// The shipped files, in this package's folder.
const (
	FeaturesFile = "features.bin.gz"
	WavesFile    = "waves.bin.gz"
)

// Header describes the features file: how the features were made and
// who says what.
type Header struct {
	Format      string  `json:"format"`
	Synthesiser string  `json:"synthesiser"`
	SampleRate  int     `json:"sample_rate"`
	NFFT        int     `json:"nfft"`
	Hop         int     `json:"hop"`
	Mels        int     `json:"mels"`
	Frames      int     `json:"frames"`
	QOffset     float64 `json:"q_offset"`
	QScale      float64 `json:"q_scale"`
	Voices      []Voice `json:"voices"`
	// Train and Test count the utterances: the first Train records are
	// the training set, the next Test the test set.
	Train int `json:"train"`
	Test  int `json:"test"`
}

// Voice is one of espeak-ng's voices: "en-us+f2" is the American English
// accent with variant f2. Test voices say only test utterances.
type Voice struct {
	Name string `json:"name"`
	Test bool   `json:"test"`
}

// Utterance is one spoken digit: its label (0–9), its voice (an index in
// Header.Voices), the synthesiser's speed (words per minute) and pitch
// (0–99), and its quantised log-mel spectrogram Q, row-major
// [NMels][Frames] (see Dequantise).
type Utterance struct {
	Label, Voice, Speed, Pitch int
	Q                          []byte
}

// Wave is one shipped test utterance's waveform: Samples 16-bit samples
// at SampleRate, the window the features of test utterance Test were
// computed from; Label is its digit.
type Wave struct {
	Test    int     `json:"test"`
	Label   int     `json:"label"`
	Samples []int16 `json:"-"`
}

// recordSize is the bytes of one utterance in the features file: label,
// voice (2 bytes, little-endian), speed, pitch, then the spectrogram.
const recordSize = 5 + NMels*Frames

// EncodeFeatures writes the features file's bytes (before gzip): the
// format line, the header as one line of JSON, then one record per
// utterance.
func EncodeFeatures(h Header, us []Utterance) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(Format + "\n")
	j, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	b.Write(j)
	b.WriteByte('\n')
	for _, u := range us {
		if len(u.Q) != NMels*Frames || u.Label < 0 || u.Label > 9 || u.Voice < 0 || u.Voice > 65535 ||
			u.Speed < 0 || u.Speed > 255 || u.Pitch < 0 || u.Pitch > 255 {
			return nil, fmt.Errorf("speech: utterance %+v out of range", u)
		}
		b.Write([]byte{byte(u.Label), byte(u.Voice), byte(u.Voice >> 8), byte(u.Speed), byte(u.Pitch)})
		b.Write(u.Q)
	}
	return b.Bytes(), nil
}

// EncodeWaves writes the waves file's bytes (before gzip): the format
// line, the list of waves (test index and label) as one line of JSON,
// then each wave's Samples samples, 16-bit little-endian.
func EncodeWaves(ws []Wave) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(Format + "\n")
	j, err := json.Marshal(ws)
	if err != nil {
		return nil, err
	}
	b.Write(j)
	b.WriteByte('\n')
	for _, w := range ws {
		if len(w.Samples) != Samples {
			return nil, fmt.Errorf("speech: wave of %d samples, want %d", len(w.Samples), Samples)
		}
		binary.Write(&b, binary.LittleEndian, w.Samples)
	}
	return b.Bytes(), nil
}

// readHead reads the format line and the JSON line of a gzip-compressed
// file into v and returns a reader of the rest.
func readHead(gz []byte, v any) (*bufio.Reader, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	r := bufio.NewReader(zr)
	line, err := r.ReadString('\n')
	if err != nil || line != Format+"\n" {
		return nil, fmt.Errorf("not a %q file", Format)
	}
	j, err := r.ReadBytes('\n')
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(j, v); err != nil {
		return nil, err
	}
	return r, nil
}

// DecodeFeatures reads a gzip-compressed features file.
func DecodeFeatures(gz []byte) (Header, []Utterance, error) {
	var h Header
	r, err := readHead(gz, &h)
	if err != nil {
		return h, nil, fmt.Errorf("speech: features: %w", err)
	}
	if h.SampleRate != SampleRate || h.NFFT != NFFT || h.Hop != Hop || h.Mels != NMels || h.Frames != Frames ||
		h.QOffset != QOffset || h.QScale != QScale {
		return h, nil, fmt.Errorf("speech: features made with other settings (%d Hz, %d-point FFT, hop %d, %d mels, %d frames)",
			h.SampleRate, h.NFFT, h.Hop, h.Mels, h.Frames)
	}
	us := make([]Utterance, h.Train+h.Test)
	rec := make([]byte, recordSize)
	for i := range us {
		if _, err := io.ReadFull(r, rec); err != nil {
			return h, nil, fmt.Errorf("speech: features: record %d: %w", i, err)
		}
		us[i] = Utterance{Label: int(rec[0]), Voice: int(rec[1]) | int(rec[2])<<8, Speed: int(rec[3]), Pitch: int(rec[4]),
			Q: append([]byte(nil), rec[5:]...)}
		if us[i].Label > 9 || us[i].Voice >= len(h.Voices) {
			return h, nil, fmt.Errorf("speech: features: record %d out of range", i)
		}
	}
	if _, err := r.ReadByte(); err != io.EOF {
		return h, nil, fmt.Errorf("speech: features: more records than the header's %d", len(us))
	}
	return h, us, nil
}

// DecodeWaves reads a gzip-compressed waves file.
func DecodeWaves(gz []byte) ([]Wave, error) {
	var ws []Wave
	r, err := readHead(gz, &ws)
	if err != nil {
		return nil, fmt.Errorf("speech: waves: %w", err)
	}
	for i := range ws {
		ws[i].Samples = make([]int16, Samples)
		if err := binary.Read(r, binary.LittleEndian, ws[i].Samples); err != nil {
			return nil, fmt.Errorf("speech: waves: wave %d: %w", i, err)
		}
	}
	return ws, nil
}
