/** Pure functions from the source and node manifests to a node's plan of changes. */
package org.tlclb.sync.plan;
