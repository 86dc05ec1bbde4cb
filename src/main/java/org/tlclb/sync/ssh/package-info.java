/** The SSH client of a run: connection, authentication, host-key trust and identities. */
package org.tlclb.sync.ssh;
