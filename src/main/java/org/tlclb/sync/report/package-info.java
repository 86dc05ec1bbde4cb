/** Per-node results and the run report, its exit code and its text and JSON renderings. */
package org.tlclb.sync.report;
