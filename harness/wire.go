package harness

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
)

// The wire protocol: one JSON object per line. The harness process reads
// requests on file descriptor 3 and writes its hello and the responses on
// file descriptor 4; its standard output and error are the learner's own
// and never carry protocol.
//
// Values travel as JSON with one difference: a float that is NaN or
// infinite is the string "NaN", "+Inf" or "-Inf", because a learner's
// function may well return one and the checks must see it.

// Site is a place in the learner's code.
type Site struct {
	Func  string `json:"func,omitempty"`  // "mse.Loss", "adam.(*Adam).Step"
	Where string `json:"where,omitempty"` // "exercises/mse/mse.go:7"
}

// FuncInfo describes a function the harness offers.
type FuncInfo struct {
	Type string `json:"type"` // reflect's type string: func([]float64, []float64) float64
	Site
}

// Hello is the harness's first line: what it offers.
type Hello struct {
	Package string              `json:"package"` // the learner's import path
	Funcs   map[string]FuncInfo `json:"funcs"`
}

// Request asks the harness to call a function, or a method of an object
// an earlier call returned (Object > 0).
type Request struct {
	ID     int               `json:"id"`
	Func   string            `json:"func"`
	Object int               `json:"object,omitempty"`
	Args   []json.RawMessage `json:"args"`
}

// Response is the outcome of one Request.
type Response struct {
	ID int `json:"id"`
	// Results are the function's results; a result that is not a plain
	// value (a pointer to the learner's optimizer, say) is null here and
	// listed in Objects.
	Results []json.RawMessage `json:"results,omitempty"`
	Objects []Object          `json:"objects,omitempty"`
	// Args are the arguments as they were after the call: a function
	// that writes into its arguments changed them, and the caller sees it.
	Args []json.RawMessage `json:"args,omitempty"`
	// Panic is set when the function panicked, Goexit when it called
	// runtime.Goexit, Error when the harness could not make the call.
	Panic  *Panic `json:"panic,omitempty"`
	Goexit *Site  `json:"goexit,omitempty"`
	Error  string `json:"error,omitempty"`
}

// Object is a result that stays in the harness: the caller gets a handle
// and may call its methods.
type Object struct {
	Result  int                 `json:"result"` // the index of the result
	Handle  int                 `json:"handle"`
	Methods map[string]FuncInfo `json:"methods"`
}

// Panic is a panic in the learner's code.
type Panic struct {
	Value string `json:"value"`
	Site
}

// encodeValue writes v as a wire value; kinds other than numbers,
// booleans, strings and slices or arrays of them are an error.
func encodeValue(buf *bytes.Buffer, v reflect.Value) error {
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		switch {
		case math.IsNaN(f):
			buf.WriteString(`"NaN"`)
		case math.IsInf(f, 1):
			buf.WriteString(`"+Inf"`)
		case math.IsInf(f, -1):
			buf.WriteString(`"-Inf"`)
		default:
			bits := 64
			if v.Kind() == reflect.Float32 {
				bits = 32
			}
			buf.WriteString(strconv.FormatFloat(f, 'g', -1, bits))
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		buf.WriteString(strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		buf.WriteString(strconv.FormatUint(v.Uint(), 10))
	case reflect.Bool:
		buf.WriteString(strconv.FormatBool(v.Bool()))
	case reflect.String:
		b, _ := json.Marshal(v.String())
		buf.Write(b)
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			buf.WriteString("null")
			return nil
		}
		buf.WriteByte('[')
		for i := range v.Len() {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := encodeValue(buf, v.Index(i)); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	default:
		return fmt.Errorf("a %s cannot travel as a value", v.Type())
	}
	return nil
}

// Encode returns v as a wire value.
func Encode(v reflect.Value) (json.RawMessage, error) {
	var buf bytes.Buffer
	if err := encodeValue(&buf, v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// IsValueType reports whether values of t can travel on the wire.
func IsValueType(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Float32, reflect.Float64, reflect.Bool, reflect.String,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	case reflect.Slice, reflect.Array:
		return IsValueType(t.Elem())
	}
	return false
}

// Decode reads the wire value raw as a value of type t.
func Decode(raw json.RawMessage, t reflect.Type) (reflect.Value, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var x any
	if err := dec.Decode(&x); err != nil {
		return reflect.Value{}, err
	}
	v := reflect.New(t).Elem()
	return v, fill(v, x)
}

func fill(v reflect.Value, x any) error {
	t := v.Type()
	switch t.Kind() {
	case reflect.Float32, reflect.Float64:
		switch x := x.(type) {
		case json.Number:
			f, err := strconv.ParseFloat(string(x), 64)
			if err != nil {
				return err
			}
			v.SetFloat(f)
			return nil
		case string:
			switch x {
			case "NaN":
				v.SetFloat(math.NaN())
			case "+Inf":
				v.SetFloat(math.Inf(1))
			case "-Inf":
				v.SetFloat(math.Inf(-1))
			default:
				return fmt.Errorf("%q is not a number", x)
			}
			return nil
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if n, ok := x.(json.Number); ok {
			i, err := strconv.ParseInt(string(n), 10, 64)
			if err != nil {
				return err
			}
			v.SetInt(i)
			return nil
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if n, ok := x.(json.Number); ok {
			i, err := strconv.ParseUint(string(n), 10, 64)
			if err != nil {
				return err
			}
			v.SetUint(i)
			return nil
		}
	case reflect.Bool:
		if b, ok := x.(bool); ok {
			v.SetBool(b)
			return nil
		}
	case reflect.String:
		if s, ok := x.(string); ok {
			v.SetString(s)
			return nil
		}
	case reflect.Slice:
		if x == nil {
			return nil
		}
		if xs, ok := x.([]any); ok {
			s := reflect.MakeSlice(t, len(xs), len(xs))
			for i, e := range xs {
				if err := fill(s.Index(i), e); err != nil {
					return err
				}
			}
			v.Set(s)
			return nil
		}
	case reflect.Array:
		if xs, ok := x.([]any); ok && len(xs) == t.Len() {
			for i, e := range xs {
				if err := fill(v.Index(i), e); err != nil {
					return err
				}
			}
			return nil
		}
	}
	return fmt.Errorf("cannot read %T as a %s", x, t)
}
