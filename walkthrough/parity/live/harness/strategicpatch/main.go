// Copyright the walkthrough authors. Licensed under the Apache License, Version 2.0.

// The strategicpatch harness: strategicpatch.StrategicMergePatch of Kubernetes v1.5.2, for the model in
// walkthrough/reimpl/kubernetes/strategicpatch.py.
//
// Request: {"original": "<JSON text>", "patch": "<JSON text>", "type": "pkg/api/v1.Pod"}: the data
// struct is a new value of the named type (any type api.Scheme knows, by package path and name).
//
// Answer: {"outcomes": [OUTCOME...]}, each OUTCOME {"result": <the patched object, as JSON>},
// {"error": "<err.Error()>"} or {"panic": "<what the panic printed>"}. mergeMap ranges over the
// patch map, in Go's random order, and returns the first error it meets: when a call fails, the
// harness calls again (64 calls in all) and answers every distinct outcome it saw, in no order.
package main

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"k8s.io/kubernetes/pkg/api"
	"k8s.io/kubernetes/pkg/util/strategicpatch"

	// Every API group's types into api.Scheme, as kube-apiserver has them.
	_ "k8s.io/kubernetes/pkg/master"
)

const k8s = "k8s.io/kubernetes/"

// calls is how often a failing patch is retried to see the other errors a random map order gives.
const calls = 64

var types = map[string]reflect.Type{}

func init() {
	for _, t := range api.Scheme.AllKnownTypes() {
		types[strings.TrimPrefix(t.PkgPath(), k8s)+"."+t.Name()] = t
	}
}

type request struct {
	Original string `json:"original"`
	Patch    string `json:"patch"`
	Type     string `json:"type"`
}

func once(r request, t reflect.Type) (outcome map[string]interface{}) {
	defer func() {
		if p := recover(); p != nil {
			outcome = map[string]interface{}{"panic": fmt.Sprint(p)}
		}
	}()
	result, err := strategicpatch.StrategicMergePatch([]byte(r.Original), []byte(r.Patch), reflect.New(t).Interface())
	if err != nil {
		return map[string]interface{}{"error": err.Error()}
	}
	var decoded interface{}
	if err := json.Unmarshal(result, &decoded); err != nil {
		return map[string]interface{}{"harness_unmarshal": err.Error()}
	}
	return map[string]interface{}{"result": decoded}
}

func main() {
	serve(func(raw json.RawMessage) (interface{}, error) {
		var r request
		if err := json.Unmarshal(raw, &r); err != nil {
			return nil, err
		}
		t, ok := types[r.Type]
		if !ok {
			return nil, fmt.Errorf("unknown type %q", r.Type)
		}
		first := once(r, t)
		outcomes := []map[string]interface{}{first}
		if _, ok := first["result"]; !ok {
			seen := map[string]bool{}
			key, _ := json.Marshal(first)
			seen[string(key)] = true
			for i := 1; i < calls; i++ {
				outcome := once(r, t)
				key, _ := json.Marshal(outcome)
				if !seen[string(key)] {
					seen[string(key)] = true
					outcomes = append(outcomes, outcome)
				}
			}
		}
		return map[string]interface{}{"outcomes": outcomes}, nil
	})
}
