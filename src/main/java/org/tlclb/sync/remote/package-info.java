/**
 * A node's file tree as this run may touch it: which directories others than root and the login
 * can change (and so swap an entry for a link at any moment), where the destination really is,
 * and how to reach an entry through a directory held open on the node instead of by its path.
 */
package org.tlclb.sync.remote;
