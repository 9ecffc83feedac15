/**
 * Active checks: HTTP and TCP probes on a small Netty client of their own, separate from the data
 * plane's connections and event loops.
 */
package dev.maitre.health.check;
