package lessons

import (
	"fmt"
	"strings"
)

// Lesson describes one lesson: what the registry lists and how to start it.
type Lesson struct {
	ID      string // short and typed on the command line: "linreg"
	Title   string
	Summary string // one line
	// Topics are the course topics the lesson covers.
	Topics []string
	// Exercises are the exercise packages (folders under exercises/) that
	// go with this lesson.
	Exercises []string
	Controls  []Control
	// Goal is what "done" means, measured from the run; its machine then
	// implements Measurer. The runtime shows it and judges the end by it.
	Goal *Goal
	// New returns a machine at the start of the lesson. settings holds a
	// valid value for every control; seed fixes every random number.
	New func(seed uint64, settings Settings) Machine
}

// Registry holds lessons in course order.
type Registry struct {
	lessons []*Lesson
}

// NewRegistry returns a registry holding the given lessons in order. It
// panics on a duplicate or empty id, which is a programming error.
func NewRegistry(ls ...*Lesson) *Registry {
	r := &Registry{}
	for _, l := range ls {
		r.Register(l)
	}
	return r
}

// Register appends l. It panics on a duplicate or empty id, or if l has
// no constructor.
func (r *Registry) Register(l *Lesson) {
	if l.ID == "" || l.New == nil {
		panic(fmt.Sprintf("lessons: Register: lesson %q needs an id and a New func", l.ID))
	}
	for _, c := range l.Controls {
		if _, err := c.Parse(c.Default); err != nil {
			panic(fmt.Sprintf("lessons: Register %s: default of control %s: %v", l.ID, c.Name, err))
		}
	}
	if _, err := r.Get(l.ID); err == nil {
		panic(fmt.Sprintf("lessons: Register: duplicate lesson id %q", l.ID))
	}
	r.lessons = append(r.lessons, l)
}

// All returns the lessons in course order.
func (r *Registry) All() []*Lesson { return r.lessons }

// Get returns the lesson with the given id, or an error listing the ids
// that exist.
func (r *Registry) Get(id string) (*Lesson, error) {
	for _, l := range r.lessons {
		if l.ID == id {
			return l, nil
		}
	}
	ids := make([]string, len(r.lessons))
	for i, l := range r.lessons {
		ids[i] = l.ID
	}
	return nil, fmt.Errorf("unknown lesson %q (lessons: %s)", id, strings.Join(ids, ", "))
}
