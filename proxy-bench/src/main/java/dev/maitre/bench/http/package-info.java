/** Benchmarks of reading HTTP/1.1 messages, apart from any connection. */
package dev.maitre.bench.http;
