/** The clock and timer health checking runs on, injected so that its timing can be tested on virtual time. */
package dev.maitre.health.time;
