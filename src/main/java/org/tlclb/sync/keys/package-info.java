/** tlclb keys install: the user's public key into authorized_keys of every node. */
package org.tlclb.sync.keys;
