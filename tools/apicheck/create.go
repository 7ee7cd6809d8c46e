package main

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer/json"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/apiserver/pkg/warning"
	psaapi "k8s.io/pod-security-admission/api"
	"sigs.k8s.io/yaml"

	"k8s.io/kubernetes/pkg/api/legacyscheme"
	api "k8s.io/kubernetes/pkg/apis/core"
	"k8s.io/kubernetes/pkg/registry/apps/daemonset"
	"k8s.io/kubernetes/pkg/registry/apps/deployment"
	"k8s.io/kubernetes/pkg/registry/apps/replicaset"
	"k8s.io/kubernetes/pkg/registry/apps/statefulset"
	"k8s.io/kubernetes/pkg/registry/batch/cronjob"
	"k8s.io/kubernetes/pkg/registry/batch/job"
	"k8s.io/kubernetes/pkg/registry/core/configmap"
	"k8s.io/kubernetes/pkg/registry/core/persistentvolumeclaim"
	"k8s.io/kubernetes/pkg/registry/core/pod"
	"k8s.io/kubernetes/pkg/registry/core/replicationcontroller"
	"k8s.io/kubernetes/pkg/registry/core/service"
	"k8s.io/kubernetes/pkg/registry/core/serviceaccount"
	"k8s.io/kubernetes/pkg/registry/networking/networkpolicy"
	"k8s.io/kubernetes/pkg/registry/policy/poddisruptionbudget"

	// The API groups' types, defaults and conversions, registered in legacyscheme as kube-apiserver does.
	_ "k8s.io/kubernetes/pkg/apis/apps/install"
	_ "k8s.io/kubernetes/pkg/apis/batch/install"
	_ "k8s.io/kubernetes/pkg/apis/core/install"
	_ "k8s.io/kubernetes/pkg/apis/networking/install"
	_ "k8s.io/kubernetes/pkg/apis/policy/install"
)

// resource is what the API server knows of one kind: its REST path and its registry strategy.
type resource struct {
	plural   string
	strategy rest.RESTCreateStrategy
}

// The kinds apicheck checks, by group and kind (any served version).
var resources = map[schema.GroupKind]resource{
	{Group: "", Kind: "Pod"}:                            {"pods", pod.Strategy},
	{Group: "", Kind: "Service"}:                        {"services", service.Strategy},
	{Group: "", Kind: "ConfigMap"}:                      {"configmaps", configmap.Strategy},
	{Group: "", Kind: "PersistentVolumeClaim"}:          {"persistentvolumeclaims", persistentvolumeclaim.Strategy},
	{Group: "", Kind: "ReplicationController"}:          {"replicationcontrollers", replicationcontroller.Strategy},
	{Group: "", Kind: "ServiceAccount"}:                 {"serviceaccounts", serviceaccount.Strategy},
	{Group: "apps", Kind: "Deployment"}:                 {"deployments", deployment.Strategy},
	{Group: "apps", Kind: "StatefulSet"}:                {"statefulsets", statefulset.Strategy},
	{Group: "apps", Kind: "DaemonSet"}:                  {"daemonsets", daemonset.Strategy},
	{Group: "apps", Kind: "ReplicaSet"}:                 {"replicasets", replicaset.Strategy},
	{Group: "batch", Kind: "Job"}:                       {"jobs", job.Strategy},
	{Group: "batch", Kind: "CronJob"}:                   {"cronjobs", cronjob.Strategy},
	{Group: "policy", Kind: "PodDisruptionBudget"}:      {"poddisruptionbudgets", poddisruptionbudget.Strategy},
	{Group: "networking.k8s.io", Kind: "NetworkPolicy"}: {"networkpolicies", networkpolicy.Strategy},
}

type checker struct {
	decoder     runtime.Decoder
	podSecurity *podSecurity // nil: --pss none
}

type verdict struct {
	object   string   // Kind/name
	problems []string // the upstream messages; empty when the object is accepted
	warnings []string // what the API server would send back as warnings
}

func newChecker(level *psaapi.LevelVersion) (*checker, error) {
	scheme := legacyscheme.Scheme
	// The serializer kube-apiserver uses for a request with fieldValidation=Strict (kubectl's
	// default): duplicate and unknown fields are errors.
	decoder := json.NewSerializerWithOptions(json.DefaultMetaFactory, scheme, scheme,
		json.SerializerOptions{Yaml: true, Strict: true})
	c := &checker{decoder: decoder}
	if level != nil {
		ps, err := newPodSecurity(*level)
		if err != nil {
			return nil, err
		}
		c.podSecurity = ps
	}
	return c, nil
}

// objectHead is what apicheck reads of an object before decoding it: its type, name and namespace.
type objectHead struct {
	metav1.TypeMeta `json:",inline"`
	Metadata        struct {
		Name         string `json:"name"`
		GenerateName string `json:"generateName"`
		Namespace    string `json:"namespace"`
	} `json:"metadata"`
}

// name is the object's name, or its generateName followed by "*" (the API server adds the rest).
func (h *objectHead) name() string {
	if h.Metadata.Name == "" && h.Metadata.GenerateName != "" {
		return h.Metadata.GenerateName + "*"
	}
	return h.Metadata.Name
}

