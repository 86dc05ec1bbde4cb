/**
 * OpenSSH client configuration ({@code ~/.ssh/config}, {@code /etc/ssh/ssh_config}) read the way
 * {@code ssh -G} reads it: Host and Match blocks, Include, first value wins.
 */
package org.tlclb.sync.ssh.config;
