// Copyright the walkthrough authors. Licensed under the Apache License, Version 2.0.

// Live-parity harness for the request path of Kubernetes v1.5.2 end to end: v1.5.2's own generic API
// server (DefaultBuildHandlerChain: authentication, authorization, request info, timeouts), the legacy
// API group installed by the real APIInstaller (GenericAPIServer.InstallLegacyAPIGroup), the real REST
// handlers, the real registry Stores and strategies of pods, configmaps, services, namespaces, nodes and
// resource quotas, and ResourceQuota admission, configured as `walkthrough run kubernetes.apiserver`
// configures the miniature apiserver (walkthrough/reimpl/kubernetes/apiserver.py): the same token file
// users, the same ABAC policy or RBAC roles, the same namespaces and quota.
//
// What is ours: the storage.Interface under the Stores (memStorage below: a map with one revision
// counter, etcd2's semantics), the quota accessor reading that storage, and the quota controller's sync,
// which the model runs at start and after a pod is deleted.
//
// Request (one per line), a fresh server for each:
//
//	{"authz": "abac"|"rbac", "requests": [{"method": "POST", "path": "/api/v1/namespaces/dev/pods",
//	  "headers": {"Authorization": "Bearer admin-token", "Content-Type": "application/json"}, "body": "..."}]}
//
// Answer: one entry per HTTP request, in order:
//
//	[{"code": 201, "content_type": "application/json", "body": "..."}]
//
// A panic in a request's storage goroutine ends kube-apiserver v1.5.2 (finishRequest's HandleCrash re-panics:
// util/runtime.ReallyCrash is true). The harness turns ReallyCrash off so that it survives to say so: that
// request's entry is {"crashed": true} and the session ends there, as the server would have.
package main

import (
	"encoding/json"
	"fmt"
	"io/ioutil"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"sort"
	"strings"
	"sync"

	"golang.org/x/net/context"

	"k8s.io/kubernetes/pkg/admission"
	"k8s.io/kubernetes/pkg/api"
	"k8s.io/kubernetes/pkg/api/meta"
	"k8s.io/kubernetes/pkg/api/rest"
	"k8s.io/kubernetes/pkg/api/v1"
	"k8s.io/kubernetes/pkg/apis/rbac"
	"k8s.io/kubernetes/pkg/apiserver/authenticator"
	"k8s.io/kubernetes/pkg/auth/authorizer"
	authzabac "k8s.io/kubernetes/pkg/auth/authorizer/abac"
	"k8s.io/kubernetes/pkg/client/clientset_generated/internalclientset"
	"k8s.io/kubernetes/pkg/client/restclient"
	"k8s.io/kubernetes/pkg/conversion"
	"k8s.io/kubernetes/pkg/genericapiserver"
	kubeletclient "k8s.io/kubernetes/pkg/kubelet/client"
	quotapkg "k8s.io/kubernetes/pkg/quota"
	quotainstall "k8s.io/kubernetes/pkg/quota/install"
	configmapetcd "k8s.io/kubernetes/pkg/registry/core/configmap/etcd"
	"k8s.io/kubernetes/pkg/registry/core/endpoint"
	endpointsetcd "k8s.io/kubernetes/pkg/registry/core/endpoint/etcd"
	namespaceetcd "k8s.io/kubernetes/pkg/registry/core/namespace/etcd"
	nodeetcd "k8s.io/kubernetes/pkg/registry/core/node/etcd"
	podetcd "k8s.io/kubernetes/pkg/registry/core/pod/etcd"
	resourcequotaetcd "k8s.io/kubernetes/pkg/registry/core/resourcequota/etcd"
	"k8s.io/kubernetes/pkg/registry/core/service"
	serviceetcd "k8s.io/kubernetes/pkg/registry/core/service/etcd"
	"k8s.io/kubernetes/pkg/registry/core/service/ipallocator"
	"k8s.io/kubernetes/pkg/registry/core/service/portallocator"
	"k8s.io/kubernetes/pkg/registry/generic"
	"k8s.io/kubernetes/pkg/runtime"
	"k8s.io/kubernetes/pkg/storage"
	etcdstorage "k8s.io/kubernetes/pkg/storage/etcd"
	"k8s.io/kubernetes/pkg/storage/storagebackend"
	"k8s.io/kubernetes/pkg/storage/storagebackend/factory"
	utilnet "k8s.io/kubernetes/pkg/util/net"
	utilruntime "k8s.io/kubernetes/pkg/util/runtime"
	"k8s.io/kubernetes/pkg/watch"
	rbacauthorizer "k8s.io/kubernetes/plugin/pkg/auth/authorizer/rbac"

	_ "k8s.io/kubernetes/pkg/api/install"
	"k8s.io/kubernetes/plugin/pkg/admission/resourcequota"
)

