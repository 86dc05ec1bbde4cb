/**
 * What the admin host knows of the cluster between runs: per destination, which generation each
 * node holds, since when one is behind and why ({@link org.tlclb.sync.state.ClusterMemory} decides,
 * {@link org.tlclb.sync.state.StateStore} keeps it on disk, {@link org.tlclb.sync.state.CatchUp}
 * says where a catch-up may push). Pure but for the store; the nodes' own markers are in transfer.
 */
package org.tlclb.sync.state;
