package main

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// services: each Service that selects maitre's pods sends its ports to listeners, never to the admin API.
func (c *checker) services(m *manifests, d *deployment, ports map[int32]corev1.ContainerPort) {
	_, admin, _ := bindAddress("admin.bind", d.config.Admin.Bind)
	found := false
	for _, s := range m.services {
		spec := s.value.Spec
		if len(spec.Selector) == 0 || !labels.SelectorFromSet(spec.Selector).Matches(labels.Set(d.value.Spec.Template.Labels)) {
			continue
		}
		found = true
		for _, p := range spec.Ports {
			target := p.TargetPort
			if target.Type == intstr.Int && target.IntVal == 0 {
				target = intstr.FromInt32(p.Port)
			}
			n, ok := resolve(target, ports)
			switch {
			case !ok:
				c.fail("%s: Service %s port %s: targetPort %s is not a port of container %s", s.file, s.value.Name, p.Name, target.String(), containerName)
			case n == int32(admin):
				c.fail("%s: Service %s port %s: targetPort %s is the admin API (expected: a listener's port)", s.file, s.value.Name, p.Name, target.String())
			}
		}
	}
	if !found {
		c.fail("no Service selects the pod template's labels %v (expected: maitre's Service)", d.value.Spec.Template.Labels)
	}
}

func (c *checker) budgets(m *manifests, d *deployment) {
	found := false
	for _, b := range m.budgets {
		if !selects(b.value.Spec.Selector, d.value.Spec.Template.Labels) {
			c.fail("%s: PodDisruptionBudget %s selector %s does not select maitre's pods %v", b.file, b.value.Name,
				metav1.FormatLabelSelector(b.value.Spec.Selector), d.value.Spec.Template.Labels)
			continue
		}
		found = true
		spec := b.value.Spec
		replicas := int32(1)
		if d.value.Spec.Replicas != nil {
			replicas = *d.value.Spec.Replicas
		}
		switch {
		case (spec.MinAvailable == nil) == (spec.MaxUnavailable == nil):
			c.fail("%s: PodDisruptionBudget %s (expected: one of minAvailable or maxUnavailable)", b.file, b.value.Name)
		case spec.MaxUnavailable != nil && spec.MaxUnavailable.Type == intstr.Int && spec.MaxUnavailable.IntVal < 1:
			c.fail("%s: maxUnavailable %d (expected: at least 1, or no node could ever be drained)", b.file, spec.MaxUnavailable.IntVal)
		case spec.MinAvailable != nil && spec.MinAvailable.Type == intstr.Int && spec.MinAvailable.IntVal >= replicas:
			c.fail("%s: minAvailable %d (expected: fewer than the %d replicas, or no node could ever be drained)", b.file, spec.MinAvailable.IntVal, replicas)
		}
	}
	if !found {
		c.fail("no PodDisruptionBudget selects maitre's pods %v", d.value.Spec.Template.Labels)
	}
}

// discovery: a cluster found by DNS names a headless Service of the manifests, on a port it has,
// whose pods are not maitre's own.
func (c *checker) discovery(m *manifests, d *deployment) {
	namespace := m.namespace
	if namespace == "" {
		namespace = "default"
	}
	for i, cl := range d.config.Clusters {
		if cl.Discovery == nil || cl.Discovery.DNS == nil {
			continue
		}
		dns := cl.Discovery.DNS
		key := fmt.Sprintf("maitre.yaml clusters[%d].discovery.dns", i)
		name, ok := strings.CutSuffix(dns.Name, "."+namespace+".svc.cluster.local")
		if !ok || strings.Contains(name, ".") {
			c.fail("%s.name: %s (expected: <service>.%s.svc.cluster.local)", key, dns.Name, namespace)
			continue
		}
		var service *object[corev1.Service]
		for j := range m.services {
			if m.services[j].value.Name == name {
				service = &m.services[j]
			}
		}
		if service == nil {
			c.fail("%s.name: %s: no Service %s among the manifests", key, dns.Name, name)
			continue
		}
		spec := service.value.Spec
		if spec.ClusterIP != corev1.ClusterIPNone {
			c.fail("%s: Service %s is not headless (expected: clusterIP: None, so its name resolves to every pod and maitre balances)", service.file, name)
		}
		if len(spec.Selector) > 0 && labels.SelectorFromSet(spec.Selector).Matches(labels.Set(d.value.Spec.Template.Labels)) {
			c.fail("%s: Service %s selects maitre's own pods (expected: the backends')", service.file, name)
		}
		served := false
		for _, p := range spec.Ports {
			target := p.Port
			if p.TargetPort.Type == intstr.Int && p.TargetPort.IntVal != 0 {
				target = p.TargetPort.IntVal
			}
			served = served || int(target) == dns.Port
		}
		if !served {
			c.fail("%s.port: %d (expected: a port of Service %s; a headless Service's name gives the pods' addresses, so the pods' port)", key, dns.Port, name)
		}
	}
}
