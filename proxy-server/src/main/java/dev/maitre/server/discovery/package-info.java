/** Finding a cluster's backends by DNS while maitre runs, and following their records' changes. */
package dev.maitre.server.discovery;
