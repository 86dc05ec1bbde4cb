/**
 * Keeps the test suite off the machine it runs on: every test JVM gets its state paths pointed at
 * {@code target/test-state} (pom.xml), and {@link org.tlclb.sync.hermetic.MachineStateGuard} fails
 * the run when the suite wrote the machine's own lock directory, log directory, {@code ~/.ssh} or
 * sync.conf directories anyway.
 */
package org.tlclb.sync.hermetic;
