// Copyright the walkthrough authors. Licensed under the Apache License, Version 2.0.

// Request {"op": "master"}: the group versions a default v1.5.2 master installs, each as the
// install request that describes its real storages (the same shape as "install": which rest
// interfaces each storage implements, its types, options and metadata) and what the real master
// installed for it (routes and discovery, the "install" answer). The master is built by
// master.Config.Complete().New() with DefaultAPIResourceConfigSource, the AlwaysAllow authorizer (kube-apiserver's
// default), no watch cache, no core
// controllers, and an etcd2 storage backend at an address nothing listens on (building the
// storages never connects); the storages are described by running the same REST storage
// providers master.New runs.
package main

import (
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sort"
	"strings"
	"time"

	"k8s.io/kubernetes/pkg/api"
	"k8s.io/kubernetes/pkg/api/rest"
	"k8s.io/kubernetes/pkg/api/unversioned"
	"k8s.io/kubernetes/pkg/client/restclient"
	"k8s.io/kubernetes/pkg/genericapiserver"
	genericauthorizer "k8s.io/kubernetes/pkg/genericapiserver/authorizer"
	kubeletclient "k8s.io/kubernetes/pkg/kubelet/client"
	"k8s.io/kubernetes/pkg/master"
	"k8s.io/kubernetes/pkg/registry/generic"

	"k8s.io/kubernetes/pkg/storage/storagebackend"

	appsrest "k8s.io/kubernetes/pkg/registry/apps/rest"
	authenticationrest "k8s.io/kubernetes/pkg/registry/authentication/rest"
	authorizationrest "k8s.io/kubernetes/pkg/registry/authorization/rest"
	autoscalingrest "k8s.io/kubernetes/pkg/registry/autoscaling/rest"
	batchrest "k8s.io/kubernetes/pkg/registry/batch/rest"
	certificatesrest "k8s.io/kubernetes/pkg/registry/certificates/rest"
	corerest "k8s.io/kubernetes/pkg/registry/core/rest"
	extensionsrest "k8s.io/kubernetes/pkg/registry/extensions/rest"
	policyrest "k8s.io/kubernetes/pkg/registry/policy/rest"
	rbacrest "k8s.io/kubernetes/pkg/registry/rbac/rest"
	storagerest "k8s.io/kubernetes/pkg/registry/storage/rest"
)

func masterConfig() *master.Config {
	resources := master.DefaultAPIResourceConfigSource()
	generic := genericapiserver.NewConfig()
	generic.APIResourceConfigSource = resources
	generic.LoopbackClientConfig = &restclient.Config{Host: "http://127.0.0.1:1"}
	generic.Authorizer = genericauthorizer.NewAlwaysAllowAuthorizer() // kube-apiserver's default mode
	generic.PublicAddress = net.ParseIP("10.0.0.1")
	backend := storagebackend.Config{Type: storagebackend.StorageTypeETCD2, Prefix: "/registry",
		ServerList: []string{"http://127.0.0.1:1"}}
	storageFactory := genericapiserver.NewDefaultStorageFactory(backend, "application/json", api.Codecs,
		genericapiserver.NewDefaultResourceEncodingConfig(), resources)
	_, serviceRange, _ := net.ParseCIDR("10.0.0.0/24")
	return &master.Config{
		GenericConfig:       generic,
		StorageFactory:      storageFactory,
		KubeletClientConfig: kubeletclient.KubeletClientConfig{Port: 10250},
		ServiceIPRange:      *serviceRange,
		EventTTL:            time.Hour,
	}
}

// restOptions is master's restOptionsFactory.NewFor without the watch cache.
func restOptions(storageFactory genericapiserver.StorageFactory) genericapiserver.RESTOptionsGetter {
	return func(resource unversioned.GroupResource) generic.RESTOptions {
		config, err := storageFactory.NewConfig(resource)
		if err != nil {
			panic(err)
		}
		return generic.RESTOptions{StorageConfig: config, Decorator: generic.UndecoratedStorage,
			ResourcePrefix: storageFactory.ResourcePrefix(resource)}
	}
}

// interfacesOf lists the rest interfaces a storage implements, in the order of _storages.py's dimensions.
func interfacesOf(s rest.Storage) []string {
	found := []string{}
	add := func(ok bool, name string) {
		if ok {
			found = append(found, name)
		}
	}
	_, getter := s.(rest.Getter)
	_, getterWithOptions := s.(rest.GetterWithOptions)
	_, lister := s.(rest.Lister)
	_, creater := s.(rest.Creater)
	_, namedCreater := s.(rest.NamedCreater)
	_, updater := s.(rest.Updater)
	_, deleter := s.(rest.Deleter)
	_, gracefulDeleter := s.(rest.GracefulDeleter)
	_, collectionDeleter := s.(rest.CollectionDeleter)
	_, watcher := s.(rest.Watcher)
	_, redirector := s.(rest.Redirector)
	_, connecter := s.(rest.Connecter)
	_, metadata := s.(rest.StorageMetadata)
	_, exporter := s.(rest.Exporter)
	_, kindProvider := s.(rest.KindProvider)
	add(getter, "Getter")
	add(getterWithOptions, "GetterWithOptions")
	add(lister, "Lister")
	add(creater, "Creater")
	add(namedCreater, "NamedCreater")
	add(updater, "Updater")
	add(deleter, "Deleter")
	add(gracefulDeleter, "GracefulDeleter")
	add(collectionDeleter, "CollectionDeleter")
	add(watcher, "Watcher")
	add(redirector, "Redirector")
	add(connecter, "Connecter")
	add(metadata, "StorageMetadata")
	add(exporter, "Exporter")
	add(kindProvider, "KindProvider")
	return found
}

