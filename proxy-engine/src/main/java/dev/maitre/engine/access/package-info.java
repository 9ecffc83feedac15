/**
 * The access log's vocabulary: what the data plane records of each request ({@link
 * dev.maitre.engine.access.AccessRecord}), where it hands the record ({@link
 * dev.maitre.engine.access.AccessLog}) and the line formats a record is written in ({@link
 * dev.maitre.engine.access.AccessLineFormat}). Writing the lines out is the server's.
 */
package dev.maitre.engine.access;
