// Copyright the walkthrough authors. Licensed under the Apache License, Version 2.0.

// The authorization attributes of a request as the authorizer harnesses (abac, rbac, authz) read them:
// copied beside their main.go at build time (package main; see EXTRA in walkthrough/parity/live/build.py).
//
//	{"user": {"name", "groups"} | null (a nil user.Info), "verb", "namespace", "apiGroup", "apiVersion",
//	 "resource", "subresource", "name", "resourceRequest", "path"}
package main

import (
	"k8s.io/kubernetes/pkg/auth/authorizer"
	"k8s.io/kubernetes/pkg/auth/user"
)

type userJSON struct {
	Name   string   `json:"name"`
	Groups []string `json:"groups"`
}

// info is the user.Info of a request; a null user is a nil user.Info (not a pointer to an empty one).
func (u *userJSON) info() user.Info {
	if u == nil {
		return nil
	}
	return &user.DefaultInfo{Name: u.Name, Groups: u.Groups}
}

type attributesJSON struct {
	User            *userJSON `json:"user"`
	Verb            string    `json:"verb"`
	Namespace       string    `json:"namespace"`
	APIGroup        string    `json:"apiGroup"`
	APIVersion      string    `json:"apiVersion"`
	Resource        string    `json:"resource"`
	Subresource     string    `json:"subresource"`
	Name            string    `json:"name"`
	ResourceRequest bool      `json:"resourceRequest"`
	Path            string    `json:"path"`
}

// record is the AttributesRecord the authorizers are asked about.
func (a attributesJSON) record() authorizer.AttributesRecord {
	return authorizer.AttributesRecord{
		User: a.User.info(), Verb: a.Verb, Namespace: a.Namespace, APIGroup: a.APIGroup, APIVersion: a.APIVersion,
		Resource: a.Resource, Subresource: a.Subresource, Name: a.Name,
		ResourceRequest: a.ResourceRequest, Path: a.Path,
	}
}
