// Copyright the walkthrough authors. Licensed under the Apache License, Version 2.0.

// The quota harness: the core quota evaluators and the ResourceQuota admission plugin of Kubernetes
// v1.5.2, for the models in walkthrough/reimpl/kubernetes/quota.py and quota_admission.py.
//
// Objects travel as their v1 JSON and are decoded as the API server decodes a request body
// (api.Codecs.UniversalDecoder(): v1 defaults, then conversion to the internal type).
//
// Request {"op": "evaluate", "kind": "Pod", "object": {...}, "required": ["cpu", ...],
// "quota": {"hard": ["pods", ...], "scopes": ["BestEffort", ...]}}: the evaluator of the kind from
// install.NewRegistry. Answer: {"usage": {name: Quantity.String()}, "constraints": error text or "",
// "matches": Matches(a quota with that status.hard and those scopes), "create": [resources],
// "update": [resources]} or {"decode_error": "..."}.
//
// Request {"op": "admit", "quotas": [{v1 ResourceQuota}...], "operation": "CREATE"|"UPDATE",
// "kind": "Pod", "resource": "pods", "subresource": "", "namespace": "dev", "name": "web",
// "object": {...}, "old_object": {...} or null}: the plugin NewResourceQuota builds for
// kube-apiserver, over a fake clientset holding the quotas. Answer: {"outcomes": [OUTCOME...]}, each
// {"error": err.Error() or null, "code": the StatusError's code or 0, "used": {"namespace/name":
// status.used after the call}}. The plugin sees the quotas in the order of a Go map (the fake
// client's tracker; kube-apiserver's informer index too), so with several quotas the harness admits
// 24 times, each time afresh, and answers every distinct outcome.
package main

import (
	"encoding/json"
	"fmt"
	"sort"

	"k8s.io/kubernetes/pkg/admission"
	"k8s.io/kubernetes/pkg/api"
	apierrors "k8s.io/kubernetes/pkg/api/errors"
	"k8s.io/kubernetes/pkg/api/unversioned"
	"k8s.io/kubernetes/pkg/client/clientset_generated/internalclientset/fake"
	"k8s.io/kubernetes/pkg/quota/install"
	"k8s.io/kubernetes/pkg/runtime"
	"k8s.io/kubernetes/plugin/pkg/admission/resourcequota"

	_ "k8s.io/kubernetes/pkg/api/install"
)

func decode(raw json.RawMessage, kind string) (runtime.Object, error) {
	into, err := api.Scheme.New(api.SchemeGroupVersion.WithKind(kind))
	if err != nil {
		return nil, err
	}
	obj, _, err := api.Codecs.UniversalDecoder().Decode(raw, &unversioned.GroupVersionKind{Version: "v1", Kind: kind}, into)
	return obj, err
}

func names(list api.ResourceList) map[string]string {
	out := map[string]string{}
	for name, q := range list {
		out[string(name)] = q.String()
	}
	return out
}

func strs(resources []api.ResourceName) []string {
	out := []string{}
	for _, r := range resources {
		out = append(out, string(r))
	}
	sort.Strings(out)
	return out
}

type evaluateRequest struct {
	Kind     string          `json:"kind"`
	Object   json.RawMessage `json:"object"`
	Required []string        `json:"required"`
	Quota    struct {
		Hard   []string `json:"hard"`
		Scopes []string `json:"scopes"`
	} `json:"quota"`
}

func evaluate(r evaluateRequest) (interface{}, error) {
	evaluator, ok := install.NewRegistry(nil, nil).Evaluators()[api.Kind(r.Kind)]
	if !ok {
		return nil, fmt.Errorf("no evaluator for %q", r.Kind)
	}
	obj, err := decode(r.Object, r.Kind)
	if err != nil {
		return map[string]interface{}{"decode_error": err.Error()}, nil
	}
	required := []api.ResourceName{}
	for _, name := range r.Required {
		required = append(required, api.ResourceName(name))
	}
	constraints := ""
	if err := evaluator.Constraints(required, obj); err != nil {
		constraints = err.Error()
	}
	quota := &api.ResourceQuota{Status: api.ResourceQuotaStatus{Hard: api.ResourceList{}}}
	for _, name := range r.Quota.Hard {
		quota.Status.Hard[api.ResourceName(name)] = api.ResourceList{}[api.ResourceName(name)]
	}
	for _, scope := range r.Quota.Scopes {
		quota.Spec.Scopes = append(quota.Spec.Scopes, api.ResourceQuotaScope(scope))
	}
	return map[string]interface{}{
		"usage":       names(evaluator.Usage(obj)),
		"constraints": constraints,
		"matches":     evaluator.Matches(quota, obj),
		"create":      strs(evaluator.OperationResources(admission.Create)),
		"update":      strs(evaluator.OperationResources(admission.Update)),
	}, nil
}

