package progress

import (
	"encoding/json"
	"reflect"
	"strings"
	"sync"
)

// Fields of the progress file that this version does not know (written
// by a newer dlearn, or by hand) are kept in each value's Extra and
// written back on save, so a load-save round trip does not drop them.

// Unknown is a JSON object of the members a value had that no field of
// its type names ("" when none). It is a string so that the types
// holding it stay comparable.
type Unknown string

// The local types have the same fields but none of the methods, so
// json handles them the ordinary way.
type (
	stateFields    State
	lessonFields   Lesson
	exerciseFields Exercise
	prefsFields    Prefs
)

func (v *State) UnmarshalJSON(b []byte) error {
	return decodeKeeping(b, (*stateFields)(v), &v.Extra)
}

func (v State) MarshalJSON() ([]byte, error) { return encodeKeeping(stateFields(v), v.Extra) }

func (v *Lesson) UnmarshalJSON(b []byte) error {
	return decodeKeeping(b, (*lessonFields)(v), &v.Extra)
}

func (v Lesson) MarshalJSON() ([]byte, error) { return encodeKeeping(lessonFields(v), v.Extra) }

func (v *Exercise) UnmarshalJSON(b []byte) error {
	return decodeKeeping(b, (*exerciseFields)(v), &v.Extra)
}

func (v Exercise) MarshalJSON() ([]byte, error) { return encodeKeeping(exerciseFields(v), v.Extra) }

func (v *Prefs) UnmarshalJSON(b []byte) error {
	return decodeKeeping(b, (*prefsFields)(v), &v.Extra)
}

func (v Prefs) MarshalJSON() ([]byte, error) { return encodeKeeping(prefsFields(v), v.Extra) }

// decodeKeeping decodes b into fields (a pointer to a struct) and puts
// the object's members that no field names into *extra.
func decodeKeeping(b []byte, fields any, extra *Unknown) error {
	if err := json.Unmarshal(b, fields); err != nil {
		return err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return err
	}
	known := knownNames(reflect.TypeOf(fields).Elem())
	for k := range all {
		if known[strings.ToLower(k)] {
			delete(all, k)
		}
	}
	*extra = ""
	if len(all) > 0 {
		kept, err := json.Marshal(all)
		if err != nil {
			return err
		}
		*extra = Unknown(kept)
	}
	return nil
}

// encodeKeeping encodes fields (a struct) with the members of extra
// added.
func encodeKeeping(fields any, extra Unknown) ([]byte, error) {
	b, err := json.Marshal(fields)
	if err != nil || extra == "" {
		return b, err
	}
	var all, more map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(extra), &more); err != nil {
		return b, nil // not an object: nothing to keep
	}
	for k, v := range more {
		if _, ok := all[k]; !ok {
			all[k] = v
		}
	}
	return json.Marshal(all)
}

var knownCache sync.Map // reflect.Type → map[string]bool

// knownNames are the JSON member names of struct type t's fields, in
// lower case (encoding/json matches names without regard to case).
func knownNames(t reflect.Type) map[string]bool {
	if m, ok := knownCache.Load(t); ok {
		return m.(map[string]bool)
	}
	m := map[string]bool{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		m[strings.ToLower(name)] = true
	}
	knownCache.Store(t, m)
	return m
}
