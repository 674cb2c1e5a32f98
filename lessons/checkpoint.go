package lessons

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
)

// A run's checkpoints can be saved beside its journal so that reopening a
// lesson restores one instead of replaying the whole journal from the
// seed (for machines that implement Persister). The file holds the latest
// few checkpoints, each with the number of actions of the log it follows
// and a hash of that prefix of the log; ResumeFrom restores the latest one
// whose prefix is the journal's and replays only the actions after it.
// A file that does not fit — another program build, lesson, seed or
// settings, another journal, a bad checksum, truncated, too large, a
// state the machine cannot decode — is ignored and the journal replayed
// in full, so a checkpoint makes reopening faster and never different.
//
// The format (all integers varints, see Encoder):
//
//	"dlearn checkpoint\n"  magic
//	format version         checkpointFormat
//	build key              BuildKey: the program that wrote it
//	lesson id, seed        the run's
//	settings               count, then name and value, sorted by name
//	answers                whether each answer in the log up to the
//	                       latest checkpoint was right
//	checkpoints            count, then for each (oldest first): the
//	                       actions it follows, the SHA-256 of that
//	                       prefix of the log (see prefixHash), and the
//	                       machine's own encoding of the state
//	                       (Persister.EncodeState)
//	SHA-256 of all the above, 32 bytes
const (
	checkpointMagic  = "dlearn checkpoint\n"
	checkpointFormat = 1
)

// MaxCheckpointSize bounds a checkpoint file: Encode drops older
// checkpoints to stay within it (and saves none when the latest alone is
// larger), and readers should read no more than this (ParseSaved refuses
// a larger input).
const MaxCheckpointSize = 16 << 20

// savedCheckpoints is how many of the latest checkpoints a file keeps: the
// latest for reopening, the older ones so that stepping back just after
// reopening restores one too instead of replaying from the seed.
const savedCheckpoints = 3

// BuildKey identifies the program build that wrote a checkpoint; a file
// from another build is ignored, since another build may compute a
// different state from the same journal. It is the Go version and the
// module's version and VCS revision, and, when the sources were modified
// or the revision is unknown, the executable's path, size and time.
var BuildKey = buildKey()

func buildKey() string {
	key := runtime.Version()
	clean := false
	if bi, ok := debug.ReadBuildInfo(); ok {
		key += " " + bi.Main.Path + "@" + bi.Main.Version
		var rev, modified string
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value
			}
		}
		key += " " + rev
		clean = rev != "" && modified == "false"
	}
	if !clean {
		if exe, err := os.Executable(); err == nil {
			if fi, err := os.Stat(exe); err == nil {
				key += fmt.Sprintf(" %s %d %d", exe, fi.Size(), fi.ModTime().UnixNano())
			}
		}
	}
	return key
}

// Saved is a run's latest persistable checkpoints, to be encoded and
// written beside its journal (Run.Checkpoint). It holds the states the
// run keeps anyway (they never change), so making one is cheap, and
// Encode may run on another goroutine while the run goes on.
type Saved struct {
	lesson  string
	seed    uint64
	start   Settings
	correct []bool // of the answers in the log up to the latest checkpoint
	cps     []savedCheckpoint
	encode  func(any, *Encoder) error
}

type savedCheckpoint struct {
	at      int
	answers int // answers in the log before at
	hash    [32]byte
	state   any
}

// At returns the number of actions the latest checkpoint follows.
func (s *Saved) At() int { return s.cps[len(s.cps)-1].at }

