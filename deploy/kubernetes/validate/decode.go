package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	kjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

// manifests holds every object of the directory, decoded into the Kubernetes API's own types.
type manifests struct {
	namespace   string
	images      []kustomizeImage
	deployments []object[appsv1.Deployment]
	services    []object[corev1.Service]
	configMaps  []object[corev1.ConfigMap]
	budgets     []object[policyv1.PodDisruptionBudget]
}

// object is a decoded manifest with the file it came from, for the messages.
type object[T any] struct {
	file  string
	value T
}

// kustomization is the part of kustomize's Kustomization that this directory uses; any other
// field is refused, so that nothing in it goes unchecked.
type kustomization struct {
	APIVersion string           `json:"apiVersion"`
	Kind       string           `json:"kind"`
	Namespace  string           `json:"namespace,omitempty"`
	Resources  []string         `json:"resources"`
	Images     []kustomizeImage `json:"images,omitempty"`
}

type kustomizeImage struct {
	Name    string `json:"name"`
	NewName string `json:"newName,omitempty"`
	NewTag  string `json:"newTag,omitempty"`
	Digest  string `json:"digest,omitempty"`
}

type typeMeta struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
}

// load reads dir/kustomization.yaml and every resource it lists, each document decoded strictly:
// a field the type does not have, a value of the wrong type or a key given twice is an error.
func load(dir string) (*manifests, error) {
	data, err := os.ReadFile(filepath.Join(dir, "kustomization.yaml"))
	if err != nil {
		return nil, err
	}
	var k kustomization
	if err := yaml.UnmarshalStrict(data, &k); err != nil {
		return nil, fmt.Errorf("kustomization.yaml: %w", err)
	}
	if k.APIVersion != "kustomize.config.k8s.io/v1beta1" || k.Kind != "Kustomization" {
		return nil, fmt.Errorf("kustomization.yaml: %s %s (expected: kustomize.config.k8s.io/v1beta1 Kustomization)",
			k.APIVersion, k.Kind)
	}
	if err := everyFileListed(dir, k.Resources); err != nil {
		return nil, err
	}
	m := &manifests{namespace: k.Namespace, images: k.Images}
	var errs []error
	for _, file := range k.Resources {
		if err := m.decodeFile(dir, file); err != nil {
			errs = append(errs, err)
		}
	}
	return m, errors.Join(errs...)
}

// everyFileListed refuses a manifest in the directory that kustomization.yaml leaves out: it
// would be neither applied nor checked.
func everyFileListed(dir string, resources []string) error {
	listed := map[string]bool{}
	for _, r := range resources {
		listed[r] = true
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return err
	}
	var missing []string
	for _, f := range files {
		name := filepath.Base(f)
		if name != "kustomization.yaml" && !listed[name] {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		return fmt.Errorf("kustomization.yaml: resources lacks %s (expected: every manifest of the directory)",
			strings.Join(missing, ", "))
	}
	return nil
}

func (m *manifests) decodeFile(dir, file string) error {
	f, err := os.Open(filepath.Join(dir, file))
	if err != nil {
		return err
	}
	defer f.Close()
	reader := utilyaml.NewYAMLReader(bufio.NewReader(f))
	var errs []error
	for n := 1; ; n++ {
		doc, err := reader.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		if len(bytes.TrimSpace(stripComments(doc))) == 0 {
			continue
		}
		if err := m.decode(fmt.Sprintf("%s (document %d)", file, n), doc); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (m *manifests) decode(where string, doc []byte) error {
	var meta typeMeta
	if err := yaml.Unmarshal(doc, &meta); err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	var err error
	switch meta.APIVersion + " " + meta.Kind {
	case "apps/v1 Deployment":
		m.deployments, err = appendStrict(m.deployments, where, doc)
	case "v1 Service":
		m.services, err = appendStrict(m.services, where, doc)
	case "v1 ConfigMap":
		m.configMaps, err = appendStrict(m.configMaps, where, doc)
	case "policy/v1 PodDisruptionBudget":
		m.budgets, err = appendStrict(m.budgets, where, doc)
	default:
		err = fmt.Errorf("%s: %q %q (expected: apps/v1 Deployment, v1 Service, v1 ConfigMap or policy/v1 PodDisruptionBudget)",
			where, meta.APIVersion, meta.Kind)
	}
	return err
}

// appendStrict decodes as the API server does in its strict field validation (sigs.k8s.io/json):
// field names are case-sensitive, and an unknown or repeated one is named by its path.
func appendStrict[T any](list []object[T], where string, doc []byte) ([]object[T], error) {
	data, err := yaml.YAMLToJSONStrict(doc)
	if err != nil {
		return list, fmt.Errorf("%s: %w", where, err)
	}
	var value T
	strict, err := kjson.UnmarshalStrict(data, &value, kjson.DisallowUnknownFields, kjson.DisallowDuplicateFields)
	if err != nil {
		return list, fmt.Errorf("%s: %w", where, err)
	}
	if len(strict) > 0 {
		var errs []error
		for _, e := range strict {
			errs = append(errs, fmt.Errorf("%s: %w", where, e))
		}
		return list, errors.Join(errs...)
	}
	return append(list, object[T]{file: where, value: value}), nil
}

func stripComments(doc []byte) []byte {
	var out []byte
	for _, line := range bytes.Split(doc, []byte("\n")) {
		if t := bytes.TrimSpace(line); len(t) > 0 && t[0] != '#' {
			out = append(out, line...)
			out = append(out, '\n')
		}
	}
	return out
}