// ---- the configuration of `walkthrough run kubernetes.apiserver` ---------------------------------------

const tokens = `admin-token,alice,1,"system:masters"
dev-token,bob,2,"developers"
view-token,carol,3,"viewers"
`

const abacPolicy = `{"user": "alice"}
{"apiVersion": "abac.authorization.kubernetes.io/v1beta1", "kind": "Policy", "spec": {"user": "bob", "namespace": "dev", "resource": "*", "apiGroup": "*"}}
{"apiVersion": "abac.authorization.kubernetes.io/v1beta1", "kind": "Policy", "spec": {"group": "viewers", "namespace": "*", "resource": "*", "apiGroup": "*", "readonly": true}}
{"apiVersion": "abac.authorization.kubernetes.io/v1beta1", "kind": "Policy", "spec": {"user": "*", "nonResourcePath": "*", "readonly": true}}
`

const demoQuota = `{"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "dev-quota", "namespace": "dev"},
 "spec": {"hard": {"pods": "2"}}}`

// rbacRules are the roles and bindings of apiserver.demo_rbac_store.
type rbacRules struct {
	roles               []*rbac.Role
	roleBindings        []*rbac.RoleBinding
	clusterRoles        []*rbac.ClusterRole
	clusterRoleBindings []*rbac.ClusterRoleBinding
}

func (r *rbacRules) GetRole(namespace, name string) (*rbac.Role, error) {
	for _, role := range r.roles {
		if role.Namespace == namespace && role.Name == name {
			return role, nil
		}
	}
	return nil, fmt.Errorf("role %q not found", name)
}

func (r *rbacRules) ListRoleBindings(namespace string) ([]*rbac.RoleBinding, error) {
	var out []*rbac.RoleBinding
	for _, binding := range r.roleBindings {
		if binding.Namespace == namespace {
			out = append(out, binding)
		}
	}
	return out, nil
}

func (r *rbacRules) GetClusterRole(name string) (*rbac.ClusterRole, error) {
	for _, role := range r.clusterRoles {
		if role.Name == name {
			return role, nil
		}
	}
	return nil, fmt.Errorf("clusterrole %q not found", name)
}

func (r *rbacRules) ListClusterRoleBindings() ([]*rbac.ClusterRoleBinding, error) {
	return r.clusterRoleBindings, nil
}

func demoRBAC() *rbacRules {
	everything := rbac.PolicyRule{Verbs: []string{"*"}, APIGroups: []string{"*"}, Resources: []string{"*"}}
	ref := func(kind, name string) rbac.RoleRef {
		return rbac.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: kind, Name: name}
	}
	meta := func(namespace, name string) api.ObjectMeta { return api.ObjectMeta{Namespace: namespace, Name: name} }
	return &rbacRules{
		roles: []*rbac.Role{{ObjectMeta: meta("dev", "developer"), Rules: []rbac.PolicyRule{everything}}},
		roleBindings: []*rbac.RoleBinding{{ObjectMeta: meta("dev", "bob-develops"),
			Subjects: []rbac.Subject{{Kind: "User", Name: "bob"}}, RoleRef: ref("Role", "developer")}},
		clusterRoles: []*rbac.ClusterRole{
			{ObjectMeta: meta("", "cluster-admin"), Rules: []rbac.PolicyRule{everything,
				{Verbs: []string{"*"}, NonResourceURLs: []string{"*"}}}},
			{ObjectMeta: meta("", "view"), Rules: []rbac.PolicyRule{{Verbs: []string{"get", "list", "watch"},
				APIGroups: []string{"*"}, Resources: []string{"*"}}}},
			{ObjectMeta: meta("", "system:discovery"), Rules: []rbac.PolicyRule{{Verbs: []string{"get"},
				NonResourceURLs: []string{"/api", "/api/*", "/apis", "/apis/*", "/version"}}}},
		},
		clusterRoleBindings: []*rbac.ClusterRoleBinding{
			{ObjectMeta: meta("", "alice-admin"), Subjects: []rbac.Subject{{Kind: "User", Name: "alice"}},
				RoleRef: ref("ClusterRole", "cluster-admin")},
			{ObjectMeta: meta("", "viewers-view"), Subjects: []rbac.Subject{{Kind: "Group", Name: "viewers"}},
				RoleRef: ref("ClusterRole", "view")},
			{ObjectMeta: meta("", "system:discovery"),
				Subjects: []rbac.Subject{{Kind: "Group", Name: "system:authenticated"}},
				RoleRef:  ref("ClusterRole", "system:discovery")},
		},
	}
}