func objectID(o interface{}) string {
	if o == nil {
		return ""
	}
	t := reflect.TypeOf(o)
	if t.Kind() == reflect.Ptr {
		t = t.Elem()
	}
	if t.Kind() == reflect.String {
		return "string"
	}
	return typeID(t)
}

// describe is a storage as an install request's storage entry.
func describe(key string, s rest.Storage) map[string]interface{} {
	entry := map[string]interface{}{"key": key, "interfaces": interfacesOf(s), "new": objectID(s.New()),
		"list": "", "get_options": "", "get_subpath": false, "connect_options": "", "connect_subpath": false,
		"methods": []string{}, "mime_types": []string{}, "produces_object": nil, "kind": ""}
	if l, ok := s.(rest.Lister); ok {
		entry["list"] = objectID(l.NewList())
	}
	if g, ok := s.(rest.GetterWithOptions); ok {
		options, subpath, _ := g.NewGetOptions()
		entry["get_options"], entry["get_subpath"] = objectID(options), subpath
	}
	if c, ok := s.(rest.Connecter); ok {
		options, subpath, _ := c.NewConnectOptions()
		entry["connect_options"], entry["connect_subpath"] = objectID(options), subpath
		entry["methods"] = c.ConnectMethods()
	}
	if m, ok := s.(rest.StorageMetadata); ok {
		// every v1.5.2 storage with metadata answers the same for every verb
		entry["mime_types"] = m.ProducesMIMETypes("GET")
		if o := m.ProducesObject("GET"); o != nil {
			entry["produces_object"] = objectID(o)
		}
	}
	if k, ok := s.(rest.KindProvider); ok {
		entry["kind"] = k.Kind()
	}
	return entry
}

func installRequests(prefix string, info genericapiserver.APIGroupInfo) map[string]map[string]interface{} {
	out := map[string]map[string]interface{}{}
	for _, gv := range info.GroupMeta.GroupVersions {
		storages := []map[string]interface{}{}
		keys := []string{}
		for key := range info.VersionedResourcesStorageMap[gv.Version] {
			keys = append(keys, key)
		}
		sort.Strings(keys)
		for _, key := range keys {
			// getAPIGroupVersion lower-cases the keys
			storages = append(storages, describe(strings.ToLower(key), info.VersionedResourcesStorageMap[gv.Version][key]))
		}
		if len(storages) == 0 {
			continue
		}
		overrides := map[string]string{}
		for key, gvk := range info.SubresourceGroupVersionKind {
			overrides[key] = gvk.GroupVersion().String() + "/" + gvk.Kind
		}
		var options interface{}
		if info.OptionsExternalVersion != nil {
			options = info.OptionsExternalVersion.String()
		}
		out[gv.String()] = map[string]interface{}{"op": "install", "group_version": gv.String(), "root": prefix,
			"options_external_version": options, "overrides": overrides, "storages": storages}
	}
	return out
}

func masterGroupVersions() (interface{}, error) {
	config := masterConfig()
	m, err := config.Complete().New()
	if err != nil {
		return nil, err
	}
	resources := config.GenericConfig.APIResourceConfigSource
	getter := restOptions(config.StorageFactory)
	requests := map[string]map[string]interface{}{}
	legacy := corerest.LegacyRESTStorageProvider{StorageFactory: config.StorageFactory,
		KubeletClientConfig: config.KubeletClientConfig, EventTTL: config.EventTTL,
		ServiceIPRange: config.ServiceIPRange, ServiceNodePortRange: config.ServiceNodePortRange,
		LoopbackClientConfig: config.GenericConfig.LoopbackClientConfig}
	_, legacyInfo, err := legacy.NewLegacyRESTStorage(getter)
	if err != nil {
		return nil, err
	}
	for gv, r := range installRequests(genericapiserver.DefaultLegacyAPIPrefix, legacyInfo) {
		requests[gv] = r
	}
	providers := []genericapiserver.RESTStorageProvider{
		appsrest.RESTStorageProvider{}, authenticationrest.RESTStorageProvider{},
		authorizationrest.RESTStorageProvider{Authorizer: config.GenericConfig.Authorizer}, autoscalingrest.RESTStorageProvider{}, batchrest.RESTStorageProvider{},
		certificatesrest.RESTStorageProvider{}, extensionsrest.RESTStorageProvider{}, policyrest.RESTStorageProvider{},
		rbacrest.RESTStorageProvider{}, storagerest.RESTStorageProvider{},
	}
	for _, provider := range providers {
		if !resources.AnyResourcesForGroupEnabled(provider.GroupName()) {
			continue
		}
		info, enabled := provider.NewRESTStorage(resources, getter)
		if !enabled {
			continue
		}
		for gv, r := range installRequests(genericapiserver.APIGroupPrefix, info) {
			requests[gv] = r
		}
	}
	container := m.GenericAPIServer.HandlerContainer
	found := []map[string]interface{}{}
	for _, ws := range container.RegisteredWebServices() {
		gv := strings.TrimPrefix(strings.TrimPrefix(ws.RootPath(), "/apis/"), "/api/")
		request, ok := requests[gv]
		if !ok {
			continue
		}
		answer := map[string]interface{}{"web_service_root": ws.RootPath(), "install_error": nil,
			"routes": routesOf(ws.Routes())}
		recorder := httptest.NewRecorder()
		get, _ := http.NewRequest("GET", ws.RootPath(), nil)
		get.Header.Set("Accept", "application/json")
		container.ServeHTTP(recorder, get)
		answer["discovery"] = map[string]interface{}{"status": recorder.Code, "body": decoded(recorder.Body.Bytes())}
		found = append(found, map[string]interface{}{"request": request, "answer": answer})
	}
	return map[string]interface{}{"group_versions": found}, nil
}
