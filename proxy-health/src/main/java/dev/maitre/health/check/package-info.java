/**
 * Active checks: HTTP (over HTTP/1.1, or HTTP/2 to clusters spoken to in it), gRPC and TCP probes on a
 * small Netty client of their own, separate from the data plane's connections and event loops.
 */
package dev.maitre.health.check;
