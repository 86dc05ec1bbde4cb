/** picocli commands and mixins only: they turn options into a SyncRequest and run it. */
package org.tlclb.sync.cli;
