/** The data plane of maitre on Netty. */
package dev.maitre.engine;
