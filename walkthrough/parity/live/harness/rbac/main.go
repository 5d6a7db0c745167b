// Copyright the walkthrough authors. Licensed under the Apache License, Version 2.0.

// Live-parity harness for Kubernetes v1.5.2's RBAC authorizer (plugin/pkg/auth/authorizer/rbac) and the
// rule helpers of pkg/apis/rbac. The shapes are those of tests/golden/g-rbac.json:
//
//	{"policy": {"super_user": "root",
//	            "roles": [{"name", "namespace", "rules": [rule, ...]}], "cluster_roles": [{"name", "rules"}],
//	            "role_bindings": [{"name", "namespace", "subjects": [{"kind", "name", "namespace"}],
//	                               "roleRefAPIGroup", "roleRefKind", "roleRefName"}],
//	            "cluster_role_bindings": [... as role_bindings, without namespace]},
//	 "attributes": [attributes, ...],
//	 "rule_checks": [{"rule": {"verbs", "apiGroups", "resources", "resourceNames", "nonResourceURLs"},
//	                  "attributes": attributes}, ...]}
//	-> {"decisions": [{"allowed": b, "reason": "", "error": "..." | null} | {"panic": "..."}, ...],
//	    "rule_checks": [{"rule_allows", "verb_matches", "api_group_matches", "resource_matches",
//	                     "resource_name_matches", "non_resource_url_matches"}, ...]}
//
// attributes: {"user": {"name", "groups"} | null (a nil user.Info), "verb", "namespace", "apiGroup",
// "apiVersion", "resource", "subresource", "name", "resourceRequest", "path"}. The roles and bindings sit
// in an in-memory store (bindings listed in the given order) whose not-found errors are the golden
// harness's: role %q not found in namespace %q, clusterrole %q not found. A panic of Authorize (a nil
// user reached by a binding subject) is the decision {"panic": ...}.
package main

import (
	"encoding/json"
	"flag"
	"fmt"

	"k8s.io/kubernetes/pkg/api"
	"k8s.io/kubernetes/pkg/apis/rbac"
	"k8s.io/kubernetes/pkg/auth/authorizer"
	rbacauthorizer "k8s.io/kubernetes/plugin/pkg/auth/authorizer/rbac"
)

type ruleJSON struct {
	Verbs           []string `json:"verbs"`
	APIGroups       []string `json:"apiGroups"`
	Resources       []string `json:"resources"`
	ResourceNames   []string `json:"resourceNames"`
	NonResourceURLs []string `json:"nonResourceURLs"`
}

func (r ruleJSON) rule() rbac.PolicyRule {
	return rbac.PolicyRule{Verbs: r.Verbs, APIGroups: r.APIGroups, Resources: r.Resources,
		ResourceNames: r.ResourceNames, NonResourceURLs: r.NonResourceURLs}
}

func rules(in []ruleJSON) []rbac.PolicyRule {
	out := []rbac.PolicyRule{}
	for _, r := range in {
		out = append(out, r.rule())
	}
	return out
}

type roleJSON struct {
	Name      string     `json:"name"`
	Namespace string     `json:"namespace"`
	Rules     []ruleJSON `json:"rules"`
}

type subjectJSON struct {
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
}

type bindingJSON struct {
	Name            string        `json:"name"`
	Namespace       string        `json:"namespace"`
	Subjects        []subjectJSON `json:"subjects"`
	RoleRefAPIGroup string        `json:"roleRefAPIGroup"`
	RoleRefKind     string        `json:"roleRefKind"`
	RoleRefName     string        `json:"roleRefName"`
}

func (b bindingJSON) parts() ([]rbac.Subject, rbac.RoleRef) {
	subjects := []rbac.Subject{}
	for _, s := range b.Subjects {
		subjects = append(subjects, rbac.Subject{Kind: s.Kind, Name: s.Name, Namespace: s.Namespace})
	}
	return subjects, rbac.RoleRef{APIGroup: b.RoleRefAPIGroup, Kind: b.RoleRefKind, Name: b.RoleRefName}
}

type policyJSON struct {
	SuperUser           string        `json:"super_user"`
	Roles               []roleJSON    `json:"roles"`
	ClusterRoles        []roleJSON    `json:"cluster_roles"`
	RoleBindings        []bindingJSON `json:"role_bindings"`
	ClusterRoleBindings []bindingJSON `json:"cluster_role_bindings"`
}

// store holds the policy's objects and answers the four lister interfaces the resolver asks.
type store struct {
	roles               []*rbac.Role
	clusterRoles        []*rbac.ClusterRole
	roleBindings        []*rbac.RoleBinding
	clusterRoleBindings []*rbac.ClusterRoleBinding
}

