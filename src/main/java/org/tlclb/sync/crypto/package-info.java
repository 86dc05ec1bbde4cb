/**
 * Native cryptography for a JVM that runs without C2: Conscrypt (BoringSSL through JNI) supplies
 * the SSH transport's AES-GCM and the SHA-256 of {@code --checksum}, which the JDK's providers
 * run fast only in C2-compiled code.
 */
package org.tlclb.sync.crypto;
