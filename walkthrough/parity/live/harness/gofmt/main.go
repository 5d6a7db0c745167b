// Copyright the walkthrough authors. Licensed under the Apache License, Version 2.0.

// The gofmt harness: Go's fmt on values built from a JSON description, for the model in
// walkthrough/reimpl/_gofmt.py.
//
// Request: {"func": "Sprintf"|"Errorf"|"Sprint"|"Sprintln", "format": "...", "args": [VALUE...]}
// where VALUE is {"t": TAG, ...}:
//
//	{"t": "string"|"int"|"int64"|"uint"|"uint8"|"float64"|"bool"|"name", "v": ...}   ("name" is main.Name, a string type)
//	{"t": "nil"}                           an untyped nil interface
//	{"t": "bytes", "v": "text"}            []byte
//	{"t": "slice", "v": [VALUE...]}        []interface{}
//	{"t": "strings", "v": ["..."]}         []string ({"t": "strings"} without "v" is a nil []string)
//	{"t": "map", "v": {"key": VALUE}}      map[string]interface{}
//	{"t": "error", "v": "text"}            errors.New(text)
//	{"t": "struct", "type": T, "v": [FIELD...]}   a struct value of type T (below)
//	{"t": "ptr", "v": STRUCT}              a pointer to a struct value
//	{"t": "nilptr", "type": T}             a nil *T
//
// T is one of unversioned.GroupKind, GroupResource, GroupVersionKind, GroupVersion (fields are
// strings), or a type of this harness: Pair{A, B interface{}}, hidden{a, B interface{}}, and
// ValS, PtrS, ValE, PtrE, Both (one string field S; String/Error with a value or pointer receiver).
//
// Answer: {"text": what the function returned (Errorf: its Error())}.
package main

import (
	"encoding/json"
	"errors"
	"fmt"

	"k8s.io/kubernetes/pkg/api/unversioned"
)

type Name string

type Pair struct {
	A interface{}
	B interface{}
}

type hidden struct {
	a interface{}
	B interface{}
}

type ValS struct{ S string }
type PtrS struct{ S string }
type ValE struct{ S string }
type PtrE struct{ S string }
type Both struct{ S string }

func (v ValS) String() string  { return "vs<" + v.S + ">" }
func (p *PtrS) String() string { return "ps<" + p.S + ">" }
func (v ValE) Error() string   { return "ve<" + v.S + ">" }
func (p *PtrE) Error() string  { return "pe<" + p.S + ">" }
func (b Both) Error() string   { return "be<" + b.S + ">" }
func (b Both) String() string  { return "bs<" + b.S + ">" }

type value struct {
	T    string          `json:"t"`
	V    json.RawMessage `json:"v"`
	Type string          `json:"type"`
}

func str(raw json.RawMessage) (s string, err error) {
	err = json.Unmarshal(raw, &s)
	return
}

func strs(values []interface{}) ([]string, error) {
	out := make([]string, len(values))
	for i, v := range values {
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("field %d is %T, not a string", i, v)
		}
		out[i] = s
	}
	return out, nil
}

// structValue builds a struct of the named type from its decoded fields; pointer says return &value.
func structValue(name string, fields []interface{}, pointer bool) (interface{}, error) {
	want := map[string]int{"unversioned.GroupKind": 2, "unversioned.GroupResource": 2,
		"unversioned.GroupVersionKind": 3, "unversioned.GroupVersion": 2, "Pair": 2, "hidden": 2,
		"ValS": 1, "PtrS": 1, "ValE": 1, "PtrE": 1, "Both": 1}
	n, ok := want[name]
	if !ok {
		return nil, fmt.Errorf("unknown struct type %q", name)
	}
	if len(fields) != n {
		return nil, fmt.Errorf("%s has %d fields, got %d", name, n, len(fields))
	}
	if name == "Pair" {
		v := Pair{fields[0], fields[1]}
		if pointer {
			return &v, nil
		}
		return v, nil
	}
	if name == "hidden" {
		v := hidden{fields[0], fields[1]}
		if pointer {
			return &v, nil
		}
		return v, nil
	}
	s, err := strs(fields)
	if err != nil {
		return nil, err
	}
	var v, p interface{}
	switch name {
	case "unversioned.GroupKind":
		x := unversioned.GroupKind{Group: s[0], Kind: s[1]}
		v, p = x, &x
	case "unversioned.GroupResource":
		x := unversioned.GroupResource{Group: s[0], Resource: s[1]}
		v, p = x, &x
	case "unversioned.GroupVersionKind":
		x := unversioned.GroupVersionKind{Group: s[0], Version: s[1], Kind: s[2]}
		v, p = x, &x
	case "unversioned.GroupVersion":
		x := unversioned.GroupVersion{Group: s[0], Version: s[1]}
		v, p = x, &x
	case "ValS":
		x := ValS{s[0]}
		v, p = x, &x
	case "PtrS":
		x := PtrS{s[0]}
		v, p = x, &x
	case "ValE":
		x := ValE{s[0]}
		v, p = x, &x
	case "PtrE":
		x := PtrE{s[0]}
		v, p = x, &x
	case "Both":
		x := Both{s[0]}
		v, p = x, &x
	}
	if pointer {
		return p, nil
	}
	return v, nil
}