func newStore(p policyJSON) *store {
	s := &store{}
	for _, r := range p.Roles {
		s.roles = append(s.roles, &rbac.Role{ObjectMeta: api.ObjectMeta{Name: r.Name, Namespace: r.Namespace},
			Rules: rules(r.Rules)})
	}
	for _, r := range p.ClusterRoles {
		s.clusterRoles = append(s.clusterRoles, &rbac.ClusterRole{ObjectMeta: api.ObjectMeta{Name: r.Name},
			Rules: rules(r.Rules)})
	}
	for _, b := range p.RoleBindings {
		subjects, ref := b.parts()
		s.roleBindings = append(s.roleBindings, &rbac.RoleBinding{
			ObjectMeta: api.ObjectMeta{Name: b.Name, Namespace: b.Namespace}, Subjects: subjects, RoleRef: ref})
	}
	for _, b := range p.ClusterRoleBindings {
		subjects, ref := b.parts()
		s.clusterRoleBindings = append(s.clusterRoleBindings, &rbac.ClusterRoleBinding{
			ObjectMeta: api.ObjectMeta{Name: b.Name}, Subjects: subjects, RoleRef: ref})
	}
	return s
}

func (s *store) GetRole(namespace, name string) (*rbac.Role, error) {
	for _, r := range s.roles {
		if r.Namespace == namespace && r.Name == name {
			return r, nil
		}
	}
	return nil, fmt.Errorf("role %q not found in namespace %q", name, namespace)
}

func (s *store) GetClusterRole(name string) (*rbac.ClusterRole, error) {
	for _, r := range s.clusterRoles {
		if r.Name == name {
			return r, nil
		}
	}
	return nil, fmt.Errorf("clusterrole %q not found", name)
}

func (s *store) ListRoleBindings(namespace string) ([]*rbac.RoleBinding, error) {
	out := []*rbac.RoleBinding{}
	for _, b := range s.roleBindings {
		if b.Namespace == namespace {
			out = append(out, b)
		}
	}
	return out, nil
}

func (s *store) ListClusterRoleBindings() ([]*rbac.ClusterRoleBinding, error) {
	return s.clusterRoleBindings, nil
}

type ruleCheck struct {
	Rule       ruleJSON       `json:"rule"`
	Attributes attributesJSON `json:"attributes"`
}

type request struct {
	Policy     policyJSON       `json:"policy"`
	Attributes []attributesJSON `json:"attributes"`
	RuleChecks []ruleCheck      `json:"rule_checks"`
}

func decide(auth authorizer.Authorizer, attrs authorizer.Attributes) (out map[string]interface{}) {
	defer func() {
		if r := recover(); r != nil {
			out = map[string]interface{}{"panic": fmt.Sprint(r)}
		}
	}()
	allowed, reason, err := auth.Authorize(attrs)
	var text interface{}
	if err != nil {
		text = err.Error()
	}
	return map[string]interface{}{"allowed": allowed, "reason": reason, "error": text}
}

func handle(raw json.RawMessage) (interface{}, error) {
	var req request
	if err := json.Unmarshal(raw, &req); err != nil {
		return nil, err
	}
	s := newStore(req.Policy)
	auth := rbacauthorizer.New(s, s, s, s, req.Policy.SuperUser)
	decisions := []interface{}{}
	for _, a := range req.Attributes {
		decisions = append(decisions, decide(auth, a.record()))
	}
	checks := []interface{}{}
	for _, c := range req.RuleChecks {
		attrs, rule := c.Attributes.record(), c.Rule.rule()
		resource := attrs.GetResource()
		if len(attrs.GetSubresource()) > 0 {
			resource = attrs.GetResource() + "/" + attrs.GetSubresource()
		}
		checks = append(checks, map[string]bool{
			"rule_allows":              rbacauthorizer.RuleAllows(attrs, rule),
			"verb_matches":             rbac.VerbMatches(rule, attrs.GetVerb()),
			"api_group_matches":        rbac.APIGroupMatches(rule, attrs.GetAPIGroup()),
			"resource_matches":         rbac.ResourceMatches(rule, resource),
			"resource_name_matches":    rbac.ResourceNameMatches(rule, attrs.GetName()),
			"non_resource_url_matches": rbac.NonResourceURLMatches(rule, attrs.GetPath()),
		})
	}
	return map[string]interface{}{"decisions": decisions, "rule_checks": checks}, nil
}

func main() {
	flag.Set("logtostderr", "true") // glog writes to stderr, not to files in /tmp
	serve(handle)
}