type admitRequest struct {
	Quotas      []json.RawMessage `json:"quotas"`
	Operation   string            `json:"operation"`
	Kind        string            `json:"kind"`
	Resource    string            `json:"resource"`
	Subresource string            `json:"subresource"`
	Namespace   string            `json:"namespace"`
	Name        string            `json:"name"`
	Object      json.RawMessage   `json:"object"`
	OldObject   json.RawMessage   `json:"old_object"`
}

const calls = 24

func admit(r admitRequest) (interface{}, error) {
	runs := 1
	if len(r.Quotas) > 1 {
		runs = calls
	}
	outcomes := []interface{}{}
	seen := map[string]bool{}
	for i := 0; i < runs; i++ {
		outcome, err := admitOnce(r)
		if err != nil {
			return nil, err
		}
		key, _ := json.Marshal(outcome)
		if !seen[string(key)] {
			seen[string(key)] = true
			outcomes = append(outcomes, outcome)
		}
	}
	return map[string]interface{}{"outcomes": outcomes}, nil
}

func admitOnce(r admitRequest) (interface{}, error) {
	quotas := []runtime.Object{}
	for _, raw := range r.Quotas {
		q, err := decode(raw, "ResourceQuota")
		if err != nil {
			return map[string]interface{}{"decode_error": err.Error()}, nil
		}
		quotas = append(quotas, q)
	}
	client := fake.NewSimpleClientset(quotas...)
	stop := make(chan struct{})
	defer close(stop)
	plugin, err := resourcequota.NewResourceQuota(client, install.NewRegistry(client, nil), 5, stop)
	if err != nil {
		return nil, err
	}
	var obj, old runtime.Object
	if len(r.Object) > 0 && string(r.Object) != "null" {
		if obj, err = decode(r.Object, r.Kind); err != nil {
			return map[string]interface{}{"decode_error": err.Error()}, nil
		}
	}
	if len(r.OldObject) > 0 && string(r.OldObject) != "null" {
		if old, err = decode(r.OldObject, r.Kind); err != nil {
			return map[string]interface{}{"decode_error": err.Error()}, nil
		}
	}
	attributes := admission.NewAttributesRecord(obj, old, api.Kind(r.Kind).WithVersion(""), r.Namespace, r.Name,
		api.Resource(r.Resource).WithVersion(""), r.Subresource, admission.Operation(r.Operation), nil)
	answer := map[string]interface{}{"error": nil, "code": 0}
	if err := plugin.Admit(attributes); err != nil {
		answer["error"] = err.Error()
		if status, ok := err.(apierrors.APIStatus); ok {
			answer["code"] = status.Status().Code
		}
	}
	used := map[string]map[string]string{}
	list, err := client.Core().ResourceQuotas(api.NamespaceAll).List(api.ListOptions{})
	if err != nil {
		return nil, err
	}
	for _, q := range list.Items {
		used[q.Namespace+"/"+q.Name] = names(q.Status.Used)
	}
	answer["used"] = used
	return answer, nil
}

func main() {
	serve(func(raw json.RawMessage) (interface{}, error) {
		var op struct {
			Op string `json:"op"`
		}
		if err := json.Unmarshal(raw, &op); err != nil {
			return nil, err
		}
		switch op.Op {
		case "evaluate":
			var r evaluateRequest
			if err := json.Unmarshal(raw, &r); err != nil {
				return nil, err
			}
			return evaluate(r)
		case "admit":
			var r admitRequest
			if err := json.Unmarshal(raw, &r); err != nil {
				return nil, err
			}
			return admit(r)
		}
		return nil, fmt.Errorf("unknown op %q", op.Op)
	})
}
