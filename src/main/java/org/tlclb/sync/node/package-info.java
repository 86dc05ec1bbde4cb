/** An embedded SSH node (MINA SSHD: SCP, SFTP, checksum exec) whose filesystem is rooted at a local directory. */
package org.tlclb.sync.node;
