/** JMH benchmarks of maitre's data plane and the comparison harness against nginx and HAProxy. */
package dev.maitre.bench;
