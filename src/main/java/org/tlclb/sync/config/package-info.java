/** Reads {@code sync.conf} into immutable records and resolves the list of nodes a run pushes to. */
package org.tlclb.sync.config;
