package org.tlclb.sync.scan;

/** File names as data: how one is shown on one line of a report, whatever bytes it holds. */
public final class Names {
    private Names() {
    }

    /**
     * A name as one printable line: control characters, and the bytes of a name that are not UTF-8
     * ({@link RawNames}), escaped as rsync does ("\#012", "\#377").
     */
    public static String printable(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\#%03o", (int) c));
            } else if (RawNames.escaped(c)) {
                sb.append(String.format("\\#%03o", c - 0xDC00));
            } else if (c == '\\') {
                sb.append("\\\\");
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /**
     * A name for a JSON string, which carries any character but no lone byte: each byte that is
     * not UTF-8 written as in {@link #printable} ("\#377"), everything else as it is.
     */
    public static String jsonSafe(String name) {
        if (name.chars().noneMatch(RawNames::escaped)) {
            return name;
        }
        StringBuilder sb = new StringBuilder(name.length() + 8);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            sb.append(RawNames.escaped(c) ? String.format("\\#%03o", c - 0xDC00) : String.valueOf(c));
        }
        return sb.toString();
    }
}