// ---- the storage under the registry Stores: etcd2's semantics over a map ---------------------------------

// kv is the whole "etcd": one revision counter for every key, as etcd's index is one for the cluster.
type kv struct {
	mu    sync.Mutex
	index uint64
	data  map[string]entry
}

type entry struct {
	value []byte
	rev   uint64
}

// memStorage is one resource's view of the kv, encoding objects as kube-apiserver stores them (v1 JSON).
type memStorage struct {
	kv        *kv
	codec     runtime.Codec
	versioner storage.Versioner
}

func newMemStorage(store *kv) *memStorage {
	return &memStorage{kv: store, codec: api.Codecs.LegacyCodec(v1.SchemeGroupVersion),
		versioner: etcdstorage.APIObjectVersioner{}}
}

func (s *memStorage) Versioner() storage.Versioner { return s.versioner }

func (s *memStorage) decode(value []byte, out runtime.Object, rev uint64) error {
	if _, _, err := s.codec.Decode(value, nil, out); err != nil {
		return err
	}
	return s.versioner.UpdateObject(out, rev)
}

func (s *memStorage) Create(ctx context.Context, key string, obj, out runtime.Object, ttl uint64) error {
	data, err := runtime.Encode(s.codec, obj)
	if err != nil {
		return err
	}
	if version, err := s.versioner.ObjectResourceVersion(obj); err == nil && version != 0 {
		return fmt.Errorf("resourceVersion may not be set on objects to be created")
	}
	s.kv.mu.Lock()
	defer s.kv.mu.Unlock()
	if _, found := s.kv.data[key]; found {
		return storage.NewKeyExistsError(key, 0)
	}
	s.kv.index++
	s.kv.data[key] = entry{data, s.kv.index}
	if out != nil {
		return s.decode(data, out, s.kv.index)
	}
	return nil
}

func checkPreconditions(key string, preconditions *storage.Preconditions, obj runtime.Object) error {
	if preconditions == nil || preconditions.UID == nil {
		return nil
	}
	objMeta, err := api.ObjectMetaFor(obj)
	if err != nil {
		return storage.NewInternalErrorf("can't enforce preconditions %v on un-introspectable object %v, got error: %v", *preconditions, obj, err)
	}
	if *preconditions.UID != objMeta.UID {
		errMsg := fmt.Sprintf("Precondition failed: UID in precondition: %v, UID in object meta: %v", *preconditions.UID, objMeta.UID)
		return storage.NewInvalidObjError(key, errMsg)
	}
	return nil
}

func (s *memStorage) Delete(ctx context.Context, key string, out runtime.Object, preconditions *storage.Preconditions) error {
	s.kv.mu.Lock()
	defer s.kv.mu.Unlock()
	current, found := s.kv.data[key]
	if !found {
		return storage.NewKeyNotFoundError(key, 0)
	}
	if preconditions != nil {
		v, err := conversion.EnforcePtr(out)
		if err != nil {
			panic("unable to convert output object to pointer")
		}
		obj := reflect.New(v.Type()).Interface().(runtime.Object)
		if err := s.decode(current.value, obj, current.rev); err != nil {
			return err
		}
		if err := checkPreconditions(key, preconditions, obj); err != nil {
			return err
		}
	}
	delete(s.kv.data, key)
	s.kv.index++
	return s.decode(current.value, out, current.rev)
}

func (s *memStorage) Watch(ctx context.Context, key string, resourceVersion string, p storage.SelectionPredicate) (watch.Interface, error) {
	return watch.NewEmptyWatch(), nil
}

