/**
 * The WebSocket workload of the comparison harness ({@code proxy-bench/compare/run}): a closed-loop
 * load client that echoes small messages over many tunnels and reports messages/s and latency
 * percentiles ({@link dev.maitre.bench.ws.WebSocketLoad}), and the echo backend it talks to
 * through each proxy ({@link dev.maitre.bench.ws.WebSocketEchoBackend}).
 */
package dev.maitre.bench.ws;
