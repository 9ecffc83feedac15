/**
 * The access log's writing: records handed over by the event loops are formatted and written by one
 * thread of its own, to standard output or a file reopened on request.
 */
package dev.maitre.server.access;