func nilPointer(name string) (interface{}, error) {
	switch name {
	case "unversioned.GroupKind":
		return (*unversioned.GroupKind)(nil), nil
	case "unversioned.GroupResource":
		return (*unversioned.GroupResource)(nil), nil
	case "unversioned.GroupVersionKind":
		return (*unversioned.GroupVersionKind)(nil), nil
	case "unversioned.GroupVersion":
		return (*unversioned.GroupVersion)(nil), nil
	case "Pair":
		return (*Pair)(nil), nil
	case "hidden":
		return (*hidden)(nil), nil
	case "ValS":
		return (*ValS)(nil), nil
	case "PtrS":
		return (*PtrS)(nil), nil
	case "ValE":
		return (*ValE)(nil), nil
	case "PtrE":
		return (*PtrE)(nil), nil
	case "Both":
		return (*Both)(nil), nil
	}
	return nil, fmt.Errorf("unknown struct type %q", name)
}

func build(raw json.RawMessage) (interface{}, error) {
	var v value
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	switch v.T {
	case "nil":
		return nil, nil
	case "string", "name", "bytes", "error":
		s, err := str(v.V)
		if err != nil {
			return nil, err
		}
		switch v.T {
		case "name":
			return Name(s), nil
		case "bytes":
			return []byte(s), nil
		case "error":
			return errors.New(s), nil
		}
		return s, nil
	case "int", "int64", "uint", "uint8":
		var n json.Number
		if err := json.Unmarshal(v.V, &n); err != nil {
			return nil, err
		}
		i, err := n.Int64()
		if err != nil {
			return nil, err
		}
		switch v.T {
		case "int64":
			return i, nil
		case "uint":
			return uint(i), nil
		case "uint8":
			return uint8(i), nil
		}
		return int(i), nil
	case "float64":
		var f float64
		err := json.Unmarshal(v.V, &f)
		return f, err
	case "bool":
		var b bool
		err := json.Unmarshal(v.V, &b)
		return b, err
	case "slice", "struct", "ptr":
		if v.T == "ptr" {
			var inner value
			if err := json.Unmarshal(v.V, &inner); err != nil {
				return nil, err
			}
			if inner.T != "struct" {
				return nil, fmt.Errorf("ptr to %q", inner.T)
			}
			fields, err := buildAll(inner.V)
			if err != nil {
				return nil, err
			}
			return structValue(inner.Type, fields, true)
		}
		items, err := buildAll(v.V)
		if err != nil {
			return nil, err
		}
		if v.T == "struct" {
			return structValue(v.Type, items, false)
		}
		if items == nil {
			items = []interface{}{}
		}
		return items, nil
	case "strings":
		if v.V == nil {
			return []string(nil), nil
		}
		var s []string
		err := json.Unmarshal(v.V, &s)
		return s, err
	case "map":
		var m map[string]json.RawMessage
		if err := json.Unmarshal(v.V, &m); err != nil {
			return nil, err
		}
		out := map[string]interface{}{}
		for k, item := range m {
			built, err := build(item)
			if err != nil {
				return nil, err
			}
			out[k] = built
		}
		return out, nil
	case "nilptr":
		return nilPointer(v.Type)
	}
	return nil, fmt.Errorf("unknown value tag %q", v.T)
}

func buildAll(raw json.RawMessage) ([]interface{}, error) {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, err
	}
	out := make([]interface{}, len(items))
	for i, item := range items {
		built, err := build(item)
		if err != nil {
			return nil, err
		}
		out[i] = built
	}
	return out, nil
}

type request struct {
	Func   string          `json:"func"`
	Format string          `json:"format"`
	Args   json.RawMessage `json:"args"`
}

func main() {
	serve(func(raw json.RawMessage) (interface{}, error) {
		var r request
		if err := json.Unmarshal(raw, &r); err != nil {
			return nil, err
		}
		args, err := buildAll(r.Args)
		if err != nil {
			return nil, err
		}
		var text string
		switch r.Func {
		case "Sprintf":
			text = fmt.Sprintf(r.Format, args...)
		case "Errorf":
			text = fmt.Errorf(r.Format, args...).Error()
		case "Sprint":
			text = fmt.Sprint(args...)
		case "Sprintln":
			text = fmt.Sprintln(args...)
		default:
			return nil, fmt.Errorf("unknown func %q", r.Func)
		}
		return map[string]string{"text": text}, nil
	})
}
