/** The deployable maitre proxy. */
package dev.maitre.server;