func (s *memStorage) WatchList(ctx context.Context, key string, resourceVersion string, p storage.SelectionPredicate) (watch.Interface, error) {
	return watch.NewEmptyWatch(), nil
}

func (s *memStorage) Get(ctx context.Context, key string, out runtime.Object, ignoreNotFound bool) error {
	s.kv.mu.Lock()
	current, found := s.kv.data[key]
	s.kv.mu.Unlock()
	if !found {
		if ignoreNotFound {
			v, err := conversion.EnforcePtr(out)
			if err != nil {
				return err
			}
			v.Set(reflect.Zero(v.Type()))
			return nil
		}
		return storage.NewKeyNotFoundError(key, 0)
	}
	return s.decode(current.value, out, current.rev)
}

// GetToList is a list of the one object at key. A key that is not there leaves the list as it is, without
// a resourceVersion: etcdHelper.GetToList returns on etcd's "key not found" before UpdateList.
func (s *memStorage) GetToList(ctx context.Context, key string, resourceVersion string, pred storage.SelectionPredicate, listObj runtime.Object) error {
	s.kv.mu.Lock()
	current, found := s.kv.data[key]
	index := s.kv.index
	s.kv.mu.Unlock()
	if !found {
		return nil
	}
	item := s.newItem(listObj)
	if err := s.decode(current.value, item, current.rev); err != nil {
		return err
	}
	return s.fill(listObj, []runtime.Object{item}, pred, index)
}

// List returns the items under key, ordered as etcd2 returns a recursive, sorted listing (directory by
// directory), filtered by the predicate; the list's resourceVersion is the current index.
func (s *memStorage) List(ctx context.Context, key string, resourceVersion string, pred storage.SelectionPredicate, listObj runtime.Object) error {
	prefix := strings.TrimSuffix(key, "/") + "/"
	s.kv.mu.Lock()
	var keys []string
	for k := range s.kv.data {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := strings.Split(keys[i], "/"), strings.Split(keys[j], "/")
		for n := 0; n < len(a) && n < len(b); n++ {
			if a[n] != b[n] {
				return a[n] < b[n]
			}
		}
		return len(a) < len(b)
	})
	entries := make([]entry, len(keys))
	for i, k := range keys {
		entries[i] = s.kv.data[k]
	}
	index := s.kv.index
	s.kv.mu.Unlock()
	var items []runtime.Object
	for _, e := range entries {
		item := s.newItem(listObj)
		if err := s.decode(e.value, item, e.rev); err != nil {
			return err
		}
		items = append(items, item)
	}
	return s.fill(listObj, items, pred, index)
}

func (s *memStorage) newItem(listObj runtime.Object) runtime.Object {
	listPtr, err := meta.GetItemsPtr(listObj)
	if err != nil {
		panic(err)
	}
	elem := reflect.ValueOf(listPtr).Elem().Type().Elem()
	return reflect.New(elem).Interface().(runtime.Object)
}

func (s *memStorage) fill(listObj runtime.Object, items []runtime.Object, pred storage.SelectionPredicate, index uint64) error {
	listPtr, err := meta.GetItemsPtr(listObj)
	if err != nil {
		return err
	}
	v := reflect.ValueOf(listPtr).Elem()
	for _, item := range items {
		ok, err := pred.Matches(item)
		if err != nil {
			return err
		}
		if ok {
			v.Set(reflect.Append(v, reflect.ValueOf(item).Elem()))
		}
	}
	return s.versioner.UpdateList(listObj, index)
}