// Checkpoint returns the run's latest checkpoints for saving, or nil when
// its machine is not a Persister or there is no checkpoint yet (then
// replaying the journal is cheap: checkpoints are taken after every
// checkpointBudget of work).
func (r *Run) Checkpoint() *Saved {
	p, ok := r.m.(Persister)
	if !ok {
		return nil
	}
	var idx []int
	for i := len(r.checkpoints) - 1; i >= 0 && len(idx) < savedCheckpoints; i-- {
		if r.checkpoints[i].state != nil {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return nil
	}
	slices.Reverse(idx)
	r.hashCheckpoints(idx)
	s := &Saved{lesson: r.lesson.ID, seed: r.seed, start: r.start.Clone(), encode: p.EncodeState}
	k := 0
	for _, i := range idx {
		cp := r.checkpoints[i]
		for ; k < cp.at; k++ {
			if a := r.log[k]; a.answer != "" {
				s.correct = append(s.correct, a.correct)
			}
		}
		s.cps = append(s.cps, savedCheckpoint{at: cp.at, answers: len(s.correct), hash: cp.hash, state: cp.state})
	}
	return s
}

// hashCheckpoints fills in the prefix hashes of the checkpoints at idx
// (increasing) that have none yet, in one pass over the log.
func (r *Run) hashCheckpoints(idx []int) {
	var todo []int
	for _, i := range idx {
		if !r.checkpoints[i].hashed {
			todo = append(todo, i)
		}
	}
	if len(todo) == 0 {
		return
	}
	h := newPrefixHash(r.lesson.ID, r.seed, r.start)
	k := 0
	for _, i := range todo {
		cp := &r.checkpoints[i]
		for ; k < cp.at; k++ {
			h.add(r.log[k])
		}
		cp.hash, cp.hashed = h.sum(), true
	}
}

// prefixHash hashes a run's identity and a prefix of its log, as the
// journal gives it (answers' correctness, which the journal does not
// keep, is left out).
type prefixHash struct {
	h hash.Hash
	e Encoder
}

func newPrefixHash(lesson string, seed uint64, start Settings) *prefixHash {
	p := &prefixHash{h: sha256.New()}
	p.e.String("dlearn journal prefix")
	p.e.String(lesson)
	p.e.Uint(seed)
	encodeSettings(&p.e, start)
	p.flush()
	return p
}

func (p *prefixHash) add(a action) {
	p.e.Int(int(a.g))
	p.e.Int(a.ops)
	p.e.String(a.name)
	p.e.String(a.value)
	p.e.String(a.answer)
	p.flush()
}

func (p *prefixHash) flush() {
	p.h.Write(p.e.b)
	p.e.b = p.e.b[:0]
}

func (p *prefixHash) sum() (s [32]byte) {
	copy(s[:], p.h.Sum(nil))
	return s
}

func encodeSettings(e *Encoder, s Settings) {
	names := make([]string, 0, len(s))
	for n := range s {
		names = append(names, n)
	}
	slices.Sort(names)
	e.Len(len(names), false)
	for _, n := range names {
		e.String(n)
		e.String(s[n])
	}
}

// Encode returns the checkpoint file's bytes: the latest checkpoints
// whose states the machine can encode, as many as fit in
// MaxCheckpointSize, at most savedCheckpoints. It fails when none can be
// saved.
func (s *Saved) Encode() ([]byte, error) {
	type part struct {
		cp  savedCheckpoint
		raw []byte
	}
	var parts []part
	size := 0
	var firstErr error
	for i := len(s.cps) - 1; i >= 0; i-- {
		var e Encoder
		if err := s.encode(s.cps[i].state, &e); err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		if size+len(e.b) > MaxCheckpointSize-64<<10 {
			break
		}
		size += len(e.b)
		parts = append(parts, part{s.cps[i], e.b})
	}
	if len(parts) == 0 {
		if firstErr == nil {
			firstErr = errors.New("checkpoint: larger than MaxCheckpointSize")
		}
		return nil, firstErr
	}
	slices.Reverse(parts)
	var e Encoder
	e.b = append(e.b, checkpointMagic...)
	e.Uint(checkpointFormat)
	e.String(BuildKey)
	e.String(s.lesson)
	e.Uint(s.seed)
	encodeSettings(&e, s.start)
	// The answers up to the latest checkpoint kept (a prefix of s.correct,
	// which covers the latest of all).
	e.Bools(s.correct[:parts[len(parts)-1].cp.answers])
	e.Len(len(parts), false)
	for _, p := range parts {
		e.Int(p.cp.at)
		e.Raw(p.cp.hash[:])
		e.Raw(p.raw)
	}
	sum := sha256.Sum256(e.b)
	out := append(e.b, sum[:]...)
	if len(out) > MaxCheckpointSize {
		return nil, errors.New("checkpoint: larger than MaxCheckpointSize")
	}
	return out, nil
}

// savedFile is a parsed checkpoint file.
type savedFile struct {
	build, lesson string
	seed          uint64
	settings      Settings
	correct       []bool
	cps           []fileCheckpoint
}

type fileCheckpoint struct {
	at   int
	hash [32]byte
	raw  []byte
}

// parseSaved checks and parses a checkpoint file.
func parseSaved(b []byte) (*savedFile, error) {
	if len(b) > MaxCheckpointSize {
		return nil, fmt.Errorf("checkpoint: %d bytes is too large", len(b))
	}
	if len(b) < len(checkpointMagic)+sha256.Size || !bytes.HasPrefix(b, []byte(checkpointMagic)) {
		return nil, errors.New("checkpoint: not a checkpoint file")
	}
	body, sum := b[:len(b)-sha256.Size], b[len(b)-sha256.Size:]
	if got := sha256.Sum256(body); !bytes.Equal(got[:], sum) {
		return nil, errors.New("checkpoint: checksum mismatch")
	}
	d := NewDecoder(body[len(checkpointMagic):])
	if v := d.Uint(); d.Err() == nil && v != checkpointFormat {
		return nil, fmt.Errorf("checkpoint: format %d, want %d", v, checkpointFormat)
	}
	f := &savedFile{build: d.String(4096), lesson: d.String(256), seed: d.Uint(), settings: d.Settings()}
	f.correct = d.Bools(maxResumeActions)
	k, _ := d.Len(savedCheckpoints, 34)
	for range k {
		cp := fileCheckpoint{at: d.IntIn("checkpoint", 0, maxResumeActions)}
		if h := d.Raw(32); len(h) == 32 {
			copy(cp.hash[:], h)
		} else {
			d.Fail("hash of %d bytes", len(h))
		}
		cp.raw = d.Raw(MaxCheckpointSize)
		if len(f.cps) > 0 && cp.at <= f.cps[len(f.cps)-1].at {
			d.Fail("checkpoints out of order")
		}
		f.cps = append(f.cps, cp)
	}
	if err := d.End(); err != nil {
		return nil, err
	}
	if k == 0 {
		return nil, errors.New("checkpoint: no checkpoint")
	}
	return f, nil
}
