package org.tlclb.sync.ssh.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * ssh's expansion of file names in IdentityFile, UserKnownHostsFile and IdentityAgent: a leading {@code ~}, the
 * {@code %} tokens of ssh_config(5) TOKENS, and {@code ${VAR}} environment variables.
 *
 * @param home       %d and ~
 * @param localHost  %l, this machine's name
 * @param typedHost  %n, the host as typed
 * @param remoteHost %h, the host name after HostName
 * @param port       %p
 * @param remoteUser %r
 * @param localUser  %u
 * @param uid        %i
 * @param keyAlias   %k, HostKeyAlias or the host as typed
 * @param jump       %j, the ProxyJump hop, or empty
 * @param env        the environment for ${VAR}
 */
public record Tokens(Path home, String localHost, String typedHost, String remoteHost, int port, String remoteUser,
                     String localUser, long uid, String keyAlias, String jump, Map<String, String> env) {

    /** The expanded text; a token ssh does not know is an error, as it is for ssh. */
    public String expand(String text, String what) throws SshConfigException {
        String s = text;
        if (s.equals("~") || s.startsWith("~/")) {
            s = home + s.substring(1);
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '$' && i + 1 < s.length() && s.charAt(i + 1) == '{') {
                int end = s.indexOf('}', i);
                if (end < 0) {
                    throw new SshConfigException(what + " '" + text + "': unterminated ${");
                }
                String name = s.substring(i + 2, end);
                String value = env.get(name);
                if (value == null) {
                    throw new SshConfigException(what + " '" + text + "': environment variable " + name
                            + " is not set");
                }
                out.append(value);
                i = end;
            } else if (c == '%' && i + 1 < s.length()) {
                out.append(token(s.charAt(++i), text, what));
            } else if (c == '%') {
                throw new SshConfigException(what + " '" + text + "': '%' at the end");
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * ProxyCommand's expansion: the {@code %} tokens only; {@code ~} and {@code $VAR} are left to the
     * shell that runs the command, as ssh leaves them.
     */
    public String expandTokens(String text, String what) throws SshConfigException {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '%') {
                out.append(c);
            } else if (i + 1 < text.length()) {
                out.append(token(text.charAt(++i), text, what));
            } else {
                throw new SshConfigException(what + " '" + text + "': '%' at the end");
            }
        }
        return out.toString();
    }

    private String token(char t, String text, String what) throws SshConfigException {
        return switch (t) {
            case '%' -> "%";
            case 'd' -> home.toString();
            case 'h' -> remoteHost;
            case 'l' -> localHost;
            case 'L' -> localHost.contains(".") ? localHost.substring(0, localHost.indexOf('.')) : localHost;
            case 'n' -> typedHost;
            case 'p' -> Integer.toString(port);
            case 'r' -> remoteUser;
            case 'u' -> localUser;
            case 'i' -> Long.toString(uid);
            case 'k' -> keyAlias;
            case 'j' -> jump;
            case 'C' -> connectionHash();
            default -> throw new SshConfigException(what + " '" + text + "': unknown token %" + t);
        };
    }

    /** %C: SHA-1 of %l%h%p%r%j in hex, as ssh's ssh_connection_hash. */
    private String connectionHash() {
        try {
            byte[] d = MessageDigest.getInstance("SHA-1").digest(
                    (localHost + remoteHost + port + remoteUser + jump).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every Java runtime", e);
        }
    }
}