func (s *memStorage) GuaranteedUpdate(ctx context.Context, key string, ptrToType runtime.Object, ignoreNotFound bool,
	preconditions *storage.Preconditions, tryUpdate storage.UpdateFunc, _ ...runtime.Object) error {
	v, err := conversion.EnforcePtr(ptrToType)
	if err != nil {
		panic("need ptr to type")
	}
	for {
		obj := reflect.New(v.Type()).Interface().(runtime.Object)
		s.kv.mu.Lock()
		current, found := s.kv.data[key]
		s.kv.mu.Unlock()
		if found {
			if err := s.decode(current.value, obj, current.rev); err != nil {
				return err
			}
		} else if !ignoreNotFound {
			return storage.NewKeyNotFoundError(key, 0)
		}
		if err := checkPreconditions(key, preconditions, obj); err != nil {
			return err
		}
		meta := storage.ResponseMeta{}
		if found {
			meta.ResourceVersion = current.rev
		}
		ret, _, err := tryUpdate(obj, meta)
		if err != nil {
			return err
		}
		if err := s.versioner.UpdateObject(ret, 0); err != nil {
			return fmt.Errorf("resourceVersion cannot be set on objects store in etcd")
		}
		data, err := runtime.Encode(s.codec, ret)
		if err != nil {
			return err
		}
		s.kv.mu.Lock()
		latest, stillFound := s.kv.data[key]
		if stillFound != found || (found && latest.rev != current.rev) {
			s.kv.mu.Unlock()
			continue // changed meanwhile: try again, as a failed compare-and-swap does
		}
		if found && string(data) == string(current.value) {
			s.kv.mu.Unlock()
			return s.decode(current.value, ptrToType, current.rev)
		}
		s.kv.index++
		s.kv.data[key] = entry{data, s.kv.index}
		rev := s.kv.index
		s.kv.mu.Unlock()
		return s.decode(data, ptrToType, rev)
	}
}

// restOptions hands every Store our storage, as the storage decorator hands it etcd's.
func restOptions(store *kv, resource string) generic.RESTOptions {
	return generic.RESTOptions{
		StorageConfig: &storagebackend.Config{},
		Decorator: func(config *storagebackend.Config, capacity int, objectType runtime.Object, resourcePrefix string,
			scopeStrategy rest.NamespaceScopedStrategy, newListFunc func() runtime.Object,
			trigger storage.TriggerPublisherFunc) (storage.Interface, factory.DestroyFunc) {
			return newMemStorage(store), func() {}
		},
		// kube-apiserver's defaults: --enable-garbage-collector=true, --delete-collection-workers=1
		EnableGarbageCollection: true,
		DeleteCollectionWorkers: 1,
		ResourcePrefix:          resource,
	}
}

// ---- ResourceQuota admission over the storage, and the quota controller's sync ---------------------------

// quotaAccessor reads quotas from the ResourceQuota Store and writes their status through its status
// storage, where kube-apiserver's accessor goes through a client and a cache (the model has no cache).
type quotaAccessor struct {
	quotas *resourcequotaetcd.REST
	status *resourcequotaetcd.StatusREST
}

func (a *quotaAccessor) UpdateQuotaStatus(newQuota *api.ResourceQuota) error {
	ctx := api.WithNamespace(api.NewContext(), newQuota.Namespace)
	_, _, err := a.status.Update(ctx, newQuota.Name, rest.DefaultUpdatedObjectInfo(newQuota, api.Scheme))
	return err
}

func (a *quotaAccessor) GetQuotas(namespace string) ([]api.ResourceQuota, error) {
	ctx := api.WithNamespace(api.NewContext(), namespace)
	listed, err := a.quotas.List(ctx, &api.ListOptions{})
	if err != nil {
		return nil, err
	}
	return listed.(*api.ResourceQuotaList).Items, nil
}

// quotaAdmission is the ResourceQuota plugin as NewResourceQuota assembles it, on our accessor.
type quotaAdmission struct {
	*admission.Handler
	evaluator resourcequota.Evaluator
}

func (q *quotaAdmission) Admit(a admission.Attributes) error {
	if a.GetSubresource() != "" {
		return nil
	}
	return q.evaluator.Evaluate(a)
}

// syncQuotas is what ResourceQuotaController.syncResourceQuota does for each quota of a namespace:
// status.hard from spec.hard, status.used recalculated by the registry's evaluators.
func (s *server) syncQuotas(namespace string) error {
	quotas, err := s.accessor.GetQuotas(namespace)
	if err != nil {
		return err
	}
	for _, resourceQuota := range quotas {
		dirty := !api.Semantic.DeepEqual(resourceQuota.Spec.Hard, resourceQuota.Status.Hard)
		dirty = dirty || (resourceQuota.Status.Hard == nil || resourceQuota.Status.Used == nil)
		used := api.ResourceList{}
		if resourceQuota.Status.Used != nil {
			used = quotapkg.Add(api.ResourceList{}, resourceQuota.Status.Used)
		}
		hardLimits := quotapkg.Add(api.ResourceList{}, resourceQuota.Spec.Hard)
		newUsage, err := quotapkg.CalculateUsage(resourceQuota.Namespace, resourceQuota.Spec.Scopes, hardLimits, s.registry)
		if err != nil {
			return err
		}
		for key, value := range newUsage {
			used[key] = value
		}
		used = quotapkg.Mask(used, quotapkg.ResourceNames(hardLimits))
		usage := api.ResourceQuota{
			ObjectMeta: api.ObjectMeta{Name: resourceQuota.Name, Namespace: resourceQuota.Namespace,
				ResourceVersion: resourceQuota.ResourceVersion, Labels: resourceQuota.Labels,
				Annotations: resourceQuota.Annotations},
			Status: api.ResourceQuotaStatus{Hard: hardLimits, Used: used},
		}
		dirty = dirty || !quotapkg.Equals(usage.Status.Used, resourceQuota.Status.Used)
		if dirty {
			if err := s.accessor.UpdateQuotaStatus(&usage); err != nil {
				return err
			}
		}
	}
	return nil
}

