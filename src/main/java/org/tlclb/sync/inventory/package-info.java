/** Reads a node's destination tree over SFTP into a Manifest. */
package org.tlclb.sync.inventory;
