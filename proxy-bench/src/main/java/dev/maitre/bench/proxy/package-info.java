/**
 * Benchmarks of the whole proxy path: the real engine in-process, a Netty backend and blocking
 * clients, all on loopback. Each benchmark measures the same exchange with and without maitre in
 * the path ({@link dev.maitre.bench.proxy.Target}), so a result reads as a share of the direct path.
 */
package dev.maitre.bench.proxy;