// ---- the server -----------------------------------------------------------------------------------------

type server struct {
	handler  http.Handler
	accessor *quotaAccessor
	registry quotapkg.Registry
	stop     chan struct{}
}

// inProcess is a RoundTripper into a handler: the loopback client the quota registry lists pods with.
type inProcess struct{ handler http.Handler }

func (t inProcess) RoundTrip(req *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.handler.ServeHTTP(rec, req)
	return rec.Result(), nil
}

func writeTemp(pattern, text string) (string, error) {
	f, err := ioutil.TempFile("", pattern)
	if err != nil {
		return "", err
	}
	defer f.Close()
	_, err = f.WriteString(text)
	return f.Name(), err
}

var tokenFile, policyFile string

func newServer(authz string) (*server, error) {
	config := genericapiserver.NewConfig()
	// as apiserver.build_server: 127.0.0.1, no public address, master's discovery rule and metrics
	_, serviceNet, _ := net.ParseCIDR("10.0.0.0/24")
	config.EnableMetrics = true
	authn, _, err := authenticator.New(authenticator.AuthenticatorConfig{TokenAuthFile: tokenFile})
	if err != nil {
		return nil, err
	}
	config.Authenticator = authn
	switch authz {
	case "abac":
		policies, err := authzabac.NewFromFile(policyFile)
		if err != nil {
			return nil, err
		}
		config.Authorizer = policies
	case "rbac":
		rules := demoRBAC()
		config.Authorizer = rbacauthorizer.New(rules, rules, rules, rules, "")
	default:
		return nil, fmt.Errorf("unknown authz %q", authz)
	}
	var _ authorizer.Authorizer = config.Authorizer

	store := &kv{data: map[string]entry{}}
	podStorage := podetcd.NewStorage(restOptions(store, "pods"), nil, nil, nil)
	quotaStorage, quotaStatusStorage := resourcequotaetcd.NewREST(restOptions(store, "resourcequotas"))
	namespaceStorage, _, _ := namespaceetcd.NewREST(restOptions(store, "namespaces"))
	nodeStorage, err := nodeetcd.NewStorage(restOptions(store, "minions"),
		kubeletclient.KubeletClientConfig{Port: 10250, EnableHttps: true}, nil)
	if err != nil {
		return nil, err
	}
	serviceStore, _ := serviceetcd.NewREST(restOptions(store, "services/specs"))
	endpoints := endpoint.NewRegistry(endpointsetcd.NewREST(restOptions(store, "services/endpoints")))
	serviceRest := service.NewStorage(service.NewRegistry(serviceStore), endpoints, ipallocator.NewCIDRRange(serviceNet),
		portallocator.NewPortAllocator(utilnet.PortRange{Base: 30000, Size: 2768}), nil)

	s := &server{accessor: &quotaAccessor{quotaStorage, quotaStatusStorage}, stop: make(chan struct{})}
	config.AdmissionControl = &quotaAdmission{
		Handler:   admission.NewHandler(admission.Create, admission.Update),
		evaluator: nil,
	}
	config.DiscoveryAddresses = genericapiserver.DefaultDiscoveryAddresses{
		DiscoveryCIDRRules: []genericapiserver.DiscoveryCIDRRule{{IPRange: *serviceNet, Address: "10.0.0.1:443"}},
	}
	generic, err := config.Complete().New()
	if err != nil {
		return nil, err
	}
	client, err := internalclientset.NewForConfig(&restclient.Config{Host: "http://in-process",
		Transport: inProcess{generic.InsecureHandler}})
	if err != nil {
		return nil, err
	}
	s.registry = quotainstall.NewRegistry(client, nil)
	config.AdmissionControl.(*quotaAdmission).evaluator = resourcequota.NewQuotaEvaluator(s.accessor, s.registry, nil, 5, s.stop)

	info := genericapiserver.NewDefaultAPIGroupInfo("")
	info.VersionedResourcesStorageMap["v1"] = map[string]rest.Storage{
		"pods": podStorage.Pod, "pods/status": podStorage.Status,
		"configMaps": configmapetcd.NewREST(restOptions(store, "configmaps")),
		"services":   serviceRest.Service, "namespaces": namespaceStorage, "nodes": nodeStorage.Node,
		"resourceQuotas": quotaStorage, "resourceQuotas/status": quotaStatusStorage,
	}
	if err := generic.InstallLegacyAPIGroup(genericapiserver.DefaultLegacyAPIPrefix, &info); err != nil {
		return nil, err
	}
	generic.PrepareRun()
	s.handler = generic.Handler

	ctx := api.NewContext()
	for _, name := range []string{"dev", "default"} {
		if _, err := namespaceStorage.Create(ctx, &api.Namespace{ObjectMeta: api.ObjectMeta{Name: name}}); err != nil {
			return nil, err
		}
	}
	quota := &api.ResourceQuota{}
	if err := runtime.DecodeInto(api.Codecs.UniversalDecoder(), []byte(demoQuota), quota); err != nil {
		return nil, err
	}
	if _, err := quotaStorage.Create(api.WithNamespace(ctx, "dev"), quota); err != nil {
		return nil, err
	}
	if err := s.syncQuotas("dev"); err != nil {
		return nil, err
	}
	return s, nil
}

