/**
 * The PROXY protocol (HAProxy's specification, v1 text and v2 binary) on both sides of maitre: a
 * listener's connections from its trusted proxies open with a header naming the client
 * ({@link ProxyHeaderReader}), whose addresses stand for the connection's own from then on
 * ({@link ClientAddresses}); a cluster's backend connections open with a header maitre writes
 * ({@link ProxyHeaderWriter}).
 */
package dev.maitre.engine.proxyprotocol;
