// Copyright the walkthrough authors. Licensed under the Apache License, Version 2.0.

// Live-parity harness for k8s.io/kubernetes/pkg/api/resource (Kubernetes v1.5.2): Quantity parsing,
// printing and arithmetic. Requests and answers have the shape of tests/golden/a-quantity.json:
//
//	{"op": "parse", "s": "1.5Gi"}             -> every observable of ParseQuantity(s), or {"error"}
//	{"op": "cmp_add_sub", "a": "1", "b": "2"} -> {"cmp", "add": {...}, "sub": {...}} or {"error"}
//	{"op": "methods", "a", "b", "y", "scale"} -> Cmp (and the receiver after it), CmpInt64(y), Neg,
//	                                             RoundUp(scale) on copies of a; or {"error"}
//	{"op": "new", "value", "scale", "format"} -> NewQuantity, NewMilliQuantity, NewScaledQuantity
package main

import (
	"encoding/json"
	"fmt"
	"reflect"

	"k8s.io/kubernetes/pkg/api/resource"
)

type request struct {
	Op string `json:"op"`
	S  string `json:"s"`
	A  string `json:"a"`
	B  string `json:"b"`
	// methods and new
	Y      int64  `json:"y"`
	Scale  int32  `json:"scale"`
	Value  int64  `json:"value"`
	Format string `json:"format"`
}

// describe reports every observable of q, each method called on a fresh Copy (several mutate q).
func describe(q *resource.Quantity) map[string]interface{} {
	out := map[string]interface{}{}
	// The unexported representation, read by reflection (reading unexported fields is allowed).
	v := reflect.ValueOf(q).Elem()
	if v.FieldByName("d").Field(0).IsNil() {
		i := v.FieldByName("i")
		out["repr"] = "int64Amount"
		out["repr_int64_value"] = i.FieldByName("value").Int()
		out["repr_int64_scale"] = i.FieldByName("scale").Int()
	} else {
		out["repr"] = "infDec"
	}
	out["cached_string"] = v.FieldByName("s").String()
	out["format"] = string(q.Format)
	out["is_zero"] = q.IsZero()
	out["sign"] = q.Sign()
	out["as_int64"], out["as_int64_ok"] = q.AsInt64()
	out["value"] = q.Copy().Value()
	out["milli_value"] = q.Copy().MilliValue()
	out["scaled_value_nano"] = q.Copy().ScaledValue(resource.Nano)
	out["scaled_value_kilo"] = q.Copy().ScaledValue(resource.Kilo)
	number, suffix := q.Copy().CanonicalizeBytes(nil)
	out["canonical"] = string(number) + string(suffix)
	marshalled, err := q.Copy().MarshalJSON()
	if err != nil {
		out["json_error"] = err.Error()
	}
	out["json"] = string(marshalled)
	out["string"] = q.Copy().String()
	out["dec"] = q.Copy().AsDec().String()
	return out
}

func parse(s string) map[string]interface{} {
	var out map[string]interface{}
	if q, err := resource.ParseQuantity(s); err != nil {
		out = map[string]interface{}{"error": err.Error()}
	} else {
		out = describe(&q)
	}
	quoted, _ := json.Marshal(s)
	var target resource.Quantity
	if err := target.UnmarshalJSON(quoted); err != nil {
		out["unmarshal_json_error"] = err.Error()
	} else {
		out["unmarshal_json_string"] = target.String()
	}
	return out
}

func cmpAddSub(aText, bText string) map[string]interface{} {
	a, err := resource.ParseQuantity(aText)
	if err != nil {
		return map[string]interface{}{"error": err.Error()}
	}
	b, err := resource.ParseQuantity(bText)
	if err != nil {
		return map[string]interface{}{"error": err.Error()}
	}
	total, difference := a.Copy(), a.Copy()
	total.Add(*b.Copy())
	difference.Sub(*b.Copy())
	return map[string]interface{}{"cmp": a.Copy().Cmp(*b.Copy()), "add": describe(total), "sub": describe(difference)}
}

func methods(aText, bText string, y int64, scale int32) map[string]interface{} {
	a, err := resource.ParseQuantity(aText)
	if err != nil {
		return map[string]interface{}{"error": err.Error()}
	}
	b, err := resource.ParseQuantity(bText)
	if err != nil {
		return map[string]interface{}{"error": err.Error()}
	}
	receiver := a.Copy()
	compared := receiver.Cmp(*b.Copy())
	negated := a.Copy()
	negated.Neg()
	rounded := a.Copy()
	exact := rounded.RoundUp(resource.Scale(scale))
	return map[string]interface{}{
		"cmp": compared, "cmp_receiver": describe(receiver), "cmp_int64": a.Copy().CmpInt64(y),
		"neg": describe(negated), "round_up": map[string]interface{}{"exact": exact, "after": describe(rounded)},
	}
}

func newQuantities(value int64, scale int32, format string) map[string]interface{} {
	f := resource.Format(format)
	return map[string]interface{}{
		"new": describe(resource.NewQuantity(value, f)), "new_milli": describe(resource.NewMilliQuantity(value, f)),
		"new_scaled": describe(resource.NewScaledQuantity(value, resource.Scale(scale))),
	}
}

func main() {
	serve(func(raw json.RawMessage) (interface{}, error) {
		var req request
		if err := json.Unmarshal(raw, &req); err != nil {
			return nil, err
		}
		switch req.Op {
		case "parse":
			return parse(req.S), nil
		case "cmp_add_sub":
			return cmpAddSub(req.A, req.B), nil
		case "methods":
			return methods(req.A, req.B, req.Y, req.Scale), nil
		case "new":
			return newQuantities(req.Value, req.Scale, req.Format), nil
		}
		return nil, fmt.Errorf("unknown op %q", req.Op)
	})
}
