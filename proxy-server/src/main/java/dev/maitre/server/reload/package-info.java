/** Reloading the configuration file while maitre runs: what may change live and how it is swapped in. */
package dev.maitre.server.reload;
