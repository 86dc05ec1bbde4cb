package org.tlclb.sync.config;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * How a path on the nodes must be written: in its one form, without {@code .} or {@code ..} components or doubled
 * slashes (trailing slashes are dropped, as a shell's completion adds one). A path written otherwise is refused with
 * the form to type instead, never used as typed: {@code /var/www/../html} is {@code /var/html} only when
 * {@code www} is not a link on the node, and a run must not guess which directory was meant (issue 29, part 7).
 */
public final class PathSpelling {
    private PathSpelling() {
    }

    /** Why absolute {@code path} is not in its one form ("has a '..' component"...), or null when it is. */
    public static String problem(String path) {
        List<String> parts = Arrays.asList(withoutTrailingSlashes(path).substring(1).split("/", -1));
        if (parts.contains("..")) {
            return "has a '..' component";
        } else if (parts.contains(".")) {
            return "has a '.' component";
        } else if (parts.contains("") && !withoutTrailingSlashes(path).equals("/")) {
            return "has a doubled slash";
        }
        return null;
    }

    /** The form of absolute {@code path} read as written: '.' and empty components dropped, '..' taking one off. */
    public static String normalized(String path) {
        Deque<String> kept = new ArrayDeque<>();
        for (String part : path.split("/")) {
            if (part.equals("..")) {
                kept.pollLast();
            } else if (!part.isEmpty() && !part.equals(".")) {
                kept.addLast(part);
            }
        }
        return "/" + String.join("/", kept);
    }

    /** {@code path} without trailing slashes ("/" stays "/"). */
    public static String withoutTrailingSlashes(String path) {
        String p = path;
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }
}
