package main

import (
	"math"
	"regexp"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// What the JVM needs beside its heap and direct memory: classes, compiled code, thread stacks,
// the collector's own structures.
const jvmOverhead = 128 << 20

func (c *checker) security(d *deployment) {
	pod := d.value.Spec.Template.Spec.SecurityContext
	sc := d.container.SecurityContext
	if sc == nil {
		sc = &corev1.SecurityContext{}
	}
	nonRoot := sc.RunAsNonRoot
	if nonRoot == nil && pod != nil {
		nonRoot = pod.RunAsNonRoot
	}
	if nonRoot == nil || !*nonRoot {
		c.fail("%s: runAsNonRoot is not true", d.where)
	}
	if sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
		c.fail("%s: container %s: readOnlyRootFilesystem is not true", d.where, containerName)
	}
	if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
		c.fail("%s: container %s: allowPrivilegeEscalation is not false", d.where, containerName)
	}
	if sc.Privileged != nil && *sc.Privileged {
		c.fail("%s: container %s: privileged (expected: false)", d.where, containerName)
	}
	if sc.Capabilities == nil || !containsCapability(sc.Capabilities.Drop, "ALL") || len(sc.Capabilities.Add) > 0 {
		c.fail("%s: container %s: capabilities (expected: drop ALL, add none: maitre's ports are above 1024)", d.where, containerName)
	}
	writableTmp := false
	for _, mount := range d.container.VolumeMounts {
		if mount.MountPath == "/tmp" && !mount.ReadOnly {
			writableTmp = true
		}
	}
	if !writableTmp {
		c.fail("%s: container %s: no writable /tmp (expected: an emptyDir; the JVM and Netty's native library need it)", d.where, containerName)
	}
}

var (
	ramPercentage = regexp.MustCompile(`(?:^|\s)-XX:MaxRAMPercentage=([0-9.]+)(?:\s|$)`)
	directMemory  = regexp.MustCompile(`(?:^|\s)-XX:MaxDirectMemorySize=([0-9]+)([kKmMgG]?)(?:\s|$)`)
	fixedHeap     = regexp.MustCompile(`(?:^|\s)-Xmx`)
)

// memory: the JVM's heap is a share of the limit, and heap + direct memory + the JVM's own needs
// fit under it.
func (c *checker) memory(d *deployment) {
	limits, requests := d.container.Resources.Limits, d.container.Resources.Requests
	limit, ok := limits[corev1.ResourceMemory]
	if !ok {
		c.fail("%s: container %s: no memory limit", d.where, containerName)
		return
	}
	if _, ok := requests[corev1.ResourceMemory]; !ok {
		c.fail("%s: container %s: no memory request", d.where, containerName)
	}
	if _, ok := requests[corev1.ResourceCPU]; !ok {
		c.fail("%s: container %s: no cpu request", d.where, containerName)
	}
	if cpu, ok := limits[corev1.ResourceCPU]; ok && d.config.Workers > 0 &&
		float64(d.config.Workers) > math.Ceil(cpu.AsApproximateFloat64()) {
		c.fail("maitre.yaml workers: %d (expected: at most the container's cpu limit, %s)", d.config.Workers, cpu.String())
	}
	opts := env(d.container, "MAITRE_JAVA_OPTS")
	share := ramPercentage.FindStringSubmatch(opts)
	if share == nil || fixedHeap.MatchString(opts) {
		c.fail("%s: MAITRE_JAVA_OPTS %q (expected: -XX:MaxRAMPercentage=<n> and no -Xmx, so the heap follows the memory limit)", d.where, opts)
		return
	}
	percent, _ := strconv.ParseFloat(share[1], 64)
	heap := float64(limit.Value()) * percent / 100
	direct := heap // the JVM's default: as much as the heap
	if m := directMemory.FindStringSubmatch(opts); m != nil {
		q := resource.MustParse(m[1] + map[string]string{"": "", "k": "Ki", "K": "Ki", "m": "Mi", "M": "Mi", "g": "Gi", "G": "Gi"}[m[2]])
		direct = float64(q.Value())
	}
	if total := heap + direct + jvmOverhead; total > float64(limit.Value()) {
		c.fail("%s: heap %s (MaxRAMPercentage %s of %s) + direct memory %s + %s for the JVM = %s (expected: at most the memory limit %s)",
			d.where, mib(heap), share[1], limit.String(), mib(direct), mib(jvmOverhead), mib(total), limit.String())
	}
}