// ---- the protocol ---------------------------------------------------------------------------------------

type httpRequest struct {
	Method  string            `json:"method"`
	Path    string            `json:"path"`
	Headers map[string]string `json:"headers"`
	Body    string            `json:"body"`
}

type request struct {
	Authz    string        `json:"authz"`
	Requests []httpRequest `json:"requests"`
}

type response map[string]interface{}

// crashed is set by util/runtime's panic handlers: the process would have exited.
var crashed bool

// podDeleted says whether a request deleted pods: the quota controller then replenishes the namespace.
func podDeleted(req httpRequest, code int) (string, bool) {
	if req.Method != "DELETE" || code != http.StatusOK {
		return "", false
	}
	parts := strings.Split(strings.SplitN(req.Path, "?", 2)[0], "/")
	// /api/v1/namespaces/{ns}/pods[/{name}]
	if len(parts) >= 6 && parts[3] == "namespaces" && parts[5] == "pods" && len(parts) <= 7 {
		return parts[4], true
	}
	return "", false
}

func handle(raw json.RawMessage) (interface{}, error) {
	var req request
	if err := json.Unmarshal(raw, &req); err != nil {
		return nil, err
	}
	s, err := newServer(req.Authz)
	if err != nil {
		return nil, err
	}
	defer close(s.stop)
	answers := []response{}
	for _, r := range req.Requests {
		httpReq := httptest.NewRequest(r.Method, r.Path, strings.NewReader(r.Body))
		httpReq.RemoteAddr = "127.0.0.1:50000"
		for k, v := range r.Headers {
			httpReq.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		crashed = false
		s.handler.ServeHTTP(rec, httpReq)
		if crashed {
			answers = append(answers, response{"crashed": true})
			break
		}
		answers = append(answers, response{"code": rec.Code, "content_type": rec.Header().Get("Content-Type"),
			"body": rec.Body.String()})
		if namespace, ok := podDeleted(r, rec.Code); ok {
			if err := s.syncQuotas(namespace); err != nil {
				return nil, err
			}
		}
	}
	return answers, nil
}

func main() {
	utilruntime.ReallyCrash = false
	utilruntime.PanicHandlers = append(utilruntime.PanicHandlers, func(interface{}) { crashed = true })
	var err error
	if tokenFile, err = writeTemp("tokens-*.csv", tokens); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer os.Remove(tokenFile)
	if policyFile, err = writeTemp("policy-*.jsonl", abacPolicy); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer os.Remove(policyFile)
	serve(handle)
}
