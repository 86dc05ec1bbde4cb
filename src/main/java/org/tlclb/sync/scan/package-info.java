/** Walks the source tree into a Manifest of entries (path, type, size, mtime, mode, link target, hash). */
package org.tlclb.sync.scan;
