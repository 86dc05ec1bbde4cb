/** Orchestrates a run across nodes: parallelism, all-or-nothing commit, retries, lock. */
package org.tlclb.sync.run;