// readHead reads one object's head and finds its kind among those apicheck checks; an error is
// input no mode of apicheck can check.
func readHead(data []byte) (*objectHead, schema.GroupVersion, resource, error) {
	var head objectHead
	if err := yaml.Unmarshal(data, &head); err != nil {
		return nil, schema.GroupVersion{}, resource{}, fmt.Errorf("not a Kubernetes object: %v", err)
	}
	if head.Kind == "" || head.APIVersion == "" {
		return nil, schema.GroupVersion{}, resource{}, fmt.Errorf("not a Kubernetes object: apiVersion and kind are required")
	}
	gv, err := schema.ParseGroupVersion(head.APIVersion)
	if err != nil {
		return nil, schema.GroupVersion{}, resource{}, fmt.Errorf("apiVersion %q: %v", head.APIVersion, err)
	}
	res, ok := resources[gv.WithKind(head.Kind).GroupKind()]
	if !ok {
		return nil, schema.GroupVersion{}, resource{}, fmt.Errorf("%s %s: apicheck does not check this kind", head.APIVersion, head.Kind)
	}
	return &head, gv, res, nil
}

// check runs one object (a YAML document) through the create path; an error is input it cannot check.
func (c *checker) check(data []byte) (*verdict, error) {
	head, gv, res, err := readHead(data)
	if err != nil {
		return nil, err
	}
	gvk := gv.WithKind(head.Kind)
	v := &verdict{object: head.Kind + "/" + head.name()}

	// Decoding: strict errors come back with the decoded object, as they do in the API server.
	versioned, _, err := c.decoder.Decode(data, nil, nil)
	if err != nil {
		if !runtime.IsStrictDecodingError(err) || versioned == nil {
			v.problems = append(v.problems, err.Error())
			return v, nil
		}
		v.problems = append(v.problems, err.Error())
	}
	scheme := legacyscheme.Scheme
	scheme.Default(versioned)
	internal, err := scheme.ConvertToVersion(versioned, schema.GroupVersion{Group: gv.Group, Version: runtime.APIVersionInternal})
	if err != nil {
		v.problems = append(v.problems, err.Error())
		return v, nil
	}

	ctx, warnings := requestContext(gvk, res.plural, head.Metadata.Namespace, head.Metadata.Name)
	if err := create(ctx, res.strategy, internal); err != nil {
		v.problems = append(v.problems, err.Error())
	}
	v.warnings = warnings.texts

	if c.podSecurity != nil {
		// Admission sees the object after PrepareForCreate, converted back to the version it came in.
		external, err := scheme.ConvertToVersion(internal, gv)
		if err != nil {
			v.problems = append(v.problems, err.Error())
			return v, nil
		}
		if problem := c.podSecurity.evaluate(external); problem != "" {
			v.problems = append(v.problems, problem)
		}
	}
	return v, nil
}

// create does what genericregistry.Store.create does before it writes to storage.
func create(ctx context.Context, strategy rest.RESTCreateStrategy, obj runtime.Object) error {
	objectMeta, err := meta.Accessor(obj)
	if err != nil {
		return err
	}
	rest.FillObjectMetaSystemFields(objectMeta)
	if len(objectMeta.GetGenerateName()) > 0 && len(objectMeta.GetName()) == 0 {
		objectMeta.SetName(strategy.GenerateName(objectMeta.GetGenerateName()))
	}
	if svc, ok := obj.(*api.Service); ok {
		normalizeClusterIPs(svc)
	}
	return rest.BeforeCreate(strategy, ctx, obj)
}

// normalizeClusterIPs is the create half of the Service storage's BeginCreate hook
// (pkg/registry/core/service/storage.normalizeClusterIPs, unexported): a client that sets only
// the singular clusterIP gets the plural clusterIPs from it, before validation looks at them.
// The rest of that hook allocates IPs and node ports from the cluster's ranges, which depend
// on a cluster's configuration, and so is not run here.
func normalizeClusterIPs(svc *api.Service) {
	if len(svc.Spec.ClusterIP) > 0 && len(svc.Spec.ClusterIPs) == 0 {
		svc.Spec.ClusterIPs = []string{svc.Spec.ClusterIP}
	}
}

// requestContext is the context a create request carries into the registry: its namespace,
// its request info and a recorder for the warnings the strategy adds.
func requestContext(gvk schema.GroupVersionKind, plural, namespace, name string) (context.Context, *warningRecorder) {
	if namespace == "" {
		namespace = metav1.NamespaceDefault
	}
	ctx := genericapirequest.WithNamespace(context.Background(), namespace)
	ctx = genericapirequest.WithRequestInfo(ctx, &genericapirequest.RequestInfo{
		IsResourceRequest: true,
		Verb:              "create",
		APIPrefix:         apiPrefix(gvk.Group),
		APIGroup:          gvk.Group,
		APIVersion:        gvk.Version,
		Namespace:         namespace,
		Resource:          plural,
		Name:              name,
	})
	recorder := &warningRecorder{}
	return warning.WithWarningRecorder(ctx, recorder), recorder
}

func apiPrefix(group string) string {
	if group == "" {
		return "api"
	}
	return "apis"
}

type warningRecorder struct{ texts []string }

func (r *warningRecorder) AddWarning(_, text string) { r.texts = append(r.texts, text) }
