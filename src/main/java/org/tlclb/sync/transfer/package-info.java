/** Executes a node plan: SCP streaming into temporary names, then commit by rename, deletes and backups. */
package org.tlclb.sync.transfer;
