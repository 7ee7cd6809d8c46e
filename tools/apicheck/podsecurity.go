package main

import (
	"fmt"

	"k8s.io/apimachinery/pkg/runtime"
	psaadmission "k8s.io/pod-security-admission/admission"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

// podSecurity is Pod Security admission at one level, for every object that has a Pod or a Pod template.
type podSecurity struct {
	level     psaapi.LevelVersion
	evaluator policy.Evaluator
	extractor psaadmission.DefaultPodSpecExtractor
}

func newPodSecurity(level psaapi.LevelVersion) (*podSecurity, error) {
	evaluator, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		return nil, err
	}
	return &podSecurity{level: level, evaluator: evaluator}, nil
}

// evaluate returns the admission's refusal, or "" when the object's Pod passes. The API server
// enforces on Pods and only warns on controllers; here a controller's template is held to the
// same level, since the Pods it creates would be refused.
func (p *podSecurity) evaluate(obj runtime.Object) string {
	metadata, spec, err := p.extractor.ExtractPodSpec(obj)
	if err != nil || spec == nil {
		return "" // no Pod: a ConfigMap, a Service, a PersistentVolumeClaim
	}
	result := policy.AggregateCheckResults(p.evaluator.EvaluatePod(p.level, metadata, spec))
	if result.Allowed {
		return ""
	}
	// The words of the admission's refusal (pod-security-admission/admission.EvaluatePod).
	return fmt.Sprintf("violates PodSecurity %q: %s", p.level.String(), result.ForbiddenDetail())
}
